/**
 * The resource types the sim serves, with the facts discovery, storage and printing need. Storage paths follow the
 * real apiserver's etcd layout (services under services/specs, endpoints under services/endpoints, nodes under
 * minions).
 */
import {atLeast, type KubeVersion} from '../version.js'

export type ReviewKind =
  | 'TokenReview'
  | 'SelfSubjectReview'
  | 'SubjectAccessReview'
  | 'SelfSubjectAccessReview'
  | 'LocalSubjectAccessReview'
  | 'SelfSubjectRulesReview'

export interface ResourceType {
  group: string
  version: string
  /** Plural, as in URLs and RBAC rules. */
  resource: string
  singular: string
  kind: string
  namespaced: boolean
  shortNames: string[]
  verbs: string[]
  subresources: string[]
  /** Path under --etcd-prefix; absent for create-only review resources that are never stored. */
  storagePath?: string
  /** Create-only resources answered from the request (reviews), never stored. */
  review?: ReviewKind
  categories?: string[]
}

export const STORED_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const CREATE_ONLY = ['create']

const RBAC = 'rbac.authorization.k8s.io'
const AUTHN = 'authentication.k8s.io'
const AUTHZ = 'authorization.k8s.io'

function stored(
  group: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version: 'v1',
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: [],
    verbs: STORED_VERBS,
    subresources: [],
    storagePath: resource,
    ...extra,
  }
}

function review(group: string, resource: string, kind: ReviewKind, namespaced = false): ResourceType {
  return {
    group,
    version: 'v1',
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: [],
    verbs: CREATE_ONLY,
    subresources: [],
    review: kind,
  }
}

const ALL_RESOURCES: ReadonlyArray<{type: ResourceType; sinceMinor?: number}> = [
  {
    type: stored('', 'namespaces', 'Namespace', false, {
      shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: ['status', 'finalize'],
    }),
  },
  {type: stored('', 'pods', 'Pod', true, {shortNames: ['po'], subresources: ['status'], categories: ['all']})},
  {type: stored('', 'secrets', 'Secret', true)},
  {type: stored('', 'configmaps', 'ConfigMap', true, {shortNames: ['cm']})},
  {type: stored('', 'serviceaccounts', 'ServiceAccount', true, {shortNames: ['sa'], subresources: ['token']})},
  {
    type: stored('', 'services', 'Service', true, {
      shortNames: ['svc'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: ['status'],
      storagePath: 'services/specs',
      categories: ['all'],
    }),
  },
  {type: stored('', 'endpoints', 'Endpoints', true, {shortNames: ['ep'], storagePath: 'services/endpoints'})},
  {type: stored('', 'nodes', 'Node', false, {shortNames: ['no'], subresources: ['status'], storagePath: 'minions'})},
  {type: stored(RBAC, 'roles', 'Role', true)},
  {type: stored(RBAC, 'rolebindings', 'RoleBinding', true)},
  {type: stored(RBAC, 'clusterroles', 'ClusterRole', false)},
  {type: stored(RBAC, 'clusterrolebindings', 'ClusterRoleBinding', false)},
  {type: review(AUTHN, 'tokenreviews', 'TokenReview')},
  {type: review(AUTHN, 'selfsubjectreviews', 'SelfSubjectReview'), sinceMinor: 28},
  {type: review(AUTHZ, 'subjectaccessreviews', 'SubjectAccessReview')},
  {type: review(AUTHZ, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview')},
  {type: review(AUTHZ, 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true)},
  {type: review(AUTHZ, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview')},
]

export class ResourceRegistry {
  readonly all: ResourceType[]

  constructor(version: KubeVersion) {
    this.all = ALL_RESOURCES.filter((entry) => entry.sinceMinor === undefined || atLeast(version, 1, entry.sinceMinor)).map(
      (entry) => entry.type,
    )
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.all.find((type) => type.group === group && type.version === version && type.resource === resource)
  }

  byResource(group: string, resource: string): ResourceType {
    const type = this.all.find((candidate) => candidate.group === group && candidate.resource === resource)
    if (!type) throw new Error(`no resource ${resource} in group "${group}"`)
    return type
  }

  groups(): string[] {
    return [...new Set(this.all.map((type) => type.group).filter((group) => group !== ''))]
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all.filter((type) => type.group === group && type.version === version)
  }

  namespacedStored(): ResourceType[] {
    return this.all.filter((type) => type.namespaced && type.storagePath !== undefined)
  }
}

/** `secrets`, or `roles.rbac.authorization.k8s.io` for a non-core group (Go's GroupResource.String()). */
export function qualifiedResource(group: string, resource: string): string {
  return group === '' ? resource : `${resource}.${group}`
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`
}
