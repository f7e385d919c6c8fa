/**
 * The default RBAC objects the real apiserver reconciles at start-up
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), reduced to what matters for the resources the sim
 * serves. admin/edit/view carry their rules directly instead of being aggregated by the controller-manager.
 * For 1.29+ the kubeadm:cluster-admins binding that `kubeadm init` creates is added too.
 */
import type {KubeObject} from '../api/object.js'
import {atLeast, type KubeVersion} from '../version.js'
import {NODE_RULES} from './node.js'
import type {PolicyRule} from './types.js'

const BOOTSTRAP_LABELS = {'kubernetes.io/bootstrapping': 'rbac-defaults'}
const AUTOUPDATE = {'rbac.authorization.kubernetes.io/autoupdate': 'true'}
const RBAC_API = 'rbac.authorization.k8s.io/v1'

const READ = ['get', 'list', 'watch']
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update']

function clusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: {name, labels: {...BOOTSTRAP_LABELS}, annotations: {...AUTOUPDATE}},
    rules,
  }
}

interface SubjectSpec {
  kind: 'User' | 'Group'
  name: string
}

function clusterRoleBinding(name: string, role: string, subjects: SubjectSpec[], bootstrap = true): KubeObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: bootstrap ? {name, labels: {...BOOTSTRAP_LABELS}, annotations: {...AUTOUPDATE}} : {name},
    roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role},
    subjects: subjects.map((subject) => ({apiGroup: 'rbac.authorization.k8s.io', ...subject})),
  }
}

const VIEW_RULES: PolicyRule[] = [
  {
    verbs: READ,
    apiGroups: [''],
    resources: [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
    ],
  },
  {
    verbs: READ,
    apiGroups: [''],
    resources: ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'],
  },
  {verbs: READ, apiGroups: [''], resources: ['namespaces']},
  {verbs: READ, apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']},
  {verbs: READ, apiGroups: ['batch'], resources: ['cronjobs', 'jobs']},
]

const EDIT_RULES: PolicyRule[] = [
  {verbs: READ, apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']},
  {verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts']},
  {verbs: WRITE, apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']},
  {verbs: ['create'], apiGroups: [''], resources: ['pods/eviction']},
  {
    verbs: WRITE,
    apiGroups: [''],
    resources: ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'],
  },
  {verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token']},
  {verbs: WRITE, apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']},
  {verbs: WRITE, apiGroups: ['batch'], resources: ['cronjobs', 'jobs']},
  ...VIEW_RULES,
]

const ADMIN_RULES: PolicyRule[] = [
  {verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews']},
  {verbs: [...WRITE, ...READ], apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles']},
  ...EDIT_RULES,
]

export interface BootstrapPolicy {
  clusterRoles: KubeObject[]
  clusterRoleBindings: KubeObject[]
}

export function bootstrapPolicy(version: KubeVersion): BootstrapPolicy {
  const basicUserRules: PolicyRule[] = [
    {verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']},
  ]
  if (atLeast(version, 1, 28)) {
    basicUserRules.push({verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews']})
  }
  const clusterRoles = [
    clusterRole('cluster-admin', [
      {verbs: ['*'], apiGroups: ['*'], resources: ['*']},
      {verbs: ['*'], nonResourceURLs: ['*']},
    ]),
    clusterRole('admin', ADMIN_RULES),
    clusterRole('edit', EDIT_RULES),
    clusterRole('view', VIEW_RULES),
    clusterRole('system:discovery', [
      {
        verbs: ['get'],
        nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
      },
    ]),
    clusterRole('system:basic-user', basicUserRules),
    clusterRole('system:public-info-viewer', [
      {verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/']},
    ]),
    clusterRole('system:node', NODE_RULES),
    clusterRole('system:node-proxier', [
      {verbs: ['list', 'watch'], apiGroups: [''], resources: ['endpoints', 'services']},
      {verbs: READ, apiGroups: [''], resources: ['nodes']},
      {verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events']},
      {verbs: ['list', 'watch'], apiGroups: ['discovery.k8s.io'], resources: ['endpointslices']},
    ]),
  ]
  const clusterRoleBindings = [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [{kind: 'Group', name: 'system:masters'}]),
    clusterRoleBinding('system:discovery', 'system:discovery', [{kind: 'Group', name: 'system:authenticated'}]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [{kind: 'Group', name: 'system:authenticated'}]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
      {kind: 'Group', name: 'system:authenticated'},
      {kind: 'Group', name: 'system:unauthenticated'},
    ]),
    clusterRoleBinding('system:node', 'system:node', []),
    clusterRoleBinding('system:node-proxier', 'system:node-proxier', [{kind: 'User', name: 'system:kube-proxy'}]),
  ]
  if (atLeast(version, 1, 29)) {
    clusterRoleBindings.push(clusterRoleBinding('kubeadm:cluster-admins', 'cluster-admin', [{kind: 'Group', name: 'kubeadm:cluster-admins'}], false))
  }
  return {clusterRoles, clusterRoleBindings}
}
