/** authorizer.Attributes and decisions (k8s.io/apiserver/pkg/authorization/authorizer). */
import type {UserInfo} from '../auth/user.js'

export interface Attributes {
  user: UserInfo
  verb: string
  resourceRequest: boolean
  /** The URL path, for non-resource requests. */
  path: string
  apiGroup: string
  apiVersion: string
  resource: string
  subresource: string
  namespace: string
  name: string
}

export type Decision = 'allow' | 'deny' | 'noOpinion'

export interface AuthorizationResult {
  decision: Decision
  reason: string
}

export interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

export interface RulesResult {
  resourceRules: PolicyRule[]
  nonResourceRules: PolicyRule[]
  incomplete: boolean
  evaluationError?: string
}

export interface Authorizer {
  authorize(attributes: Attributes): Promise<AuthorizationResult>
  /** What SelfSubjectRulesReview reports for this authorizer. */
  rulesFor(user: UserInfo, namespace: string): Promise<RulesResult>
}

export const NO_OPINION: AuthorizationResult = {decision: 'noOpinion', reason: ''}
export const ALLOW: AuthorizationResult = {decision: 'allow', reason: ''}
export const EMPTY_RULES: RulesResult = {resourceRules: [], nonResourceRules: [], incomplete: false}
export const ALL_RULES: RulesResult = {
  resourceRules: [{verbs: ['*'], apiGroups: ['*'], resources: ['*']}],
  nonResourceRules: [{verbs: ['*'], nonResourceURLs: ['*']}],
  incomplete: false,
}
