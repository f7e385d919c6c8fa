/** RBAC rule matching, as in pkg/apis/rbac/v1/evaluation_helpers.go and plugin/pkg/auth/authorizer/rbac/rbac.go. */
import type {Attributes, PolicyRule} from './types.js'

const ALL = '*'

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((ruleVerb) => ruleVerb === ALL || ruleVerb === verb)
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((ruleGroup) => ruleGroup === ALL || ruleGroup === group)
}

export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const ruleResource of rule.resources ?? []) {
    if (ruleResource === ALL || ruleResource === combined) return true
    if (subresource === '') continue
    if (ruleResource.length === subresource.length + 2 && ruleResource.startsWith('*/') && ruleResource.endsWith(subresource)) {
      return true
    }
  }
  return false
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? []
  return names.length === 0 || names.includes(name)
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === ALL || url === path) return true
    if (url.endsWith('*') && path.startsWith(url.slice(0, -1))) return true
  }
  return false
}

export function ruleAllows(attributes: Attributes, rule: PolicyRule): boolean {
  if (attributes.resourceRequest) {
    const combined = attributes.subresource === '' ? attributes.resource : `${attributes.resource}/${attributes.subresource}`
    return (
      verbMatches(rule, attributes.verb) &&
      apiGroupMatches(rule, attributes.apiGroup) &&
      resourceMatches(rule, combined, attributes.subresource) &&
      resourceNameMatches(rule, attributes.name)
    )
  }
  return verbMatches(rule, attributes.verb) && nonResourceURLMatches(rule, attributes.path)
}

/** Reads `rules` of a stored Role/ClusterRole, dropping malformed entries. */
export function rulesOf(role: unknown): PolicyRule[] {
  if (typeof role !== 'object' || role === null || !('rules' in role) || !Array.isArray(role.rules)) return []
  const rules: PolicyRule[] = []
  for (const entry of role.rules as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue
    const strings = (key: string): string[] | undefined => {
      const value = (entry as Record<string, unknown>)[key]
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined
    }
    const rule: PolicyRule = {verbs: strings('verbs') ?? []}
    const apiGroups = strings('apiGroups')
    const resources = strings('resources')
    const resourceNames = strings('resourceNames')
    const nonResourceURLs = strings('nonResourceURLs')
    if (apiGroups) rule.apiGroups = apiGroups
    if (resources) rule.resources = resources
    if (resourceNames) rule.resourceNames = resourceNames
    if (nonResourceURLs) rule.nonResourceURLs = nonResourceURLs
    rules.push(rule)
  }
  return rules
}
