import https from 'node:https'
import type {SecureVersion} from 'node:tls'

export interface HealthServerOptions {
  host: string
  port: number
  certificatePem: string
  privateKeyPem: string
  minVersion: SecureVersion
  /** --authorization-always-allow-paths: answered without asking the API server. */
  alwaysAllowPaths: readonly string[]
}

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz'])

/** --authorization-always-allow-paths default of kube-controller-manager and kube-scheduler. */
export const DEFAULT_ALWAYS_ALLOW_PATHS = ['/healthz', '/readyz', '/livez']

/**
 * The secure port of kube-controller-manager / kube-scheduler, as far as a lab needs it: the health
 * endpoints answer "ok" (text/plain, nosniff) to anyone, as they are in --authorization-always-allow-paths.
 * Fixture for everything else: an anonymous request elsewhere gets the 403 Status that
 * k8s.io/apiserver's responsewriters.Forbidden writes when the delegated SubjectAccessReview denies
 * system:anonymous (the simulation has no API server to ask, so it always denies).
 */
export function startHealthServer(options: HealthServerOptions): Promise<https.Server> {
  const allowed = new Set(options.alwaysAllowPaths)
  const server = https.createServer({cert: options.certificatePem, key: options.privateKeyPem, minVersion: options.minVersion}, (request, response) => {
    const pathname = new URL(request.url ?? '/', 'https://localhost').pathname
    const healthPath = HEALTH_PATHS.has(pathname) || [...HEALTH_PATHS].some((health) => pathname.startsWith(`${health}/`))
    const verb = (request.method ?? 'GET').toLowerCase()
    if (healthPath && allowed.has(pathname.split('/').slice(0, 2).join('/'))) {
      response.writeHead(200, {'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff'})
      response.end(request.method === 'HEAD' ? undefined : 'ok')
      return
    }
    if (allowed.has(pathname)) {
      response.writeHead(404, {'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff'})
      response.end('404 page not found\n')
      return
    }
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `forbidden: User "system:anonymous" cannot ${verb} path "${pathname}"`,
      reason: 'Forbidden',
      details: {},
      code: 403,
    }
    response.writeHead(403, {'content-type': 'application/json', 'x-content-type-options': 'nosniff'})
    response.end(`${JSON.stringify(status)}\n`)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}
