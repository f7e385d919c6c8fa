/** user.Info as the real apiserver carries it through authentication and authorization. */

export interface UserInfo {
  name: string
  uid?: string
  groups: string[]
  extra?: Record<string, string[]>
}

export const ANONYMOUS_USER = 'system:anonymous'
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated'
export const AUTHENTICATED_GROUP = 'system:authenticated'
export const MASTERS_GROUP = 'system:masters'
export const NODES_GROUP = 'system:nodes'

/**
 * What one authenticator says about a request: it does not apply (`none`), it names a user, or the credentials it
 * handles are wrong (`error`, which ends in 401 unless another authenticator accepts the request).
 */
export type AuthenticatorAnswer = {kind: 'none'} | {kind: 'user'; user: UserInfo} | {kind: 'error'; message: string}

export const NO_OPINION: AuthenticatorAnswer = {kind: 'none'}

export function authenticatedUser(user: UserInfo): UserInfo {
  const groups = user.groups.includes(AUTHENTICATED_GROUP) ? user.groups : [...user.groups, AUTHENTICATED_GROUP]
  return {...user, groups}
}

export function anonymousUser(): UserInfo {
  return {name: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP]}
}

/** The user behind the ≤1.19 insecure port (kubeapiserver/server/insecure_handler.go insecureSuperuser). */
export function insecureSuperuser(): UserInfo {
  return {name: 'system:unsecured', groups: [MASTERS_GROUP, AUTHENTICATED_GROUP]}
}
