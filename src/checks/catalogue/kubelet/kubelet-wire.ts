import type {HttpProbeResult} from '../../../probes/types.js'
import type {CheckContext} from '../../context.js'
import type {WireEvidence} from '../../model.js'
import {endpointUrl, isClosed, probeOnce, wireEvidence} from '../../wire.js'
import type {ClientCertificate} from './client-certificate.js'

export const NO_CREDENTIALS = 'no credentials'

/** The pod kubelab names in its /run probe; it does not exist, so nothing ever runs. */
export const PROBE_POD = 'kubelab-probe'
export const RUN_PROBE_PATH = `/run/${PROBE_POD}/${PROBE_POD}/${PROBE_POD}`
export const RUN_PROBE_BODY = 'cmd=id'

/** GET https://node:10250/pods with no credentials and the server certificate not verified, as kube-hunter sends it; once per audit. */
export function anonymousPods(ctx: CheckContext): Promise<HttpProbeResult> {
  return probeOnce(ctx, {url: endpointUrl(ctx, 'kubelet', 'https', '/pods'), headers: {accept: 'application/json'}, credentialsLabel: NO_CREDENTIALS})
}

/** GET https://node:10250/pods presenting the kubeconfig's client certificate (nothing else); once per audit. */
export function certificatePods(ctx: CheckContext, certificate: ClientCertificate): Promise<HttpProbeResult> {
  return probeOnce(ctx, {
    url: endpointUrl(ctx, 'kubelet', 'https', '/pods'),
    headers: {accept: 'application/json'},
    tls: {cert: certificate.certificatePem, key: certificate.keyPem, verify: false},
    credentialsLabel: certificate.label,
  })
}

/**
 * POST https://node:10250/run/kubelab-probe/kubelab-probe/kubelab-probe with `cmd=id`, no credentials:
 * the kubelet's legacy run-a-command endpoint, which kube-hunter probes (KHV040) with a pod that
 * does not exist so that nothing runs. Authentication and authorization come before the pod lookup,
 * so 404 "pod does not exist" means a stranger got past both.
 */
export function anonymousRun(ctx: CheckContext): Promise<HttpProbeResult> {
  return probeOnce(ctx, {
    url: endpointUrl(ctx, 'kubelet', 'https', RUN_PROBE_PATH),
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: RUN_PROBE_BODY,
    credentialsLabel: NO_CREDENTIALS,
  })
}

/** GET http://node:10255/pods: the read-only port has no TLS and no authentication at all; once per audit. */
export function readOnlyPods(ctx: CheckContext): Promise<HttpProbeResult> {
  return probeOnce(ctx, {url: endpointUrl(ctx, 'kubeletReadOnly', 'http', '/pods'), headers: {accept: 'application/json'}, credentialsLabel: NO_CREDENTIALS})
}

/**
 * What the kubelet's auth filter (pkg/kubelet/server/server.go InstallAuthFilter) answered:
 * 401 plain-text "Unauthorized" when no authenticator accepted the request; 403 plain-text
 * "Forbidden (user=<name>, verb=<verb>, resource=nodes, subresource=<sub>)" when the authorizer said
 * no; otherwise the handler's own answer. The subresource is not relied on: with the
 * KubeletFineGrainedAuthz gate the kubelet may name `pods` rather than `proxy`.
 */
export type KubeletAnswer =
  | {kind: 'unauthorized'}
  | {kind: 'forbidden'; user: string}
  | {kind: 'served'; status: number; body: string}
  | {kind: 'unanswered'}

const FORBIDDEN = /^Forbidden \(user=(.*?), verb=[^,]*, resource=[^,]*, subresource=[^)]*\)/

export function kubeletAnswer(result: HttpProbeResult): KubeletAnswer {
  if (!result.ok) return {kind: 'unanswered'}
  if (result.status === 401) return {kind: 'unauthorized'}
  if (result.status === 403) {
    const user = FORBIDDEN.exec(result.body.trim())?.[1]
    if (user !== undefined) return {kind: 'forbidden', user}
  }
  return {kind: 'served', status: result.status, body: result.body}
}

export const ANONYMOUS_USER = 'system:anonymous'

/** What a PodList answer discloses, for notes; undefined when the body is not a PodList. */
export interface PodListSummary {
  pods: number
  names: string[]
  privilegedContainers: number
  envVariables: number
}

export function podList(body: string): PodListSummary | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (!isRecord(parsed) || parsed.kind !== 'PodList') return undefined
  const items = Array.isArray(parsed.items) ? parsed.items.filter(isRecord) : []
  const summary: PodListSummary = {pods: items.length, names: [], privilegedContainers: 0, envVariables: 0}
  for (const pod of items) {
    const metadata = isRecord(pod.metadata) ? pod.metadata : {}
    if (typeof metadata.name === 'string') summary.names.push(typeof metadata.namespace === 'string' ? `${metadata.namespace}/${metadata.name}` : metadata.name)
    const spec = isRecord(pod.spec) ? pod.spec : {}
    const containers = Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : []
    for (const container of containers) {
      const securityContext = isRecord(container.securityContext) ? container.securityContext : {}
      if (securityContext.privileged === true) summary.privilegedContainers += 1
      if (Array.isArray(container.env)) summary.envVariables += container.env.length
    }
  }
  return summary
}

/** "3 pods (kube-system/etcd-node, …)", with what else the list gives away. */
export function describePodList(summary: PodListSummary): string {
  const shown = summary.names.slice(0, 3).join(', ')
  const more = summary.names.length > 3 ? ', …' : ''
  const parts = [`${summary.pods} pod${summary.pods === 1 ? '' : 's'}${shown ? ` (${shown}${more})` : ''}`]
  if (summary.envVariables > 0) parts.push(`${summary.envVariables} environment variable${summary.envVariables === 1 ? '' : 's'}`)
  if (summary.privilegedContainers > 0) parts.push(`${summary.privilegedContainers} privileged container${summary.privilegedContainers === 1 ? '' : 's'} (KHV044)`)
  return parts.join(', ')
}

/**
 * Evidence for a probe of the kubelet's HTTPS port that got no HTTP answer. A refused connection
 * says nothing about the kubelet's settings (it is not reachable from here); timeouts, resets,
 * garbage and TLS failures mean the probe itself could not decide. The kubelet never rejects a
 * handshake for a missing client certificate (it only requests one), so a TLS rejection is an error too.
 */
export function unansweredEvidence(ctx: CheckContext, result: HttpProbeResult & {ok: false}, port: 'kubelet' | 'kubeletReadOnly' = 'kubelet'): WireEvidence {
  const number = ctx.target.endpoints.ports[port]
  if (isClosed(result)) return wireEvidence(result, 'unknown', `nothing listens on port ${number}: the kubelet is not reachable from here, so the wire cannot tell`)
  if (result.failure === 'not-tls') return wireEvidence(result, 'error', `port ${number} does not speak TLS, so it is not the kubelet's HTTPS port`)
  return wireEvidence(result, 'error')
}

/** Evidence for an HTTP answer that is not one of the kubelet's documented answers to this request. */
export function unexpectedAnswerEvidence(result: HttpProbeResult, what: string): WireEvidence {
  const status = result.ok ? `HTTP ${result.status}` : 'no answer'
  return wireEvidence(result, 'unknown', `${status} is not one of the kubelet's answers to ${what}, so it does not decide this check`)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
