import {httpProbe} from './http.js'
import type {HttpProbeResult, TlsClientOptions} from './types.js'

/** The end of a prefix range, as etcdctl computes it for `get --prefix`: the prefix with its last byte incremented. */
export function prefixRangeEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, 'utf8')
  for (let index = bytes.length - 1; index >= 0; index -= 1) {
    const byte = bytes[index] ?? 0
    if (byte < 0xff) {
      const end = Buffer.from(bytes.subarray(0, index + 1))
      end[index] = byte + 1
      return end.toString('latin1')
    }
  }
  return '\0'
}

export interface EtcdRangeRequest {
  /** e.g. "http://127.0.0.1:2379" or "https://127.0.0.1:2379" */
  baseUrl: string
  key: string
  /** Ask for every key under `key`. */
  prefix?: boolean
  keysOnly?: boolean
  countOnly?: boolean
  limit?: number
  tls?: TlsClientOptions
  timeoutMs: number
  credentialsLabel?: string
}

export interface EtcdKeyValue {
  key: string
  value?: string
}

export interface EtcdRangeResult {
  probe: HttpProbeResult
  /** Present when etcd answered a range: the keys (and values unless keysOnly) and the total count. */
  range?: {count: number; kvs: EtcdKeyValue[]}
}

interface RangeAnswer {
  count?: string
  kvs?: {key?: string; value?: string}[]
}

/**
 * A v3 range read through etcd's gRPC-gateway (POST /v3/kv/range, base64 keys), which is what an
 * attacker with curl uses. The v2 API kube-hunter probes is off by default in etcd 3.4 and gone in 3.6.
 */
export async function etcdRange(request: EtcdRangeRequest): Promise<EtcdRangeResult> {
  const body: Record<string, unknown> = {key: toBase64(request.key)}
  if (request.prefix) body.range_end = Buffer.from(prefixRangeEnd(request.key), 'latin1').toString('base64')
  if (request.keysOnly) body.keys_only = true
  if (request.countOnly) body.count_only = true
  if (request.limit !== undefined) body.limit = request.limit
  const probe = await httpProbe({
    url: `${request.baseUrl.replace(/\/$/, '')}/v3/kv/range`,
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify(body),
    ...(request.tls ? {tls: request.tls} : {}),
    timeoutMs: request.timeoutMs,
    ...(request.credentialsLabel ? {credentialsLabel: request.credentialsLabel} : {}),
  })
  if (!probe.ok || probe.status !== 200) return {probe}
  const answer = parseRange(probe.body)
  return answer ? {probe, range: answer} : {probe}
}

function parseRange(text: string): {count: number; kvs: EtcdKeyValue[]} | undefined {
  let parsed: RangeAnswer
  try {
    parsed = JSON.parse(text) as RangeAnswer
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const kvs = (parsed.kvs ?? []).map((kv) => ({
    key: fromBase64(kv.key ?? ''),
    ...(kv.value === undefined ? {} : {value: fromBase64(kv.value)}),
  }))
  return {count: Number(parsed.count ?? kvs.length), kvs}
}

function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64')
}

function fromBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8')
}
