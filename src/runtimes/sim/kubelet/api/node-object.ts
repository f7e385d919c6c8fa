/**
 * The Node object the kubelet registers and keeps up to date (pkg/kubelet/kubelet_node_status.go initialNode and
 * the setters in pkg/kubelet/nodestatus): standard labels, kubeadm's annotations, capacity from this machine, the
 * four conditions with Ready, the node's address (127.0.0.1 — kubelab listens on loopback only), the kubelet's
 * port in daemonEndpoints, and nodeInfo with the kubelet's version.
 */
import {createHash} from 'node:crypto'
import os from 'node:os'
import type {KubeVersion} from '../../apiserver/version.js'
import {timestamp, type JsonObject} from './json.js'

export interface NodeObjectInput {
  nodeName: string
  address: string
  kubeletPort: number
  version: KubeVersion
  providerId: string | undefined
  /** When the kubelet started: the conditions' lastTransitionTime. */
  since: Date
  now: Date
}

/** Go's runtime.GOARCH for this machine. */
function goArch(): string {
  const arch = os.arch()
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch
}

/** The CRI endpoint kubeadm annotates, and the runtime version the kubelet reports, for a kind-style containerd node. */
const CRI_SOCKET = 'unix:///run/containerd/containerd.sock'
const CONTAINER_RUNTIME = 'containerd://1.7.27'

export function nodeObject(input: NodeObjectInput): JsonObject {
  const arch = goArch()
  const labels = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': input.nodeName,
    'kubernetes.io/os': 'linux',
  }
  const annotations = {
    'kubeadm.alpha.kubernetes.io/cri-socket': CRI_SOCKET,
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {name: input.nodeName, labels, annotations},
    spec: input.providerId ? {providerID: input.providerId} : {},
    status: nodeStatus(input),
  }
}

export function nodeStatus(input: NodeObjectInput): JsonObject {
  const capacity = {
    cpu: String(os.cpus().length),
    'ephemeral-storage': '102400000Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
    pods: '110',
  }
  const heartbeat = timestamp(input.now)
  const since = timestamp(input.since)
  const condition = (type: string, status: string, reason: string, message: string): JsonObject => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: since,
    reason,
    message,
  })
  const machineId = createHash('md5').update(`kubelab-${input.nodeName}`).digest('hex')
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      {type: 'InternalIP', address: input.address},
      {type: 'Hostname', address: input.nodeName},
    ],
    daemonEndpoints: {kubeletEndpoint: {Port: input.kubeletPort}},
    nodeInfo: {
      machineID: machineId,
      systemUUID: `${machineId.slice(0, 8)}-${machineId.slice(8, 12)}-${machineId.slice(12, 16)}-${machineId.slice(16, 20)}-${machineId.slice(20)}`,
      bootID: createHash('md5').update(`${os.hostname()}-${Math.floor(Date.now() / 1000 - os.uptime())}`).digest('hex'),
      kernelVersion: os.release(),
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: CONTAINER_RUNTIME,
      kubeletVersion: input.version.gitVersion,
      kubeProxyVersion: input.version.minor >= 31 ? '' : input.version.gitVersion,
      operatingSystem: 'linux',
      architecture: goArch(),
    },
    images: [],
  }
}
