/**
 * The handler chain of one request, in the real order: authentication (401 Status on failure), request info,
 * authorization (403 Status with the real "User ... cannot ..." text), then non-resource endpoints or the REST
 * handlers. The ≤1.19 insecure port skips authentication and authorization entirely and runs as the
 * system:unsecured superuser, as the real insecure handler did.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {ApiContext, ApiRequest} from '../api/context.js'
import {requestInfoFor, type RequestInfo} from '../api/request-info.js'
import {handleResourceRequest} from '../api/rest.js'
import {ApiError, forbidden, internalError, unauthorized, unsupportedBodyFormat} from '../api/status.js'
import {authenticateRequest} from '../auth/authenticate.js'
import {insecureSuperuser, type UserInfo} from '../auth/user.js'
import type {Attributes} from '../authz/types.js'
import {parseJsonBody, readBody, sendJson, sendStatus, sendText} from './http.js'
import {serveNonResource, type NonResourceSettings} from './non-resource.js'
import {streamWatch} from './watch.js'

export interface PipelineOptions {
  /** False for the insecure port. */
  authenticated: boolean
  nonResource: NonResourceSettings
}

function attributesOf(info: RequestInfo, user: UserInfo): Attributes {
  return {
    user,
    verb: info.verb,
    resourceRequest: info.resourceRequest,
    path: info.path,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  }
}

/** responsewriters.forbiddenMessage. */
export function forbiddenMessage(attributes: Attributes): string {
  const user = JSON.stringify(attributes.user.name)
  if (!attributes.resourceRequest) return `User ${user} cannot ${attributes.verb} path ${JSON.stringify(attributes.path)}`
  const resource = attributes.subresource === '' ? attributes.resource : `${attributes.resource}/${attributes.subresource}`
  const scope = attributes.namespace === '' ? 'at the cluster scope' : `in the namespace ${JSON.stringify(attributes.namespace)}`
  return `User ${user} cannot ${attributes.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attributes.apiGroup)} ${scope}`
}

export function forbiddenError(attributes: Attributes, reason: string): ApiError {
  const message = reason === '' ? forbiddenMessage(attributes) : `${forbiddenMessage(attributes)}: ${reason}`
  if (!attributes.resourceRequest) return forbidden('', '', '', message)
  return forbidden(attributes.apiGroup, attributes.resource, attributes.name, message)
}

export async function handleRequest(
  context: ApiContext,
  options: PipelineOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET'
  const url = new URL(request.url ?? '/', 'https://apiserver.invalid')
  try {
    let user: UserInfo
    if (options.authenticated) {
      const result = await authenticateRequest(context.authentication, request)
      if (!result.ok) {
        context.log.error('authentication.go:73', `"Unable to authenticate the request" err="${result.reason.replaceAll('"', '\\"')}"`)
        return sendStatus(response, unauthorized().status)
      }
      user = result.user
    } else {
      user = insecureSuperuser()
    }
    const info = requestInfoFor(method, url)
    if (options.authenticated) {
      const attributes = attributesOf(info, user)
      const decision = await context.authorizer.authorize(attributes)
      if (decision.decision !== 'allow') return sendStatus(response, forbiddenError(attributes, decision.reason).status)
    }
    if (!info.resourceRequest) {
      if (await serveNonResource(context, options.nonResource, url, response)) return
      return sendText(response, 404, '404 page not found\n')
    }
    const raw = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? Buffer.alloc(0) : await readBody(request)
    const contentType = request.headers['content-type'] ?? 'application/json'
    if (raw.length > 0 && method !== 'PATCH' && !/^application\/json\b/i.test(contentType)) {
      throw unsupportedBodyFormat(contentType)
    }
    const apiRequest: ApiRequest = {
      user,
      body: parseJsonBody(raw),
      contentType,
      accept: request.headers.accept,
      query: url.searchParams,
    }
    const reply = await handleResourceRequest(context, info, apiRequest)
    if (reply.kind === 'json') return sendJson(response, reply.status, reply.body)
    const type = context.registry.byResource(reply.group, reply.resource)
    return streamWatch(context, {type, namespace: reply.namespace, filter: reply.filter, table: reply.table, query: url.searchParams}, request, response)
  } catch (error) {
    if (error instanceof ApiError) return sendStatus(response, error.status)
    const message = error instanceof Error ? error.message : String(error)
    context.log.error('status.go:71', `apiserver received an error that is not an metav1.Status: ${message}`)
    if (!response.headersSent) sendStatus(response, internalError(message).status)
    else response.end()
  }
}

