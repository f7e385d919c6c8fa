import type {Extension, JsonGeneralName, JsonName, Name, X509Certificate} from '@peculiar/x509'
import {KeyObject, randomBytes, webcrypto} from 'node:crypto'
import {InvalidCertificateOptionError} from './errors.js'
import {type AltNames, removeDuplicateAltNames, validateAltNames} from './subject-alt-names.js'
import {x509} from './x509.js'

type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair

/** kubeadm's ClusterConfiguration.encryptionAlgorithm values; kubeadm's default is RSA-2048. */
export type EncryptionAlgorithm = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'ECDSA-P256' | 'ECDSA-P384'
export const DEFAULT_ENCRYPTION_ALGORITHM: EncryptionAlgorithm = 'RSA-2048'

export type CertificateUsage = 'server' | 'client' | 'server-and-client'

/** kubeadm: CAs live ten years (CACertificateValidityPeriod), leaves one (CertificateValidityPeriod). */
export const CA_VALIDITY_DAYS = 3650
export const LEAF_VALIDITY_DAYS = 365
/** kubeadm backdates CA certificates by five minutes (CertificateBackdate) to allow small clock jumps. */
export const CA_BACKDATE_MS = 5 * 60 * 1000

export interface CertificateAndKeyPem {
  certificatePem: string
  /** PEM as kubeadm's keyutil writes it: PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY". */
  privateKeyPem: string
}

export interface CertificateAuthority extends CertificateAndKeyPem {
  readonly commonName: string
  readonly encryptionAlgorithm: EncryptionAlgorithm
  readonly notBefore: Date
  /** Hex; issued certificates carry it as their authority key identifier. */
  readonly subjectKeyIdentifier: string
  /** Signs issued certificates; never leaves the process except as privateKeyPem. */
  readonly signingKey: CryptoKey
  /** Issued certificates copy this name as their issuer, byte for byte. */
  readonly subjectName: Name
}

export interface IssuedCertificate extends CertificateAndKeyPem {
  /** The issuing CA's certificate, for bundles and trust stores. */
  caCertificatePem: string
}

export interface CertificateAuthorityOptions {
  commonName: string
  organizations?: readonly string[]
  /** Defaults to [commonName]: client-go's NewSelfSignedCACert puts the CN in a DNS SAN. */
  dnsNames?: readonly string[]
  validityDays?: number
  /** Defaults to five minutes ago, as kubeadm backdates its CAs. */
  notBefore?: Date
  /** Hex; defaults to a random positive 63-bit number as kubeadm draws. */
  serialNumber?: string
  encryptionAlgorithm?: EncryptionAlgorithm
}

export interface LeafCertificateOptions {
  commonName: string
  /** Subject O= values; the API server reads them as the client's groups. */
  organizations?: readonly string[]
  dnsNames?: readonly string[]
  ipAddresses?: readonly string[]
  usage: CertificateUsage
  validityDays?: number
  /** Defaults to the CA's notBefore, as kubeadm's NewSignedCert does. */
  notBefore?: Date
  serialNumber?: string
  /** Defaults to the CA's algorithm. */
  encryptionAlgorithm?: EncryptionAlgorithm
  /** A key pair generated ahead (generateKeyPair), so key generation can overlap CA creation. */
  keyPair?: CryptoKeyPair
}

export interface SelfSignedCertificateOptions extends Omit<LeafCertificateOptions, 'commonName' | 'keyPair'> {
  /** Optional: etcd's --auto-tls certificate, for one, has only O=etcd. */
  commonName?: string
  /** Defaults to now. */
  notBefore?: Date
}

const DAY_MS = 24 * 60 * 60 * 1000
const RSA_PUBLIC_EXPONENT = new Uint8Array([1, 0, 1])

const DIGITAL_SIGNATURE_AND_KEY_ENCIPHERMENT = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment

const EXTENDED_KEY_USAGES: Record<CertificateUsage, string[]> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  'server-and-client': [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
}

function keyGenerationParams(algorithm: EncryptionAlgorithm): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  switch (algorithm) {
    case 'RSA-2048':
    case 'RSA-3072':
    case 'RSA-4096':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(algorithm.slice('RSA-'.length)),
        publicExponent: RSA_PUBLIC_EXPONENT,
        hash: 'SHA-256',
      }
    case 'ECDSA-P256':
      return {name: 'ECDSA', namedCurve: 'P-256'}
    case 'ECDSA-P384':
      return {name: 'ECDSA', namedCurve: 'P-384'}
  }
}

/** The signature Go's x509.CreateCertificate picks for the signer's key: SHA-256, or SHA-384 for P-384. */
function signatureAlgorithm(signer: EncryptionAlgorithm): webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams {
  switch (signer) {
    case 'ECDSA-P256':
      return {name: 'ECDSA', hash: 'SHA-256'}
    case 'ECDSA-P384':
      return {name: 'ECDSA', hash: 'SHA-384'}
    default:
      return {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'}
  }
}

/** Runs on libuv's thread pool, so several calls generate keys in parallel. */
export async function generateKeyPair(algorithm: EncryptionAlgorithm = DEFAULT_ENCRYPTION_ALGORITHM): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(keyGenerationParams(algorithm), true, ['sign', 'verify'])) as CryptoKeyPair
}

/** kubeadm's keyutil.MarshalPrivateKeyToPEM: PKCS#1 for RSA, SEC1 for ECDSA. */
export function privateKeyToPem(privateKey: CryptoKey): string {
  const key = KeyObject.from(privateKey)
  const type = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1'
  return key.export({type, format: 'pem'}).toString()
}

/** kubeadm's EncodePublicKeyPEM: PKIX "PUBLIC KEY". */
export function publicKeyToPem(publicKey: CryptoKey): string {
  return KeyObject.from(publicKey).export({type: 'spki', format: 'pem'}).toString()
}

/** Like kubeadm: a uniform random serial in [1, 2^63). */
function randomSerialNumber(): string {
  const bytes = randomBytes(8)
  bytes[0] = bytes[0]! & 0x7f
  return bytes.every((byte) => byte === 0) ? '01' : bytes.toString('hex')
}

function subjectName(commonName: string | undefined, organizations: readonly string[] = []): JsonName {
  // Go's pkix.Name puts O before CN.
  const name: JsonName = organizations.map((organization) => ({O: [organization]}))
  if (commonName !== undefined && commonName !== '') name.push({CN: [commonName]})
  return name
}

function subjectAltNameExtension(altNames: AltNames): Extension[] {
  const names: JsonGeneralName[] = [
    ...altNames.dnsNames.map((value): JsonGeneralName => ({type: 'dns', value})),
    ...altNames.ipAddresses.map((value): JsonGeneralName => ({type: 'ip', value})),
  ]
  return names.length === 0 ? [] : [new x509.SubjectAlternativeNameExtension(names)]
}

function validity(notBefore: Date, validityDays: number, option: string): {notBefore: Date; notAfter: Date} {
  if (!Number.isFinite(validityDays) || validityDays <= 0) {
    throw new InvalidCertificateOptionError(option, String(validityDays), 'give a positive number of days')
  }
  return {notBefore, notAfter: new Date(notBefore.getTime() + validityDays * DAY_MS)}
}

function checkCommonName(commonName: string): void {
  if (commonName.trim() === '') {
    throw new InvalidCertificateOptionError('commonName', commonName, 'kubeadm refuses certificates without a CommonName')
  }
}

function leafAltNames(options: {dnsNames?: readonly string[]; ipAddresses?: readonly string[]}, label: string): AltNames {
  const altNames = removeDuplicateAltNames({dnsNames: [...(options.dnsNames ?? [])], ipAddresses: [...(options.ipAddresses ?? [])]})
  validateAltNames(altNames, label)
  return altNames
}

function toPem(certificate: X509Certificate): string {
  const pem = certificate.toString('pem')
  return pem.endsWith('\n') ? pem : `${pem}\n`
}

/**
 * A self-signed CA as kubeadm makes one (client-go's NewSelfSignedCACert): basicConstraints CA:TRUE
 * and keyUsage digitalSignature, keyEncipherment, keyCertSign, both critical; a subject key
 * identifier; the common name repeated as a DNS SAN.
 */
export async function createCertificateAuthority(options: CertificateAuthorityOptions): Promise<CertificateAuthority> {
  checkCommonName(options.commonName)
  const encryptionAlgorithm = options.encryptionAlgorithm ?? DEFAULT_ENCRYPTION_ALGORITHM
  const label = `CA "${options.commonName}"`
  const altNames = leafAltNames({dnsNames: options.dnsNames ?? [options.commonName]}, label)
  const keys = await generateKeyPair(encryptionAlgorithm)
  const subjectKeyIdentifier = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto)
  const period = validity(
    options.notBefore ?? new Date(Date.now() - CA_BACKDATE_MS),
    options.validityDays ?? CA_VALIDITY_DAYS,
    `validityDays of ${label}`,
  )
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: options.serialNumber ?? randomSerialNumber(),
      name: subjectName(options.commonName, options.organizations),
      ...period,
      keys,
      signingAlgorithm: signatureAlgorithm(encryptionAlgorithm),
      extensions: [
        new x509.KeyUsagesExtension(DIGITAL_SIGNATURE_AND_KEY_ENCIPHERMENT | x509.KeyUsageFlags.keyCertSign, true),
        new x509.BasicConstraintsExtension(true, undefined, true),
        subjectKeyIdentifier,
        ...subjectAltNameExtension(altNames),
      ],
    },
    webcrypto,
  )
  return {
    commonName: options.commonName,
    encryptionAlgorithm,
    notBefore: period.notBefore,
    subjectKeyIdentifier: subjectKeyIdentifier.keyId,
    signingKey: keys.privateKey,
    subjectName: certificate.subjectName,
    certificatePem: toPem(certificate),
    privateKeyPem: privateKeyToPem(keys.privateKey),
  }
}

/**
 * A certificate signed by `ca` as kubeadm's NewSignedCert makes it: keyUsage digitalSignature and
 * keyEncipherment (critical), extKeyUsage serverAuth and/or clientAuth, basicConstraints CA:FALSE
 * (critical), the CA's key identifier as authority key identifier, and the SANs (DNS names sorted
 * and deduplicated, IPs deduplicated).
 */
export async function issueCertificate(ca: CertificateAuthority, options: LeafCertificateOptions): Promise<IssuedCertificate> {
  checkCommonName(options.commonName)
  const label = `certificate "${options.commonName}"`
  const altNames = leafAltNames(options, label)
  const period = validity(options.notBefore ?? ca.notBefore, options.validityDays ?? LEAF_VALIDITY_DAYS, `validityDays of ${label}`)
  const keys = options.keyPair ?? (await generateKeyPair(options.encryptionAlgorithm ?? ca.encryptionAlgorithm))
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: options.serialNumber ?? randomSerialNumber(),
      subject: subjectName(options.commonName, options.organizations),
      issuer: ca.subjectName,
      ...period,
      publicKey: keys.publicKey,
      signingKey: ca.signingKey,
      signingAlgorithm: signatureAlgorithm(ca.encryptionAlgorithm),
      extensions: leafExtensions(options.usage, altNames, ca.subjectKeyIdentifier),
    },
    webcrypto,
  )
  return {
    certificatePem: toPem(certificate),
    privateKeyPem: privateKeyToPem(keys.privateKey),
    caCertificatePem: ca.certificatePem,
  }
}

function leafExtensions(usage: CertificateUsage, altNames: AltNames, authorityKeyIdentifier?: string): Extension[] {
  return [
    new x509.KeyUsagesExtension(DIGITAL_SIGNATURE_AND_KEY_ENCIPHERMENT, true),
    new x509.ExtendedKeyUsageExtension(EXTENDED_KEY_USAGES[usage]),
    new x509.BasicConstraintsExtension(false, undefined, true),
    ...(authorityKeyIdentifier === undefined ? [] : [new x509.AuthorityKeyIdentifierExtension(authorityKeyIdentifier)]),
    ...subjectAltNameExtension(altNames),
  ]
}

/**
 * A leaf that signs itself, trusted by nobody: what etcd's --auto-tls serves, or a client
 * certificate an attacker made up. Same extensions as an issued leaf, without an authority key
 * identifier (Go adds none when issuer and subject are the same).
 */
export async function createSelfSignedCertificate(options: SelfSignedCertificateOptions): Promise<CertificateAndKeyPem> {
  const label = `self-signed certificate "${options.commonName ?? (options.organizations ?? []).join(',')}"`
  const altNames = leafAltNames(options, label)
  const encryptionAlgorithm = options.encryptionAlgorithm ?? DEFAULT_ENCRYPTION_ALGORITHM
  const keys = await generateKeyPair(encryptionAlgorithm)
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: options.serialNumber ?? randomSerialNumber(),
      name: subjectName(options.commonName, options.organizations),
      ...validity(options.notBefore ?? new Date(), options.validityDays ?? LEAF_VALIDITY_DAYS, `validityDays of ${label}`),
      keys,
      signingAlgorithm: signatureAlgorithm(encryptionAlgorithm),
      extensions: leafExtensions(options.usage, altNames),
    },
    webcrypto,
  )
  return {certificatePem: toPem(certificate), privateKeyPem: privateKeyToPem(keys.privateKey)}
}
