import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import type {HttpProbeResult} from '../../probes/types.js'
import {readSimNodeView, type SimComponentView} from '../../runtimes/sim/lab-status.js'
import {simNodeLayout, type SimNodeLayout} from '../../runtimes/sim/node/layout.js'
import {apiClientFromKubeconfig} from '../../runtimes/shared/api-client.js'
import {manifestHash, probeApiserverReadyz, probeEtcdHealth} from '../lab-health.js'
import type {Lab} from '../registry.js'

export interface SettleOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Between two looks at the lab. Default 200 ms. */
  pollMs?: number
}

/** Whether the lab came to rest after the script, and if not, what it was still waiting for. */
export interface SettleOutcome {
  settled: boolean
  durationMs: number
  /** What was not ready at the last look (e.g. "kube-apiserver: crashloop (exit code 1)"); unset once settled. */
  waitingFor?: string
}

/** A component that keeps exiting under its current manifest will not come up by waiting longer. */
const CRASHLOOP_RESTARTS = 3
/** How long the kubelet may be down (between stop and start of a restart) before the lab is taken as broken. */
const KUBELET_DOWN_MS = 20_000
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json']

/**
 * Waits until the lab serves what its files now say: every static pod runs from its manifest as it
 * is now (the sim kubelet restarts a pod whose manifest changed; until it has, the old process still
 * answers), the kubelet runs, etcd's /health and the API server's /readyz answer 200 — asked as
 * `kubelab up` asks them, at the addresses and with the TLS the files now give. Resolves, never
 * rejects on a lab that stays broken: the checks then report what is wrong. A kind lab is judged by
 * the API server's /readyz alone.
 */
export async function waitForLabToSettle(lab: Lab, options: SettleOptions): Promise<SettleOutcome> {
  const started = Date.now()
  const deadline = started + options.timeoutMs
  let waitingFor = 'nothing checked yet'
  let kubeletDownSince: number | undefined
  for (;;) {
    options.signal?.throwIfAborted()
    const pending = lab.record.runtime === 'sim' ? await simPending(lab) : await apiserverPending(lab)
    if (pending === undefined) return {settled: true, durationMs: Date.now() - started}
    waitingFor = pending.reason
    // A kubelet restart takes a moment; a kubelet that stays down (a config it refuses) will not come back by itself.
    kubeletDownSince = pending.kubeletDown ? (kubeletDownSince ?? Date.now()) : undefined
    const kubeletGone = kubeletDownSince !== undefined && Date.now() - kubeletDownSince >= KUBELET_DOWN_MS
    if (pending.hopeless || kubeletGone || Date.now() >= deadline) return {settled: false, durationMs: Date.now() - started, waitingFor}
    await sleep(options.pollMs ?? 200, undefined, options.signal ? {signal: options.signal} : {})
  }
}

interface Pending {
  reason: string
  /** Waiting longer will not help. */
  hopeless?: boolean
  kubeletDown?: boolean
}

async function simPending(lab: Lab): Promise<Pending | undefined> {
  const layout = simNodeLayout(lab.dir)
  const view = readSimNodeView(layout)
  if (view.kubelet.state !== 'running') return {reason: `the kubelet is not running${view.kubelet.message ? ` (${view.kubelet.message})` : ''}`, kubeletDown: true}
  for (const manifest of await currentManifests(layout)) {
    const component = view.components.find((candidate) => candidate.manifest === manifest.nodePath)
    const pending = componentPending(manifest, component)
    if (pending) return pending
  }

  const etcd = await probeEtcdHealth(lab)
  if (!healthy(etcd)) return {reason: `etcd: ${etcd.url} ${describe(etcd)}`}
  return apiserverPending(lab)
}

interface CurrentManifest {
  nodePath: string
  hash: string
}

async function currentManifests(layout: SimNodeLayout): Promise<CurrentManifest[]> {
  const names = (await readdir(layout.manifestsDir).catch(() => [] as string[]))
    .filter((name) => !name.startsWith('.') && MANIFEST_EXTENSIONS.includes(path.extname(name)))
    .sort()
  const manifests: CurrentManifest[] = []
  for (const name of names) {
    const text = await readFile(path.join(layout.manifestsDir, name), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    manifests.push({nodePath: path.posix.join('/etc/kubernetes/manifests', name), hash: manifestHash(text)})
  }
  return manifests
}

function componentPending(manifest: CurrentManifest, component: SimComponentView | undefined): Pending | undefined {
  if (!component) return {reason: `${manifest.nodePath}: the kubelet has not picked it up yet`}
  const name = component.name
  if (component.manifestHash !== manifest.hash) {
    // A manifest the kubelet refuses keeps the last good process running; waiting will not change that.
    if (component.state === 'failed-manifest') return {reason: `${name}: its manifest is refused (${component.message ?? 'does not parse'})`, hopeless: true}
    return {reason: `${name}: not yet restarted from its changed manifest`}
  }
  if (component.state === 'crashloop') {
    const reason = `${name}: keeps exiting (${component.restarts} restarts, last: ${component.lastExit ?? 'unknown'})`
    return {reason, hopeless: component.restarts >= CRASHLOOP_RESTARTS}
  }
  if (component.state === 'failed-manifest') return {reason: `${name}: its manifest is refused (${component.message ?? 'does not parse'})`, hopeless: true}
  if (component.state !== 'running' || !component.alive) return {reason: `${name}: ${component.state}`}
  return undefined
}

async function apiserverPending(lab: Lab): Promise<Pending | undefined> {
  let client
  try {
    client = await apiClientFromKubeconfig(lab.record.kubeconfig)
  } catch (error) {
    return {reason: `the admin kubeconfig ${lab.record.kubeconfig} cannot be used: ${(error as Error).message}`, hopeless: true}
  }
  const readyz = await probeApiserverReadyz(lab, client)
  return healthy(readyz) ? undefined : {reason: `kube-apiserver: ${readyz.url} ${describe(readyz)}`}
}

function healthy(result: HttpProbeResult): boolean {
  return result.ok && result.status === 200
}

function describe(result: HttpProbeResult): string {
  return result.ok ? `answers ${result.status}` : `does not answer (${result.message})`
}
