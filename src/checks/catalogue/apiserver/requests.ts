import type {HttpProbeResult} from '../../../probes/types.js'
import type {ApiCredentials} from '../../../target/kubeconfig.js'
import type {CheckContext} from '../../context.js'
import type {WireEvidence} from '../../model.js'
import {endpointUrl, isClosed, probeOnce, wireEvidence} from '../../wire.js'

export const NO_CREDENTIALS = 'no credentials'

/**
 * GET on the API server's secure port without credentials, the way an attacker's `curl -k` does.
 * Several checks ask for the same path; the request is sent once per audit.
 */
export function anonymousGet(ctx: CheckContext, path: string): Promise<HttpProbeResult> {
  return probeOnce(ctx, {
    url: endpointUrl(ctx, 'apiserverSecure', 'https', path),
    headers: {accept: 'application/json'},
    credentialsLabel: NO_CREDENTIALS,
  })
}

/** A request to the server the kubeconfig names, as the kubeconfig's user. */
export function credentialedRequest(
  ctx: CheckContext,
  credentials: ApiCredentials,
  path: string,
  body?: unknown,
): Promise<HttpProbeResult> {
  const headers: Record<string, string> = {...credentials.headers, accept: 'application/json'}
  if (body === undefined) {
    return probeOnce(ctx, {url: `${credentials.server}${path}`, headers, tls: credentials.tls, credentialsLabel: credentials.label})
  }
  return probeOnce(ctx, {
    url: `${credentials.server}${path}`,
    method: 'POST',
    headers: {...headers, 'content-type': 'application/json'},
    body: JSON.stringify(body),
    tls: credentials.tls,
    credentialsLabel: credentials.label,
  })
}

/** The fields of a metav1.Status the checks read (kind "Status", e.g. a 401 or 403 answer). */
export interface ApiStatus {
  message?: string
  reason?: string
  code?: number
}

/** The `kind` of a JSON answer ("APIVersions", "NamespaceList", "Status"...), or undefined for anything else. */
export function jsonKind(body: string): string | undefined {
  const parsed = parseJson(body)
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  const kind = (parsed as Record<string, unknown>).kind
  return typeof kind === 'string' ? kind : undefined
}

/** The Status an API server answers errors with; undefined when the body is not one. */
export function apiStatus(body: string): ApiStatus | undefined {
  if (jsonKind(body) !== 'Status') return undefined
  const parsed = parseJson(body) as Record<string, unknown>
  const status: ApiStatus = {}
  if (typeof parsed.message === 'string') status.message = parsed.message
  if (typeof parsed.reason === 'string') status.reason = parsed.reason
  if (typeof parsed.code === 'number') status.code = parsed.code
  return status
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}

/** A 403 whose message names the anonymous user: authentication let the request in as system:anonymous. */
export function isAnonymousForbidden(result: HttpProbeResult): boolean {
  return result.ok && result.status === 403 && (apiStatus(result.body)?.message ?? result.body).includes('"system:anonymous"')
}

/**
 * Evidence for a probe that got no HTTP answer. A refused connection says nothing about the API
 * server's settings (it is not there, or not reachable from here); timeouts, resets, garbage and
 * TLS failures mean the probe itself could not decide.
 */
export function unansweredEvidence(result: HttpProbeResult & {ok: false}): WireEvidence {
  if (isClosed(result)) return wireEvidence(result, 'unknown', 'nothing listens there: the API server is not reachable from here, so this side cannot tell')
  if (result.failure === 'not-tls') return wireEvidence(result, 'error', 'the port does not speak TLS, so it is not an API server secure port')
  return wireEvidence(result, 'error')
}
