/**
 * Service-account token authentication (pkg/serviceaccount/jwt.go, legacy.go, claims.go): a JWT whose issuer is
 * "kubernetes/serviceaccount" (legacy, secret-based) or one of --service-account-issuer (bound), signed by one of the
 * --service-account-key-file keys. With --service-account-lookup (default true) the objects the token names must
 * still exist: the ServiceAccount with the same uid, for legacy tokens the Secret holding this very token, for bound
 * tokens the bound Pod or Secret.
 */
import type {KeyObject} from 'node:crypto'
import {isRecord, stringField, type KubeObject} from '../api/object.js'
import {LEGACY_ISSUER, serviceAccountUserName} from '../service-account-tokens.js'
import {NO_OPINION, type AuthenticatorAnswer} from './user.js'

export interface ServiceAccountObjects {
  serviceAccount(namespace: string, name: string): Promise<KubeObject | undefined>
  secret(namespace: string, name: string): Promise<KubeObject | undefined>
  pod(namespace: string, name: string): Promise<KubeObject | undefined>
}

export interface ServiceAccountAuthenticatorOptions {
  publicKeys: KeyObject[]
  issuers: string[]
  /** --api-audiences, defaulting to the issuers as the real apiserver does. */
  audiences: string[]
  lookup: boolean
  objects: ServiceAccountObjects
}

interface ServiceAccountClaims {
  namespace: string
  name: string
  uid: string
  secret?: {name: string; uid?: string}
  pod?: {name: string; uid: string}
}

export class ServiceAccountAuthenticator {
  constructor(private readonly options: ServiceAccountAuthenticatorOptions) {}

  async authenticate(token: string): Promise<AuthenticatorAnswer> {
    if (this.options.publicKeys.length === 0 || token.split('.').length !== 3) return NO_OPINION
    const jose = await import('jose')
    let issuer: string | undefined
    try {
      issuer = jose.decodeJwt(token).iss
    } catch {
      return NO_OPINION
    }
    const legacy = issuer === LEGACY_ISSUER
    if (!legacy && (issuer === undefined || !this.options.issuers.includes(issuer))) return NO_OPINION
    let payload: Record<string, unknown> | undefined
    let lastError = 'invalid signature'
    for (const key of this.options.publicKeys) {
      try {
        const verified = await jose.jwtVerify(token, key, legacy ? {} : {audience: this.options.audiences})
        payload = verified.payload
        break
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error)
      }
    }
    if (!payload) return {kind: 'error', message: `invalid bearer token, ${lastError}`}
    const claims = legacy ? legacyClaims(payload) : boundClaims(payload)
    if (!claims) return {kind: 'error', message: 'invalid bearer token, token lookup failed: malformed claims'}
    if (this.options.lookup) {
      const problem = await this.lookupProblem(claims, legacy ? token : undefined)
      if (problem) return {kind: 'error', message: `invalid bearer token, ${problem}`}
    }
    const extra: Record<string, string[]> = {}
    if (claims.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [claims.pod.name]
      extra['authentication.kubernetes.io/pod-uid'] = [claims.pod.uid]
    }
    return {
      kind: 'user',
      user: {
        name: serviceAccountUserName(claims.namespace, claims.name),
        uid: claims.uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${claims.namespace}`],
        ...(Object.keys(extra).length > 0 ? {extra} : {}),
      },
    }
  }

  private async lookupProblem(claims: ServiceAccountClaims, legacyToken: string | undefined): Promise<string | undefined> {
    const {objects} = this.options
    const account = await objects.serviceAccount(claims.namespace, claims.name)
    if (!account || account.metadata.deletionTimestamp) {
      return `service account ${claims.namespace}/${claims.name} has been deleted`
    }
    if (account.metadata.uid !== claims.uid) {
      return `service account UID (${account.metadata.uid ?? ''}) does not match claim (${claims.uid})`
    }
    if (claims.secret) {
      const secret = await objects.secret(claims.namespace, claims.secret.name)
      if (!secret || secret.metadata.deletionTimestamp) return `secret ${claims.namespace}/${claims.secret.name} has been deleted`
      if (claims.secret.uid !== undefined && secret.metadata.uid !== claims.secret.uid) {
        return `secret UID (${secret.metadata.uid ?? ''}) does not match claim (${claims.secret.uid})`
      }
      if (legacyToken !== undefined) {
        const stored = stringField(secret, 'data', 'token')
        if (stored === undefined || Buffer.from(stored, 'base64').toString('utf8') !== legacyToken) {
          return 'token does not match server\'s copy'
        }
      }
    }
    if (claims.pod) {
      const pod = await objects.pod(claims.namespace, claims.pod.name)
      if (!pod || pod.metadata.deletionTimestamp) return `pod ${claims.namespace}/${claims.pod.name} has been deleted`
      if (pod.metadata.uid !== claims.pod.uid) return `pod UID (${pod.metadata.uid ?? ''}) does not match claim (${claims.pod.uid})`
    }
    return undefined
  }
}

function legacyClaims(payload: Record<string, unknown>): ServiceAccountClaims | undefined {
  const text = (key: string): string | undefined => {
    const value = payload[`kubernetes.io/serviceaccount/${key}`]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const namespace = text('namespace')
  const name = text('service-account.name')
  const uid = text('service-account.uid')
  const secretName = text('secret.name')
  if (!namespace || !name || !uid || !secretName) return undefined
  return {namespace, name, uid, secret: {name: secretName}}
}

function boundClaims(payload: Record<string, unknown>): ServiceAccountClaims | undefined {
  const kubernetes = payload['kubernetes.io']
  if (!isRecord(kubernetes)) return undefined
  const namespace = stringField(kubernetes, 'namespace')
  const name = stringField(kubernetes, 'serviceaccount', 'name')
  const uid = stringField(kubernetes, 'serviceaccount', 'uid')
  if (!namespace || !name || !uid) return undefined
  const claims: ServiceAccountClaims = {namespace, name, uid}
  const podName = stringField(kubernetes, 'pod', 'name')
  const podUid = stringField(kubernetes, 'pod', 'uid')
  if (podName && podUid) claims.pod = {name: podName, uid: podUid}
  const secretName = stringField(kubernetes, 'secret', 'name')
  if (secretName) claims.secret = {name: secretName, uid: stringField(kubernetes, 'secret', 'uid')}
  return claims
}
