import {bindsClusterAdmin, wildcardRules} from './rules.js'
import {boundRole, type PolicyRule, type RbacBinding, type RbacRole, type RbacSnapshot, type RbacSubject} from './snapshot.js'
import {ANONYMOUS_USER, AUTHENTICATED_GROUP, isPlatformGrant, UNAUTHENTICATED_GROUP} from './subjects.js'

/** One binding that grants too much, to the subjects it grants it to. */
export interface Grant {
  binding: RbacBinding
  subjects: RbacSubject[]
  /** Undefined when the referenced role does not exist (the binding grants nothing until it does). */
  role: RbacRole | undefined
  /** The rules that make it a finding: all of cluster-admin's, or the wildcard rules. */
  rules: PolicyRule[]
  reason: 'cluster-admin' | 'wildcard' | 'anonymous'
}

/**
 * Bindings that give a user, group or workload cluster-admin (CIS 5.1.1) or a role with "*" verbs or
 * resources (CIS 5.1.3), leaving out the platform's own grants (see isPlatformGrant).
 */
export function overPrivilegedGrants(snapshot: RbacSnapshot): Grant[] {
  const grants: Grant[] = []
  for (const binding of snapshot.bindings) {
    const subjects = binding.subjects.filter((subject) => !isPlatformGrant(binding, subject))
    if (subjects.length === 0) continue
    const role = boundRole(snapshot, binding)
    if (bindsClusterAdmin(binding)) {
      grants.push({binding, subjects, role, rules: role?.rules ?? [], reason: 'cluster-admin'})
      continue
    }
    const wildcards = role ? wildcardRules(role) : []
    if (wildcards.length > 0) grants.push({binding, subjects, role, rules: wildcards, reason: 'wildcard'})
  }
  return grants
}

/**
 * The grants every cluster has and needs: system:public-info-viewer (health and version endpoints for
 * everyone, Kubernetes' bootstrap policy) and kubeadm's kubeadm:bootstrap-signer-clusterinfo (get on the
 * kube-public/cluster-info ConfigMap for `kubeadm join` discovery).
 */
const DEFAULT_ANONYMOUS_BINDINGS: ReadonlyArray<{kind: RbacBinding['kind']; namespace?: string; name: string; role: string}> = [
  {kind: 'ClusterRoleBinding', name: 'system:public-info-viewer', role: 'system:public-info-viewer'},
  {kind: 'RoleBinding', namespace: 'kube-public', name: 'kubeadm:bootstrap-signer-clusterinfo', role: 'kubeadm:bootstrap-signer-clusterinfo'},
]

export function isDefaultAnonymousBinding(binding: RbacBinding): boolean {
  return DEFAULT_ANONYMOUS_BINDINGS.some(
    (known) => known.kind === binding.kind && known.name === binding.name && known.role === binding.roleRef.name && (known.namespace === undefined || known.namespace === binding.namespace),
  )
}

/** Subjects through which unauthenticated callers get a grant: the anonymous user and its group. */
function isAnonymousSubject(subject: RbacSubject): boolean {
  return (subject.kind === 'User' && subject.name === ANONYMOUS_USER) || (subject.kind === 'Group' && subject.name === UNAUTHENTICATED_GROUP)
}

/**
 * Bindings that grant anything to system:anonymous or system:unauthenticated beyond the defaults, and
 * bindings of cluster-admin to system:authenticated (every logged-in caller, any service account included).
 */
export function anonymousGrants(snapshot: RbacSnapshot): Grant[] {
  const grants: Grant[] = []
  for (const binding of snapshot.bindings) {
    if (isDefaultAnonymousBinding(binding)) continue
    const subjects = binding.subjects.filter(
      (subject) => isAnonymousSubject(subject) || (bindsClusterAdmin(binding) && subject.kind === 'Group' && subject.name === AUTHENTICATED_GROUP),
    )
    if (subjects.length === 0) continue
    const role = boundRole(snapshot, binding)
    grants.push({binding, subjects, role, rules: role?.rules ?? [], reason: 'anonymous'})
  }
  return grants
}

/** Whether any grant reaches callers without credentials (as opposed to only system:authenticated). */
export function reachesAnonymous(grants: readonly Grant[]): boolean {
  return grants.some((grant) => grant.subjects.some(isAnonymousSubject))
}
