/**
 * REST handling of resource requests once authentication and authorization passed: get, list (one namespace or
 * all), watch, create, update, patch, delete and deletecollection, the status subresources, serviceaccounts/token
 * (TokenRequest), and the review APIs. Replies are the real shapes: lists without per-item TypeMeta, Tables when
 * asked for, deletes answering a Success Status (or the object, for pods and namespaces).
 */
import {randomUUID} from 'node:crypto'
import {mintBoundServiceAccountToken} from '../service-account-tokens.js'
import type {ApiContext, ApiReply, ApiRequest} from './context.js'
import {allocateServiceIp, prepareForCreate, timestampNow} from './defaults.js'
import {asKubeObject, field, isRecord, stringField, type KubeObject} from './object.js'
import {applyPatch} from './patch.js'
import type {RequestInfo} from './request-info.js'
import {apiVersionOf, type ResourceType} from './resources.js'
import {handleReview} from './reviews.js'
import {fieldSelectorMatcher, labelSelectorMatcher} from './selectors.js'
import {
  ApiError,
  badRequest,
  conflict,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  resourceNotFound,
  success,
} from './status.js'
import {toTable, wantsTable} from './table.js'
import {validateName} from './validation.js'
import {DryRunStore} from '../storage/dry-run-store.js'

/** Namespaces NamespaceLifecycle refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public'])

const json = (status: number, body: unknown): ApiReply => ({kind: 'json', status, body})

export async function handleResourceRequest(context: ApiContext, info: RequestInfo, request: ApiRequest): Promise<ApiReply> {
  const type = context.registry.find(info.apiGroup, info.apiVersion, info.resource)
  if (!type || info.parts.length > 0) throw resourceNotFound()
  if (!type.namespaced && info.namespace !== '' && info.resource !== 'namespaces') throw resourceNotFound()
  if (type.review) {
    if (info.verb !== 'create' || info.name !== '') throw methodNotAllowed()
    if (type.namespaced && info.namespace === '') throw methodNotAllowed()
    return json(201, await handleReview(context, type, info.namespace, request))
  }
  if (info.subresource !== '') return handleSubresource(context, type, info, request)
  if (isDryRun(request) && WRITE_VERBS.has(info.verb)) context = {...context, store: new DryRunStore(context.store)}
  const namespace = type.namespaced ? info.namespace : ''
  switch (info.verb) {
    case 'get':
      return json(200, render(type, await context.store.mustGet(type, namespace, info.name), request))
    case 'list':
      return json(200, await list(context, type, namespace, request))
    case 'watch':
      return {
        kind: 'watch',
        resource: type.resource,
        group: type.group,
        namespace,
        filter: matcher(request, info.name),
        table: wantsTable(request.accept),
      }
    case 'create':
      if (type.namespaced && namespace === '') throw methodNotAllowed()
      return json(201, await create(context, type, namespace, request))
    case 'update':
      return json(200, await update(context, type, namespace, info.name, request, 'main'))
    case 'patch':
      return json(200, await patch(context, type, namespace, info.name, request, 'main'))
    case 'delete':
      return deleteOne(context, type, namespace, info.name)
    case 'deletecollection':
      if (!type.verbs.includes('deletecollection')) throw methodNotAllowed()
      return json(200, await deleteCollection(context, type, namespace, request))
    default:
      throw methodNotAllowed()
  }
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection'])

/** `?dryRun=All` (the only value the real apiserver accepts; anything else is refused). */
function isDryRun(request: ApiRequest): boolean {
  const values = request.query.getAll('dryRun')
  if (values.length === 0) return false
  const unsupported = values.find((value) => value !== 'All')
  if (unsupported !== undefined) throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(unsupported)}: supported values: "All"`)
  return true
}

function matcher(request: ApiRequest, name: string): (object: KubeObject) => boolean {
  const labels = labelSelectorMatcher(request.query.get('labelSelector'))
  const fields = fieldSelectorMatcher(request.query.get('fieldSelector'))
  return (object) => (name === '' || object.metadata.name === name) && labels(object) && fields(object)
}

function render(type: ResourceType, object: KubeObject, request: ApiRequest): unknown {
  if (wantsTable(request.accept)) {
    return toTable(type, [object], object.metadata.resourceVersion ?? '', request.query.get('includeObject'))
  }
  return object
}

function withoutTypeMeta(object: KubeObject): KubeObject {
  const {apiVersion: _apiVersion, kind: _kind, ...rest} = object
  return {...rest, metadata: rest.metadata}
}

async function list(context: ApiContext, type: ResourceType, namespace: string, request: ApiRequest): Promise<unknown> {
  const listed = await context.store.list(type, namespace === '' ? undefined : namespace)
  const items = listed.items.filter(matcher(request, ''))
  if (wantsTable(request.accept)) return toTable(type, items, listed.resourceVersion, request.query.get('includeObject'))
  return {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata: {resourceVersion: listed.resourceVersion},
    items: items.map(withoutTypeMeta),
  }
}

function bodyObject(type: ResourceType, request: ApiRequest): KubeObject {
  const object = asKubeObject(request.body)
  if (!object) {
    throw badRequest(`the object provided is unrecognized (must be of type ${type.kind}): couldn't get version/kind; json parse error`)
  }
  const kind = object.kind
  if (kind !== undefined && kind !== type.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${type.kind}): ${kind}`)
  }
  return object
}

async function requireNamespace(context: ApiContext, namespace: string): Promise<KubeObject> {
  return context.store.mustGet(context.registry.byResource('', 'namespaces'), undefined, namespace)
}

async function create(context: ApiContext, type: ResourceType, namespace: string, request: ApiRequest): Promise<KubeObject> {
  const object = bodyObject(type, request)
  if (type.namespaced && object.metadata.namespace && object.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
  }
  const prepared = prepareForCreate(type, object, namespace, context.version)
  const nameError = validateName(type, prepared.metadata.name)
  if (nameError) throw nameError
  if (type.namespaced) {
    const owner = await requireNamespace(context, namespace)
    if (stringField(owner, 'status', 'phase') === 'Terminating') {
      throw forbidden(type.group, type.resource, prepared.metadata.name ?? '', `unable to create new content in namespace ${namespace} because it is being terminated`)
    }
  }
  if (type.group === '' && type.resource === 'pods') await admitPod(context, prepared, namespace)
  if (type.group === '' && type.resource === 'services') await assignClusterIp(context, prepared)
  const created = await context.store.create(type, prepared)
  if (type.group === '' && type.resource === 'namespaces') await createDefaultServiceAccount(context, created.metadata.name ?? '')
  return created
}

/** The ServiceAccount admission plugin: the pod's service account must exist. */
async function admitPod(context: ApiContext, pod: KubeObject, namespace: string): Promise<void> {
  const accountName = stringField(pod, 'spec', 'serviceAccountName') ?? 'default'
  const account = await context.store.get(context.registry.byResource('', 'serviceaccounts'), namespace, accountName)
  if (!account) {
    throw forbidden(
      '',
      'pods',
      pod.metadata.name ?? '',
      `error looking up service account ${namespace}/${accountName}: serviceaccount ${JSON.stringify(accountName)} not found`,
    )
  }
}

async function assignClusterIp(context: ApiContext, service: KubeObject): Promise<void> {
  const spec = isRecord(service['spec']) ? service['spec'] : {}
  const requested = stringField(spec, 'clusterIP')
  if (requested === 'None' || spec['type'] === 'ExternalName') return
  if (requested !== undefined && requested !== '') {
    spec['clusterIPs'] = [requested]
    return
  }
  const services = await context.store.list(context.registry.byResource('', 'services'))
  const used = new Set(services.items.map((item) => stringField(item, 'spec', 'clusterIP') ?? ''))
  const ip = allocateServiceIp(context.serviceClusterIpRange, used)
  if (ip === undefined) throw new ApiError({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Internal error occurred: failed to allocate a serviceIP: range is full', reason: 'InternalError', code: 500})
  spec['clusterIP'] = ip
  spec['clusterIPs'] = [ip]
  spec['ipFamilies'] = ['IPv4']
  spec['ipFamilyPolicy'] = 'SingleStack'
  service['spec'] = spec
}

/**
 * The controller-manager's service-account controller creates `default` in every namespace; the sim has no
 * controller-manager, so the apiserver does it.
 */
export async function createDefaultServiceAccount(context: ApiContext, namespace: string): Promise<void> {
  const type = context.registry.byResource('', 'serviceaccounts')
  if (await context.store.get(type, namespace, 'default')) return
  const account = prepareForCreate(type, {metadata: {name: 'default'}}, namespace, context.version)
  try {
    await context.store.create(type, account)
  } catch (error) {
    if (!(error instanceof ApiError && error.status.reason === 'AlreadyExists')) throw error
  }
}

type UpdateTarget = 'main' | 'status'

/** Carries over what clients may not change: identity, creation time, and (for the main resource) the status. */
function mergeForUpdate(type: ResourceType, current: KubeObject, incoming: KubeObject, target: UpdateTarget): KubeObject {
  const metadata = {
    ...incoming.metadata,
    uid: current.metadata.uid,
    creationTimestamp: current.metadata.creationTimestamp,
    namespace: current.metadata.namespace,
    name: current.metadata.name,
  }
  if (metadata.namespace === undefined) delete metadata.namespace
  if (target === 'status') {
    return {...current, status: incoming['status'], metadata: {...current.metadata, resourceVersion: incoming.metadata.resourceVersion}}
  }
  const merged: KubeObject = {...incoming, apiVersion: apiVersionOf(type), kind: type.kind, metadata}
  if (type.subresources.includes('status') && 'status' in current) merged['status'] = current['status']
  if (type.group === '' && type.resource === 'secrets' && isRecord(incoming['stringData'])) {
    const data: Record<string, unknown> = isRecord(incoming['data']) ? {...incoming['data']} : {}
    for (const [key, value] of Object.entries(incoming['stringData'])) data[key] = Buffer.from(String(value)).toString('base64')
    merged['data'] = data
    delete merged['stringData']
  }
  return merged
}

/** A binding's roleRef is immutable (rbac validation: "cannot change roleRef"); delete and re-create instead. */
function rejectRoleRefChange(type: ResourceType, current: KubeObject, next: KubeObject): void {
  if (type.group !== 'rbac.authorization.k8s.io' || !type.resource.endsWith('bindings')) return
  const before = field(current, 'roleRef')
  const after = field(next, 'roleRef')
  if (JSON.stringify(before) === JSON.stringify(after)) return
  const goValue = `rbac.RoleRef{APIGroup:${JSON.stringify(stringField(next, 'roleRef', 'apiGroup') ?? '')}, Kind:${JSON.stringify(stringField(next, 'roleRef', 'kind') ?? '')}, Name:${JSON.stringify(stringField(next, 'roleRef', 'name') ?? '')}}`
  throw invalid(type.group, type.kind, current.metadata.name ?? '', [
    {reason: 'FieldValueInvalid', message: `Invalid value: ${goValue}: cannot change roleRef`, field: 'roleRef'},
  ])
}

async function update(
  context: ApiContext,
  type: ResourceType,
  namespace: string,
  name: string,
  request: ApiRequest,
  target: UpdateTarget,
): Promise<KubeObject> {
  const incoming = bodyObject(type, request)
  if (incoming.metadata.name !== undefined && incoming.metadata.name !== name) {
    throw badRequest(`the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`)
  }
  if (type.namespaced && incoming.metadata.namespace && incoming.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
  }
  const current = await context.store.mustGet(type, namespace, name)
  const merged = mergeForUpdate(type, current, {...incoming, metadata: {...incoming.metadata, name}}, target)
  rejectRoleRefChange(type, current, merged)
  return context.store.update(type, merged, incoming.metadata.resourceVersion)
}

async function patch(
  context: ApiContext,
  type: ResourceType,
  namespace: string,
  name: string,
  request: ApiRequest,
  target: UpdateTarget,
): Promise<KubeObject> {
  for (let attempt = 0; ; attempt += 1) {
    const current = await context.store.mustGet(type, namespace, name)
    const patched = asKubeObject(applyPatch(request.contentType, current, request.body))
    if (!patched) throw badRequest('the patch produced an object without metadata')
    const requestedVersion = patched.metadata.resourceVersion
    if (requestedVersion !== current.metadata.resourceVersion) throw conflict(type.group, type.resource, name)
    const merged = mergeForUpdate(type, current, patched, target)
    if (target === 'status') merged['status'] = patched['status']
    rejectRoleRefChange(type, current, merged)
    try {
      return await context.store.update(type, merged, current.metadata.resourceVersion)
    } catch (error) {
      // A concurrent writer changed the object between our read and write: re-read and re-apply, as the real one does.
      if (attempt < 3 && error instanceof ApiError && error.status.reason === 'Conflict') continue
      throw error
    }
  }
}

async function deleteOne(context: ApiContext, type: ResourceType, namespace: string, name: string): Promise<ApiReply> {
  if (type.group === '' && type.resource === 'namespaces') return json(200, await deleteNamespace(context, type, name))
  const deleted = await context.store.delete(type, namespace, name)
  if (type.group === '' && type.resource === 'pods') {
    return json(200, {...deleted, metadata: {...deleted.metadata, deletionTimestamp: timestampNow()}})
  }
  return json(200, success(type.group, type.resource, name, deleted.metadata.uid))
}

/**
 * The real namespace deletion marks the namespace Terminating and the controller-manager's namespace controller
 * empties it; the sim has no controller-manager, so the apiserver removes the contents at once and answers with the
 * Terminating namespace, as the real first response looks.
 */
async function deleteNamespace(context: ApiContext, type: ResourceType, name: string): Promise<KubeObject> {
  if (IMMORTAL_NAMESPACES.has(name)) {
    await context.store.mustGet(type, undefined, name)
    throw forbidden('', 'namespaces', name, 'this namespace may not be deleted')
  }
  const current = await context.store.mustGet(type, undefined, name)
  for (const contained of context.registry.namespacedStored()) {
    await context.store.deleteNamespaceContents(contained, name)
  }
  await context.store.delete(type, undefined, name)
  return {
    ...current,
    metadata: {...current.metadata, deletionTimestamp: timestampNow()},
    status: {phase: 'Terminating'},
  }
}

async function deleteCollection(context: ApiContext, type: ResourceType, namespace: string, request: ApiRequest): Promise<unknown> {
  const listed = await context.store.list(type, namespace === '' ? undefined : namespace)
  const deleted: KubeObject[] = []
  for (const item of listed.items.filter(matcher(request, ''))) {
    try {
      deleted.push(await context.store.delete(type, item.metadata.namespace, item.metadata.name ?? ''))
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error
    }
  }
  return {kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: {resourceVersion: listed.resourceVersion}, items: deleted.map(withoutTypeMeta)}
}

async function handleSubresource(context: ApiContext, type: ResourceType, info: RequestInfo, request: ApiRequest): Promise<ApiReply> {
  const namespace = type.namespaced ? info.namespace : ''
  if (!type.subresources.includes(info.subresource) || info.name === '') throw resourceNotFound()
  if (info.subresource === 'token' && type.resource === 'serviceaccounts') {
    if (info.verb !== 'create') throw methodNotAllowed()
    return json(201, await tokenRequest(context, namespace, info.name, request))
  }
  if (info.subresource === 'status') {
    if (info.verb === 'get') return json(200, await context.store.mustGet(type, namespace, info.name))
    if (info.verb === 'update') return json(200, await update(context, type, namespace, info.name, request, 'status'))
    if (info.verb === 'patch') return json(200, await patch(context, type, namespace, info.name, request, 'status'))
    throw methodNotAllowed()
  }
  if (info.subresource === 'finalize' && info.verb === 'update') {
    return json(200, await update(context, type, namespace, info.name, request, 'main'))
  }
  throw methodNotAllowed()
}

const DEFAULT_TOKEN_SECONDS = 3600
const MIN_TOKEN_SECONDS = 600

/** POST serviceaccounts/<name>/token (pkg/registry/core/serviceaccount/storage/token.go). */
async function tokenRequest(context: ApiContext, namespace: string, name: string, request: ApiRequest): Promise<unknown> {
  const issuing = context.tokenIssuing
  if (!issuing) throw resourceNotFound()
  const accountType = context.registry.byResource('', 'serviceaccounts')
  const account = await context.store.get(accountType, namespace, name)
  if (!account) throw notFound('', 'serviceaccounts', name)
  const spec = isRecord(field(request.body, 'spec')) ? (field(request.body, 'spec') as Record<string, unknown>) : {}
  let expirationSeconds = typeof spec['expirationSeconds'] === 'number' ? spec['expirationSeconds'] : DEFAULT_TOKEN_SECONDS
  if (expirationSeconds < MIN_TOKEN_SECONDS) {
    throw invalid('authentication.k8s.io', 'TokenRequest', name, [
      {reason: 'FieldValueInvalid', message: 'Invalid value: ' + expirationSeconds + ': may not specify a duration less than 10 minutes', field: 'spec.expirationSeconds'},
    ])
  }
  if (issuing.maxExpirationSeconds > 0) expirationSeconds = Math.min(expirationSeconds, issuing.maxExpirationSeconds)
  const requestedAudiences = Array.isArray(spec['audiences']) ? spec['audiences'].filter((item): item is string => typeof item === 'string') : []
  const audiences = requestedAudiences.length > 0 ? requestedAudiences : issuing.apiAudiences
  let boundObject: {kind: 'Pod' | 'Secret'; name: string; uid: string} | undefined
  const ref = spec['boundObjectRef']
  if (isRecord(ref)) {
    const kind = stringField(ref, 'kind')
    const refName = stringField(ref, 'name') ?? ''
    if (kind !== 'Pod' && kind !== 'Secret') {
      throw badRequest(`cannot bind token for serviceaccount "${name}" to object of kind "${kind ?? ''}"`)
    }
    const object = await context.store.get(context.registry.byResource('', kind === 'Pod' ? 'pods' : 'secrets'), namespace, refName)
    if (!object) throw notFound('', kind === 'Pod' ? 'pods' : 'secrets', refName)
    boundObject = {kind, name: refName, uid: object.metadata.uid ?? ''}
  }
  const minted = await mintBoundServiceAccountToken({
    signingKey: issuing.signingKey,
    issuer: issuing.issuer,
    audiences,
    namespace,
    serviceAccountName: name,
    serviceAccountUid: account.metadata.uid ?? randomUUID(),
    expirationSeconds,
    boundObject,
  })
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {name, namespace, creationTimestamp: timestampNow()},
    spec: {audiences, expirationSeconds, boundObjectRef: isRecord(ref) ? ref : null},
    status: {token: minted.token, expirationTimestamp: timestampNow(new Date(minted.expiresAt * 1000))},
  }
}
