/**
 * What the kind runtime needs from a kind node container. Helper modules under ./node/ implement
 * it over `docker exec` and `docker cp`; the runtime's post-create steps and the lab layer's node
 * commands call nothing else.
 */

/** kind's names for a cluster and its one node (kind names the node container `<cluster>-control-plane`). */
export interface KindNames {
  /** `kubelab-<lab name>` */
  cluster: string
  /** `kubelab-<lab name>-control-plane` */
  nodeContainer: string
}

export const KIND_CLUSTER_PREFIX = 'kubelab-'

export function kindNamesFor(labName: string): KindNames {
  const cluster = `${KIND_CLUSTER_PREFIX}${labName}`
  return {cluster, nodeContainer: `${cluster}-control-plane`}
}

/** What a command run inside the node ended with. A non-zero exit is an answer, not an error. */
export interface KindExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface KindExecOptions {
  /** Written to the command's standard input. */
  stdin?: string
  signal?: AbortSignal
  /** Default: 60 s. */
  timeoutMs?: number
}

/**
 * One kind node container, addressed by the node's own paths (/etc/kubernetes/manifests/etcd.yaml).
 * Every method rejects with a typed error naming the container when Docker cannot reach it.
 */
export interface KindNode {
  /** e.g. "kubelab-all-open-control-plane" */
  readonly container: string
  /** The file's text, or undefined when it does not exist. */
  readFile(nodePath: string): Promise<string | undefined>
  /**
   * Replaces the file in one step (a temp file in the same folder renamed over it), so a watching
   * kubelet never reads half a manifest. An existing file keeps its mode; a new one gets `mode`
   * (default 0o600).
   */
  writeFile(nodePath: string, text: string, options?: {mode?: number}): Promise<void>
  /** Runs argv inside the node (no shell unless argv names one). */
  exec(argv: readonly string[], options?: KindExecOptions): Promise<KindExecResult>
  /** `systemctl restart kubelet`, then waits until systemd reports the kubelet active again. */
  restartKubelet(options?: {signal?: AbortSignal}): Promise<void>
}

/** How a node is reached: the docker client to use and the environment it runs with (DOCKER_HOST...). */
export interface KindNodeConnection {
  docker: string
  env: Readonly<Record<string, string | undefined>>
}

export type KindNodeFactory = (container: string, connection: KindNodeConnection) => KindNode

/** Which insecure API port a kind lab has, for the lesson to say. */
export type KindInsecurePortVariant = 'real' | 'proxy-stand-in'
