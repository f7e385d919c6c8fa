import {beforeAll, describe, expect, it} from '@jest/globals'
import {createPrivateKey, createPublicKey, createSign, createVerify, X509Certificate} from 'node:crypto'
import {
  type CertificateAuthority,
  createCertificateAuthority,
  createSelfSignedCertificate,
  issueCertificate,
} from '../../src/pki/certificates.js'
import {InvalidCertificateOptionError, InvalidSubjectAltNameError} from '../../src/pki/errors.js'
import {inspectCertificate, isIssuedBy} from './inspect.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** The private key PEM belongs to the certificate: same public key, and a signature made with it verifies. */
function keyMatchesCertificate(privateKeyPem: string, certificatePem: string): boolean {
  const privateKey = createPrivateKey(privateKeyPem)
  const certificateKey = new X509Certificate(certificatePem).publicKey
  const samePublicKey = createPublicKey(privateKey).export({type: 'spki', format: 'der'}).equals(certificateKey.export({type: 'spki', format: 'der'}))
  const signature = createSign('sha256').update('kubelab').sign(privateKey)
  return samePublicKey && createVerify('sha256').update('kubelab').verify(certificateKey, signature)
}

describe('createCertificateAuthority', () => {
  let ca: CertificateAuthority
  let startedAt: number
  let finishedAt: number
  beforeAll(async () => {
    startedAt = Date.now()
    ca = await createCertificateAuthority({commonName: 'kubernetes'})
    finishedAt = Date.now()
  })

  it('is a CA with the critical extensions kubeadm gives it', () => {
    const facts = inspectCertificate(ca.certificatePem)
    expect(facts.commonName).toBe('kubernetes')
    expect(facts.issuerCommonName).toBe('kubernetes')
    expect(facts.isCa).toBe(true)
    expect(facts.basicConstraintsCritical).toBe(true)
    expect(facts.keyUsage).toEqual(['digitalSignature', 'keyEncipherment', 'keyCertSign'])
    expect(facts.keyUsageCritical).toBe(true)
    expect(facts.subjectKeyIdentifier).toBe(ca.subjectKeyIdentifier)
    expect(facts.subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/)
    expect(facts.authorityKeyIdentifier).toBeUndefined()
    expect(facts.dnsNames).toEqual(['kubernetes'])
    expect(facts.extendedKeyUsage).toEqual([])
  })

  it('signs itself, is backdated five minutes and lasts ten years', () => {
    const facts = inspectCertificate(ca.certificatePem)
    expect(facts.node.verify(facts.node.publicKey)).toBe(true)
    expect(facts.node.checkIssued(facts.node)).toBe(true)
    // Certificate times have one-second precision.
    const fiveMinutes = 5 * 60 * 1000
    expect(facts.notBefore.getTime()).toBeGreaterThanOrEqual(startedAt - fiveMinutes - 1000)
    expect(facts.notBefore.getTime()).toBeLessThanOrEqual(finishedAt - fiveMinutes)
    expect(facts.notAfter.getTime() - facts.notBefore.getTime()).toBe(3650 * DAY_MS)
    expect(BigInt(`0x${facts.serialNumber}`)).toBeGreaterThan(0n)
  })

  it('writes the key as kubeadm does, PKCS#1 RSA 2048, matching the certificate', () => {
    expect(ca.privateKeyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true)
    expect(ca.privateKeyPem.endsWith('-----END RSA PRIVATE KEY-----\n')).toBe(true)
    expect(createPrivateKey(ca.privateKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(keyMatchesCertificate(ca.privateKeyPem, ca.certificatePem)).toBe(true)
  })
})

describe('issueCertificate', () => {
  let ca: CertificateAuthority
  let otherCa: CertificateAuthority
  beforeAll(async () => {
    ;[ca, otherCa] = await Promise.all([
      createCertificateAuthority({commonName: 'kubernetes'}),
      createCertificateAuthority({commonName: 'kubernetes'}),
    ])
  })

  it('issues a server leaf with kubeadm extensions and deduplicated, sorted DNS SANs', async () => {
    const leaf = await issueCertificate(ca, {
      commonName: 'kube-apiserver',
      dnsNames: ['node-1', 'kubernetes', 'kubernetes.default', 'kubernetes'],
      ipAddresses: ['10.96.0.1', '127.0.0.1', '10.96.0.1', '::1', '0:0::1'],
      usage: 'server',
    })
    const facts = inspectCertificate(leaf.certificatePem)
    expect(facts.commonName).toBe('kube-apiserver')
    expect(facts.issuerCommonName).toBe('kubernetes')
    expect(facts.isCa).toBe(false)
    expect(facts.basicConstraintsCritical).toBe(true)
    expect(facts.keyUsage).toEqual(['digitalSignature', 'keyEncipherment'])
    expect(facts.keyUsageCritical).toBe(true)
    expect(facts.extendedKeyUsage).toEqual(['serverAuth'])
    expect(facts.authorityKeyIdentifier).toBe(ca.subjectKeyIdentifier)
    expect(facts.subjectKeyIdentifier).toBeUndefined()
    expect(facts.dnsNames).toEqual(['kubernetes', 'kubernetes.default', 'node-1'])
    expect(facts.ipAddresses).toEqual(['10.96.0.1', '127.0.0.1', '::1'])
    expect(leaf.caCertificatePem).toBe(ca.certificatePem)
    expect(keyMatchesCertificate(leaf.privateKeyPem, leaf.certificatePem)).toBe(true)
  })

  it('verifies against its own CA only, even one with the same name', async () => {
    const leaf = await issueCertificate(ca, {commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client'})
    expect(isIssuedBy(leaf.certificatePem, ca.certificatePem)).toBe(true)
    expect(isIssuedBy(leaf.certificatePem, otherCa.certificatePem)).toBe(false)
    expect(new X509Certificate(leaf.certificatePem).verify(new X509Certificate(otherCa.certificatePem).publicKey)).toBe(false)
  })

  it('puts groups in O= before CN=, and maps usages to extended key usages', async () => {
    const [client, both] = await Promise.all([
      issueCertificate(ca, {commonName: 'kubernetes-admin', organizations: ['system:masters', 'team-a'], usage: 'client'}),
      issueCertificate(ca, {commonName: 'node-1', usage: 'server-and-client'}),
    ])
    const clientFacts = inspectCertificate(client.certificatePem)
    expect(clientFacts.node.subject).toBe('O=system:masters\nO=team-a\nCN=kubernetes-admin')
    expect(clientFacts.extendedKeyUsage).toEqual(['clientAuth'])
    expect(clientFacts.dnsNames).toEqual([])
    expect(inspectCertificate(both.certificatePem).extendedKeyUsage).toEqual(['serverAuth', 'clientAuth'])
  })

  it('starts when the CA starts and lasts one year unless told otherwise', async () => {
    const [yearly, weekly] = await Promise.all([
      issueCertificate(ca, {commonName: 'a', usage: 'client', encryptionAlgorithm: 'ECDSA-P256'}),
      issueCertificate(ca, {commonName: 'b', usage: 'client', validityDays: 7, encryptionAlgorithm: 'ECDSA-P256'}),
    ])
    const caFacts = inspectCertificate(ca.certificatePem)
    const yearlyFacts = inspectCertificate(yearly.certificatePem)
    expect(yearlyFacts.notBefore).toEqual(caFacts.notBefore)
    expect(yearlyFacts.notAfter.getTime() - yearlyFacts.notBefore.getTime()).toBe(365 * DAY_MS)
    const weeklyFacts = inspectCertificate(weekly.certificatePem)
    expect(weeklyFacts.notAfter.getTime() - weeklyFacts.notBefore.getTime()).toBe(7 * DAY_MS)
  })

  it('gives each certificate its own random serial', async () => {
    const leaves = await Promise.all([1, 2, 3].map((n) => issueCertificate(ca, {commonName: `c${n}`, usage: 'client', encryptionAlgorithm: 'ECDSA-P256'})))
    const serials = new Set(leaves.map((leaf) => inspectCertificate(leaf.certificatePem).serialNumber))
    expect(serials.size).toBe(3)
  })

  it('refuses bad names and periods before generating anything', async () => {
    await expect(issueCertificate(ca, {commonName: 'x', dnsNames: ['Not A Name'], usage: 'server'})).rejects.toThrow(
      InvalidSubjectAltNameError,
    )
    await expect(issueCertificate(ca, {commonName: 'x', ipAddresses: ['10.0.0.300'], usage: 'server'})).rejects.toThrow(
      /10\.0\.0\.300.*certificate "x"/,
    )
    await expect(issueCertificate(ca, {commonName: ' ', usage: 'client'})).rejects.toThrow(InvalidCertificateOptionError)
    await expect(issueCertificate(ca, {commonName: 'x', usage: 'client', validityDays: 0})).rejects.toThrow(/positive number of days/)
  })
})

describe('ECDSA-P256', () => {
  it('makes SEC1 keys and ecdsa-with-SHA256 signatures that verify', async () => {
    const ca = await createCertificateAuthority({commonName: 'etcd-ca', encryptionAlgorithm: 'ECDSA-P256'})
    const leaf = await issueCertificate(ca, {commonName: 'node-1', dnsNames: ['localhost'], usage: 'server-and-client'})
    expect(ca.privateKeyPem.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true)
    expect(leaf.privateKeyPem.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true)
    expect(createPrivateKey(leaf.privateKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(isIssuedBy(leaf.certificatePem, ca.certificatePem)).toBe(true)
    expect(keyMatchesCertificate(leaf.privateKeyPem, leaf.certificatePem)).toBe(true)
    expect(inspectCertificate(leaf.certificatePem).node.toLegacyObject().asn1Curve).toBe('prime256v1')
  })

  it('lets an ECDSA CA sign an RSA leaf', async () => {
    const ca = await createCertificateAuthority({commonName: 'kubernetes', encryptionAlgorithm: 'ECDSA-P256'})
    const leaf = await issueCertificate(ca, {commonName: 'c', usage: 'client', encryptionAlgorithm: 'RSA-2048'})
    expect(leaf.privateKeyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true)
    expect(isIssuedBy(leaf.certificatePem, ca.certificatePem)).toBe(true)
  })
})

describe('createSelfSignedCertificate', () => {
  it('signs itself, is no CA, and no real CA vouches for it', async () => {
    const [forged, ca] = await Promise.all([
      createSelfSignedCertificate({commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client'}),
      createCertificateAuthority({commonName: 'kubernetes', encryptionAlgorithm: 'ECDSA-P256'}),
    ])
    const facts = inspectCertificate(forged.certificatePem)
    expect(facts.node.subject).toBe('O=system:masters\nCN=kubernetes-admin')
    expect(facts.node.issuer).toBe(facts.node.subject)
    expect(facts.node.verify(facts.node.publicKey)).toBe(true)
    expect(facts.isCa).toBe(false)
    expect(facts.authorityKeyIdentifier).toBeUndefined()
    expect(facts.extendedKeyUsage).toEqual(['clientAuth'])
    expect(isIssuedBy(forged.certificatePem, ca.certificatePem)).toBe(false)
    expect(keyMatchesCertificate(forged.privateKeyPem, forged.certificatePem)).toBe(true)
  })

  it('imitates etcd --auto-tls: O=etcd only, server auth, IP SAN', async () => {
    const autoTls = await createSelfSignedCertificate({
      organizations: ['etcd'],
      ipAddresses: ['127.0.0.1'],
      usage: 'server',
      encryptionAlgorithm: 'ECDSA-P256',
    })
    const facts = inspectCertificate(autoTls.certificatePem)
    expect(facts.node.subject).toBe('O=etcd')
    expect(facts.commonName).toBeUndefined()
    expect(facts.ipAddresses).toEqual(['127.0.0.1'])
    expect(facts.extendedKeyUsage).toEqual(['serverAuth'])
  })
})
