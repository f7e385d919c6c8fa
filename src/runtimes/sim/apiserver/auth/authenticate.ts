/**
 * The request authenticator chain of the secure port: client certificate, then bearer-token authenticators
 * (static token file, service-account JWTs, bootstrap tokens), then anonymous. As in the real union authenticator
 * wrapped by NewFailOnError, credentials that no authenticator accepts fail the request (401) instead of falling
 * back to anonymous; anonymous only applies when no credentials were sent.
 */
import type {IncomingMessage} from 'node:http'
import type {TLSSocket} from 'node:tls'
import type {BootstrapTokenAuthenticator} from './bootstrap-token.js'
import type {ServiceAccountAuthenticator} from './service-account.js'
import type {StaticTokenAuthenticator} from './token-file.js'
import {authenticateClientCertificate} from './x509.js'
import {anonymousUser, authenticatedUser, type AuthenticatorAnswer, type UserInfo} from './user.js'

export interface AuthenticationChain {
  clientCertificates: boolean
  staticTokens?: StaticTokenAuthenticator
  serviceAccounts?: ServiceAccountAuthenticator
  bootstrapTokens?: BootstrapTokenAuthenticator
  anonymous: boolean
}

export type AuthenticationResult = {ok: true; user: UserInfo} | {ok: false; reason: string}

export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer\s+(.*)$/i.exec(header.trim())
  const token = match?.[1]?.trim()
  return token === undefined || token === '' ? undefined : token
}

/** Token authenticators only (what TokenReview runs). */
export async function authenticateToken(chain: AuthenticationChain, token: string): Promise<AuthenticatorAnswer> {
  const errors: string[] = []
  const authenticators: Array<(value: string) => AuthenticatorAnswer | Promise<AuthenticatorAnswer>> = []
  if (chain.staticTokens) authenticators.push((value) => chain.staticTokens?.authenticate(value) ?? {kind: 'none'})
  if (chain.serviceAccounts) {
    const serviceAccounts = chain.serviceAccounts
    authenticators.push((value) => serviceAccounts.authenticate(value))
  }
  if (chain.bootstrapTokens) {
    const bootstrapTokens = chain.bootstrapTokens
    authenticators.push((value) => bootstrapTokens.authenticate(value))
  }
  for (const authenticate of authenticators) {
    const answer = await authenticate(token)
    if (answer.kind === 'user') return {kind: 'user', user: authenticatedUser(answer.user)}
    if (answer.kind === 'error') errors.push(answer.message)
  }
  return {kind: 'error', message: errors.length > 0 ? errors.join(', ') : 'invalid bearer token'}
}

export async function authenticateRequest(chain: AuthenticationChain, request: IncomingMessage): Promise<AuthenticationResult> {
  const errors: string[] = []
  if (chain.clientCertificates && 'getPeerCertificate' in request.socket) {
    const answer = authenticateClientCertificate(request.socket as TLSSocket)
    if (answer.kind === 'user') return {ok: true, user: authenticatedUser(answer.user)}
    if (answer.kind === 'error') errors.push(answer.message)
  }
  const token = bearerToken(request)
  if (token !== undefined) {
    const answer = await authenticateToken(chain, token)
    if (answer.kind === 'user') return {ok: true, user: answer.user}
    if (answer.kind === 'error') errors.push(answer.message)
  }
  if (errors.length > 0) return {ok: false, reason: errors.join('; ')}
  if (chain.anonymous) return {ok: true, user: anonymousUser()}
  return {ok: false, reason: 'no credentials and anonymous access is disabled (--anonymous-auth=false)'}
}
