/**
 * Client-certificate authentication against --client-ca-file: the subject CN is the user name and each O a group
 * (x509.CommonNameUserConversion). A certificate that does not verify is an error (401), not anonymous.
 */
import type {TLSSocket} from 'node:tls'
import {NO_OPINION, type AuthenticatorAnswer} from './user.js'

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2'

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

export function authenticateClientCertificate(socket: TLSSocket): AuthenticatorAnswer {
  const certificate = socket.getPeerCertificate(false)
  if (!certificate || Object.keys(certificate).length === 0) return NO_OPINION
  if (!socket.authorized) {
    const reason = String(socket.authorizationError ?? '')
    const message =
      reason === 'CERT_HAS_EXPIRED'
        ? 'x509: certificate has expired or is not yet valid'
        : 'x509: certificate signed by unknown authority'
    return {kind: 'error', message: `verifying certificate SN=${certificate.serialNumber}, SKID=, AKID= failed: ${message}`}
  }
  const usages = certificate.ext_key_usage
  if (usages !== undefined && usages.length > 0 && !usages.includes(CLIENT_AUTH_OID)) {
    return {kind: 'error', message: 'x509: certificate specifies an incompatible key usage'}
  }
  const commonName = asList(certificate.subject?.CN)[0] ?? ''
  if (commonName === '') return NO_OPINION
  return {kind: 'user', user: {name: commonName, groups: asList(certificate.subject?.O)}}
}
