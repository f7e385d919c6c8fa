/**
 * The create-only review APIs: TokenReview and SelfSubjectReview (authentication.k8s.io/v1), SubjectAccessReview,
 * SelfSubjectAccessReview, LocalSubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1). They are
 * answered from the request and never stored, as in the real apiserver.
 */
import {authenticateToken} from '../auth/authenticate.js'
import type {UserInfo} from '../auth/user.js'
import type {Attributes, PolicyRule} from '../authz/types.js'
import type {ApiContext, ApiRequest} from './context.js'
import {field, isRecord, stringField} from './object.js'
import {apiVersionOf, type ResourceType} from './resources.js'
import {badRequest, invalid} from './status.js'

function userInfoJson(user: UserInfo): Record<string, unknown> {
  const json: Record<string, unknown> = {username: user.name, groups: user.groups}
  if (user.uid !== undefined && user.uid !== '') json['uid'] = user.uid
  if (user.extra) json['extra'] = user.extra
  return json
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function attributesFromSpec(spec: unknown, user: UserInfo, type: ResourceType): Attributes {
  const resourceAttributes = field(spec, 'resourceAttributes')
  const nonResourceAttributes = field(spec, 'nonResourceAttributes')
  if (isRecord(resourceAttributes) === isRecord(nonResourceAttributes)) {
    throw invalid(type.group, type.kind, '', [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
        field: 'spec.resourceAttributes',
      },
    ])
  }
  if (isRecord(resourceAttributes)) {
    return {
      user,
      verb: stringField(resourceAttributes, 'verb') ?? '',
      resourceRequest: true,
      path: '',
      apiGroup: stringField(resourceAttributes, 'group') ?? '',
      apiVersion: stringField(resourceAttributes, 'version') ?? '',
      resource: stringField(resourceAttributes, 'resource') ?? '',
      subresource: stringField(resourceAttributes, 'subresource') ?? '',
      namespace: stringField(resourceAttributes, 'namespace') ?? '',
      name: stringField(resourceAttributes, 'name') ?? '',
    }
  }
  return {
    user,
    verb: stringField(nonResourceAttributes, 'verb') ?? '',
    resourceRequest: false,
    path: stringField(nonResourceAttributes, 'path') ?? '',
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
  }
}

function ruleJson(rule: PolicyRule, resourceRule: boolean): Record<string, unknown> {
  if (!resourceRule) return {verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs ?? []}
  const json: Record<string, unknown> = {verbs: rule.verbs, apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? []}
  if (rule.resourceNames && rule.resourceNames.length > 0) json['resourceNames'] = rule.resourceNames
  return json
}

export async function handleReview(context: ApiContext, type: ResourceType, namespace: string, request: ApiRequest): Promise<unknown> {
  const body = request.body
  if (!isRecord(body)) throw badRequest(`${type.kind} in version "v1" cannot be handled as a ${type.kind}: no body`)
  const spec = isRecord(body['spec']) ? body['spec'] : {}
  const metadata = isRecord(body['metadata']) ? {...body['metadata']} : {}
  const base = {kind: type.kind, apiVersion: apiVersionOf(type), metadata: {...metadata, creationTimestamp: null}, spec}
  switch (type.review) {
    case 'TokenReview': {
      const token = stringField(spec, 'token') ?? ''
      const answer = await authenticateToken(context.authentication, token)
      if (answer.kind === 'user') {
        const audiences = stringList(spec['audiences'])
        return {
          ...base,
          status: {
            authenticated: true,
            user: userInfoJson(answer.user),
            audiences: audiences.length > 0 ? audiences : context.tokenIssuing?.apiAudiences ?? [],
          },
        }
      }
      return {...base, status: {user: {}, error: answer.kind === 'error' ? `[${answer.message}]` : '[invalid bearer token]'}}
    }
    case 'SelfSubjectReview':
      return {...base, status: {userInfo: userInfoJson(request.user)}}
    case 'SelfSubjectRulesReview': {
      const rules = await context.authorizer.rulesFor(request.user, stringField(spec, 'namespace') ?? '')
      const status: Record<string, unknown> = {
        resourceRules: rules.resourceRules.map((rule) => ruleJson(rule, true)),
        nonResourceRules: rules.nonResourceRules.map((rule) => ruleJson(rule, false)),
        incomplete: rules.incomplete,
      }
      if (rules.evaluationError) status['evaluationError'] = rules.evaluationError
      return {...base, status}
    }
    default: {
      let user = request.user
      if (type.review === 'SubjectAccessReview' || type.review === 'LocalSubjectAccessReview') {
        const userName = stringField(spec, 'user') ?? ''
        const groups = stringList(spec['groups'])
        if (userName === '' && groups.length === 0) {
          throw invalid(type.group, type.kind, '', [
            {reason: 'FieldValueRequired', message: 'Required value: at least one of user or group must be specified', field: 'spec.user'},
          ])
        }
        user = {name: userName, groups, uid: stringField(spec, 'uid')}
      }
      const attributes = attributesFromSpec(spec, user, type)
      if (type.review === 'LocalSubjectAccessReview' && attributes.namespace !== namespace) {
        throw invalid(type.group, type.kind, '', [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(attributes.namespace)}: must match metadata.namespace`,
            field: 'spec.resourceAttributes.namespace',
          },
        ])
      }
      const result = await context.authorizer.authorize(attributes)
      const status: Record<string, unknown> = {allowed: result.decision === 'allow'}
      if (result.decision === 'deny') status['denied'] = true
      if (result.reason !== '') status['reason'] = result.reason
      return {...base, status}
    }
  }
}
