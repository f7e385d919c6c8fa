import type {RbacBinding, RbacSubject} from './snapshot.js'

export const ANONYMOUS_USER = 'system:anonymous'
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated'
export const AUTHENTICATED_GROUP = 'system:authenticated'
const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts'
const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:'

/**
 * Groups that stand for "everyone of a kind" rather than for a component: a grant to one of them
 * is a grant to every anonymous caller, every logged-in user, or every pod.
 */
export function isEveryoneGroup(name: string): boolean {
  return name === AUTHENTICATED_GROUP || name === UNAUTHENTICATED_GROUP || name === SERVICE_ACCOUNTS_GROUP || name.startsWith(`${SERVICE_ACCOUNTS_GROUP}:`)
}

/** The namespace and name of a ServiceAccount subject, also when written as a User "system:serviceaccount:ns:name". */
export function serviceAccountOf(subject: RbacSubject, bindingNamespace: string | undefined): {namespace: string; name: string} | undefined {
  if (subject.kind === 'ServiceAccount') return {namespace: subject.namespace ?? bindingNamespace ?? '', name: subject.name}
  if (subject.kind === 'User' && subject.name.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) {
    const [namespace, name] = subject.name.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(':')
    if (namespace && name) return {namespace, name}
  }
  return undefined
}

/** kubectl's way of naming a subject: "ServiceAccount ingress-nginx/ingress-nginx", "Group system:masters". */
export function describeSubject(subject: RbacSubject, bindingNamespace?: string): string {
  const account = serviceAccountOf(subject, bindingNamespace)
  return account ? `ServiceAccount ${account.namespace}/${account.name}` : `${subject.kind} ${subject.name}`
}

export function describeBinding(binding: RbacBinding): string {
  return binding.kind === 'RoleBinding' ? `RoleBinding ${binding.namespace ?? ''}/${binding.name}` : `ClusterRoleBinding ${binding.name}`
}

/**
 * Grants the platform makes to its own components, which an over-privilege review leaves alone:
 * - users and groups named system:* (system:masters, system:kube-controller-manager, system:node:<name>,
 *   system:nodes...) other than the everyone-groups and system:anonymous;
 * - kube-system ServiceAccounts bound by the API server's bootstrap policy (bindings named system:*,
 *   e.g. system:controller:generic-garbage-collector) or by kubeadm (kubeadm:*, e.g. kubeadm:node-proxier);
 * - kubeadm's admin group: the ClusterRoleBinding kubeadm:cluster-admins binds the group of the same
 *   name, which admin.conf's certificate carries from 1.29 on, to cluster-admin.
 * A user ServiceAccount in kube-system under any other binding (say, Helm 2's tiller) is not exempt.
 */
export function isPlatformGrant(binding: RbacBinding, subject: RbacSubject): boolean {
  const account = serviceAccountOf(subject, binding.namespace)
  if (account) return account.namespace === 'kube-system' && (binding.name.startsWith('system:') || binding.name.startsWith('kubeadm:'))
  if (subject.kind === 'Group' && subject.name === 'kubeadm:cluster-admins') return binding.kind === 'ClusterRoleBinding' && binding.name === 'kubeadm:cluster-admins'
  if (!subject.name.startsWith('system:')) return false
  return subject.name !== ANONYMOUS_USER && !(subject.kind === 'Group' && isEveryoneGroup(subject.name))
}

/** Who a SubjectAccessReview should ask about: the subject's user name and the groups it always carries. */
export function reviewIdentity(subject: RbacSubject, bindingNamespace: string | undefined): {user?: string; groups: string[]} {
  const account = serviceAccountOf(subject, bindingNamespace)
  if (account) {
    return {
      user: `${SERVICE_ACCOUNT_USER_PREFIX}${account.namespace}:${account.name}`,
      groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${account.namespace}`, AUTHENTICATED_GROUP],
    }
  }
  if (subject.kind === 'Group') return {groups: [subject.name]}
  if (subject.name === ANONYMOUS_USER) return {user: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP]}
  return {user: subject.name, groups: [AUTHENTICATED_GROUP]}
}
