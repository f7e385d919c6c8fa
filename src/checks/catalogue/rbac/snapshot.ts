import {z} from 'zod'
import type {HttpProbeResult} from '../../../probes/types.js'
import type {ApiCredentials} from '../../../target/kubeconfig.js'
import type {CheckContext} from '../../context.js'
import {apiCredentials, excerptOf, isClosed} from '../../wire.js'
import {apiStatus, credentialedRequest} from '../apiserver/requests.js'

export const RBAC_API = '/apis/rbac.authorization.k8s.io/v1'

export interface RbacSubject {
  /** User, Group or ServiceAccount. */
  kind: string
  name: string
  namespace?: string
}

/** A PolicyRule with its optional lists made present. */
export interface PolicyRule {
  verbs: string[]
  apiGroups: string[]
  resources: string[]
  resourceNames: string[]
  nonResourceURLs: string[]
}

export interface RbacBinding {
  kind: 'ClusterRoleBinding' | 'RoleBinding'
  name: string
  /** RoleBindings only. */
  namespace?: string
  subjects: RbacSubject[]
  roleRef: {kind: string; name: string}
}

export interface RbacRole {
  kind: 'ClusterRole' | 'Role'
  name: string
  namespace?: string
  rules: PolicyRule[]
}

/** Every binding and role in the cluster, as the kubeconfig's user read them through the API. */
export interface RbacSnapshot {
  bindings: RbacBinding[]
  roles: RbacRole[]
  /** e.g. "kubeconfig admin.conf, user kubernetes-admin" */
  readAs: string
  credentials: ApiCredentials
}

export type RbacRead = {ok: true; snapshot: RbacSnapshot} | {ok: false; verdict: 'unknown' | 'error'; reason: string}


const stringList = z.array(z.string()).nullish()
const metadata = z.object({name: z.string(), namespace: z.string().optional()}).loose()
const subject = z.object({kind: z.string(), name: z.string(), namespace: z.string().optional()}).loose()
const rule = z.object({verbs: stringList, apiGroups: stringList, resources: stringList, resourceNames: stringList, nonResourceURLs: stringList}).loose()
const bindingList = z
  .object({items: z.array(z.object({metadata, subjects: z.array(subject).nullish(), roleRef: z.object({kind: z.string(), name: z.string()}).loose()}).loose()).nullish()})
  .loose()
const roleList = z.object({items: z.array(z.object({metadata, rules: z.array(rule).nullish()}).loose()).nullish()}).loose()

type Failure = {ok: false; verdict: 'unknown' | 'error'; reason: string}
type Listed<T> = {ok: true; items: T[]} | Failure

/**
 * Reads ClusterRoleBindings, RoleBindings (all namespaces), ClusterRoles and Roles through the API
 * with the kubeconfig's credentials, once per audit. Undefined when the target has no kubeconfig.
 */
export function readRbac(ctx: CheckContext): Promise<RbacRead | undefined> {
  if (!ctx.target.credentials) return Promise.resolve(undefined)
  return ctx.once('rbac:snapshot', async (): Promise<RbacRead> => {
    let credentials: ApiCredentials | undefined
    try {
      credentials = await apiCredentials(ctx)
    } catch (error) {
      return {ok: false, verdict: 'error', reason: error instanceof Error ? error.message : String(error)}
    }
    if (!credentials) return {ok: false, verdict: 'unknown', reason: 'the target has no kubeconfig'}
    const [clusterRoleBindings, roleBindings, clusterRoles, roles] = await Promise.all([
      listBindings(ctx, credentials, 'ClusterRoleBinding'),
      listBindings(ctx, credentials, 'RoleBinding'),
      listRoles(ctx, credentials, 'ClusterRole'),
      listRoles(ctx, credentials, 'Role'),
    ])
    if (!clusterRoleBindings.ok) return clusterRoleBindings
    if (!roleBindings.ok) return roleBindings
    if (!clusterRoles.ok) return clusterRoles
    if (!roles.ok) return roles
    return {
      ok: true,
      snapshot: {
        bindings: [...clusterRoleBindings.items, ...roleBindings.items],
        roles: [...clusterRoles.items, ...roles.items],
        readAs: credentials.label,
        credentials,
      },
    }
  })
}

/** ClusterRoleBinding → clusterrolebindings: the plural the API serves the list under. */
function plural(kind: string): string {
  return `${kind.toLowerCase()}s`
}

async function listBindings(ctx: CheckContext, credentials: ApiCredentials, kind: RbacBinding['kind']): Promise<Listed<RbacBinding>> {
  const document = await fetchList(ctx, credentials, plural(kind))
  if (!document.ok) return document
  const parsed = bindingList.safeParse(document.value)
  if (!parsed.success) return {ok: false, verdict: 'error', reason: `${document.request}: not a ${kind}List (${parsed.error.issues[0]?.message ?? 'invalid'})`}
  return {
    ok: true,
    items: (parsed.data.items ?? []).map((item) => {
      const binding: RbacBinding = {
        kind,
        name: item.metadata.name,
        subjects: (item.subjects ?? []).map((entry) => (entry.namespace ? {kind: entry.kind, name: entry.name, namespace: entry.namespace} : {kind: entry.kind, name: entry.name})),
        roleRef: {kind: item.roleRef.kind, name: item.roleRef.name},
      }
      if (kind === 'RoleBinding' && item.metadata.namespace) binding.namespace = item.metadata.namespace
      return binding
    }),
  }
}

async function listRoles(ctx: CheckContext, credentials: ApiCredentials, kind: RbacRole['kind']): Promise<Listed<RbacRole>> {
  const document = await fetchList(ctx, credentials, plural(kind))
  if (!document.ok) return document
  const parsed = roleList.safeParse(document.value)
  if (!parsed.success) return {ok: false, verdict: 'error', reason: `${document.request}: not a ${kind}List (${parsed.error.issues[0]?.message ?? 'invalid'})`}
  return {
    ok: true,
    items: (parsed.data.items ?? []).map((item) => {
      const role: RbacRole = {
        kind,
        name: item.metadata.name,
        rules: (item.rules ?? []).map((entry) => ({
          verbs: entry.verbs ?? [],
          apiGroups: entry.apiGroups ?? [],
          resources: entry.resources ?? [],
          resourceNames: entry.resourceNames ?? [],
          nonResourceURLs: entry.nonResourceURLs ?? [],
        })),
      }
      if (kind === 'Role' && item.metadata.namespace) role.namespace = item.metadata.namespace
      return role
    }),
  }
}

/** GET of a cluster-wide list as the kubeconfig's user; the JSON document, or why there is none. */
async function fetchList(ctx: CheckContext, credentials: ApiCredentials, resource: string): Promise<{ok: true; value: unknown; request: string} | Failure> {
  const result = await credentialedRequest(ctx, credentials, `${RBAC_API}/${resource}`)
  const failure = listFailure(result, resource, credentials)
  if (failure) return failure
  if (!result.ok) return {ok: false, verdict: 'error', reason: result.message}
  try {
    return {ok: true, value: JSON.parse(result.body) as unknown, request: result.request}
  } catch {
    return {ok: false, verdict: 'error', reason: `${result.request}: the answer is not JSON: ${excerptOf(result.body)}`}
  }
}

function listFailure(result: HttpProbeResult, resource: string, credentials: ApiCredentials): Failure | undefined {
  if (!result.ok) {
    if (isClosed(result)) return {ok: false, verdict: 'unknown', reason: `the API server at ${credentials.server} is not reachable (connection refused)`}
    return {ok: false, verdict: 'error', reason: `${result.request}: ${result.message}`}
  }
  if (result.status === 200) return undefined
  const message = apiStatus(result.body)?.message ?? excerptOf(result.body)
  if (result.status === 401) return {ok: false, verdict: 'unknown', reason: `the API server rejected the kubeconfig's credentials (401 ${message})`}
  if (result.status === 403) return {ok: false, verdict: 'unknown', reason: `the kubeconfig's user may not list ${resource}: ${message}`}
  return {ok: false, verdict: 'error', reason: `${result.request}: unexpected answer ${result.status}: ${message}`}
}

/** The role a binding grants: a ClusterRole by name, or a Role in the binding's namespace. */
export function boundRole(snapshot: RbacSnapshot, binding: RbacBinding): RbacRole | undefined {
  return snapshot.roles.find((role) =>
    binding.roleRef.kind === 'ClusterRole' ? role.kind === 'ClusterRole' && role.name === binding.roleRef.name : role.kind === 'Role' && role.name === binding.roleRef.name && role.namespace === binding.namespace,
  )
}
