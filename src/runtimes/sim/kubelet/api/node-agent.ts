/**
 * The kubelet's side of the API server: it registers the Node (named after its client certificate,
 * system:node:<name>) and keeps its status fresh, creates a mirror pod for each static pod, and "runs" the pods bound
 * to this node — it mounts their volumes and resolves their environments (pod-setup.ts), then reports them Running
 * (or why not) through pods/<name>/status. All of this with the kubelet's own credentials, so the Node authorizer
 * decides what the node may read, as on a real node.
 *
 * The sim has no kube-scheduler: pods without spec.nodeName are bound to this node by a stand-in scheduler, which
 * uses its own credentials (the `binder` client, kubeadm's admin.conf by default) because nodes may not bind pods.
 * It sets spec.nodeName with a merge patch, as the sim apiserver has no pods/binding subresource.
 *
 * The sim apiserver has no Lease API, so the heartbeat is a node status update every nodeStatusUpdateFrequency;
 * the API is polled (syncMs) instead of watched.
 */
import type {NodeAccess} from '../../../../target/types.js'
import type {KubeVersion} from '../../apiserver/version.js'
import {ApiServerUnreachableError, statusMessage, type ApiServerClient, type ApiResponse} from './api-client.js'
import {isObject, listAt, objectAt, stringAt, stringRecord, type JsonObject} from './json.js'
import type {KubeletApiLog} from './log.js'
import {nodeObject, nodeStatus} from './node-object.js'
import {preparePod, type PodSetup, type PreparedContainer} from './pod-setup.js'
import {CONFIG_HASH, CONFIG_MIRROR, newContainerId, podStatus, staticPodObject, staticPodUid, type ContainerState} from './pod-status.js'

/** A static pod as the supervisor reports it. */
export interface StaticPodReport {
  /** The manifest as decoded from its YAML: a v1 Pod. Not mutated afterwards: a changed manifest is a new object. */
  manifest: unknown
  /** Node path of the manifest, e.g. /etc/kubernetes/manifests/etcd.yaml. */
  file: string
  /** Whether its process runs now. */
  running: boolean
  /** When the current process started (default: when the kubelet first saw the pod). */
  startedAt?: Date
  restartCount?: number
}

export interface PodRecord {
  source: 'file' | 'api'
  namespace: string
  name: string
  uid: string
  /** The pod as /pods serves it, status included. */
  object: JsonObject
  containers: ContainerState[]
}

interface ApiPodRecord extends PodRecord {
  setup: PodSetup
  /** Retry the set-up on the next sync: a volume or a secret was missing, or the token is due for refresh. */
  retryAt: number | undefined
  reported: string | undefined
}

interface StaticPodRecord extends PodRecord {
  setup: Promise<PodSetup> | undefined
  manifest: JsonObject
  file: string
  /** What the supervisor reported when the record was built. */
  stateKey: string
}

export interface NodeAgentOptions {
  /** The kubelet's client; undefined when it runs standalone (no --kubeconfig). */
  api: ApiServerClient | undefined
  /** The stand-in scheduler's client; undefined leaves unscheduled pods alone. */
  binder: ApiServerClient | undefined
  node: NodeAccess
  nodeName: string
  /** The node's InternalIP and every hostNetwork pod's IP. */
  address: string
  kubeletPort: number
  version: KubeVersion
  providerId: string | undefined
  clusterCaPem: string | undefined
  staticPods: () => readonly StaticPodReport[]
  log: KubeletApiLog
  heartbeatMs: number
  syncMs: number
}

export class NodeAgent {
  private readonly apiPods = new Map<string, ApiPodRecord>()
  private readonly staticPods = new Map<string, StaticPodRecord>()
  private readonly podIps = new Map<string, string>()
  private readonly firstSeen = new Map<string, Date>()
  private readonly reportedEvents = new Map<string, string>()
  /** Manifest object → its config hash, so that an unchanged manifest is not hashed on every /pods request. */
  private readonly manifestUids = new WeakMap<object, {file: string; uid: string}>()
  private nextIp = 2
  private nodeUid: string | undefined
  private registering: Promise<void> | undefined
  private syncing: Promise<void> | undefined
  private syncRequested = 0
  private syncCompleted = 0
  private syncWaiters: Array<{ticket: number; resolve: () => void}> = []
  private heartbeatTimer: NodeJS.Timeout | undefined
  private syncTimer: NodeJS.Timeout | undefined
  private stopped = false
  readonly startedAt = new Date()

  constructor(private readonly options: NodeAgentOptions) {}

  get registered(): boolean {
    return this.nodeUid !== undefined
  }

  start(): void {
    if (!this.options.api) {
      this.options.log.info('No API server defined - no node status update will be sent')
    } else {
      const beat = (): void => {
        this.heartbeat().catch((error: unknown) => this.options.log.error('Node status update failed', {err: error instanceof Error ? error.message : String(error)}))
      }
      beat()
      this.heartbeatTimer = setInterval(beat, this.options.heartbeatMs)
      this.heartbeatTimer.unref()
    }
    void this.sync()
    this.syncTimer = setInterval(() => void this.sync(), this.options.syncMs)
    this.syncTimer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.heartbeatTimer)
    clearInterval(this.syncTimer)
    await Promise.allSettled([this.syncing, this.registering])
  }

  /** Every pod bound to this node: the static pods, then the API's. */
  pods(): PodRecord[] {
    this.refreshStaticPods()
    return [...this.staticPods.values(), ...this.apiPods.values()]
  }

  find(namespace: string, name: string): PodRecord | undefined {
    return this.pods().find((pod) => pod.namespace === namespace && pod.name === name)
  }

  /** The running container's filesystem and environment; undefined when it does not run (not started, or no such container). */
  async container(record: PodRecord, name: string): Promise<PreparedContainer | undefined> {
    const state = record.containers.find((container) => container.name === name)
    if (!state || state.state.kind !== 'running') return undefined
    const setup = record.source === 'api' ? (record as ApiPodRecord).setup : await this.staticSetup(record as StaticPodRecord)
    if (!setup.ok) return undefined
    const prepared = setup.containers.get(name)
    return prepared?.ok ? prepared.container : undefined
  }

  /** One pass over the API's pods, started after this call; resolves when it is done. Concurrent calls share passes. */
  sync(): Promise<void> {
    const ticket = ++this.syncRequested
    const done = new Promise<void>((resolve) => this.syncWaiters.push({ticket, resolve}))
    this.runSyncs()
    return done
  }

  private runSyncs(): void {
    if (this.syncing) return
    this.syncing = this.drainSyncs().finally(() => {
      this.syncing = undefined
      // A call that came after the last pass began but before this ran still needs its pass.
      if (this.syncCompleted < this.syncRequested) this.runSyncs()
    })
  }

  private async drainSyncs(): Promise<void> {
    while (this.syncCompleted < this.syncRequested) {
      const target = this.syncRequested
      if (!this.stopped) {
        try {
          await this.syncOnce()
        } catch (error) {
          this.options.log.error('Pod sync failed', {err: error instanceof Error ? error.message : String(error)})
        }
      }
      this.syncCompleted = target
      const ready = this.syncWaiters.filter((waiter) => waiter.ticket <= target)
      this.syncWaiters = this.syncWaiters.filter((waiter) => waiter.ticket > target)
      for (const waiter of ready) waiter.resolve()
    }
  }

  /** Registers the node if it is not yet, else updates its status; resolves when done. */
  async heartbeat(): Promise<void> {
    const api = this.options.api
    if (!api || this.stopped) return
    if (!this.registered) {
      this.registering ??= this.register(api).finally(() => (this.registering = undefined))
      return this.registering
    }
    const response = await this.call(api, 'PATCH', `/api/v1/nodes/${this.options.nodeName}/status`, {status: this.nodeStatus()}, 'application/merge-patch+json')
    if (response && response.status === 404) this.nodeUid = undefined
    else if (response && response.status >= 300) this.options.log.error('Error updating node status, will retry', {err: statusMessage(response)})
  }

  private nodeInput(): Parameters<typeof nodeObject>[0] {
    return {
      nodeName: this.options.nodeName,
      address: this.options.address,
      kubeletPort: this.options.kubeletPort,
      version: this.options.version,
      providerId: this.options.providerId,
      since: this.startedAt,
      now: new Date(),
    }
  }

  private nodeStatus(): JsonObject {
    return nodeStatus(this.nodeInput())
  }

  private async register(api: ApiServerClient): Promise<void> {
    const node = this.options.nodeName
    this.options.log.info('Attempting to register node', {node})
    const created = await this.call(api, 'POST', '/api/v1/nodes', nodeObject(this.nodeInput()))
    if (!created) return
    if (created.status === 201) {
      this.nodeUid = stringAt(created.body, 'metadata', 'uid')
      this.options.log.info('Successfully registered node', {node})
      return
    }
    if (created.status === 409) {
      const existing = await this.call(api, 'GET', `/api/v1/nodes/${node}`)
      if (existing?.status === 200) {
        this.nodeUid = stringAt(existing.body, 'metadata', 'uid')
        this.options.log.info('Node was previously registered', {node})
        await this.heartbeat()
        return
      }
    }
    this.options.log.error('Unable to register node with API server', {err: statusMessage(created), node})
  }

  private async call(api: ApiServerClient, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<ApiResponse | undefined> {
    try {
      return await api.request(method, path, body, contentType)
    } catch (error) {
      if (!(error instanceof ApiServerUnreachableError)) throw error
      this.options.log.error('Failed to reach the API server', {err: error.message})
      return undefined
    }
  }

  private async syncOnce(): Promise<void> {
    this.refreshStaticPods()
    const api = this.options.api
    if (!api || this.stopped) return
    const listed = await this.call(api, 'GET', '/api/v1/pods')
    if (!listed || listed.status !== 200) {
      if (listed) this.options.log.error('Failed to list pods', {err: statusMessage(listed)})
      return
    }
    const pods = listAt(listed.body, 'items')
    const nodeName = this.options.nodeName
    const mine: JsonObject[] = []
    for (const pod of pods) {
      if (isMirrorPod(pod) || stringAt(pod, 'metadata', 'deletionTimestamp') !== undefined) continue
      const boundTo = stringAt(pod, 'spec', 'nodeName')
      if (boundTo === undefined || boundTo === '') {
        const bound = await this.bind(pod)
        if (bound) mine.push(bound)
      } else if (boundTo === nodeName) {
        mine.push(pod)
      }
    }

    const present = new Set<string>()
    for (const pod of mine) {
      const uid = stringAt(pod, 'metadata', 'uid') ?? ''
      present.add(uid)
      await this.syncApiPod(api, pod)
    }
    for (const uid of [...this.apiPods.keys()]) if (!present.has(uid)) this.apiPods.delete(uid)
    await this.syncMirrorPods(api, pods.filter((pod) => isMirrorPod(pod) && stringAt(pod, 'spec', 'nodeName') === nodeName))
  }

  /** The stand-in scheduler: bind an unscheduled pod to this node. */
  private async bind(pod: JsonObject): Promise<JsonObject | undefined> {
    const binder = this.options.binder
    if (!binder) return undefined
    const namespace = stringAt(pod, 'metadata', 'namespace') ?? 'default'
    const name = stringAt(pod, 'metadata', 'name') ?? ''
    const patched = await this.call(binder, 'PATCH', `/api/v1/namespaces/${namespace}/pods/${name}`, {spec: {nodeName: this.options.nodeName}}, 'application/merge-patch+json')
    if (!patched) return undefined
    if (patched.status !== 200 || !isObject(patched.body)) {
      this.options.log.error('Failed to bind pod (kubelab stand-in scheduler)', {pod: `${namespace}/${name}`, err: statusMessage(patched)})
      return undefined
    }
    this.options.log.info('Successfully bound pod to node (kubelab stand-in scheduler)', {pod: `${namespace}/${name}`, node: this.options.nodeName})
    return patched.body
  }

  private podIp(uid: string, pod: JsonObject): string {
    if (objectAt(pod, 'spec')['hostNetwork'] === true) return this.options.address
    let ip = this.podIps.get(uid)
    if (!ip) {
      ip = `10.244.0.${this.nextIp}`
      this.nextIp = this.nextIp >= 254 ? 2 : this.nextIp + 1
      this.podIps.set(uid, ip)
    }
    return ip
  }

  private seen(uid: string): Date {
    let date = this.firstSeen.get(uid)
    if (!date) {
      date = new Date()
      this.firstSeen.set(uid, date)
    }
    return date
  }

  private async syncApiPod(api: ApiServerClient, pod: JsonObject): Promise<void> {
    const uid = stringAt(pod, 'metadata', 'uid') ?? ''
    const namespace = stringAt(pod, 'metadata', 'namespace') ?? 'default'
    const name = stringAt(pod, 'metadata', 'name') ?? ''
    let record = this.apiPods.get(uid)
    if (!record || (record.retryAt !== undefined && Date.now() >= record.retryAt)) {
      const now = new Date()
      const setup = await preparePod(pod, {
        api,
        node: this.options.node,
        nodeName: this.options.nodeName,
        clusterCaPem: this.options.clusterCaPem,
        podIP: this.podIp(uid, pod),
        hostIP: this.options.address,
        now,
      })
      const containers = listAt(pod, 'spec', 'containers').map((container): ContainerState => {
        const containerName = stringAt(container, 'name') ?? ''
        const previous = record?.containers.find((candidate) => candidate.name === containerName)
        const image = stringAt(container, 'image') ?? ''
        const base = {name: containerName, image, restartCount: previous?.restartCount ?? 0, containerId: previous?.containerId ?? newContainerId()}
        if (!setup.ok) return {...base, state: {kind: 'waiting', reason: setup.reason}}
        const prepared = setup.containers.get(containerName)
        if (!prepared?.ok) return {...base, state: {kind: 'waiting', reason: prepared?.reason ?? 'ContainerCreating', ...(prepared?.message ? {message: prepared.message} : {})}}
        return {...base, state: {kind: 'running', startedAt: previous?.state.kind === 'running' ? previous.state.startedAt : now}}
      })
      const failed = !setup.ok || containers.some((container) => container.state.kind !== 'running')
      const retryAt = failed ? Date.now() : setup.ok ? setup.tokenRefreshAt : undefined
      record = {source: 'api', namespace, name, uid, object: pod, containers, setup, retryAt, reported: record?.reported}
      this.apiPods.set(uid, record)
      this.reportEvents(record)
    }
    const status = podStatus({pod, containers: record.containers, hostIP: this.options.address, podIP: this.podIp(uid, pod), startTime: this.seen(uid), version: this.options.version})
    record.object = {...pod, status}
    const wanted = JSON.stringify(status)
    if (JSON.stringify(objectAt(pod, 'status')) === wanted || record.reported === wanted) return
    const patched = await this.call(api, 'PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, {status}, 'application/merge-patch+json')
    if (patched?.status === 200) record.reported = wanted
    else if (patched) this.options.log.error('Failed to update status for pod', {pod: `${namespace}/${name}`, err: statusMessage(patched)})
  }

  /** The kubelet's Warning events (FailedMount, Failed), logged once per distinct message. */
  private reportEvents(record: ApiPodRecord): void {
    const key = `${record.namespace}/${record.name}`
    const setup = record.setup
    const event = !setup.ok
      ? {reason: 'FailedMount', message: setup.message}
      : [...setup.containers.values()].map((container) => (container.ok ? undefined : {reason: 'Failed', message: `Error: ${container.message}`})).find((found) => found !== undefined)
    if (!event) {
      this.reportedEvents.delete(key)
      return
    }
    if (this.reportedEvents.get(key) === event.message) return
    this.reportedEvents.set(key, event.message)
    this.options.log.warning('Event occurred', {object: key, kind: 'Pod', apiVersion: 'v1', type: 'Warning', reason: event.reason, message: event.message})
  }

  private refreshStaticPods(): void {
    const seen = new Set<string>()
    for (const report of this.options.staticPods()) {
      if (!isObject(report.manifest) || stringAt(report.manifest, 'metadata', 'name') === undefined) continue
      const manifest = report.manifest
      const uid = this.staticUid(manifest, report.file)
      seen.add(uid)
      const previous = this.staticPods.get(uid)
      // /pods reads the static pods on every request: rebuild a record only when what the supervisor reports changed.
      const stateKey = `${report.file}\0${report.running}\0${report.restartCount ?? 0}\0${report.startedAt?.getTime() ?? ''}`
      if (previous?.stateKey === stateKey) continue
      const object = staticPodObject(manifest, report.file, this.options.nodeName, this.seen(uid))
      const containers = listAt(object, 'spec', 'containers').map((container): ContainerState => {
        const name = stringAt(container, 'name') ?? ''
        const before = previous?.containers.find((candidate) => candidate.name === name)
        const restartCount = report.restartCount ?? 0
        const sameProcess = before?.state.kind === 'running' && before.restartCount === restartCount
        const base = {name, image: stringAt(container, 'image') ?? '', restartCount, containerId: sameProcess && before ? before.containerId : newContainerId()}
        if (report.running) return {...base, state: {kind: 'running', startedAt: report.startedAt ?? (sameProcess && before?.state.kind === 'running' ? before.state.startedAt : this.seen(uid))}}
        return {...base, state: {kind: 'waiting', reason: restartCount > 0 ? 'CrashLoopBackOff' : 'ContainerCreating'}}
      })
      const status = podStatus({pod: object, containers, hostIP: this.options.address, podIP: this.podIp(uid, object), startTime: this.seen(uid), version: this.options.version})
      this.staticPods.set(uid, {
        source: 'file',
        namespace: stringAt(object, 'metadata', 'namespace') ?? 'default',
        name: stringAt(object, 'metadata', 'name') ?? '',
        uid,
        object: {...object, status},
        containers,
        setup: previous?.setup,
        manifest,
        file: report.file,
        stateKey,
      })
    }
    for (const uid of [...this.staticPods.keys()]) if (!seen.has(uid)) this.staticPods.delete(uid)
  }

  private staticUid(manifest: JsonObject, file: string): string {
    const known = this.manifestUids.get(manifest)
    if (known?.file === file) return known.uid
    const uid = staticPodUid(manifest, file, this.options.nodeName)
    this.manifestUids.set(manifest, {file, uid})
    return uid
  }

  /** Static pods' volumes are hostPath and emptyDir (a static pod may not reference API objects), set up once. */
  private staticSetup(record: StaticPodRecord): Promise<PodSetup> {
    record.setup ??= preparePod(record.object, {
      api: undefined,
      node: this.options.node,
      nodeName: this.options.nodeName,
      clusterCaPem: this.options.clusterCaPem,
      podIP: this.podIp(record.uid, record.object),
      hostIP: this.options.address,
      now: this.seen(record.uid),
    })
    return record.setup
  }

  /** One mirror pod per static pod, recreated when the manifest changes, deleted when it goes. */
  private async syncMirrorPods(api: ApiServerClient, mirrors: JsonObject[]): Promise<void> {
    if (!this.nodeUid) return
    const wanted = new Map([...this.staticPods.values()].map((record) => [`${record.namespace}/${record.name}`, record]))
    for (const mirror of mirrors) {
      const key = `${stringAt(mirror, 'metadata', 'namespace')}/${stringAt(mirror, 'metadata', 'name')}`
      const record = wanted.get(key)
      if (record && stringRecord(objectAt(mirror, 'metadata')['annotations'])[CONFIG_MIRROR] === record.uid) {
        await this.reportMirrorStatus(api, mirror, record)
        wanted.delete(key)
        continue
      }
      const deleted = await this.call(api, 'DELETE', `/api/v1/namespaces/${stringAt(mirror, 'metadata', 'namespace')}/pods/${stringAt(mirror, 'metadata', 'name')}`)
      if (deleted && deleted.status >= 300 && deleted.status !== 404) this.options.log.error('Failed deleting a mirror pod', {pod: key, err: statusMessage(deleted)})
    }
    for (const [key, record] of wanted) {
      const metadata = objectAt(record.object, 'metadata')
      const annotations = {...stringRecord(metadata['annotations']), [CONFIG_MIRROR]: stringRecord(metadata['annotations'])[CONFIG_HASH] ?? record.uid}
      const {status: _status, ...withoutStatus} = record.object
      const mirror = {
        ...withoutStatus,
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: record.name,
          namespace: record.namespace,
          ...(isObject(metadata['labels']) ? {labels: metadata['labels']} : {}),
          annotations,
          ownerReferences: [{apiVersion: 'v1', kind: 'Node', name: this.options.nodeName, uid: this.nodeUid, controller: true}],
        },
      }
      const created = await this.call(api, 'POST', `/api/v1/namespaces/${record.namespace}/pods`, mirror)
      if (!created) continue
      if (created.status !== 201 || !isObject(created.body)) {
        this.options.log.error('Failed creating a mirror pod', {pod: key, err: statusMessage(created)})
        continue
      }
      await this.reportMirrorStatus(api, created.body, record)
    }
  }

  private async reportMirrorStatus(api: ApiServerClient, mirror: JsonObject, record: StaticPodRecord): Promise<void> {
    const status = record.object['status']
    if (JSON.stringify(mirror['status']) === JSON.stringify(status)) return
    const path = `/api/v1/namespaces/${record.namespace}/pods/${record.name}/status`
    const patched = await this.call(api, 'PATCH', path, {status}, 'application/merge-patch+json')
    if (patched && patched.status !== 200) this.options.log.error('Failed to update status for pod', {pod: `${record.namespace}/${record.name}`, err: statusMessage(patched)})
  }
}

export function isMirrorPod(pod: JsonObject): boolean {
  return stringRecord(objectAt(pod, 'metadata')['annotations'])[CONFIG_MIRROR] !== undefined
}
