/** Ports a rendered node uses; the caller substitutes free ones when the real ones are busy. */
export interface NodePorts {
  apiserverSecure: number
  /** Only served by Kubernetes 1.19 scenarios that open the insecure port. */
  apiserverInsecure: number
  etcdClient: number
  etcdPeer: number
  etcdMetrics: number
  kubelet: number
  kubeletReadOnly: number
  /** kube-controller-manager's --secure-port; written into its manifest only when it is not the default. */
  controllerManagerSecure: number
  /** kube-scheduler's --secure-port; written into its manifest only when it is not the default. */
  schedulerSecure: number
}

/** The ports kubeadm and the components use by default. */
export const DEFAULT_NODE_PORTS: Readonly<NodePorts> = {
  apiserverSecure: 6443,
  apiserverInsecure: 8080,
  etcdClient: 2379,
  etcdPeer: 2380,
  etcdMetrics: 2381,
  kubelet: 10250,
  kubeletReadOnly: 10255,
  controllerManagerSecure: 10257,
  schedulerSecure: 10259,
}

export interface NodeFilesOptions {
  /** The node's name, e.g. "kubelab-control-plane"; etcd's member name and the kubelet's provider id use it. */
  nodeName: string
  /** Replaces the default ports; scenario values that name a default port are moved along. */
  ports?: Partial<NodePorts>
  /** Every component listens here and the API server advertises it. Must be a 127.0.0.0/8 address (see containerNetwork). */
  bindAddress?: string
  /**
   * The node runs in its own network namespace (the kind-compatible node container) whose ports are
   * published on the host's 127.0.0.1 only: bindAddress may then be the container's own address,
   * which is what kind's kubeadm uses as the advertise address and node IP, and a listener may be a
   * wildcard (as kind's own nodes have them).
   */
  containerNetwork?: boolean
  /** kind's cluster name: in --cluster-name and the kubelet's provider id. Default "kubelab". */
  clusterName?: string
  /**
   * The etcd release that will run the etcd manifest, e.g. "3.4.23" from the installed `etcd --version`.
   * The manifest then uses that release's flag names and health endpoints, and its image tag names it.
   * Default: the etcd kubeadm pins for the scenario's Kubernetes release.
   */
  etcdVersion?: string
}

/** Where kubeadm puts each file on a control-plane node. */
export const NODE_FILE_PATHS = {
  apiserverManifest: '/etc/kubernetes/manifests/kube-apiserver.yaml',
  etcdManifest: '/etc/kubernetes/manifests/etcd.yaml',
  controllerManagerManifest: '/etc/kubernetes/manifests/kube-controller-manager.yaml',
  schedulerManifest: '/etc/kubernetes/manifests/kube-scheduler.yaml',
  kubeletConfig: '/var/lib/kubelet/config.yaml',
  kubeletFlagsEnv: '/var/lib/kubelet/kubeadm-flags.env',
  kubeletDropIn: '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
} as const

/**
 * File modes as kubeadm leaves them: static pod manifests 0600 (WriteStaticPodToDisk), the
 * kubelet's config and flags 0644, the packaged systemd drop-in 0644. CIS 1.1.x audits these.
 */
export const NODE_FILE_MODES: Readonly<Record<string, number>> = {
  [NODE_FILE_PATHS.apiserverManifest]: 0o600,
  [NODE_FILE_PATHS.etcdManifest]: 0o600,
  [NODE_FILE_PATHS.controllerManagerManifest]: 0o600,
  [NODE_FILE_PATHS.schedulerManifest]: 0o600,
  [NODE_FILE_PATHS.kubeletConfig]: 0o644,
  [NODE_FILE_PATHS.kubeletFlagsEnv]: 0o644,
  [NODE_FILE_PATHS.kubeletDropIn]: 0o644,
}

/** A scenario that cannot be turned into node files; names the scenario and, where relevant, the flag. */
export class NodeFilesError extends Error {
  constructor(
    readonly scenarioId: string,
    readonly reason: string,
    readonly flag?: string,
  ) {
    super(`scenario ${scenarioId}: ${reason}`)
    this.name = 'NodeFilesError'
  }
}
