import {httpProbe} from '../../probes/http.js'
import type {HttpProbeResult, TlsClientOptions} from '../../probes/types.js'

/** The API server as the kubeconfig's user sees it: kubeadm's admin.conf for the lab's own requests. */
export interface ApiClient {
  server: string
  tls: TlsClientOptions
  headers: Record<string, string>
}

export async function apiClientFromKubeconfig(kubeconfigPath: string): Promise<ApiClient> {
  // imported when needed: it brings execa (for exec credential plugins), which `kubelab up` need not load at start
  const {loadApiCredentials} = await import('../../target/kubeconfig.js')
  const credentials = await loadApiCredentials({kubeconfigPath})
  return {server: credentials.server.replace(/\/$/, ''), tls: credentials.tls, headers: credentials.headers}
}

export interface ApiAnswer {
  status: number
  body: string
}

/** The request got no HTTP answer at all (refused, reset, timed out). */
export class ApiUnreachableError extends Error {
  constructor(
    readonly request: string,
    readonly reason: string,
  ) {
    super(`${request}: ${reason}`)
    this.name = 'ApiUnreachableError'
  }
}

/** One request to the API server; any HTTP status is an answer, only a missing answer throws. */
export async function apiRequest(client: ApiClient, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, timeoutMs = 10_000): Promise<ApiAnswer> {
  const result: HttpProbeResult = await httpProbe({
    url: `${client.server}${path}`,
    method,
    headers: {...client.headers, accept: 'application/json', ...(body === undefined ? {} : {'content-type': 'application/json'})},
    ...(body === undefined ? {} : {body: JSON.stringify(body)}),
    tls: client.tls,
    timeoutMs,
    maxBodyBytes: 1024 * 1024,
  })
  if (!result.ok) throw new ApiUnreachableError(result.request, result.message)
  return {status: result.status, body: result.body}
}

/** The `message` of a Kubernetes Status body, or the body itself. */
export function statusMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as {message?: unknown}).message === 'string') {
      return (parsed as {message: string}).message
    }
  } catch {
    // not JSON
  }
  return body.trim().slice(0, 300)
}
