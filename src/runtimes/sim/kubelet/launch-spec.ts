import type {EnvVar, HttpGetProbe, StaticPod} from './manifest.js'
import {resolveExecutable, type ExecutableOptions} from './executables.js'
import {isNodePath, nodeRootPrefix, translateArgs} from './node-paths.js'

/** Read by the simulated API server (and the control-plane stub) as the Kubernetes version to be. */
export const KUBERNETES_VERSION_ENV = 'KUBELAB_K8S_VERSION'
/** Lets simulated components print node paths (/etc/kubernetes/…) in their messages, as on a real node. */
export const NODE_ROOT_ENV = 'KUBELAB_NODE_ROOT'

/**
 * The kubelet waits terminationGracePeriodSeconds (30 s by default) between SIGTERM and SIGKILL.
 * The sim kubelet caps that at 3 s so an edited manifest takes effect quickly even for a process
 * that is slow to stop.
 */
const MAX_GRACE_MS = 3000
const DEFAULT_GRACE_SECONDS = 30

export interface ResolvedProbe {
  /** Which of the container's probes this is; the first of startup, readiness, liveness is used. */
  kind: 'startup' | 'readiness' | 'liveness'
  url: string
}

/** Everything needed to start one static pod's container as a process. */
export interface LaunchSpec {
  name: string
  /** Node path of the manifest. */
  manifestFile: string
  /** sha256 of the manifest text. */
  manifestHash: string
  /** Decides whether an edit restarts the process; see StaticPod.podHash. */
  podHash: string
  /** The full command line: the program, then its arguments with node paths moved into the node root. */
  argv: string[]
  env: Record<string, string>
  cwd: string
  probe: ResolvedProbe | undefined
  /** hostPath volumes of type DirectoryOrCreate under the node root, created before the start. */
  directoriesToCreate: string[]
  graceMs: number
  simulated: boolean
  /** Things the sim kubelet could not honour (e.g. env valueFrom), for the kubelet log. */
  notes: string[]
}

export interface ManifestSource {
  file: string
  textHash: string
}

export async function buildLaunchSpec(pod: StaticPod, source: ManifestSource, options: ExecutableOptions): Promise<LaunchSpec> {
  const container = pod.container
  const env = containerEnv(container.env)
  const [command, ...commandRest] = container.command.map((word) => expandReferences(word, env))
  const args = [...commandRest, ...container.args.map((word) => expandReferences(word, env))]
  const executable = await resolveExecutable(command ?? '', options)
  const notes = container.unresolvedEnv.map((name) => `env ${name} uses valueFrom, which the sim kubelet cannot resolve; it is left out`)
  const probe = resolveProbe(container, notes)
  const version = kubernetesVersionOf(container.image)

  return {
    name: pod.name,
    manifestFile: source.file,
    manifestHash: source.textHash,
    podHash: pod.podHash,
    argv: [executable.executable, ...executable.leadingArgs, ...translateArgs(args, options.nodeRoot)],
    env: {
      PATH: options.searchPath ?? '',
      [NODE_ROOT_ENV]: options.nodeRoot,
      ...(version ? {[KUBERNETES_VERSION_ENV]: version} : {}),
      ...env,
    },
    cwd: options.nodeRoot,
    probe,
    directoriesToCreate: pod.hostPathVolumes
      .filter((volume) => volume.type === 'DirectoryOrCreate' && isNodePath(volume.path))
      .map((volume) => nodeRootPrefix(options.nodeRoot) + volume.path),
    graceMs: Math.min((pod.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000, MAX_GRACE_MS),
    simulated: executable.kind === 'simulated',
    notes,
  }
}

/** The container's variables in order, each value expanded against the ones before it, as the kubelet does. */
function containerEnv(variables: readonly EnvVar[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const variable of variables) env[variable.name] = expandReferences(variable.value, env)
  return env
}

/**
 * Kubernetes' $(VAR) expansion in command, args and env values: a defined variable is replaced,
 * an undefined reference is left as written, and $$ stands for a literal $.
 */
export function expandReferences(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match: string, name: string | undefined) => {
    if (match === '$$') return '$'
    return name !== undefined && Object.hasOwn(env, name) ? (env[name] ?? '') : match
  })
}

/** "registry.k8s.io/kube-apiserver:v1.30.2" → "v1.30.2"; only Kubernetes-style tags count (not etcd's "3.5.15-0"). */
export function kubernetesVersionOf(image: string | undefined): string | undefined {
  const tag = image?.slice(image.lastIndexOf(':') + 1)
  if (image === undefined || !image.includes(':') || tag === undefined) return undefined
  return /^v\d+\.\d+\.\d+/.test(tag) ? tag : undefined
}

function resolveProbe(container: StaticPod['container'], notes: string[]): ResolvedProbe | undefined {
  const candidates: Array<[ResolvedProbe['kind'], HttpGetProbe | undefined]> = [
    ['startup', container.startupProbe],
    ['readiness', container.readinessProbe],
    ['liveness', container.livenessProbe],
  ]
  for (const [kind, probe] of candidates) {
    if (!probe) continue
    const port = typeof probe.port === 'number' ? probe.port : portByName(container, probe.port)
    if (port === undefined) {
      notes.push(`${kind}Probe names port "${String(probe.port)}", which no container port has`)
      continue
    }
    const host = probe.host ?? '127.0.0.1'
    const hostPart = host.includes(':') ? `[${host}]` : host
    const requestPath = probe.path.startsWith('/') ? probe.path : `/${probe.path}`
    return {kind, url: `${probe.scheme.toLowerCase()}://${hostPart}:${port}${requestPath}`}
  }
  return undefined
}

function portByName(container: StaticPod['container'], name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name)
  return container.ports.find((port) => port.name === name)?.containerPort
}
