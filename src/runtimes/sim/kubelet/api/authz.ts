/**
 * The kubelet's authorizer (cmd/kubelet/app/auth.go BuildAuthz) and the attributes it authorizes
 * (pkg/kubelet/server/auth.go GetRequestAttributes):
 *
 *   verb from the HTTP method (POST → create, GET → get, PUT → update, PATCH → patch, DELETE → delete),
 *   resource nodes, name = this node, API version v1, subresource proxy — except /stats/* (stats),
 *   /metrics/* (metrics), /logs/* (log) and, while the kubelet still served it (before 1.21), /spec/* (spec).
 *
 * AlwaysAllow allows everything. Webhook sends a SubjectAccessReview to the API server with the kubelet's own
 * credentials and caches the answer: allowed for authorization.webhook.cacheAuthorizedTTL (default 5m), denied
 * for cacheUnauthorizedTTL (default 30s). A review that fails is an error (the kubelet answers 500).
 *
 * Not modelled: the KubeletFineGrainedAuthz gate (1.32+), which first asks about nodes/pods, nodes/healthz or
 * nodes/configz and then nodes/proxy.
 */
import type {IncomingMessage} from 'node:http'
import {atLeast, type KubeVersion} from '../../apiserver/version.js'
import {ApiServerUnreachableError, statusMessage, type ApiServerClient} from './api-client.js'
import type {UserInfo} from './authn.js'
import {KubeletStartupError} from './errors.js'
import {TtlCache} from './ttl-cache.js'

export interface NodeRequestAttributes {
  user: UserInfo
  verb: string
  resource: 'nodes'
  subresource: string
  name: string
  path: string
}

export type AuthorizationDecision = {kind: 'allow'} | {kind: 'deny'} | {kind: 'error'; message: string}

export interface KubeletAuthorizer {
  authorize(attributes: NodeRequestAttributes): Promise<AuthorizationDecision>
}

const VERBS: Readonly<Record<string, string>> = {POST: 'create', GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete'}

/** isSubpath from pkg/kubelet/server/auth.go. */
function isSubpath(subpath: string, path: string): boolean {
  const trimmed = path.replace(/\/$/, '')
  return subpath === trimmed || (subpath.startsWith(trimmed) && subpath[trimmed.length] === '/')
}

export function requestAttributes(request: IncomingMessage, user: UserInfo, nodeName: string, version: KubeVersion): NodeRequestAttributes {
  const path = pathOf(request)
  let subresource = 'proxy'
  if (isSubpath(path, '/stats/')) subresource = 'stats'
  else if (isSubpath(path, '/metrics')) subresource = 'metrics'
  else if (isSubpath(path, '/logs/')) subresource = 'log'
  else if (!atLeast(version, 1, 21) && isSubpath(path, '/spec/')) subresource = 'spec'
  return {user, verb: VERBS[request.method ?? ''] ?? '', resource: 'nodes', subresource, name: nodeName, path}
}

export function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/'
  const query = url.indexOf('?')
  return query < 0 ? url : url.slice(0, query)
}

/** Builds the authorizer for authorization.mode; an unknown mode stops the kubelet as BuildAuthz does. */
export function buildAuthorizer(mode: string, options: {reviews: ApiServerClient | undefined; allowedTtlMs: number; deniedTtlMs: number}): KubeletAuthorizer {
  switch (mode) {
    case 'AlwaysAllow':
      return {authorize: async () => ({kind: 'allow'})}
    case 'Webhook':
      if (!options.reviews) {
        throw new KubeletStartupError('failed to run Kubelet: no client provided, cannot use webhook authorization', 'run', {setting: 'authorization.mode'})
      }
      return new WebhookAuthorizer(options.reviews, options.allowedTtlMs, options.deniedTtlMs)
    case '':
      throw new KubeletStartupError('failed to run Kubelet: no authorization mode specified', 'run', {setting: 'authorization.mode'})
    default:
      throw new KubeletStartupError(`failed to run Kubelet: unknown authorization mode ${mode}`, 'run', {setting: 'authorization.mode'})
  }
}

class WebhookAuthorizer implements KubeletAuthorizer {
  private readonly cache: TtlCache<string, boolean>

  constructor(
    private readonly client: ApiServerClient,
    private readonly allowedTtlMs: number,
    private readonly deniedTtlMs: number,
  ) {
    this.cache = new TtlCache(allowedTtlMs)
  }

  async authorize(attributes: NodeRequestAttributes): Promise<AuthorizationDecision> {
    const spec = {
      resourceAttributes: {
        namespace: '',
        verb: attributes.verb,
        group: '',
        version: 'v1',
        resource: attributes.resource,
        subresource: attributes.subresource,
        name: attributes.name,
      },
      user: attributes.user.name,
      groups: attributes.user.groups,
      ...(attributes.user.uid ? {uid: attributes.user.uid} : {}),
      ...(attributes.user.extra ? {extra: attributes.user.extra} : {}),
    }
    const key = JSON.stringify(spec)
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached ? {kind: 'allow'} : {kind: 'deny'}
    let response
    try {
      response = await this.client.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec,
      })
    } catch (error) {
      if (error instanceof ApiServerUnreachableError) return {kind: 'error', message: error.message}
      throw error
    }
    if (response.status !== 201 && response.status !== 200) return {kind: 'error', message: statusMessage(response)}
    const status = response.body !== null && typeof response.body === 'object' ? (response.body as {status?: {allowed?: unknown}}).status : undefined
    const allowed = status?.allowed === true
    this.cache.set(key, allowed, allowed ? this.allowedTtlMs : this.deniedTtlMs)
    return allowed ? {kind: 'allow'} : {kind: 'deny'}
  }
}
