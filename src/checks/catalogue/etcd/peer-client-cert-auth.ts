import type {CheckDefinition} from '../../model.js'
import {clientAuthOutcome} from './listener-client-auth.js'
import {PEER_SIDE} from './sides.js'

export const etcdPeerClientCertAuth: CheckDefinition = {
  id: 'etcd-peer-client-cert-auth',
  title: 'etcd demands a certificate from its peers',
  component: 'etcd',
  severity: 'high',
  cis: [{benchmark: 'cis-1.12', id: '2.5', title: 'Ensure that the --peer-client-cert-auth argument is set to true'}],
  kubeHunter: [],
  kubescape: ['C-0157'],
  remediation:
    'In /etc/kubernetes/manifests/etcd.yaml set --peer-client-cert-auth=true and --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt, and remove --peer-auto-tls: without a peer certificate of its own it switches peer authentication off. Then only members holding a peer certificate from the etcd CA can join the raft conversation.',
  evaluate: (ctx) => clientAuthOutcome(ctx, PEER_SIDE),
}
