import type {Ports} from '../../../target/types.js'

/**
 * etcd has two listeners with the same TLS knobs: the client port (kube-apiserver, etcdctl) and the
 * peer port (raft between members). The checks for each are the same checks on different flags.
 */
export interface EtcdSide {
  name: 'client' | 'peer'
  /** How evidence and summaries name the listener. */
  label: string
  port: keyof Pick<Ports, 'etcdClient' | 'etcdPeer'>
  certFlag: string
  keyFlag: string
  trustedCaFlag: string
  clientCertAuthFlag: string
  autoTlsFlag: string
  listenFlag: string
  advertiseFlag: string
  /** etcd's own default for both the listen and the advertise flag (`etcd --help`). */
  defaultUrl: string
  /**
   * The GET an attacker sends to see whether the listener answers: the client port's /version
   * ({"etcdserver":"3.4.23","etcdcluster":"3.4.0"}), the peer port's /members (the member list with
   * every member's peer and client URLs), both measured on etcd 3.4.23.
   */
  probePath: string
  /** The check that judges the listener's transport, named in notes of the checks that depend on it. */
  transportCheckId: string
}

export const CLIENT_SIDE: EtcdSide = {
  name: 'client',
  label: 'client port',
  port: 'etcdClient',
  certFlag: 'cert-file',
  keyFlag: 'key-file',
  trustedCaFlag: 'trusted-ca-file',
  clientCertAuthFlag: 'client-cert-auth',
  autoTlsFlag: 'auto-tls',
  listenFlag: 'listen-client-urls',
  advertiseFlag: 'advertise-client-urls',
  defaultUrl: 'http://localhost:2379',
  probePath: '/version',
  transportCheckId: 'etcd-client-tls',
}

export const PEER_SIDE: EtcdSide = {
  name: 'peer',
  label: 'peer port',
  port: 'etcdPeer',
  certFlag: 'peer-cert-file',
  keyFlag: 'peer-key-file',
  trustedCaFlag: 'peer-trusted-ca-file',
  clientCertAuthFlag: 'peer-client-cert-auth',
  autoTlsFlag: 'peer-auto-tls',
  listenFlag: 'listen-peer-urls',
  advertiseFlag: 'initial-advertise-peer-urls',
  defaultUrl: 'http://localhost:2380',
  probePath: '/members',
  transportCheckId: 'etcd-peer-tls',
}
