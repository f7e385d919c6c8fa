/**
 * The RBAC authorizer over Roles, ClusterRoles and their bindings stored in etcd (read per request, so a binding a
 * learner creates or deletes takes effect at once). Allow reasons and rule-resolution errors use the real texts
 * ("RBAC: allowed by ClusterRoleBinding ...", `clusterrole.rbac.authorization.k8s.io "x" not found`).
 */
import {isRecord, stringField, type KubeObject} from '../api/object.js'
import type {ResourceRegistry} from '../api/resources.js'
import type {UserInfo} from '../auth/user.js'
import type {ObjectStore} from '../storage/store.js'
import {ruleAllows, rulesOf} from './rules.js'
import type {Attributes, AuthorizationResult, Authorizer, PolicyRule, RulesResult} from './types.js'

const RBAC_GROUP = 'rbac.authorization.k8s.io'

interface Subject {
  kind: string
  name: string
  namespace?: string
}

type RuleVisitor = (source: string, rules: PolicyRule[]) => boolean

function subjectsOf(binding: KubeObject): Subject[] {
  const subjects = binding['subjects']
  if (!Array.isArray(subjects)) return []
  return subjects.filter(isRecord).map((subject) => ({
    kind: stringField(subject, 'kind') ?? '',
    name: stringField(subject, 'name') ?? '',
    namespace: stringField(subject, 'namespace'),
  }))
}

function appliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name
    case 'Group':
      return user.groups.includes(subject.name)
    case 'ServiceAccount': {
      const namespace = subject.namespace && subject.namespace !== '' ? subject.namespace : bindingNamespace
      return user.name === `system:serviceaccount:${namespace}:${subject.name}`
    }
    default:
      return false
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    const namespace = subject.namespace && subject.namespace !== '' ? subject.namespace : bindingNamespace
    return `${subject.kind} ${JSON.stringify(`${subject.name}/${namespace}`)}`
  }
  return `${subject.kind} ${JSON.stringify(subject.name)}`
}

export class RbacAuthorizer implements Authorizer {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  async authorize(attributes: Attributes): Promise<AuthorizationResult> {
    let allowedBy: string | undefined
    const errors = await this.visitRulesFor(attributes.user, attributes.namespace, (source, rules) => {
      if (rules.some((rule) => ruleAllows(attributes, rule))) {
        allowedBy = source
        return false
      }
      return true
    })
    if (allowedBy !== undefined) return {decision: 'allow', reason: `RBAC: allowed by ${allowedBy}`}
    const reason = errors.length === 0 ? '' : `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`
    return {decision: 'noOpinion', reason}
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    const resourceRules: PolicyRule[] = []
    const nonResourceRules: PolicyRule[] = []
    const errors = await this.visitRulesFor(user, namespace, (_source, rules) => {
      for (const rule of rules) {
        if ((rule.resources ?? []).length > 0) resourceRules.push(rule)
        if ((rule.nonResourceURLs ?? []).length > 0) nonResourceRules.push(rule)
      }
      return true
    })
    const result: RulesResult = {resourceRules, nonResourceRules, incomplete: errors.length > 0}
    if (errors.length > 0) result.evaluationError = errors.join(', ')
    return result
  }

  /** Calls `visit` for the rules of every binding that applies; stops when it returns false. Returns lookup errors. */
  private async visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): Promise<string[]> {
    const errors: string[] = []
    const clusterRoleType = this.registry.byResource(RBAC_GROUP, 'clusterroles')
    const roleType = this.registry.byResource(RBAC_GROUP, 'roles')
    const clusterBindings = await this.store.list(this.registry.byResource(RBAC_GROUP, 'clusterrolebindings'))
    for (const binding of clusterBindings.items) {
      const subject = subjectsOf(binding).find((candidate) => appliesTo(user, candidate, ''))
      if (!subject) continue
      const roleName = stringField(binding, 'roleRef', 'name') ?? ''
      if (stringField(binding, 'roleRef', 'kind') !== 'ClusterRole') continue
      const role = await this.store.get(clusterRoleType, undefined, roleName)
      if (!role) {
        errors.push(`clusterrole.rbac.authorization.k8s.io ${JSON.stringify(roleName)} not found`)
        continue
      }
      const source = `ClusterRoleBinding ${JSON.stringify(binding.metadata.name ?? '')} of ClusterRole ${JSON.stringify(roleName)} to ${describeSubject(subject, '')}`
      if (!visit(source, rulesOf(role))) return errors
    }
    if (namespace === '') return errors
    const bindings = await this.store.list(this.registry.byResource(RBAC_GROUP, 'rolebindings'), namespace)
    for (const binding of bindings.items) {
      const subject = subjectsOf(binding).find((candidate) => appliesTo(user, candidate, namespace))
      if (!subject) continue
      const roleKind = stringField(binding, 'roleRef', 'kind') ?? ''
      const roleName = stringField(binding, 'roleRef', 'name') ?? ''
      const role =
        roleKind === 'ClusterRole'
          ? await this.store.get(clusterRoleType, undefined, roleName)
          : roleKind === 'Role'
            ? await this.store.get(roleType, namespace, roleName)
            : undefined
      if (!role) {
        errors.push(`${roleKind.toLowerCase()}.rbac.authorization.k8s.io ${JSON.stringify(roleName)} not found`)
        continue
      }
      const source = `RoleBinding ${JSON.stringify(`${binding.metadata.name ?? ''}/${namespace}`)} of ${roleKind} ${JSON.stringify(roleName)} to ${describeSubject(subject, namespace)}`
      if (!visit(source, rulesOf(role))) return errors
    }
    return errors
  }
}
