import type {Certificate, DetailedPeerCertificate, TLSSocket} from 'node:tls'
import type {TlsInfo} from './types.js'

export function describeTls(socket: TLSSocket): TlsInfo {
  const peer = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined
  const info: TlsInfo = {
    protocol: socket.getProtocol(),
    verified: socket.authorized,
    ...(socket.authorizationError ? {verifyError: String(socket.authorizationError)} : {}),
  }
  if (peer && peer.fingerprint256) {
    info.peer = {
      subject: formatName(peer.subject),
      issuer: formatName(peer.issuer),
      selfSigned: peer.issuerCertificate?.fingerprint256 === peer.fingerprint256 || formatName(peer.subject) === formatName(peer.issuer),
      fingerprint256: peer.fingerprint256,
      validTo: peer.valid_to,
    }
  }
  return info
}

function formatName(name: Certificate | undefined): string {
  if (!name) return ''
  return Object.entries(name as unknown as Record<string, string | string[]>)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ')
}

/** One line for evidence, e.g. "TLSv1.3, server certificate CN=etcd (self-signed)". */
export function summariseTls(info: TlsInfo): string {
  const parts = [info.protocol ?? 'TLS']
  if (info.peer) parts.push(`server certificate ${info.peer.subject}${info.peer.selfSigned ? ' (self-signed)' : ` issued by ${info.peer.issuer}`}`)
  if (info.verifyError) parts.push(`not verified: ${info.verifyError}`)
  return parts.join(', ')
}
