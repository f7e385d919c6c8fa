import type {CheckDefinition} from '../../model.js'
import {autoTlsOutcome} from './listener-auto-tls.js'
import {CLIENT_SIDE} from './sides.js'

export const etcdAutoTls: CheckDefinition = {
  id: 'etcd-auto-tls',
  title: 'etcd does not serve clients a self-signed certificate',
  component: 'etcd',
  severity: 'medium',
  cis: [{benchmark: 'cis-1.12', id: '2.3', title: 'Ensure that the --auto-tls argument is not set to true'}],
  kubeHunter: [],
  kubescape: ['C-0155'],
  remediation:
    'Remove --auto-tls (or set it to false) in /etc/kubernetes/manifests/etcd.yaml and give etcd --cert-file and --key-file from the etcd CA instead. The certificate auto-TLS generates is signed by nobody, so clients must skip verification to connect, and it also throws away --client-cert-auth and --trusted-ca-file.',
  evaluate: (ctx) => autoTlsOutcome(ctx, CLIENT_SIDE),
}
