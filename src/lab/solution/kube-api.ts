import {apiRequest, ApiUnreachableError, statusMessage, type ApiAnswer, type ApiClient} from '../../runtimes/shared/api-client.js'
import type {RbacReference, SolutionRbacObject} from '../../scenario/solution-schema.js'
import {LabError} from '../errors.js'

/** The API server refused a request the solution needed, or did not answer. */
export class KubeApiError extends LabError {
  constructor(
    readonly requestLine: string,
    readonly status: number | undefined,
    reason: string,
  ) {
    super(`${requestLine}: ${status === undefined ? reason : `the API server answered ${status}: ${reason}`}`)
    this.name = 'KubeApiError'
  }
}

export type KubeObject = {apiVersion: string; kind: string; metadata: {name: string; namespace?: string; [key: string]: unknown}; [key: string]: unknown}

/** One request with the kubeconfig's credentials; any HTTP status resolves, only a missing answer rejects. */
async function kubeRequest(client: ApiClient, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer> {
  try {
    return await apiRequest(client, method, path, body)
  } catch (error) {
    if (error instanceof ApiUnreachableError) throw new KubeApiError(error.request, undefined, error.reason)
    throw error
  }
}

const plural = (kind: string): string => `${kind.toLowerCase()}s`

/** /apis/rbac.authorization.k8s.io/v1/[namespaces/NS/]<kind>s[/name] */
export function rbacPath(reference: {kind: string; name?: string; namespace?: string | undefined}): string {
  const scope = reference.namespace === undefined ? '' : `/namespaces/${reference.namespace}`
  return `/apis/rbac.authorization.k8s.io/v1${scope}/${plural(reference.kind)}${reference.name === undefined ? '' : `/${reference.name}`}`
}

export function referenceOf(object: SolutionRbacObject): RbacReference {
  return {kind: object.kind, name: object.metadata.name, ...('namespace' in object.metadata ? {namespace: object.metadata.namespace} : {})}
}

export function describeReference(reference: RbacReference): string {
  return `${reference.kind} ${reference.namespace === undefined ? '' : `${reference.namespace}/`}${reference.name}`
}

/** The object as the API server holds it, or undefined when there is none. */
export async function getRbacObject(client: ApiClient, reference: RbacReference): Promise<KubeObject | undefined> {
  const path = rbacPath(reference)
  const answer = await kubeRequest(client, 'GET', path)
  if (answer.status === 404) return undefined
  if (answer.status !== 200) throw new KubeApiError(`GET ${path}`, answer.status, statusMessage(answer.body))
  return JSON.parse(answer.body) as KubeObject
}

/** Deletes the object; false when it was not there. */
export async function deleteRbacObject(client: ApiClient, reference: RbacReference): Promise<boolean> {
  const path = rbacPath(reference)
  const answer = await kubeRequest(client, 'DELETE', path)
  if (answer.status === 404) return false
  if (answer.status < 200 || answer.status > 299) throw new KubeApiError(`DELETE ${path}`, answer.status, statusMessage(answer.body))
  return true
}

export type ApplyResult = 'created' | 'replaced' | 'unchanged'

/**
 * Creates the object, or replaces the one of that name. A binding whose roleRef differs is deleted
 * and created again, since the API server refuses to change a roleRef (as `kubectl auth reconcile` does).
 */
export async function applyRbacObject(client: ApiClient, object: SolutionRbacObject): Promise<ApplyResult> {
  const reference = referenceOf(object)
  const existing = await getRbacObject(client, reference)
  const desired = JSON.parse(JSON.stringify(object)) as KubeObject
  if (existing !== undefined && sameContent(existing, desired)) return 'unchanged'
  const roleRefChanged = existing !== undefined && 'roleRef' in desired && JSON.stringify(existing['roleRef']) !== JSON.stringify(desired['roleRef'])
  if (existing !== undefined && !roleRefChanged) {
    const path = rbacPath(reference)
    const body = {...desired, metadata: {...desired.metadata, resourceVersion: existing.metadata['resourceVersion']}}
    const answer = await kubeRequest(client, 'PUT', path, body)
    if (answer.status !== 200) throw new KubeApiError(`PUT ${path}`, answer.status, statusMessage(answer.body))
    return 'replaced'
  }
  if (roleRefChanged) await deleteRbacObject(client, reference)
  const path = rbacPath({kind: reference.kind, ...(reference.namespace === undefined ? {} : {namespace: reference.namespace})})
  const answer = await kubeRequest(client, 'POST', path, desired)
  if (answer.status !== 201 && answer.status !== 200) throw new KubeApiError(`POST ${path}`, answer.status, statusMessage(answer.body))
  return existing === undefined ? 'created' : 'replaced'
}

/** What a person wrote: the object without the fields the API server adds. */
export function authoredView(object: KubeObject): KubeObject {
  const {uid: _uid, resourceVersion: _version, creationTimestamp: _created, managedFields: _managed, generation: _generation, selfLink: _link, ...metadata} = object.metadata
  const annotations = metadata['annotations'] as Record<string, string> | undefined
  if (annotations && Object.keys(annotations).length === 0) delete metadata['annotations']
  return {...object, metadata: metadata as KubeObject['metadata']}
}

function sameContent(existing: KubeObject, desired: KubeObject): boolean {
  const comparable = (object: KubeObject): string => {
    const view = authoredView(object)
    const {apiVersion, kind, metadata, ...rest} = view
    return JSON.stringify(normalise({apiVersion, kind, metadata: {name: metadata.name, namespace: metadata.namespace, labels: metadata['labels'] ?? {}}, ...rest}))
  }
  return comparable(existing) === comparable(desired)
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, normalise(inner)]))
  }
  return value
}
