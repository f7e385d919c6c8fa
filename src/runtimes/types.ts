import {RUNTIMES, type Runtime, type Scenario} from '../scenario/schema.js'

/** Where a lab runs: real etcd and simulated Kubernetes processes on this machine, or a kind cluster in Docker. */
export type RuntimeName = Runtime
export const RUNTIME_NAMES: readonly RuntimeName[] = RUNTIMES

/** The control-plane components a node runs as static pods, by their manifest names. */
export const STATIC_POD_COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const
export type StaticPodComponent = (typeof STATIC_POD_COMPONENTS)[number]

/** Everything `kubelab logs`, `edit` and `restart` can name. */
export const LAB_COMPONENTS = [...STATIC_POD_COMPONENTS, 'kubelet'] as const
export type LabComponent = (typeof LAB_COMPONENTS)[number]

/**
 * The ports one lab listens on, all on 127.0.0.1. The real defaults when they are free; the
 * insecure API port and the kubelet's read-only port only when the scenario opens them.
 */
export interface LabPorts {
  apiserverSecure: number
  apiserverInsecure?: number
  etcdClient: number
  etcdPeer: number
  etcdMetrics: number
  kubelet: number
  kubeletReadOnly?: number
  controllerManagerSecure: number
  schedulerSecure: number
}

export type LabPortName = keyof LabPorts

/** The real components' default for each lab port. */
export const DEFAULT_LAB_PORTS: Readonly<Required<LabPorts>> = {
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

/** What a runtime is asked to bring up; the lab layer has chosen the name, folder and ports. */
export interface RuntimeUpRequest {
  name: string
  /** labs/<name>: the runtime owns everything inside it except lab.json. */
  labDir: string
  scenario: Scenario
  ports: LabPorts
  /** Searched before PATH for etcd and for real Kubernetes binaries. */
  binDir?: string
  /** Aborting stops the start-up; the runtime then undoes what it started before it rejects. */
  signal?: AbortSignal
  /** One line per step, for the user. */
  onProgress?: (message: string) => void
}

/** What a runtime reports once the cluster answers. */
export interface RuntimeUpResult {
  /** The admin kubeconfig on this machine. */
  kubeconfig: string
  /** e.g. etcd 3.4.23 at /usr/bin/etcd */
  notes: string[]
  /** Milliseconds from the start of `up` until the API server answered /readyz, and until the seed was in. */
  timings: {readyMs: number; seededMs: number}
}

export interface RuntimePreflightRequest {
  scenario: Scenario
  binDir?: string
}

/** The operations every runtime provides; the lab layer calls nothing else. */
export interface LabRuntime {
  readonly name: RuntimeName
  /**
   * Checks what `up` needs (tools installed, the scenario usable) and throws a typed error naming
   * the fix before anything is written. Returns what it found, for the user.
   */
  preflight(request: RuntimePreflightRequest): Promise<{notes: string[]}>
  up(request: RuntimeUpRequest): Promise<RuntimeUpResult>
  /** Stops every process of the lab; leaves the files. Throws when a process of the lab survives. */
  stop(labDir: string): Promise<void>
  /** Where the lab's admin kubeconfig is (or will be) on this machine. */
  kubeconfigPath(labDir: string): string
}
