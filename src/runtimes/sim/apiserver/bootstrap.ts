/**
 * What a real apiserver writes into an empty etcd at start-up: the system namespaces, the `kubernetes` Service and
 * Endpoints in `default`, and the bootstrap RBAC policy (created when absent; the real reconciler also re-adds
 * missing rules and subjects to existing objects, the sim leaves existing objects alone). The default service
 * accounts are written too, standing in for the controller-manager.
 */
import type {ApiContext} from './api/context.js'
import {allocateServiceIp, prepareForCreate} from './api/defaults.js'
import type {KubeObject} from './api/object.js'
import {createDefaultServiceAccount} from './api/rest.js'
import type {ResourceType} from './api/resources.js'
import {ApiError} from './api/status.js'
import {bootstrapPolicy} from './authz/bootstrap-policy.js'

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease']

async function createIfAbsent(context: ApiContext, type: ResourceType, object: KubeObject, namespace = ''): Promise<boolean> {
  const name = object.metadata.name ?? ''
  if (await context.store.get(type, type.namespaced ? namespace : undefined, name)) return false
  try {
    await context.store.create(type, prepareForCreate(type, object, namespace, context.version))
    return true
  } catch (error) {
    if (error instanceof ApiError && error.status.reason === 'AlreadyExists') return false
    throw error
  }
}

export interface ClusterServiceSettings {
  advertiseAddress: string
  securePort: number
}

export async function bootstrapCluster(context: ApiContext, service: ClusterServiceSettings): Promise<void> {
  const namespaces = context.registry.byResource('', 'namespaces')
  const policy = bootstrapPolicy(context.version)
  const clusterRoles = context.registry.byResource('rbac.authorization.k8s.io', 'clusterroles')
  const clusterRoleBindings = context.registry.byResource('rbac.authorization.k8s.io', 'clusterrolebindings')
  const [createdRoles, createdBindings] = await Promise.all([
    Promise.all(policy.clusterRoles.map((role) => createIfAbsent(context, clusterRoles, role))),
    Promise.all(policy.clusterRoleBindings.map((binding) => createIfAbsent(context, clusterRoleBindings, binding))),
    Promise.all(
      SYSTEM_NAMESPACES.map(async (name) => {
        await createIfAbsent(context, namespaces, {apiVersion: 'v1', kind: 'Namespace', metadata: {name}})
        await createDefaultServiceAccount(context, name)
      }),
    ),
  ])
  policy.clusterRoles.forEach((role, index) => {
    if (createdRoles[index]) context.log.info('storage_rbac.go:220', `created clusterrole.rbac.authorization.k8s.io/${role.metadata.name ?? ''}`)
  })
  policy.clusterRoleBindings.forEach((binding, index) => {
    if (createdBindings[index]) {
      context.log.info('storage_rbac.go:248', `created clusterrolebinding.rbac.authorization.k8s.io/${binding.metadata.name ?? ''}`)
    }
  })
  const clusterIp = allocateServiceIp(context.serviceClusterIpRange, new Set()) ?? '10.0.0.1'
  await createIfAbsent(
    context,
    context.registry.byResource('', 'services'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'kubernetes', labels: {component: 'apiserver', provider: 'kubernetes'}},
      spec: {
        type: 'ClusterIP',
        clusterIP: clusterIp,
        clusterIPs: [clusterIp],
        ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: service.securePort}],
        sessionAffinity: 'None',
      },
    },
    'default',
  )
  await createIfAbsent(
    context,
    context.registry.byResource('', 'endpoints'),
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {name: 'kubernetes', labels: {'endpointslice.kubernetes.io/skip-mirror': 'true'}},
      subsets: [{addresses: [{ip: service.advertiseAddress}], ports: [{name: 'https', port: service.securePort, protocol: 'TCP'}]}],
    },
    'default',
  )
}
