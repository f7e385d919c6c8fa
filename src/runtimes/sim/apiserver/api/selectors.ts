/** labelSelector and fieldSelector query parameters (the common forms: =, ==, !=, in, notin, exists, !exists). */
import {field, type KubeObject} from './object.js'
import {badRequest} from './status.js'

type Requirement = (values: Record<string, string>) => boolean

function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of text) {
    if (char === '(') depth += 1
    if (char === ')') depth -= 1
    if (char === ',' && depth === 0) {
      parts.push(current.trim())
      current = ''
    } else {
      current += char
    }
  }
  if (current.trim() !== '') parts.push(current.trim())
  return parts
}

function requirement(term: string, selectorName: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term)
  if (setMatch) {
    const [, key = '', operator, list = ''] = setMatch
    const values = new Set(list.split(',').map((value) => value.trim()))
    return operator === 'in'
      ? (labels) => labels[key] !== undefined && values.has(labels[key] ?? '')
      : (labels) => labels[key] === undefined || !values.has(labels[key] ?? '')
  }
  const notEqual = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(term)
  if (notEqual) {
    const [, key = '', value = ''] = notEqual
    return (labels) => labels[key] !== value
  }
  const equal = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(term)
  if (equal) {
    const [, key = '', value = ''] = equal
    return (labels) => labels[key] === value
  }
  const missing = /^!\s*(\S+)$/.exec(term)
  if (missing) {
    const key = missing[1] ?? ''
    return (labels) => labels[key] === undefined
  }
  if (/^[A-Za-z0-9._/-]+$/.test(term)) return (labels) => labels[term] !== undefined
  throw badRequest(`unable to parse requirement: ${selectorName} ${JSON.stringify(term)}`)
}

export function labelSelectorMatcher(selector: string | null): (object: KubeObject) => boolean {
  if (selector === null || selector.trim() === '') return () => true
  const requirements = splitTopLevel(selector).map((term) => requirement(term, 'labelSelector'))
  return (object) => requirements.every((check) => check(object.metadata.labels ?? {}))
}

function fieldValue(object: KubeObject, path: string): string {
  const value = field(object, ...path.split('.'))
  return value === undefined || value === null ? '' : String(value)
}

export function fieldSelectorMatcher(selector: string | null): (object: KubeObject) => boolean {
  if (selector === null || selector.trim() === '') return () => true
  const terms = splitTopLevel(selector).map((term) => {
    const match = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term)
    if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`)
    const [, path = '', operator, value = ''] = match
    return (object: KubeObject): boolean => (operator === '!=' ? fieldValue(object, path) !== value : fieldValue(object, path) === value)
  })
  return (object) => terms.every((check) => check(object))
}
