/**
 * A subset of the Node authorizer (plugin/pkg/auth/authorizer/node): users `system:node:<name>` in group
 * system:nodes may read the secrets, configmaps and service accounts that pods bound to their node reference (get
 * only, found by scanning pods rather than the real authorizer's graph), may create tokens (serviceaccounts/token)
 * for the service accounts of those pods (authorizeCreateToken), and otherwise get what the static node rules grant. Not modelled: persistent volumes and claims, resource slices, leases, CSINodes, and the
 * NodeRestriction admission limits on writes to other nodes' objects.
 */
import {field, isRecord, stringField, type KubeObject} from '../api/object.js'
import type {ResourceRegistry} from '../api/resources.js'
import {NODES_GROUP, type UserInfo} from '../auth/user.js'
import type {ObjectStore} from '../storage/store.js'
import {ruleAllows} from './rules.js'
import {ALLOW, NO_OPINION, type Attributes, type AuthorizationResult, type Authorizer, type PolicyRule, type RulesResult} from './types.js'

const NODE_USER_PREFIX = 'system:node:'

/** bootstrappolicy.NodeRules(), abridged to the resources the sim serves. */
export const NODE_RULES: PolicyRule[] = [
  {verbs: ['create', 'get', 'list', 'watch'], apiGroups: [''], resources: ['nodes']},
  {verbs: ['patch', 'update'], apiGroups: [''], resources: ['nodes/status']},
  {verbs: ['patch', 'update'], apiGroups: [''], resources: ['nodes']},
  {verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events']},
  {verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods']},
  {verbs: ['create', 'delete'], apiGroups: [''], resources: ['pods']},
  {verbs: ['patch', 'update'], apiGroups: [''], resources: ['pods/status']},
  {verbs: ['create'], apiGroups: [''], resources: ['pods/eviction']},
  {verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['services', 'endpoints']},
  {verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews']},
  {verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews', 'localsubjectaccessreviews']},
]

const GRAPH_RESOURCES = new Set(['secrets', 'configmaps', 'serviceaccounts'])

export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.name.startsWith(NODE_USER_PREFIX)) return undefined
  const name = user.name.slice(NODE_USER_PREFIX.length)
  return name === '' ? undefined : name
}

function podReferences(pod: KubeObject, resource: string, name: string): boolean {
  const spec = field(pod, 'spec')
  if (resource === 'serviceaccounts') return (stringField(spec, 'serviceAccountName') ?? 'default') === name
  const key = resource === 'secrets' ? 'secret' : 'configMap'
  const nameKey = resource === 'secrets' ? 'secretName' : 'name'
  const volumes = field(spec, 'volumes')
  if (Array.isArray(volumes) && volumes.some((volume) => stringField(volume, key, nameKey) === name)) return true
  if (resource === 'secrets') {
    const pullSecrets = field(spec, 'imagePullSecrets')
    if (Array.isArray(pullSecrets) && pullSecrets.some((ref) => stringField(ref, 'name') === name)) return true
  }
  const containers = [field(spec, 'containers'), field(spec, 'initContainers')].flatMap((list) => (Array.isArray(list) ? list : []))
  const refKey = resource === 'secrets' ? 'secretKeyRef' : 'configMapKeyRef'
  const fromKey = resource === 'secrets' ? 'secretRef' : 'configMapRef'
  return containers.filter(isRecord).some((container) => {
    const env = container['env']
    const envFrom = container['envFrom']
    return (
      (Array.isArray(env) && env.some((variable) => stringField(variable, 'valueFrom', refKey, 'name') === name)) ||
      (Array.isArray(envFrom) && envFrom.some((source) => stringField(source, fromKey, 'name') === name))
    )
  })
}

export class NodeAuthorizer implements Authorizer {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  async authorize(attributes: Attributes): Promise<AuthorizationResult> {
    const nodeName = nodeNameOf(attributes.user)
    if (nodeName === undefined) return NO_OPINION
    if (!attributes.resourceRequest) return NO_OPINION
    if (attributes.apiGroup === '' && attributes.resource === 'serviceaccounts' && attributes.subresource !== '') {
      // authorizeCreateToken: the kubelet requests the bound tokens it mounts into its pods.
      if (attributes.verb !== 'create' || attributes.name === '') return {decision: 'noOpinion', reason: 'can only create tokens for individual service accounts'}
      if (attributes.subresource !== 'token') return {decision: 'noOpinion', reason: 'can only create token subresource of serviceaccount'}
      return this.related(nodeName, attributes)
    }
    if (attributes.apiGroup === '' && GRAPH_RESOURCES.has(attributes.resource) && attributes.subresource === '') {
      if (attributes.verb !== 'get') return {decision: 'noOpinion', reason: 'can only get individual resources of this type'}
      return this.related(nodeName, attributes)
    }
    return NODE_RULES.some((rule) => ruleAllows(attributes, rule)) ? ALLOW : NO_OPINION
  }

  /** Allowed when a pod bound to the node references the object (the real authorizer's graph path node ← pod ← object). */
  private async related(nodeName: string, attributes: Attributes): Promise<AuthorizationResult> {
    const pods = await this.store.list(this.registry.byResource('', 'pods'), attributes.namespace)
    const related = pods.items.some((pod) => stringField(pod, 'spec', 'nodeName') === nodeName && podReferences(pod, attributes.resource, attributes.name))
    return related ? ALLOW : {decision: 'noOpinion', reason: `no relationship found between node '${nodeName}' and this object`}
  }

  async rulesFor(user: UserInfo): Promise<RulesResult> {
    return nodeNameOf(user) === undefined
      ? {resourceRules: [], nonResourceRules: [], incomplete: false}
      : {resourceRules: NODE_RULES, nonResourceRules: [], incomplete: true}
  }
}
