import {httpProbe} from '../probes/http.js'
import {summariseTls} from '../probes/tls-info.js'
import type {HttpProbeRequest, HttpProbeResult} from '../probes/types.js'
import {loadApiCredentials, type ApiCredentials} from '../target/kubeconfig.js'
import type {Ports} from '../target/types.js'
import type {CheckContext} from './context.js'
import type {SideVerdict, WireEvidence} from './model.js'

const EXCERPT_CHARS = 200

/** https://host:port/path (or http) for one of the target's endpoints. */
export function endpointUrl(ctx: CheckContext, port: keyof Ports, scheme: 'http' | 'https', urlPath: string): string {
  const host = ctx.target.endpoints.host.includes(':') ? `[${ctx.target.endpoints.host}]` : ctx.target.endpoints.host
  return `${scheme}://${host}:${ctx.target.endpoints.ports[port]}${urlPath}`
}

/** One request per audit however many checks ask for it (keyed on method, URL, credentials and body). */
export function probeOnce(ctx: CheckContext, request: Omit<HttpProbeRequest, 'timeoutMs'>): Promise<HttpProbeResult> {
  const key = `probe ${request.method ?? 'GET'} ${request.url} ${request.credentialsLabel ?? ''} ${request.body ?? ''}`
  const agent = request.url.startsWith('https:') ? ctx.agents.https : ctx.agents.http
  return ctx.once(key, async () => asSeenThroughDocker(ctx, await httpProbe({...request, agent, timeoutMs: ctx.target.timeoutMs})))
}

/**
 * Docker's proxy accepts a connection on a mapped port even when nothing listens behind it in the node, then
 * closes it unanswered: on such targets (a kind node) that is what a refused connection looks like.
 */
function asSeenThroughDocker(ctx: CheckContext, result: HttpProbeResult): HttpProbeResult {
  if (result.ok || result.failure !== 'reset' || ctx.target.endpoints.dockerPublished !== true) return result
  return {...result, failure: 'refused', message: `closed unanswered by Docker's port mapping: nothing listens behind it in the node (${result.message})`}
}

/** The kubeconfig's credentials, read once; undefined when the target has none. */
export function apiCredentials(ctx: CheckContext): Promise<ApiCredentials | undefined> {
  const credentials = ctx.target.credentials
  if (!credentials) return Promise.resolve(undefined)
  return ctx.once('kubeconfig', () => loadApiCredentials(credentials))
}

/** Evidence for one probe: the request, the answer (status, excerpt, TLS) or why there was none. */
export function wireEvidence(result: HttpProbeResult, verdict: SideVerdict, note?: string): WireEvidence {
  const evidence: WireEvidence = {request: result.request, verdict}
  if (result.tls) evidence.tls = summariseTls(result.tls)
  if (result.ok) {
    evidence.status = result.status
    const excerpt = excerptOf(result.body)
    if (excerpt) evidence.bodyExcerpt = excerpt
  } else {
    evidence.error = result.message
  }
  if (note) evidence.note = note
  return evidence
}

export function excerptOf(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim()
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat
}

/** Transport failures that mean "this port is closed" rather than "we could not tell". */
export function isClosed(result: HttpProbeResult): boolean {
  return !result.ok && result.failure === 'refused'
}
