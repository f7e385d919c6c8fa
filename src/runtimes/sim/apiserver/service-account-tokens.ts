/**
 * Service-account JWTs in the real formats (pkg/serviceaccount/claims.go and legacy.go), signed with the
 * service-account key (kubeadm's /etc/kubernetes/pki/sa.key). The lab set-up uses `mintLegacyServiceAccountToken`
 * to seed `kubernetes.io/service-account-token` secrets, which the sim then accepts exactly as the real apiserver
 * accepts legacy tokens: the ServiceAccount and the Secret must still exist and the Secret must hold this token.
 */
import {createHash, createPrivateKey, createPublicKey, type KeyObject} from 'node:crypto'

export const LEGACY_ISSUER = 'kubernetes/serviceaccount'

export interface LegacyTokenRequest {
  /** PEM private key (RSA or ECDSA), or a KeyObject. */
  signingKey: string | Buffer | KeyObject
  namespace: string
  serviceAccountName: string
  serviceAccountUid: string
  secretName: string
}

export interface BoundTokenRequest {
  signingKey: string | Buffer | KeyObject
  issuer: string
  audiences: string[]
  namespace: string
  serviceAccountName: string
  serviceAccountUid: string
  expirationSeconds: number
  /** Seconds since the epoch; defaults to now. */
  issuedAt?: number
  boundObject?: {kind: 'Pod' | 'Secret'; name: string; uid: string}
}

export interface LegacyClaims {
  iss: typeof LEGACY_ISSUER
  'kubernetes.io/serviceaccount/namespace': string
  'kubernetes.io/serviceaccount/secret.name': string
  'kubernetes.io/serviceaccount/service-account.name': string
  'kubernetes.io/serviceaccount/service-account.uid': string
  sub: string
}

export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`
}

function privateKeyObject(key: string | Buffer | KeyObject): KeyObject {
  return typeof key === 'string' || Buffer.isBuffer(key) ? createPrivateKey(key) : key
}

/** The real `kid`: base64url(SHA-256(DER-encoded public key)) (serviceaccount.keyIDFromPublicKey). */
export function keyIdFor(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  const der = publicKey.export({type: 'spki', format: 'der'})
  return createHash('sha256').update(der).digest('base64url')
}

/** The JWS algorithm the real signer picks for a key. */
export function signingAlgorithm(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256'
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve
    if (curve === 'prime256v1' || curve === 'P-256') return 'ES256'
    if (curve === 'secp384r1' || curve === 'P-384') return 'ES384'
    if (curve === 'secp521r1' || curve === 'P-521') return 'ES512'
  }
  throw new Error(`service-account signing key type ${key.asymmetricKeyType ?? 'unknown'} is not RSA or ECDSA`)
}

async function sign(claims: Record<string, unknown>, key: KeyObject): Promise<string> {
  const {SignJWT} = await import('jose')
  return new SignJWT(claims).setProtectedHeader({alg: signingAlgorithm(key), kid: keyIdFor(key)}).sign(key)
}

export async function mintLegacyServiceAccountToken(request: LegacyTokenRequest): Promise<string> {
  const claims: LegacyClaims = {
    iss: LEGACY_ISSUER,
    'kubernetes.io/serviceaccount/namespace': request.namespace,
    'kubernetes.io/serviceaccount/secret.name': request.secretName,
    'kubernetes.io/serviceaccount/service-account.name': request.serviceAccountName,
    'kubernetes.io/serviceaccount/service-account.uid': request.serviceAccountUid,
    sub: serviceAccountUserName(request.namespace, request.serviceAccountName),
  }
  return sign({...claims}, privateKeyObject(request.signingKey))
}

export async function mintBoundServiceAccountToken(request: BoundTokenRequest): Promise<{token: string; expiresAt: number}> {
  const issuedAt = request.issuedAt ?? Math.floor(Date.now() / 1000)
  const expiresAt = issuedAt + request.expirationSeconds
  const kubernetes: Record<string, unknown> = {
    namespace: request.namespace,
    serviceaccount: {name: request.serviceAccountName, uid: request.serviceAccountUid},
  }
  if (request.boundObject) {
    kubernetes[request.boundObject.kind === 'Pod' ? 'pod' : 'secret'] = {
      name: request.boundObject.name,
      uid: request.boundObject.uid,
    }
  }
  const token = await sign(
    {
      aud: request.audiences,
      exp: expiresAt,
      iat: issuedAt,
      iss: request.issuer,
      'kubernetes.io': kubernetes,
      nbf: issuedAt,
      sub: serviceAccountUserName(request.namespace, request.serviceAccountName),
    },
    privateKeyObject(request.signingKey),
  )
  return {token, expiresAt}
}
