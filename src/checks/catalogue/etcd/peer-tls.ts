import type {CheckDefinition} from '../../model.js'
import {transportOutcome} from './listener-transport.js'
import {PEER_SIDE} from './sides.js'

export const etcdPeerTls: CheckDefinition = {
  id: 'etcd-peer-tls',
  title: 'etcd members talk to each other over TLS',
  component: 'etcd',
  severity: 'high',
  cis: [{benchmark: 'cis-1.12', id: '2.4', title: 'Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate'}],
  kubeHunter: [],
  kubescape: ['C-0156'],
  remediation:
    'In /etc/kubernetes/manifests/etcd.yaml give etcd a peer certificate signed by the etcd CA (--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt, --peer-key-file=/etc/kubernetes/pki/etcd/peer.key) and make --listen-peer-urls and --initial-advertise-peer-urls https://. Raft replicates every write, Secrets included, over this port, so plain HTTP here leaks the whole database to anyone on the path between members.',
  evaluate: (ctx) => transportOutcome(ctx, PEER_SIDE),
}
