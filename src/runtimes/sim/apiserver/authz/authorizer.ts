/**
 * The authorizer chain built from --authorization-mode, in order, behind the privileged-group authorizer that the
 * real apiserver always puts first (system:masters may do anything, whatever the modes). The first allow or deny
 * wins; reasons of the others are joined with newlines, as the union authorizer does. AlwaysDeny answers "no
 * opinion" with the reason "Everything is forbidden." like the real one. ABAC and Webhook are accepted but not
 * evaluated by the sim (no opinion).
 */
import type {ResourceRegistry} from '../api/resources.js'
import {MASTERS_GROUP, type UserInfo} from '../auth/user.js'
import type {ObjectStore} from '../storage/store.js'
import {NodeAuthorizer} from './node.js'
import {RbacAuthorizer} from './rbac.js'
import {ALL_RULES, ALLOW, EMPTY_RULES, NO_OPINION, type Attributes, type AuthorizationResult, type Authorizer, type PolicyRule, type RulesResult} from './types.js'

export const VALID_AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'] as const

const privilegedGroups: Authorizer = {
  authorize: async (attributes) => (attributes.user.groups.includes(MASTERS_GROUP) ? ALLOW : NO_OPINION),
  rulesFor: async (user) => (user.groups.includes(MASTERS_GROUP) ? ALL_RULES : EMPTY_RULES),
}

const alwaysAllow: Authorizer = {authorize: async () => ALLOW, rulesFor: async () => ALL_RULES}

const alwaysDeny: Authorizer = {
  authorize: async () => ({decision: 'noOpinion', reason: 'Everything is forbidden.'}),
  rulesFor: async () => ({...EMPTY_RULES, incomplete: false}),
}

const notEvaluated: Authorizer = {
  authorize: async () => NO_OPINION,
  rulesFor: async () => ({...EMPTY_RULES, incomplete: true}),
}

export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: Authorizer[]) {}

  async authorize(attributes: Attributes): Promise<AuthorizationResult> {
    const reasons: string[] = []
    for (const authorizer of this.authorizers) {
      const result = await authorizer.authorize(attributes)
      if (result.decision !== 'noOpinion') return result
      if (result.reason !== '') reasons.push(result.reason)
    }
    return {decision: 'noOpinion', reason: reasons.join('\n')}
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    const resourceRules: PolicyRule[] = []
    const nonResourceRules: PolicyRule[] = []
    let incomplete = false
    const errors: string[] = []
    for (const authorizer of this.authorizers) {
      const rules = await authorizer.rulesFor(user, namespace)
      resourceRules.push(...rules.resourceRules)
      nonResourceRules.push(...rules.nonResourceRules)
      incomplete ||= rules.incomplete
      if (rules.evaluationError) errors.push(rules.evaluationError)
    }
    const result: RulesResult = {resourceRules, nonResourceRules, incomplete}
    if (errors.length > 0) result.evaluationError = errors.join(', ')
    return result
  }
}

export function buildAuthorizer(modes: string[], store: ObjectStore, registry: ResourceRegistry): UnionAuthorizer {
  const chain: Authorizer[] = [privilegedGroups]
  for (const mode of modes) {
    if (mode === 'AlwaysAllow') chain.push(alwaysAllow)
    else if (mode === 'AlwaysDeny') chain.push(alwaysDeny)
    else if (mode === 'RBAC') chain.push(new RbacAuthorizer(store, registry))
    else if (mode === 'Node') chain.push(new NodeAuthorizer(store, registry))
    else chain.push(notEvaluated)
  }
  return new UnionAuthorizer(chain)
}
