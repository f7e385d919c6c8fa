import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {httpProbe} from '../../probes/http.js'
import type {HttpProbeResult, TlsClientOptions} from '../../probes/types.js'
import {readNodeStatus} from './kubelet/status-writer.js'
import type {ComponentStatus} from './node/status.js'
import type {SimNodeLayout} from './node/layout.js'
import type {StartedKubelet} from './lab-kubelet.js'

/** A health endpoint and how to talk to it. */
export interface HealthTarget {
  url: string
  tls?: TlsClientOptions
}

export interface ReadinessRequest {
  layout: SimNodeLayout
  kubelet: StartedKubelet
  /** etcd's /health on its client URL. */
  etcd: HealthTarget
  /** The API server's /readyz, asked with the admin client certificate. */
  apiserver: HealthTarget
  timeoutMs: number
  signal?: AbortSignal
  /** Called once for each component as it starts answering. */
  onReady?: (component: 'etcd' | 'kube-apiserver', elapsedMs: number) => void
}

/** The control plane did not come up; the message carries the failing component's last log lines. */
export class ControlPlaneStartError extends Error {
  constructor(
    readonly component: string,
    readonly reason: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${component} did not become ready: ${reason}${logTail === '' ? '' : `\nlast lines of ${logFile}:\n${logTail}`}`)
    this.name = 'ControlPlaneStartError'
  }
}

const POLL_MS = 40
/** A restarting API server is normal while etcd starts; this many restarts after etcd answers is not. */
const RESTARTS_TOLERATED = 2

/**
 * Polls etcd's /health and the API server's /readyz until both answer 200, as kubeadm's
 * wait-control-plane phase does. Gives up early, naming the cause, when the kubelet dies, when a
 * manifest is refused, or when the API server keeps exiting although etcd answers.
 */
export async function waitForControlPlane(request: ReadinessRequest): Promise<{etcdMs: number; apiserverMs: number}> {
  const started = Date.now()
  const deadline = started + request.timeoutMs
  let etcdMs: number | undefined
  let apiserverMs: number | undefined
  let lastAnswer: Record<'etcd' | 'kube-apiserver', string> = {etcd: 'no answer yet', 'kube-apiserver': 'no answer yet'}
  for (;;) {
    request.signal?.throwIfAborted()
    const [etcd, apiserver] = await Promise.all([
      etcdMs === undefined ? httpProbe({...request.etcd, url: `${request.etcd.url}/health`, timeoutMs: 1000}) : undefined,
      apiserverMs === undefined ? httpProbe({...request.apiserver, url: `${request.apiserver.url}/readyz`, timeoutMs: 1000}) : undefined,
    ])
    if (etcd && isHealthy(etcd)) {
      etcdMs = Date.now() - started
      request.onReady?.('etcd', etcdMs)
    } else if (etcd) lastAnswer = {...lastAnswer, etcd: describe(etcd)}
    if (apiserver && isHealthy(apiserver)) {
      apiserverMs = Date.now() - started
      request.onReady?.('kube-apiserver', apiserverMs)
    } else if (apiserver) lastAnswer = {...lastAnswer, 'kube-apiserver': describe(apiserver)}
    if (etcdMs !== undefined && apiserverMs !== undefined) return {etcdMs, apiserverMs}

    const pending: Array<'etcd' | 'kube-apiserver'> = [...(etcdMs === undefined ? ['etcd' as const] : []), ...(apiserverMs === undefined ? ['kube-apiserver' as const] : [])]
    await failFast(request, pending, etcdMs !== undefined)
    if (Date.now() >= deadline) {
      const component = pending[0] ?? 'kube-apiserver'
      throw await startError(request.layout, component, `no ready answer within ${request.timeoutMs} ms (last: ${lastAnswer[component]})`)
    }
    await sleep(POLL_MS, undefined, {signal: request.signal})
  }
}

function isHealthy(result: HttpProbeResult): boolean {
  return result.ok && result.status === 200
}

function describe(result: HttpProbeResult): string {
  return result.ok ? `HTTP ${result.status} ${result.body.trim().split('\n').slice(-3).join(' ').slice(0, 200)}` : result.message
}

async function failFast(request: ReadinessRequest, pending: ReadonlyArray<'etcd' | 'kube-apiserver'>, etcdReady: boolean): Promise<void> {
  const exit = request.kubelet.exit()
  if (exit !== undefined) throw await startError(request.layout, 'kubelet', `the sim kubelet stopped (${exit})`)
  const status = readNodeStatus(request.layout.statusFile)
  for (const name of pending) {
    const component = status?.components.find((item) => item.name === name)
    if (!component) continue
    if (component.state === 'failed-manifest') throw await startError(request.layout, name, component.message ?? 'its manifest was refused')
    const keepsExiting = component.state === 'crashloop' && (etcdReady || name === 'etcd') && component.restarts >= RESTARTS_TOLERATED
    if (keepsExiting) throw await startError(request.layout, name, crashDescription(component))
  }
}

function crashDescription(component: ComponentStatus): string {
  return `it keeps exiting (${component.restarts} restarts, last: ${component.lastExit ?? 'unknown'})${component.message ? `: ${component.message}` : ''}`
}

async function startError(layout: SimNodeLayout, component: string, reason: string): Promise<ControlPlaneStartError> {
  const logFile = path.join(layout.logsDir, `${component}.log`)
  return new ControlPlaneStartError(component, reason, logFile, await logTail(logFile, 12))
}

const MAX_LINE = 300

/**
 * The last `lines` lines of a log file, or "" when there is none. The kubelet's "starting <command
 * line>" banners are left out (`kubelab status --json` has the command line) and long lines are cut.
 */
export async function logTail(file: string, lines: number): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return ''
  }
  return text
    .trimEnd()
    .split('\n')
    .filter((line) => !/^==== \S+ kubelab kubelet: starting /.test(line))
    .slice(-lines)
    .map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line))
    .join('\n')
}
