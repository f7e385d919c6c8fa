/**
 * PATCH bodies. JSON merge patch (RFC 7386) for application/merge-patch+json; strategic merge patch is treated as a
 * merge patch (lists are replaced instead of merged by key — enough for kubectl label/annotate/edit of the
 * resources the sim serves); JSON patch (RFC 6902) for application/json-patch+json.
 */
import {isRecord} from './object.js'
import {badRequest, unsupportedMediaType} from './status.js'

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch
  const result: Record<string, unknown> = isRecord(target) ? {...target} : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = mergePatch(result[key], value)
  }
  return result
}

function pointerTokens(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer ${JSON.stringify(pointer)}`)
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
}

function clone<T>(value: T): T {
  return structuredClone(value)
}

function applyOperation(document: unknown, operation: Record<string, unknown>): unknown {
  const op = operation['op']
  const path = typeof operation['path'] === 'string' ? operation['path'] : ''
  const tokens = pointerTokens(path)
  if (op === 'test') {
    const current = tokens.reduce<unknown>((node, token) => (isRecord(node) ? node[token] : Array.isArray(node) ? node[Number(token)] : undefined), document)
    if (JSON.stringify(current) !== JSON.stringify(operation['value'])) throw badRequest(`testing value ${path} failed`)
    return document
  }
  if (tokens.length === 0) {
    if (op === 'remove') return null
    return clone(operation['value'])
  }
  const root = clone(document)
  let parent: unknown = root
  for (const token of tokens.slice(0, -1)) {
    parent = isRecord(parent) ? parent[token] : Array.isArray(parent) ? parent[Number(token)] : undefined
    if (parent === undefined) throw badRequest(`doc is missing path: ${JSON.stringify(path)}: missing value`)
  }
  const last = tokens[tokens.length - 1] ?? ''
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last)
    if (op === 'add') parent.splice(index, 0, clone(operation['value']))
    else if (op === 'remove') parent.splice(index, 1)
    else if (op === 'replace') parent[index] = clone(operation['value'])
    else throw badRequest(`Unexpected kind: ${String(op)}`)
  } else if (isRecord(parent)) {
    if ((op === 'remove' || op === 'replace') && !(last in parent)) {
      throw badRequest(`doc is missing key: ${path}: missing value`)
    }
    if (op === 'add' || op === 'replace') parent[last] = clone(operation['value'])
    else if (op === 'remove') delete parent[last]
    else throw badRequest(`Unexpected kind: ${String(op)}`)
  } else {
    throw badRequest(`doc is missing path: ${JSON.stringify(path)}: missing value`)
  }
  return root
}

export function jsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch')
  return patch.reduce<unknown>((current, operation) => {
    if (!isRecord(operation)) throw badRequest('invalid JSON patch operation')
    return applyOperation(current, operation)
  }, document)
}

export function applyPatch(contentType: string, document: unknown, patch: unknown): unknown {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  switch (mediaType) {
    case 'application/merge-patch+json':
    case 'application/strategic-merge-patch+json':
      return mergePatch(document, patch)
    case 'application/json-patch+json':
      return jsonPatch(document, patch)
    default:
      throw unsupportedMediaType(mediaType)
  }
}
