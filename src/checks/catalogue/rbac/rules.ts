import type {PolicyRule, RbacBinding, RbacRole} from './snapshot.js'

export const CLUSTER_ADMIN = 'cluster-admin'

export function bindsClusterAdmin(binding: RbacBinding): boolean {
  return binding.roleRef.kind === 'ClusterRole' && binding.roleRef.name === CLUSTER_ADMIN
}

/** Rules with "*" among their verbs or resources (CIS 5.1.3's wildcards). */
export function wildcardRules(role: RbacRole): PolicyRule[] {
  return role.rules.filter((rule) => rule.verbs.includes('*') || rule.resources.includes('*'))
}

/** "get, list, watch on secrets, configmaps", "* on * in API groups *", "get on /healthz, /version". */
export function describeRule(rule: PolicyRule): string {
  const verbs = rule.verbs.join(', ') || '(no verbs)'
  if (rule.nonResourceURLs.length > 0) return `${verbs} on ${rule.nonResourceURLs.join(', ')}`
  const groups = rule.apiGroups.map((group) => (group === '' ? 'core' : group))
  const names = rule.resourceNames.length > 0 ? ` named ${rule.resourceNames.join(', ')}` : ''
  const inGroups = groups.length === 1 && groups[0] === 'core' ? '' : ` in API groups ${groups.join(', ') || '(none)'}`
  return `${verbs} on ${rule.resources.join(', ') || '(no resources)'}${names}${inGroups}`
}

export function describeRules(rules: readonly PolicyRule[]): string {
  return rules.map(describeRule).join('; ')
}

/** What a SubjectAccessReview asks: may the subject do `verb` on `resource` in `group`, in `namespace` ('' = all)? */
export interface AccessQuestion {
  verb: string
  group: string
  resource: string
  namespace: string
}

/**
 * The question that proves a rule is live: the rule's own grant, made concrete. A rule covering every
 * resource of the core group is asked about secrets (the first thing an attacker lists); a rule with
 * "*" verbs is asked about "*", which RBAC allows only through such a rule.
 */
export function questionFor(rule: PolicyRule, namespace: string): AccessQuestion {
  const coversCore = rule.apiGroups.includes('') || rule.apiGroups.includes('*')
  const verb = rule.verbs.includes('*') ? (rule.resources.includes('*') ? 'list' : '*') : (rule.verbs[0] ?? 'get')
  if (rule.resources.includes('*')) {
    return coversCore ? {verb, group: '', resource: 'secrets', namespace} : {verb, group: rule.apiGroups[0] ?? '', resource: '*', namespace}
  }
  const group = rule.apiGroups[0] === '*' ? '' : (rule.apiGroups[0] ?? '')
  return {verb, group, resource: rule.resources[0] ?? '*', namespace}
}

/** "list secrets in all namespaces", "* deployments.apps in namespace shop". */
export function describeQuestion(question: AccessQuestion): string {
  const resource = question.group === '' ? question.resource : `${question.resource}.${question.group}`
  const where = question.namespace === '' ? 'in all namespaces' : `in namespace ${question.namespace}`
  return `${question.verb} ${resource} ${where}`
}
