/**
 * The two listeners: port 10250 (TLS, behind the auth filter) and the read-only port (plain HTTP, no filter at all).
 *
 * The auth filter is InstallAuthFilter (pkg/kubelet/server/server.go), run before every handler, unknown paths
 * included: authentication failure → 401 "Unauthorized"; authorizer error → 500
 * "Authorization error (user=…, verb=…, resource=…, subresource=…)"; anything but allow → 403
 * "Forbidden (user=…, verb=…, resource=nodes, subresource=…)" — the wording kubelets up to 1.31 use, and the one
 * auditors (and kubelab's checks) match; newer kubelets list the subresources they tried.
 *
 * TLS as InitializeTLS sets it up: with a client CA the server asks for a certificate without requiring one
 * (tls.RequestClientCert) and authentication verifies it; without one it does not ask.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {listenInsecure, listenSecure, type RunningListener} from '../../apiserver/server/listeners.js'
import {StartupError} from '../../apiserver/errors.js'
import type {KubeVersion} from '../../apiserver/version.js'
import type {KubeletAuthenticator} from './authn.js'
import {pathOf, requestAttributes, type KubeletAuthorizer} from './authz.js'
import {KubeletStartupError} from './errors.js'
import {restfulError, route, type HandlerContext} from './handlers.js'
import type {KubeletApiLog} from './log.js'

export interface SecureServerOptions {
  address: string
  port: number
  certificatePem: string
  keyPem: string
  clientCaPem: string | undefined
  authenticator: KubeletAuthenticator
  authorizer: KubeletAuthorizer
  version: KubeVersion
  context: HandlerContext
  log: KubeletApiLog
}

export async function listenKubelet(options: SecureServerOptions): Promise<RunningListener> {
  const {authenticator, authorizer, context, log} = options
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    void (async () => {
      const path = pathOf(request)
      context.metrics.countRequest(request.method ?? 'GET', path, false)
      const authentication = await authenticator.authenticate(request)
      if (!authentication.ok) {
        if (!authentication.reason.startsWith('no credentials')) log.error('Unable to authenticate the request due to an error', {err: authentication.reason})
        return restfulError(response, 401, 'Unauthorized')
      }
      const attributes = requestAttributes(request, authentication.user, context.nodeName, options.version)
      const decision = await authorizer.authorize(attributes)
      const described = `user=${attributes.user.name}, verb=${attributes.verb}, resource=${attributes.resource}, subresource=${attributes.subresource}`
      if (decision.kind === 'error') {
        log.error('Authorization error', {user: attributes.user.name, verb: attributes.verb, resource: attributes.resource, subresource: attributes.subresource, err: decision.message})
        return restfulError(response, 500, `Authorization error (${described})`)
      }
      if (decision.kind !== 'allow') return restfulError(response, 403, `Forbidden (${described})`)
      await route(request, response, path, context, false)
    })().catch((error: unknown) => failed(response, error, log))
  }
  return listening(
    () =>
      listenSecure({
        host: options.address,
        port: options.port,
        cert: Buffer.from(options.certificatePem),
        key: Buffer.from(options.keyPem),
        ...(options.clientCaPem === undefined ? {} : {clientCa: Buffer.from(options.clientCaPem)}),
        handler,
      }),
    'server.go:180',
  )
}

/** The read-only port: the same handlers that need no authorization, and nothing else. */
export async function listenReadOnly(address: string, port: number, context: HandlerContext, log: KubeletApiLog): Promise<RunningListener> {
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const path = pathOf(request)
    context.metrics.countRequest(request.method ?? 'GET', path, true)
    route(request, response, path, context, true).catch((error: unknown) => failed(response, error, log))
  }
  return listening(() => listenInsecure(address, port, handler), 'server.go:237')
}

/** A port already taken ends the real kubelet with "Failed to listen and serve" and exit 1. */
async function listening(listen: () => Promise<RunningListener>, source: string): Promise<RunningListener> {
  try {
    return await listen()
  } catch (error) {
    if (!(error instanceof StartupError)) throw error
    const reason = error.message.replace(/^failed to listen on \S+: /, '')
    throw new KubeletStartupError(reason, 'listen', {}, source, 'Failed to listen and serve')
  }
}

function failed(response: ServerResponse, error: unknown, log: KubeletApiLog): void {
  const message = error instanceof Error ? error.message : String(error)
  log.error('Error while serving a kubelet API request', {err: message})
  if (!response.headersSent) restfulError(response, 500, message)
  else response.end()
}
