/**
 * Pod objects as the kubelet holds them: static pods read from a manifest (named <pod>-<node>, UID = the config
 * hash, annotated kubernetes.io/config.{hash,seen,source}), and the v1 PodStatus the status manager writes for every
 * pod (phase, conditions, IPs, container statuses). Image IDs and container IDs are made up — deterministic for the
 * image, random per container — since no image is pulled and no container exists.
 */
import {createHash, randomBytes} from 'node:crypto'
import {atLeast, type KubeVersion} from '../../apiserver/version.js'
import {isObject, listAt, objectAt, stringAt, timestamp, type JsonObject} from './json.js'

export const CONFIG_HASH = 'kubernetes.io/config.hash'
export const CONFIG_MIRROR = 'kubernetes.io/config.mirror'
export const CONFIG_SEEN = 'kubernetes.io/config.seen'
export const CONFIG_SOURCE = 'kubernetes.io/config.source'

/** One container as the runtime sees it. */
export interface ContainerState {
  name: string
  image: string
  containerId: string
  restartCount: number
  state: {kind: 'running'; startedAt: Date} | {kind: 'waiting'; reason: string; message?: string}
}

/** The pod as the kubelet found it in a static pod manifest (config/common.go applyDefaults). */
export function staticPodObject(manifest: JsonObject, file: string, nodeName: string, seen: Date): JsonObject {
  const metadata = objectAt(manifest, 'metadata')
  const name = `${stringAt(metadata, 'name') ?? ''}-${nodeName}`
  const namespace = stringAt(metadata, 'namespace') ?? 'default'
  const hash = staticPodUid(manifest, file, nodeName)
  const annotations = {
    ...(isObject(metadata['annotations']) ? (metadata['annotations'] as Record<string, unknown>) : {}),
    [CONFIG_HASH]: hash,
    [CONFIG_SEEN]: seen.toISOString(),
    [CONFIG_SOURCE]: 'file',
  }
  return {
    ...manifest,
    metadata: {...metadata, name, namespace, uid: hash, creationTimestamp: null, annotations},
    spec: podSpecDefaults({...objectAt(manifest, 'spec'), nodeName}),
  }
}

/** The config hash the kubelet uses as a static pod's UID: an md5 of the pod as read, its node and its source. */
export function staticPodUid(manifest: JsonObject, file: string, nodeName: string): string {
  return createHash('md5').update(JSON.stringify(manifest)).update(nodeName).update(file).digest('hex')
}

/** The defaults the apiserver (or, for a file, the kubelet) fills into a pod spec. */
function podSpecDefaults(spec: JsonObject): JsonObject {
  return {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    ...spec,
    containers: listAt(spec, 'containers').map((container) => ({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      resources: {},
      ...container,
    })),
    tolerations: listAt(spec, 'tolerations').length > 0 ? spec['tolerations'] : [{operator: 'Exists', effect: 'NoExecute'}],
  }
}

export interface PodStatusInput {
  pod: JsonObject
  containers: readonly ContainerState[]
  hostIP: string
  podIP: string
  startTime: Date
  version: KubeVersion
}

/** v1.PodStatus as the kubelet's status manager reports it. */
export function podStatus(input: PodStatusInput): JsonObject {
  const {containers, startTime} = input
  const allRunning = containers.length > 0 && containers.every((container) => container.state.kind === 'running')
  const notReady = containers.filter((container) => container.state.kind !== 'running').map((container) => container.name)
  const since = timestamp(startTime)
  const condition = (type: string, ready: boolean, reason?: string, message?: string): JsonObject => ({
    type,
    status: ready ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: since,
    ...(reason ? {reason} : {}),
    ...(message ? {message} : {}),
  })
  const readyReason = allRunning ? undefined : 'ContainersNotReady'
  const readyMessage = allRunning ? undefined : `containers with unready status: [${notReady.join(' ')}]`
  const conditions = [
    ...(atLeast(input.version, 1, 29) ? [condition('PodReadyToStartContainers', allRunning || containers.some((c) => c.state.kind === 'waiting' && c.state.reason !== 'ContainerCreating'))] : []),
    condition('Initialized', true),
    condition('Ready', allRunning, readyReason, readyMessage),
    condition('ContainersReady', allRunning, readyReason, readyMessage),
    condition('PodScheduled', true),
  ]
  return {
    phase: allRunning ? 'Running' : 'Pending',
    conditions,
    hostIP: input.hostIP,
    ...(atLeast(input.version, 1, 28) ? {hostIPs: [{ip: input.hostIP}]} : {}),
    podIP: input.podIP,
    podIPs: [{ip: input.podIP}],
    startTime: since,
    containerStatuses: containers.map(containerStatus),
    qosClass: qosClass(input.pod),
  }
}

function containerStatus(container: ContainerState): JsonObject {
  const image = qualifiedImage(container.image)
  if (container.state.kind === 'running') {
    return {
      name: container.name,
      state: {running: {startedAt: timestamp(container.state.startedAt)}},
      lastState: {},
      ready: true,
      restartCount: container.restartCount,
      image,
      imageID: imageId(image),
      containerID: `containerd://${container.containerId}`,
      started: true,
    }
  }
  return {
    name: container.name,
    state: {waiting: {reason: container.state.reason, ...(container.state.message ? {message: container.state.message} : {})}},
    lastState: {},
    ready: false,
    restartCount: container.restartCount,
    image,
    imageID: '',
    started: false,
  }
}

/** docker.io/library/nginx:1.27 for "nginx:1.27", as containerd reports image names. */
export function qualifiedImage(image: string): string {
  const withTag = /[:@]/.test(image.split('/').at(-1) ?? '') ? image : `${image}:latest`
  const first = withTag.split('/')[0] ?? ''
  if (!withTag.includes('/')) return `docker.io/library/${withTag}`
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return `docker.io/${withTag}`
  return withTag
}

function imageId(image: string): string {
  const repository = image.replace(/[:@][^/]*$/, '')
  return `${repository}@sha256:${createHash('sha256').update(image).digest('hex')}`
}

export function newContainerId(): string {
  return randomBytes(32).toString('hex')
}

/** BestEffort without requests or limits; Guaranteed when every container's requests equal its limits; else Burstable. */
function qosClass(pod: JsonObject): string {
  const containers = listAt(pod, 'spec', 'containers')
  const resources = containers.map((container) => objectAt(container, 'resources'))
  if (resources.every((resource) => Object.keys(objectAt(resource, 'requests')).length === 0 && Object.keys(objectAt(resource, 'limits')).length === 0)) return 'BestEffort'
  const guaranteed = resources.every((resource) => {
    const limits = objectAt(resource, 'limits')
    const requests = objectAt(resource, 'requests')
    return ['cpu', 'memory'].every((name) => limits[name] !== undefined && (requests[name] === undefined || requests[name] === limits[name]))
  })
  return guaranteed ? 'Guaranteed' : 'Burstable'
}
