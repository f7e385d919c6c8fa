import {etcdRange, type EtcdRangeResult} from '../../../probes/etcd.js'
import type {HttpProbeResult} from '../../../probes/types.js'
import type {CheckContext} from '../../context.js'
import {endpointUrl, isClosed, probeOnce} from '../../wire.js'
import type {EtcdSide} from './sides.js'

/** Where kube-apiserver keeps every object (its --etcd-prefix default). */
export const REGISTRY_PREFIX = '/registry/'

/**
 * What one etcd listener speaks, from the attacker's two first requests:
 * plaintext: it answers plain HTTP; tls: it completes (or rejects, with a TLS alert) a handshake;
 * closed: nothing listens; broken: it neither answers HTTP nor speaks TLS (silent, resets, garbage).
 */
export type PortMode = 'plaintext' | 'tls' | 'closed' | 'broken'

export interface PortProbes {
  /** GET http://host:port/<probe path>, no credentials. */
  plain: HttpProbeResult
  /** GET https://host:port/<probe path>, no client certificate, server certificate not verified. */
  tls: HttpProbeResult
  mode: PortMode
}

/** Both first requests to a listener, sent once per audit whatever number of checks ask. */
export async function probeEtcdPort(ctx: CheckContext, side: EtcdSide): Promise<PortProbes> {
  const [plain, tls] = await Promise.all([
    probeOnce(ctx, {url: endpointUrl(ctx, side.port, 'http', side.probePath), credentialsLabel: 'no credentials'}),
    probeOnce(ctx, {url: endpointUrl(ctx, side.port, 'https', side.probePath), credentialsLabel: 'no client certificate'}),
  ])
  return {plain, tls, mode: portMode(plain, tls)}
}

/**
 * A TLS listener answers a TLS attempt with a handshake, or with an alert when it wants a client
 * certificate. Plain HTTP sent to etcd's TLS listener gets no answer: etcd closes the connection
 * ("tls: first record does not look like a TLS handshake" in its log), measured on etcd 3.4.23.
 */
export function portMode(plain: HttpProbeResult, tls: HttpProbeResult): PortMode {
  if (spokeTls(tls)) return 'tls'
  if (plain.ok) return 'plaintext'
  if (isClosed(plain) && isClosed(tls)) return 'closed'
  return 'broken'
}

export function spokeTls(result: HttpProbeResult): boolean {
  return result.tls !== undefined || (!result.ok && result.failure === 'tls-rejected')
}

export interface RangeOptions {
  countOnly?: boolean
  keysOnly?: boolean
  limit?: number
}

/**
 * A v3 range read of everything under /registry/ with no credentials (no client certificate over
 * TLS), as an attacker's curl or `etcdctl get /registry/ --prefix` sends it; once per audit.
 */
export function registryRange(ctx: CheckContext, scheme: 'http' | 'https', options: RangeOptions): Promise<EtcdRangeResult> {
  const baseUrl = endpointUrl(ctx, 'etcdClient', scheme, '')
  return ctx.once(`etcd range ${baseUrl} ${REGISTRY_PREFIX} ${JSON.stringify(options)}`, () =>
    etcdRange({
      baseUrl,
      key: REGISTRY_PREFIX,
      prefix: true,
      ...options,
      timeoutMs: ctx.target.timeoutMs,
      credentialsLabel: scheme === 'https' ? 'no client certificate' : 'no credentials',
    }),
  )
}

/** The scheme a listener in this mode is read with, when it can be read at all. */
export function schemeOf(mode: PortMode): 'http' | 'https' | undefined {
  return mode === 'plaintext' ? 'http' : mode === 'tls' ? 'https' : undefined
}

/** etcd's /version answer, e.g. {"etcdserver":"3.4.23","etcdcluster":"3.4.0"}; undefined for anything else. */
export function etcdVersionOf(result: HttpProbeResult): string | undefined {
  if (!result.ok || result.status !== 200) return undefined
  const parsed = parseJson(result.body)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const version = (parsed as Record<string, unknown>).etcdserver
  return typeof version === 'string' ? version : undefined
}

export interface EtcdMember {
  name: string
  peerURLs: string[]
  clientURLs: string[]
}

/** The peer listener's /members answer: [{"id":…,"peerURLs":[…],"name":"…","clientURLs":[…]}]. */
export function etcdMembersOf(result: HttpProbeResult): EtcdMember[] | undefined {
  if (!result.ok || result.status !== 200) return undefined
  const parsed = parseJson(result.body)
  if (!Array.isArray(parsed)) return undefined
  const members: EtcdMember[] = []
  for (const entry of parsed as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined
    const record = entry as Record<string, unknown>
    members.push({name: typeof record.name === 'string' ? record.name : '', peerURLs: strings(record.peerURLs), clientURLs: strings(record.clientURLs)})
  }
  return members
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
