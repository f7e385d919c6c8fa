/**
 * The kubelet's client for the API server: HTTPS with the kubeconfig's client certificate, verifying the server
 * against the kubeconfig's CA, over kept-alive connections (the kubelet sends a TokenReview or
 * SubjectAccessReview per uncached request, a status update per pod, and a heartbeat).
 */
import https from 'node:https'

export interface ApiResponse {
  status: number
  /** Parsed JSON; undefined when the body is not JSON. */
  body: unknown
  text: string
}

/** No HTTP answer: refused, reset, timed out or a TLS failure. */
export class ApiServerUnreachableError extends Error {
  constructor(
    readonly request: string,
    readonly reason: string,
  ) {
    super(`${request}: ${reason}`)
    this.name = 'ApiServerUnreachableError'
  }
}

export interface ApiServerClientOptions {
  server: string
  caPem: string | undefined
  certificatePem: string
  keyPem: string
  timeoutMs?: number
}

export class ApiServerClient {
  private readonly agent: https.Agent
  private readonly base: URL
  private readonly timeoutMs: number

  constructor(options: ApiServerClientOptions) {
    this.base = new URL(options.server)
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      cert: options.certificatePem,
      key: options.keyPem,
      ...(options.caPem === undefined ? {rejectUnauthorized: false} : {ca: options.caPem}),
    })
  }

  get server(): string {
    return this.base.origin
  }

  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
    const label = `${method} ${this.base.origin}${path}`
    const payload = body === undefined ? undefined : JSON.stringify(body)
    return new Promise<ApiResponse>((resolve, reject) => {
      const request = https.request(
        new URL(path, this.base),
        {
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            'user-agent': 'kubelet/kubelab-sim',
            ...(payload === undefined ? {} : {'content-type': contentType, 'content-length': Buffer.byteLength(payload)}),
          },
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let parsed: unknown
            try {
              parsed = text === '' ? undefined : JSON.parse(text)
            } catch {
              parsed = undefined
            }
            resolve({status: response.statusCode ?? 0, body: parsed, text})
          })
          response.on('error', (error) => reject(new ApiServerUnreachableError(label, error.message)))
        },
      )
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)))
      request.on('error', (error) => reject(new ApiServerUnreachableError(label, error.message)))
      if (payload !== undefined) request.write(payload)
      request.end()
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

/** The `message` of a Kubernetes Status answer, or the start of the body. */
export function statusMessage(response: ApiResponse): string {
  const body = response.body
  if (body !== null && typeof body === 'object' && typeof (body as {message?: unknown}).message === 'string') return (body as {message: string}).message
  return response.text.trim().slice(0, 300) || `HTTP ${response.status}`
}
