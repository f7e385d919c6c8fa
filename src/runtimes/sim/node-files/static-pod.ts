import type {JsonValue} from '../../../scenario/kubelet-patch.js'
import type {KubeadmProfile} from './profiles.js'

export type JsonObject = {[key: string]: JsonValue}

/** The name kubeadm gives the container port its probes refer to (kubeadmconstants.ProbePort). */
const PROBE_PORT_NAME = 'probe-port'

export interface ProbeTarget {
  host: string
  port: number
  scheme: 'HTTP' | 'HTTPS'
}

export interface HostPathMount {
  name: string
  hostPath: string
  type: 'DirectoryOrCreate' | 'FileOrCreate'
  readOnly: boolean
}

export interface StaticPodInput {
  component: string
  image: string
  command: string[]
  target: ProbeTarget
  liveness: string
  readiness?: string
  startup: string
  /** JSON for `resources`, e.g. {requests: {cpu: "250m"}} or {} */
  resources: JsonObject
  mounts: HostPathMount[]
  /** kubeadm sorts mounts by name, except etcd's, which it lists data first. */
  sortMounts: boolean
  annotations?: Record<string, string>
}

/**
 * A static pod as kubeadm's staticpodutil.ComponentPod builds it: hostNetwork, the
 * system-node-critical priority class, and (from 1.2x) priority and RuntimeDefault seccomp.
 * Probe timings are kubeadm's LivenessProbe/ReadinessProbe/StartupProbe (startup allows 4 minutes).
 */
export function staticPod(input: StaticPodInput, profile: KubeadmProfile): JsonObject {
  const port: JsonValue = profile.namedProbePorts ? PROBE_PORT_NAME : input.target.port
  const httpGet = (path: string): JsonObject => ({host: input.target.host, path, port, scheme: input.target.scheme})
  const mounts = input.sortMounts ? [...input.mounts].sort(byName) : input.mounts

  const container: JsonObject = {
    command: input.command,
    image: input.image,
    imagePullPolicy: 'IfNotPresent',
    livenessProbe: {failureThreshold: 8, httpGet: httpGet(input.liveness), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15},
    name: input.component,
    resources: input.resources,
    startupProbe: {failureThreshold: 24, httpGet: httpGet(input.startup), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15},
    volumeMounts: mounts.map(volumeMount),
  }
  if (input.readiness !== undefined) {
    container['readinessProbe'] = {failureThreshold: 3, httpGet: httpGet(input.readiness), periodSeconds: 1, timeoutSeconds: 15}
  }
  if (profile.namedProbePorts) {
    container['ports'] = [{containerPort: input.target.port, name: PROBE_PORT_NAME, protocol: 'TCP'}]
  }

  const metadata: JsonObject = {
    labels: {component: input.component, tier: 'control-plane'},
    name: input.component,
    namespace: 'kube-system',
  }
  if (input.annotations) metadata['annotations'] = input.annotations
  if (profile.nullCreationTimestamp) metadata['creationTimestamp'] = null

  const spec: JsonObject = {
    containers: [container],
    hostNetwork: true,
    priorityClassName: 'system-node-critical',
    volumes: [...input.mounts].sort(byName).map((mount) => ({hostPath: {path: mount.hostPath, type: mount.type}, name: mount.name})),
  }
  if (profile.priorityAndSeccomp) {
    spec['priority'] = 2000001000
    spec['securityContext'] = {seccompProfile: {type: 'RuntimeDefault'}}
  }
  return {apiVersion: 'v1', kind: 'Pod', metadata, spec, status: {}}
}

function volumeMount(mount: HostPathMount): JsonObject {
  const entry: JsonObject = {mountPath: mount.hostPath, name: mount.name}
  if (mount.readOnly) entry['readOnly'] = true
  return entry
}

function byName(a: {name: string}, b: {name: string}): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/** kubeadm's CA-certificate mounts for a Debian host such as a kind node, plus the PKI folder. */
export const CA_CERT_MOUNTS: readonly HostPathMount[] = [
  {name: 'ca-certs', hostPath: '/etc/ssl/certs', type: 'DirectoryOrCreate', readOnly: true},
  {name: 'etc-ca-certificates', hostPath: '/etc/ca-certificates', type: 'DirectoryOrCreate', readOnly: true},
  {name: 'k8s-certs', hostPath: '/etc/kubernetes/pki', type: 'DirectoryOrCreate', readOnly: true},
  {name: 'usr-local-share-ca-certificates', hostPath: '/usr/local/share/ca-certificates', type: 'DirectoryOrCreate', readOnly: true},
  {name: 'usr-share-ca-certificates', hostPath: '/usr/share/ca-certificates', type: 'DirectoryOrCreate', readOnly: true},
]
