// Reads certificates back with two independent parsers: Node's (OpenSSL) for names, SANs and
// signatures, @peculiar/x509's for the extension bits and their criticality that Node does not show.
import {X509Certificate} from 'node:crypto'
import {x509} from '../../src/pki/x509.js'

export type KeyUsageName = 'digitalSignature' | 'keyEncipherment' | 'keyCertSign'

export interface CertificateFacts {
  node: X509Certificate
  commonName: string | undefined
  organizations: string[]
  issuerCommonName: string | undefined
  isCa: boolean
  basicConstraintsCritical: boolean | undefined
  keyUsage: KeyUsageName[]
  keyUsageCritical: boolean | undefined
  extendedKeyUsage: string[]
  subjectKeyIdentifier: string | undefined
  authorityKeyIdentifier: string | undefined
  dnsNames: string[]
  ipAddresses: string[]
  notBefore: Date
  notAfter: Date
  serialNumber: string
}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
}

function nameField(distinguishedName: string, field: string): string[] {
  return distinguishedName
    .split('\n')
    .filter((line) => line.startsWith(`${field}=`))
    .map((line) => line.slice(field.length + 1))
}

/** "IP Address:0:0:0:0:0:0:0:1" → "::1" so tests can compare with what they asked for. */
function canonicalIp(ip: string): string {
  return ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip
}

export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? []
}

export function inspectCertificate(pem: string): CertificateFacts {
  const node = new X509Certificate(pem)
  const parsed = new x509.X509Certificate(pem)
  const keyUsage = parsed.getExtension(x509.KeyUsagesExtension)
  const basicConstraints = parsed.getExtension(x509.BasicConstraintsExtension)
  const extendedKeyUsage = parsed.getExtension(x509.ExtendedKeyUsageExtension)
  const altNames = (node.subjectAltName ?? '').split(', ').filter((entry) => entry !== '')
  const usageNames: KeyUsageName[] = ['digitalSignature', 'keyEncipherment', 'keyCertSign']
  return {
    node,
    commonName: nameField(node.subject, 'CN')[0],
    organizations: nameField(node.subject, 'O'),
    issuerCommonName: nameField(node.issuer, 'CN')[0],
    isCa: node.ca,
    basicConstraintsCritical: basicConstraints?.critical,
    keyUsage: usageNames.filter((name) => keyUsage !== null && (keyUsage.usages & x509.KeyUsageFlags[name]) !== 0),
    keyUsageCritical: keyUsage?.critical,
    extendedKeyUsage: (extendedKeyUsage?.usages ?? []).map((oid) => EKU_NAMES[String(oid)] ?? String(oid)),
    subjectKeyIdentifier: parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
    authorityKeyIdentifier: parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
    dnsNames: altNames.filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4)),
    ipAddresses: altNames.filter((entry) => entry.startsWith('IP Address:')).map((entry) => canonicalIp(entry.slice(11))),
    notBefore: new Date(node.validFrom),
    notAfter: new Date(node.validTo),
    serialNumber: node.serialNumber,
  }
}

/** True when `certificatePem` carries `ca`'s signature and names `ca` as its issuer. */
export function isIssuedBy(certificatePem: string, caPem: string): boolean {
  const certificate = new X509Certificate(certificatePem)
  const ca = new X509Certificate(caPem)
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey)
}
