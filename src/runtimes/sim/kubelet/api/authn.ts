/**
 * The kubelet's request authenticator, built as cmd/kubelet/app/auth.go BuildAuthn builds it through
 * k8s.io/apiserver authenticatorfactory.DelegatingAuthenticatorConfig:
 *
 *   union.New(x509 [client CA set], bearer token → TokenReview webhook [webhook enabled]), with system:authenticated
 *   added to the groups of whoever it accepts; when anonymous auth is on, wrapped in union.NewFailOnError(…, anonymous).
 *
 * union.New tries each authenticator and, when none accepts the request, returns the errors it collected; only a
 * request that no authenticator has an opinion on (no certificate, no token) falls through to anonymous. So a
 * certificate that does not verify, or a token the API server rejects, is 401 even with anonymous auth on.
 * With no authenticator at all and anonymous off the kubelet refuses to start ("No authentication method configured").
 *
 * The token webhook caches TokenReview answers for authentication.webhook.cacheTTL (default 2m); a review that ends in
 * an error (the API server's status.error, or no answer at all) is not cached.
 */
import type {IncomingMessage} from 'node:http'
import type {TLSSocket} from 'node:tls'
import {bearerToken} from '../../apiserver/auth/authenticate.js'
import {authenticateClientCertificate} from '../../apiserver/auth/x509.js'
import {anonymousUser, authenticatedUser, type UserInfo} from '../../apiserver/auth/user.js'
import {ApiServerUnreachableError, statusMessage, type ApiServerClient} from './api-client.js'
import {KubeletStartupError} from './errors.js'
import {TtlCache} from './ttl-cache.js'

export type {UserInfo}

export type Authentication = {ok: true; user: UserInfo} | {ok: false; reason: string}

type Answer = {kind: 'none'} | {kind: 'user'; user: UserInfo} | {kind: 'error'; message: string}

export interface AuthenticatorOptions {
  clientCertificates: boolean
  anonymous: boolean
  /** Present when authentication.webhook.enabled: TokenReviews go to the API server through this client. */
  tokenReviews?: ApiServerClient
  cacheTtlMs: number
}

export class KubeletAuthenticator {
  private readonly tokenCache: TtlCache<string, Answer>

  constructor(private readonly options: AuthenticatorOptions) {
    if (!options.clientCertificates && !options.tokenReviews && !options.anonymous) {
      throw new KubeletStartupError('failed to run Kubelet: No authentication method configured', 'run', {setting: 'authentication'})
    }
    this.tokenCache = new TtlCache(options.cacheTtlMs)
  }

  async authenticate(request: IncomingMessage): Promise<Authentication> {
    const errors: string[] = []
    if (this.options.clientCertificates && 'getPeerCertificate' in request.socket) {
      const answer = authenticateClientCertificate(request.socket as TLSSocket)
      if (answer.kind === 'user') return {ok: true, user: authenticatedUser(answer.user)}
      if (answer.kind === 'error') errors.push(answer.message)
    }
    if (this.options.tokenReviews) {
      const token = bearerToken(request)
      if (token !== undefined) {
        const answer = await this.reviewToken(this.options.tokenReviews, token)
        if (answer.kind === 'user') return {ok: true, user: authenticatedUser(answer.user)}
        // bearertoken.New turns "not authenticated, no error" into "invalid bearer token".
        errors.push(answer.kind === 'error' ? answer.message : 'invalid bearer token')
      }
    }
    if (errors.length > 0) return {ok: false, reason: errors.join(', ')}
    if (this.options.anonymous) return {ok: true, user: anonymousUser()}
    return {ok: false, reason: 'no credentials, and anonymous requests are refused (authentication.anonymous.enabled: false)'}
  }

  private async reviewToken(client: ApiServerClient, token: string): Promise<Answer> {
    const cached = this.tokenCache.get(token)
    if (cached) return cached
    let response
    try {
      response = await client.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: {token},
      })
    } catch (error) {
      if (error instanceof ApiServerUnreachableError) return {kind: 'error', message: `Post "${client.server}/apis/authentication.k8s.io/v1/tokenreviews": ${error.reason}`}
      throw error
    }
    if (response.status !== 201 && response.status !== 200) return {kind: 'error', message: statusMessage(response)}
    const status = record(record(response.body)['status'])
    let answer: Answer
    if (status['authenticated'] === true) {
      const user = record(status['user'])
      answer = {
        kind: 'user',
        user: {
          name: typeof user['username'] === 'string' ? user['username'] : '',
          groups: stringList(user['groups']),
          ...(typeof user['uid'] === 'string' ? {uid: user['uid']} : {}),
          ...(isStringListRecord(user['extra']) ? {extra: user['extra']} : {}),
        },
      }
    } else {
      const reason = typeof status['error'] === 'string' ? status['error'] : ''
      answer = reason === '' ? {kind: 'none'} : {kind: 'error', message: reason}
    }
    // cache.New(tokenAuth, false, ttl, ttl): errors are not cached (cacheErrs=false), answers are.
    if (answer.kind !== 'error') this.tokenCache.set(token, answer)
    return answer
  }
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function isStringListRecord(value: unknown): value is Record<string, string[]> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((item) => Array.isArray(item))
}
