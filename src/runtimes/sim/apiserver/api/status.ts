/**
 * metav1.Status errors with the real texts of k8s.io/apimachinery/pkg/api/errors (NewNotFound, NewAlreadyExists,
 * NewConflict, NewForbidden, NewUnauthorized, NewBadRequest, NewMethodNotSupported, NewInvalid).
 */
import {qualifiedResource} from './resources.js'

export interface StatusCause {
  reason: string
  message: string
  field?: string
}

export interface StatusDetails {
  name?: string
  group?: string
  kind?: string
  uid?: string
  causes?: StatusCause[]
}

export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure' | 'Success'
  message?: string
  reason?: string
  details?: StatusDetails
  code: number
}

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'error')
  }
  get code(): number {
    return this.status.code
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): ApiError {
  // Field order as the real JSON encoder writes metav1.Status.
  const status: Status = details
    ? {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code}
    : {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code}
  return new ApiError(status)
}

function details(group: string, resource: string, name?: string): StatusDetails {
  const result: StatusDetails = {}
  if (name !== undefined && name !== '') result.name = name
  if (group !== '') result.group = group
  if (resource !== '') result.kind = resource
  return result
}

export function notFound(group: string, resource: string, name: string): ApiError {
  return failure(404, 'NotFound', `${qualifiedResource(group, resource)} ${JSON.stringify(name)} not found`, details(group, resource, name))
}

/** The generic 404 for an unknown resource under a served group version. */
export function resourceNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {})
}

export function alreadyExists(group: string, resource: string, name: string): ApiError {
  return failure(
    409,
    'AlreadyExists',
    `${qualifiedResource(group, resource)} ${JSON.stringify(name)} already exists`,
    details(group, resource, name),
  )
}

export function conflict(group: string, resource: string, name: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} ${JSON.stringify(name)}: ` +
      'the object has been modified; please apply your changes to the latest version and try again',
    details(group, resource, name),
  )
}

/** apierrors.NewForbidden: "<resource> [\"name\"] is forbidden: <reason>", or "forbidden: <reason>" without a resource. */
export function forbidden(group: string, resource: string, name: string, reason: string): ApiError {
  let message: string
  if (resource === '') message = `forbidden: ${reason}`
  else if (name === '') message = `${qualifiedResource(group, resource)} is forbidden: ${reason}`
  else message = `${qualifiedResource(group, resource)} ${JSON.stringify(name)} is forbidden: ${reason}`
  return failure(403, 'Forbidden', message, details(group, resource, name))
}

export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized')
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message)
}

export function methodNotAllowed(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {})
}

/** A create/update body in a format the sim cannot decode (it reads JSON only, not protobuf or YAML). */
export function unsupportedBodyFormat(contentType: string): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json (the kubelab sim does not decode ${JSON.stringify(contentType)})`,
  )
}

export function unsupportedMediaType(contentType: string): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${JSON.stringify(contentType)})`,
  )
}

export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): ApiError {
  const summary = causes.map((cause) => (cause.field ? `${cause.field}: ${cause.message}` : cause.message))
  const joined = summary.length === 1 ? (summary[0] ?? '') : `[${summary.join(', ')}]`
  const result = details(group, kind, name)
  result.causes = causes
  return failure(422, 'Invalid', `${kind} ${JSON.stringify(name)} is invalid: ${joined}`, result)
}

export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, {causes: [{reason: '', message}]})
}

export function success(group: string, resource: string, name: string, uid?: string): Status {
  const statusDetails = details(group, resource, name)
  if (uid !== undefined) statusDetails.uid = uid
  return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: statusDetails, code: 200}
}
