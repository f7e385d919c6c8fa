import type {CheckDefinition} from '../../model.js'
import {transportOutcome} from './listener-transport.js'
import {CLIENT_SIDE} from './sides.js'

export const etcdClientTls: CheckDefinition = {
  id: 'etcd-client-tls',
  title: 'etcd serves its clients over TLS',
  component: 'etcd',
  severity: 'critical',
  cis: [{benchmark: 'cis-1.12', id: '2.1', title: 'Ensure that the --cert-file and --key-file arguments are set as appropriate'}],
  kubeHunter: ['KHV034', 'KHV033'],
  kubescape: ['C-0153'],
  remediation:
    'In /etc/kubernetes/manifests/etcd.yaml give etcd a serving certificate signed by the etcd CA (--cert-file=/etc/kubernetes/pki/etcd/server.crt, --key-file=/etc/kubernetes/pki/etcd/server.key) and make every --listen-client-urls and --advertise-client-urls entry https://: an http:// listen URL serves plain HTTP whatever certificates are set. Point kube-apiserver --etcd-servers at the https:// URL. The kubelet restarts etcd when the manifest changes.',
  evaluate: (ctx) => transportOutcome(ctx, CLIENT_SIDE),
}
