/** How an auditor sees a cluster: where its components listen, how to read a node, and optional credentials. */

export interface Ports {
  apiserverSecure: number
  apiserverInsecure: number
  kubelet: number
  kubeletReadOnly: number
  etcdClient: number
  etcdPeer: number
}

/** The real components' default ports. */
export const DEFAULT_PORTS: Readonly<Ports> = {
  apiserverSecure: 6443,
  apiserverInsecure: 8080,
  kubelet: 10250,
  kubeletReadOnly: 10255,
  etcdClient: 2379,
  etcdPeer: 2380,
}

export interface Endpoints {
  host: string
  ports: Ports
  /**
   * The ports are Docker port mappings (a kind node's): Docker's proxy accepts a connection on a mapped port
   * even when nothing listens behind it in the node, then closes it unanswered. There a connection closed before
   * any answer means "closed", where elsewhere it means "could not tell".
   */
  dockerPublished?: boolean
}

export interface ProcessInfo {
  pid: number
  argv: string[]
}

export interface FileInfo {
  mode: number
  uid: number
  gid: number
  isDirectory: boolean
}

/**
 * Read access to one node's filesystem and processes, addressed by the node's own absolute paths
 * (/etc/kubernetes/manifests/kube-apiserver.yaml). A node-root folder, the sim runtime and a kind
 * container each implement it.
 */
export interface NodeAccess {
  /** Shown to users, e.g. "node root /tmp/lab/node". */
  readonly description: string
  /** The file's text, or undefined when it does not exist. Other I/O errors throw. */
  readFile(nodePath: string): Promise<string | undefined>
  stat(nodePath: string): Promise<FileInfo | undefined>
  /** Entry names, or undefined when the folder does not exist. */
  listDir(nodePath: string): Promise<string[] | undefined>
  /** Command lines of the node's running processes; empty when the access cannot see processes. */
  processes(): Promise<ProcessInfo[]>
}

export interface ClusterCredentials {
  kubeconfigPath: string
  context?: string
}

export interface Target {
  endpoints: Endpoints
  node?: NodeAccess
  credentials?: ClusterCredentials
  /** e.g. "1.19.16"; when unknown, read from the apiserver manifest's image or assumed current. */
  kubernetesVersion?: string
  /** Per-probe timeout. */
  timeoutMs: number
}
