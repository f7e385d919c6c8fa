/**
 * RequestInfo as k8s.io/apiserver/pkg/endpoints/request/requestinfo.go derives it: resource requests live under
 * /api/<version> and /apis/<group>/<version>; the verb comes from the method (GET → get, list or watch, POST →
 * create, PUT → update, PATCH → patch, DELETE → delete or deletecollection); everything else is a non-resource
 * request whose verb is the lower-cased method.
 */

export interface RequestInfo {
  resourceRequest: boolean
  path: string
  verb: string
  apiPrefix: string
  apiGroup: string
  apiVersion: string
  namespace: string
  resource: string
  subresource: string
  name: string
  /** What follows resource/name/subresource, e.g. for proxy paths. */
  parts: string[]
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize'])

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch')
  return watch !== null && watch !== '' && watch !== '0' && watch.toLowerCase() !== 'false'
}

export function requestInfoFor(method: string, url: URL): RequestInfo {
  const path = url.pathname
  const nonResource: RequestInfo = {
    resourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  }
  const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/').filter((segment) => segment !== '')
  const prefix = segments[0]
  if (prefix !== 'api' && prefix !== 'apis') return nonResource
  let rest = segments.slice(1)
  let apiGroup = ''
  if (prefix === 'apis') {
    if (rest.length < 3) return nonResource
    apiGroup = rest[0] ?? ''
    rest = rest.slice(1)
  } else if (rest.length < 2) {
    return nonResource
  }
  const apiVersion = rest[0] ?? ''
  let parts = rest.slice(1)
  let namespace = ''
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] ?? ''
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2)
  }
  const [resource = '', name = '', subresource = ''] = parts
  let verb: string
  switch (method.toUpperCase()) {
    case 'POST':
      verb = 'create'
      break
    case 'GET':
    case 'HEAD':
      verb = isWatch(url.searchParams) ? 'watch' : name === '' ? 'list' : 'get'
      break
    case 'PUT':
      verb = 'update'
      break
    case 'PATCH':
      verb = 'patch'
      break
    case 'DELETE':
      verb = name === '' ? 'deletecollection' : 'delete'
      break
    default:
      verb = method.toLowerCase()
  }
  return {
    resourceRequest: true,
    path,
    verb,
    apiPrefix: prefix,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
    parts: parts.slice(3),
  }
}
