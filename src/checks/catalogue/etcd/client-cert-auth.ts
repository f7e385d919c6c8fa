import type {CheckDefinition} from '../../model.js'
import {clientAuthOutcome} from './listener-client-auth.js'
import {CLIENT_SIDE} from './sides.js'

export const etcdClientCertAuth: CheckDefinition = {
  id: 'etcd-client-cert-auth',
  title: 'etcd demands a client certificate from its clients',
  component: 'etcd',
  severity: 'critical',
  cis: [{benchmark: 'cis-1.12', id: '2.2', title: 'Ensure that the --client-cert-auth argument is set to true'}],
  kubeHunter: ['KHV033'],
  kubescape: ['C-0154'],
  remediation:
    'In /etc/kubernetes/manifests/etcd.yaml set --client-cert-auth=true and --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt (the etcd CA, which only kube-apiserver\'s etcd client certificate should come from), and remove --auto-tls: without a certificate of its own it switches client authentication off. Both flags matter: etcd already asks for client certificates when a trusted CA is set, so opening etcd took removing the CA as well as turning the flag off.',
  evaluate: (ctx) => clientAuthOutcome(ctx, CLIENT_SIDE),
}
