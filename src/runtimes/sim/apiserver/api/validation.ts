/** Object-name validation with the real messages (apimachinery/pkg/util/validation). */
import {invalid, type ApiError} from './status.js'
import type {ResourceType} from './resources.js'

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/

const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"

function nameProblem(type: ResourceType, name: string): string | undefined {
  if (type.group === 'rbac.authorization.k8s.io') {
    if (name === '.' || name === '..') return `may not be '${name}'`
    if (name.includes('/')) return "may not contain '/'"
    if (name.includes('%')) return "may not contain '%'"
    return undefined
  }
  if (type.resource === 'namespaces') {
    if (name.length > 63) return 'must be no more than 63 characters'
    return DNS1123_LABEL.test(name) ? undefined : LABEL_MESSAGE
  }
  if (type.resource === 'services') {
    if (name.length > 63) return 'must be no more than 63 characters'
    return DNS1035_LABEL.test(name) ? undefined : DNS1035_MESSAGE
  }
  if (name.length > 253) return 'must be no more than 253 characters'
  return DNS1123_SUBDOMAIN.test(name) ? undefined : SUBDOMAIN_MESSAGE
}

export function validateName(type: ResourceType, name: string | undefined): ApiError | undefined {
  if (name === undefined || name === '') {
    return invalid(type.group, type.kind, '', [
      {reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name'},
    ])
  }
  const problem = nameProblem(type, name)
  if (problem === undefined) return undefined
  return invalid(type.group, type.kind, name, [
    {reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(name)}: ${problem}`, field: 'metadata.name'},
  ])
}
