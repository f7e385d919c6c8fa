import {setTimeout as sleep} from 'node:timers/promises'
import {httpProbe} from '../../probes/http.js'
import type {HttpProbeResult} from '../../probes/types.js'
import {apiClientFromKubeconfig, type ApiClient} from '../../runtimes/shared/api-client.js'
import {isAlive} from '../../runtimes/sim/kubelet/proc.js'
import {readNodeStatus} from '../../runtimes/sim/kubelet/status-writer.js'
import {readSimEndpoints} from '../../runtimes/sim/lab-endpoints.js'
import {simNodeLayout} from '../../runtimes/sim/node/layout.js'
import {STATIC_POD_COMPONENTS, type LabComponent, type StaticPodComponent} from '../../runtimes/types.js'
import {EDITABLE_FILES} from '../edit.js'
import {LabError} from '../errors.js'
import {manifestHash, probeApiserverReadyz, probeEtcdHealth} from '../lab-health.js'
import {labNode} from '../node-files.js'
import type {Lab} from '../registry.js'

/** A component did not come back with its new configuration in time. */
export class NotLiveError extends LabError {
  constructor(
    readonly component: LabComponent,
    reason: string,
  ) {
    super(`${component} is not serving its new configuration: ${reason}. See \`kubelab status\` and \`kubelab logs ${component}\`.`)
    this.name = 'NotLiveError'
  }
}

export interface SettleOptions {
  /** Per component. Default 45 s. */
  timeoutMs?: number
  signal?: AbortSignal
}

const POLL_MS = 100
const DEFAULT_TIMEOUT_MS = 45_000

/**
 * Waits until each component runs what its files say now and answers, so that checks judge the
 * live state: a static pod until the kubelet runs the manifest as it is on disk (the kubelet
 * restarts a pod whose manifest changed) and its health endpoint says ok (etcd /health, the API
 * server /readyz, as `up` waits for them); the kubelet until its API port answers.
 */
export async function waitUntilLive(lab: Lab, components: readonly LabComponent[], options: SettleOptions = {}): Promise<void> {
  for (const component of components) {
    if (component === 'kubelet') await waitForKubelet(lab, options)
    else await waitForStaticPod(lab, component, options)
  }
}

/** Every static pod whose manifest the kubelet has not yet picked up, or that does not answer: what `waitUntilLive` should wait for. */
export async function staticPodsNotLive(lab: Lab): Promise<StaticPodComponent[]> {
  const layout = simNodeLayout(lab.dir)
  const status = readNodeStatus(layout.statusFile)
  const node = labNode(lab)
  const pending: StaticPodComponent[] = []
  for (const component of STATIC_POD_COMPONENTS) {
    const text = await node.readFile(EDITABLE_FILES[component])
    const entry = status?.components.find((item) => item.name === component)
    if (text !== undefined && entry?.manifestHash !== manifestHash(text)) pending.push(component)
  }
  return pending
}

async function waitForStaticPod(lab: Lab, component: StaticPodComponent, options: SettleOptions): Promise<void> {
  const layout = simNodeLayout(lab.dir)
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  const text = await labNode(lab).readFile(EDITABLE_FILES[component])
  if (text === undefined) return
  const wanted = manifestHash(text)
  let last = 'the kubelet has not picked up the manifest yet'
  // read once: the poll below runs every 100 ms
  let admin: ApiClient | undefined
  for (;;) {
    options.signal?.throwIfAborted()
    const entry = readNodeStatus(layout.statusFile)?.components.find((item) => item.name === component)
    if (entry?.state === 'failed-manifest') throw new NotLiveError(component, `the kubelet refused its manifest: ${entry.message ?? ''}`)
    if (entry?.manifestHash === wanted && entry.state === 'running' && entry.pid !== undefined && isAlive(entry.pid)) {
      admin ??= component === 'kube-apiserver' ? await apiClientFromKubeconfig(lab.record.kubeconfig) : undefined
      const health = await healthOf(lab, component, admin)
      if (health === undefined || (health.ok && health.status === 200)) return
      last = health.ok ? `HTTP ${health.status}` : health.message
    } else if (entry) {
      last = `${entry.state}${entry.message ? `: ${entry.message}` : ''}`
    }
    if (Date.now() > deadline) throw new NotLiveError(component, `no healthy answer within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s (last: ${last})`)
    await sleep(POLL_MS, undefined, options.signal ? {signal: options.signal} : {})
  }
}

/** etcd's /health and the API server's /readyz as `up` asks them; undefined for components without one. */
function healthOf(lab: Lab, component: StaticPodComponent, admin: ApiClient | undefined): Promise<HttpProbeResult> | undefined {
  if (component === 'etcd') return probeEtcdHealth(lab)
  if (component === 'kube-apiserver') return probeApiserverReadyz(lab, admin)
  return undefined
}

async function waitForKubelet(lab: Lab, options: SettleOptions): Promise<void> {
  const layout = simNodeLayout(lab.dir)
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  let last = 'no answer yet'
  for (;;) {
    options.signal?.throwIfAborted()
    const endpoints = await readSimEndpoints(layout, lab.record.ports)
    const answer = await httpProbe({url: `${endpoints.kubelet}/healthz`, timeoutMs: 1000, tls: {verify: false}})
    if (answer.ok) return
    last = answer.message
    if (Date.now() > deadline) throw new NotLiveError('kubelet', `its API did not answer within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s (last: ${last})`)
    await sleep(POLL_MS, undefined, options.signal ? {signal: options.signal} : {})
  }
}
