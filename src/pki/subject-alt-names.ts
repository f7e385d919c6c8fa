import {isIP} from 'node:net'
import {InvalidSubjectAltNameError} from './errors.js'

export interface AltNames {
  dnsNames: string[]
  ipAddresses: string[]
}

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS_1123_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`)
const MAX_DNS_NAME_LENGTH = 253

function isDnsName(value: string): boolean {
  const name = value.startsWith('*.') ? value.slice(2) : value
  return name.length > 0 && name.length <= MAX_DNS_NAME_LENGTH && DNS_1123_SUBDOMAIN.test(name)
}

/**
 * Sorts extra SANs into IPs and DNS names the way kubeadm's appendSANsToAltNames does, except that a
 * value that is neither is an error here (kubeadm only logs a warning and leaves it out).
 */
export function classifyAltNames(values: readonly string[], certificate: string): AltNames {
  const altNames: AltNames = {dnsNames: [], ipAddresses: []}
  for (const value of values) {
    if (isIP(value) !== 0) altNames.ipAddresses.push(value)
    else if (isDnsName(value)) altNames.dnsNames.push(value)
    else throw new InvalidSubjectAltNameError(value, certificate)
  }
  return altNames
}

/** Checks that every entry is of its kind, so a typo fails here rather than in a TLS handshake. */
export function validateAltNames(altNames: AltNames, certificate: string): void {
  for (const name of altNames.dnsNames) if (!isDnsName(name)) throw new InvalidSubjectAltNameError(name, certificate)
  for (const ip of altNames.ipAddresses) if (isIP(ip) === 0) throw new InvalidSubjectAltNameError(ip, certificate)
}

/**
 * kubeadm's RemoveDuplicateAltNames: DNS names become a sorted set (Go's sets.List), IPs keep their
 * order with later duplicates dropped (compared in canonical form, so "::1" equals "0:0::1").
 */
export function removeDuplicateAltNames(altNames: AltNames): AltNames {
  const seenIps = new Set<string>()
  const ipAddresses: string[] = []
  for (const ip of altNames.ipAddresses) {
    const canonical = canonicalIp(ip)
    if (seenIps.has(canonical)) continue
    seenIps.add(canonical)
    ipAddresses.push(ip)
  }
  return {dnsNames: [...new Set(altNames.dnsNames)].sort(), ipAddresses}
}

export function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip
}
