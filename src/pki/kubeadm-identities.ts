import {isAtLeast, parseKubernetesVersion} from './kubernetes-version.js'

/** The group the API server grants every permission, hard-wired and beyond RBAC's reach. */
export const SYSTEM_MASTERS_GROUP = 'system:masters'
/** kubeadm's revocable admin group, bound to cluster-admin by a ClusterRoleBinding of the same name. */
export const CLUSTER_ADMINS_GROUP = 'kubeadm:cluster-admins'
export const NODES_GROUP = 'system:nodes'
export const NODE_USER_PREFIX = 'system:node:'
export const CLUSTER_NAME = 'kubernetes'

/**
 * From Kubernetes 1.29 kubeadm keeps system:masters out of its everyday credentials: admin.conf and
 * apiserver-kubelet-client.crt get kubeadm:cluster-admins, a separate super-admin.conf holds
 * system:masters (KEP-4214, kubernetes#121837), and the etcd client certificates lose their O=
 * entirely (kubernetes#119859, #120521). All three landed in v1.29.0-alpha.1 to rc.0.
 */
export function separatesSuperAdmin(kubernetesVersion: string): boolean {
  return isAtLeast(parseKubernetesVersion(kubernetesVersion), 1, 29)
}

/** The O= of admin.conf's client certificate and of apiserver-kubelet-client.crt. */
export function adminGroup(kubernetesVersion: string): string {
  return separatesSuperAdmin(kubernetesVersion) ? CLUSTER_ADMINS_GROUP : SYSTEM_MASTERS_GROUP
}
