import http from 'node:http'
import https from 'node:https'

export type ProbeAnswer = {kind: 'answered'; statusCode: number} | {kind: 'no-answer'; error: string}

/**
 * One HTTP(S) GET the way the kubelet's prober sends it: no certificate verification, no client
 * certificate, nothing but the status code read. The kubelet counts 200–399 as success.
 */
export function probeOnce(url: string, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http
    const request = client.get(url, {timeout: timeoutMs, agent: false, rejectUnauthorized: false, headers: {'user-agent': 'kube-probe/kubelab'}}, (response) => {
      response.resume()
      resolve({kind: 'answered', statusCode: response.statusCode ?? 0})
    })
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    request.on('error', (error: NodeJS.ErrnoException) => resolve({kind: 'no-answer', error: error.code ?? error.message}))
  })
}

export function isProbeSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 400
}
