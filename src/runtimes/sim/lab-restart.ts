import {setTimeout as sleep} from 'node:timers/promises'
import path from 'node:path'
import {runningKubeletPid} from './kubelet/identity.js'
import {isAlive} from './kubelet/proc.js'
import {signalGroup} from './kubelet/process-group.js'
import {readNodeStatus} from './kubelet/status-writer.js'
import {startSimKubelet, stopSimKubelet} from './lab-kubelet.js'
import {logTail} from './lab-ready.js'
import type {SimNodeLayout} from './node/layout.js'

/** A restart that could not be done, or did not take; says why and what to look at. */
export class RestartError extends Error {
  constructor(
    readonly component: string,
    reason: string,
  ) {
    super(`restart ${component}: ${reason}`)
    this.name = 'RestartError'
  }
}

export interface KubeletRestart {
  stoppedPid: number | undefined
  pid: number
}

const POLL_MS = 50

/**
 * `systemctl restart kubelet`: the kubelet alone is stopped (its static pods keep running) and
 * started again; it re-reads its files and adopts the running pods. Resolves once the new kubelet
 * has claimed the lab (run/kubelet.pid) and reported itself running.
 */
export async function restartSimKubelet(layout: SimNodeLayout, options: {simDir: string; binDir?: string; timeoutMs?: number}): Promise<KubeletRestart> {
  const stoppedPid = await stopSimKubelet(layout)
  const started = startSimKubelet(layout, {simDir: options.simDir, ...(options.binDir === undefined ? {} : {binDir: options.binDir})})
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  while (Date.now() < deadline) {
    const exit = started.exit()
    if (exit !== undefined) {
      throw new RestartError('kubelet', `the new kubelet stopped (${exit}); last lines of its log:\n${await logTail(path.join(layout.logsDir, 'kubelet.log'), 12)}`)
    }
    const status = readNodeStatus(layout.statusFile)
    if (runningKubeletPid(layout) === started.pid && status?.kubelet.pid === started.pid && status.kubelet.state === 'running') return {stoppedPid, pid: started.pid}
    await sleep(POLL_MS)
  }
  throw new RestartError('kubelet', `the new kubelet (pid ${started.pid}) did not report itself running in time; see logs/kubelet.log`)
}

export interface ComponentRestart {
  stoppedPid: number
  /** The process the kubelet started in its place. */
  pid: number
  restarts: number
}

/**
 * Stops a static pod's process (SIGTERM to its process group, as the container runtime does) and
 * waits for the kubelet to start it again, as it does for any container that exits.
 */
export async function restartSimComponent(layout: SimNodeLayout, name: string, timeoutMs = 30_000): Promise<ComponentRestart> {
  if (runningKubeletPid(layout) === undefined) {
    throw new RestartError(name, 'the kubelet is not running, so nothing would start it again. Run `kubelab restart kubelet` first.')
  }
  const before = readNodeStatus(layout.statusFile)?.components.find((component) => component.name === name)
  if (before?.pid === undefined || !isAlive(before.pid)) {
    const state = before ? `${before.state}${before.message ? `: ${before.message}` : ''}` : 'the kubelet has not started it'
    throw new RestartError(name, `it has no running process (${state}). See \`kubelab status\` and \`kubelab logs ${name}\`.`)
  }
  const stoppedPid = before.pid
  signalGroup(stoppedPid, 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const now = readNodeStatus(layout.statusFile)?.components.find((component) => component.name === name)
    if (now?.pid !== undefined && now.pid !== stoppedPid && isAlive(now.pid) && (now.state === 'running' || now.state === 'starting')) {
      return {stoppedPid, pid: now.pid, restarts: now.restarts}
    }
    await sleep(POLL_MS)
  }
  throw new RestartError(name, `the kubelet did not start it again within ${timeoutMs / 1000} s. See \`kubelab status\` and \`kubelab logs ${name}\`.`)
}
