import type {HttpProbeResult} from '../../../probes/types.js'
import type {WireEvidence} from '../../model.js'
import {wireEvidence} from '../../wire.js'
import {etcdMembersOf, etcdVersionOf, type PortProbes} from './port-probes.js'
import type {EtcdSide} from './sides.js'

/** What an attacker learns from the listener's plain-HTTP answer, in one sentence. */
export function plaintextAnswerNote(side: EtcdSide, plain: HttpProbeResult): string {
  if (side.name === 'client') {
    const version = etcdVersionOf(plain)
    return version
      ? `etcd ${version} answers plain HTTP: everything on this port, Secrets included, travels unencrypted (KHV034), and the version is disclosed (KHV033)`
      : 'the port answers plain HTTP (not with etcd\'s /version answer): whatever listens here uses no TLS'
  }
  const members = etcdMembersOf(plain)
  return members
    ? `the peer port answers plain HTTP with the member list (${members.map(describeMember).join('; ')}): raft traffic, which carries every write, travels unencrypted`
    : 'the port answers plain HTTP (not with etcd\'s /members answer): whatever listens here uses no TLS'
}

function describeMember(member: EtcdMember): string {
  return `${member.name || 'unnamed'}: peer ${member.peerURLs.join(',') || '-'}, client ${member.clientURLs.join(',') || '-'}`
}

type EtcdMember = NonNullable<ReturnType<typeof etcdMembersOf>>[number]

/**
 * Evidence for a listener nobody can judge on the wire: 'unknown' when nothing listens,
 * 'error' (with each probe's failure) when something listens but neither answers HTTP nor speaks TLS.
 */
export function unobservableEvidence(side: EtcdSide, probes: PortProbes): WireEvidence[] {
  if (probes.mode === 'closed') {
    const note = `nothing listens on the ${side.label}: the wire cannot tell`
    return [wireEvidence(probes.plain, 'unknown', note), wireEvidence(probes.tls, 'unknown', note)]
  }
  return [
    wireEvidence(probes.plain, 'error', 'neither a plain-HTTP answer nor a TLS handshake'),
    wireEvidence(probes.tls, 'error', 'neither a plain-HTTP answer nor a TLS handshake'),
  ]
}
