import type {CheckDefinition} from '../../model.js'
import {autoTlsOutcome} from './listener-auto-tls.js'
import {PEER_SIDE} from './sides.js'

export const etcdPeerAutoTls: CheckDefinition = {
  id: 'etcd-peer-auto-tls',
  title: 'etcd does not serve peers a self-signed certificate',
  component: 'etcd',
  severity: 'medium',
  cis: [{benchmark: 'cis-1.12', id: '2.6', title: 'Ensure that the --peer-auto-tls argument is not set to true'}],
  kubeHunter: [],
  kubescape: ['C-0158'],
  remediation:
    'Remove --peer-auto-tls (or set it to false) in /etc/kubernetes/manifests/etcd.yaml and give etcd --peer-cert-file and --peer-key-file from the etcd CA instead. With a generated peer certificate no member can tell a real peer from an impostor, and --peer-client-cert-auth and --peer-trusted-ca-file are thrown away.',
  evaluate: (ctx) => autoTlsOutcome(ctx, PEER_SIDE),
}
