import {appendFileSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import type {SimNodeLayout} from '../node/layout.js'
import type {ComponentStatus} from '../node/status.js'
import type {StaticPodReport} from './api/index.js'
import {CrashBackoff} from './backoff.js'
import {MissingExecutableError} from './errors.js'
import type {ExecutableOptions} from './executables.js'
import type {KubeletLog} from './kubelet-log.js'
import {buildLaunchSpec, type LaunchSpec} from './launch-spec.js'
import type {StaticPod} from './manifest.js'
import {SpawnError, adoptProcess, spawnProcess, stopProcessGroup, type ExitInfo, type SupervisedProcess} from './process-group.js'
import {isProbeSuccess, probeOnce} from './probe.js'
import {writeRecord, type ComponentRecord} from './records.js'

/** A manifest that parsed: the pod, its node path and the sha256 of its text. */
export interface DesiredPod {
  pod: StaticPod
  file: string
  textHash: string
}

export interface ComponentContext {
  layout: SimNodeLayout
  log: KubeletLog
  executables: ExecutableOptions
  /** Called after every change that status.json should show. */
  changed: () => void
  /** True once the kubelet is exiting: nothing new may be started from then on. */
  shuttingDown: () => boolean
}

type Phase = 'starting' | 'running' | 'crashloop' | 'stopped'

const PROBE_INTERVAL_MS = 100
const SLOW_PROBE_INTERVAL_MS = 1000
const FAST_PROBING_MS = 5000
const PROBE_TIMEOUT_MS = 1000
const FAILING_PROBE_STILL_SERVING_MS = 2000
const DEFAULT_STOP_GRACE_MS = 3000

/**
 * One static pod: keeps its process running as its manifest says. Every action (apply a manifest,
 * handle an exit, restart after the back-off, stop) runs one at a time through a queue, so an edit
 * arriving during a restart waits for it instead of racing it.
 */
export class Component {
  private desired: DesiredPod | undefined
  private process: SupervisedProcess | undefined
  private runningSpec: {argv: string[]; podHash: string | undefined; manifestHash: string | undefined; graceMs: number} | undefined
  /** podHash of the last process started; a crash-looping pod is not restarted early for the same spec. */
  private lastStartedPodHash: string | undefined
  private phase: Phase = 'starting'
  private phaseMessage: string | undefined
  private manifestProblem: string | undefined
  private manifestFile: string
  private restarts = 0
  private lastExit: string | undefined
  private lastArgv: string[] | undefined
  private restartTimer: NodeJS.Timeout | undefined
  private readonly backoff = new CrashBackoff()
  private queue: Promise<void> = Promise.resolve()
  private detached = false

  constructor(
    readonly name: string,
    manifestFile: string,
    private readonly context: ComponentContext,
  ) {
    this.manifestFile = manifestFile
  }

  /** Takes over a process an earlier kubelet started (already checked to be that very process). */
  adopt(record: ComponentRecord & {pid: number}): void {
    const argv = record.argv ?? []
    this.process = adoptProcess({
      pid: record.pid,
      pgid: record.pgid ?? record.pid,
      argv,
      startTicks: record.startTicks,
      startedAt: record.startedAt ? new Date(record.startedAt) : new Date(),
    })
    this.runningSpec = {argv, podHash: record.podHash, manifestHash: record.manifestHash, graceMs: DEFAULT_STOP_GRACE_MS}
    this.lastStartedPodHash = record.podHash
    this.restarts = record.restarts
    this.lastExit = record.lastExit
    this.lastArgv = argv
    this.phase = 'running'
    this.context.log.info('Adopted running static pod container', {pod: this.name, pid: record.pid})
    this.watchExit(this.process)
  }

  /** The manifest parsed: run what it says, restarting the process only when the pod changed. */
  applyManifest(desired: DesiredPod): Promise<void> {
    return this.enqueue(async () => {
      const previousFile = this.manifestFile
      this.desired = desired
      this.manifestFile = desired.file
      const problemCleared = this.manifestProblem !== undefined
      this.manifestProblem = undefined
      if (problemCleared) this.context.log.info('Manifest file parses again', {path: desired.file, pod: this.name})
      const samePod = desired.pod.podHash === this.lastStartedPodHash && desired.file === previousFile

      if (this.process && samePod) {
        if (this.runningSpec) this.runningSpec.manifestHash = desired.textHash
        this.saveRecord()
        this.context.changed()
        return
      }
      if (!this.process && this.restartTimer && samePod) {
        this.context.changed()
        return
      }
      this.clearRestartTimer()
      if (this.process) {
        this.context.log.info('Static pod manifest changed, restarting', {pod: this.name, path: desired.file})
        await this.stopProcess('manifest changed')
      }
      // A changed static pod is a new pod to the kubelet: its restart count and back-off start over.
      if (!samePod) {
        this.restarts = 0
        this.backoff.reset()
      }
      await this.launch()
    })
  }

  /** The manifest no longer parses: report it and leave the running process alone. */
  manifestFailed(file: string, message: string): Promise<void> {
    return this.enqueue(() => {
      this.manifestFile = file
      this.manifestProblem = message
      this.context.changed()
    })
  }

  /** The manifest is gone: stop the pod, as the kubelet does when a static pod's file is removed. */
  removeManifest(): Promise<void> {
    return this.enqueue(async () => {
      this.clearRestartTimer()
      this.desired = undefined
      this.manifestProblem = undefined
      await this.stopProcess('manifest removed')
      this.phase = 'stopped'
      this.phaseMessage = `manifest ${this.manifestFile} was removed`
      this.saveRecord()
      this.context.changed()
    })
  }

  /** The kubelet is exiting: stop watching, leave the process running for the next kubelet. */
  detach(): void {
    this.detached = true
    this.clearRestartTimer()
  }

  /** Resolves when every queued action has run. */
  idle(): Promise<void> {
    return this.queue
  }

  get hasManifest(): boolean {
    return this.desired !== undefined || this.manifestProblem !== undefined
  }

  get isRunning(): boolean {
    return this.process !== undefined
  }

  /** The static pod as the kubelet API reports it; undefined while no manifest of it ever parsed. */
  podReport(): StaticPodReport | undefined {
    const desired = this.desired
    if (!desired) return undefined
    const process = this.process
    return {manifest: desired.pod.decoded, file: desired.file, running: process !== undefined, ...(process ? {startedAt: process.startedAt} : {}), restartCount: this.restarts}
  }

  /** The pod's namespace, name and container as its manifest gives them; undefined while none parsed. */
  get pod(): StaticPod | undefined {
    return this.desired?.pod
  }

  /** logs/<name>.log, where the process's output goes. */
  get logFilePath(): string {
    return this.logFile()
  }

  status(): ComponentStatus {
    const process = this.process
    const argv = this.runningSpec?.argv ?? this.lastArgv
    const message = this.manifestProblem ?? this.phaseMessage
    return {
      name: this.name,
      manifest: this.manifestFile,
      state: this.manifestProblem !== undefined ? 'failed-manifest' : this.phase,
      ...(process ? {pid: process.pid, startedAt: process.startedAt.toISOString()} : {}),
      ...(argv ? {argv} : {}),
      restarts: this.restarts,
      ...(this.lastExit !== undefined ? {lastExit: this.lastExit} : {}),
      ...(message !== undefined ? {message} : {}),
      ...(this.runningSpec?.manifestHash !== undefined ? {manifestHash: this.runningSpec.manifestHash} : {}),
    }
  }

  private async launch(): Promise<void> {
    const desired = this.desired
    if (!desired || this.detached || this.context.shuttingDown()) return
    this.lastStartedPodHash = desired.pod.podHash
    let spec: LaunchSpec
    try {
      spec = await buildLaunchSpec(desired.pod, {file: desired.file, textHash: desired.textHash}, this.context.executables)
    } catch (error) {
      if (error instanceof MissingExecutableError) return this.failedToStart(error.message)
      throw error
    }
    for (const directory of spec.directoriesToCreate) mkdirSync(directory, {recursive: true, mode: 0o755})
    mkdirSync(this.context.layout.logsDir, {recursive: true})
    if (this.detached || this.context.shuttingDown()) return

    let process: SupervisedProcess
    try {
      process = spawnProcess({
        argv: spec.argv,
        env: spec.env,
        cwd: spec.cwd,
        logFile: this.logFile(),
        header: `${banner()} starting ${this.name} from ${spec.manifestFile} (${spec.simulated ? 'kubelab simulation' : 'real binary'}): ${spec.argv.map(shellQuote).join(' ')}\n`,
      })
    } catch (error) {
      if (error instanceof SpawnError) return this.failedToStart(error.message)
      throw error
    }
    this.process = process
    this.runningSpec = {argv: spec.argv, podHash: spec.podHash, manifestHash: spec.manifestHash, graceMs: spec.graceMs}
    this.lastArgv = spec.argv
    this.saveRecord()
    this.phase = 'starting'
    this.phaseMessage = undefined
    this.context.log.info('Started static pod container', {pod: this.name, pid: process.pid, path: spec.manifestFile})
    for (const note of spec.notes) this.context.log.warning(note, {pod: this.name})
    this.context.changed()
    this.watchExit(process)
    void this.watchStartup(process, spec)
  }

  private failedToStart(reason: string): void {
    const wait = this.backoff.next(0)
    this.phase = 'crashloop'
    this.phaseMessage = reason
    mkdirSync(this.context.layout.logsDir, {recursive: true})
    appendFileSync(this.logFile(), `${banner()} cannot start ${this.name}: ${reason}; retrying in ${wait} ms\n`)
    this.context.log.error('Error starting static pod container', {pod: this.name, err: reason})
    this.saveRecord()
    this.context.changed()
    this.scheduleRestart(wait)
  }

  private watchExit(process: SupervisedProcess): void {
    void process.exited.then((exit) => this.enqueue(() => this.exited(process, exit)))
  }

  private exited(process: SupervisedProcess, exit: ExitInfo): void {
    if (this.process !== process) return // stopped on purpose; stopProcess recorded it
    this.process = undefined
    this.runningSpec = undefined
    this.lastExit = exit.description
    this.restarts += 1
    const ranForMs = Date.now() - process.startedAt.getTime()
    if (!this.desired || this.detached) {
      this.phase = 'stopped'
      this.saveRecord()
      this.context.changed()
      return
    }
    const wait = this.backoff.next(ranForMs)
    this.phase = 'crashloop'
    this.phaseMessage = `back-off ${wait}ms restarting failed container=${this.name}`
    appendFileSync(this.logFile(), `${banner()} ${this.name} (pid ${process.pid}) ${exit.description}; restarting in ${wait} ms\n`)
    this.context.log.warning('Container exited, restarting after back-off', {pod: this.name, pid: process.pid, exit: exit.description, backoffMs: wait})
    this.saveRecord()
    this.context.changed()
    this.scheduleRestart(wait)
  }

  private scheduleRestart(waitMs: number): void {
    if (this.detached) return
    this.clearRestartTimer()
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined
      void this.enqueue(() => (this.process ? undefined : this.launch()))
    }, waitMs)
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = undefined
  }

  /**
   * Polls the container's startup (else readiness, else liveness) httpGet probe until it succeeds.
   * The kubelet waits initialDelaySeconds and periodSeconds (10 s each in kubeadm's manifests); the
   * sim kubelet probes every 100 ms (every second after the first 5 s) so the status turns to running
   * as soon as the component serves. A component that keeps answering with a failing status (an API
   * server with anonymous auth off answers its probe 401) is serving all the same: after 2 s of such
   * answers it is shown running, with the probe failure as its message.
   */
  private async watchStartup(process: SupervisedProcess, spec: LaunchSpec): Promise<void> {
    const current = (): boolean => this.process === process && !this.detached
    const probe = spec.probe
    if (!probe) {
      this.phase = 'running'
      this.context.changed()
      return
    }
    const startedAt = Date.now()
    let failingSince: number | undefined
    while (current()) {
      const answer = await probeOnce(probe.url, PROBE_TIMEOUT_MS)
      if (!current()) return
      if (answer.kind === 'answered' && isProbeSuccess(answer.statusCode)) {
        this.phase = 'running'
        this.phaseMessage = undefined
        this.context.changed()
        return
      }
      if (answer.kind === 'answered') {
        failingSince ??= Date.now()
        const message = `${probe.kind} probe failed: HTTP probe failed with statuscode: ${answer.statusCode} (${probe.url})`
        const phase = Date.now() - failingSince >= FAILING_PROBE_STILL_SERVING_MS ? 'running' : this.phase
        if (message !== this.phaseMessage || phase !== this.phase) {
          this.phaseMessage = message
          this.phase = phase
          this.context.changed()
        }
      } else {
        failingSince = undefined
      }
      const interval = Date.now() - startedAt < FAST_PROBING_MS ? PROBE_INTERVAL_MS : SLOW_PROBE_INTERVAL_MS
      await new Promise((resolve) => setTimeout(resolve, interval))
    }
  }

  private async stopProcess(reason: string): Promise<void> {
    const process = this.process
    if (!process) return
    // The process stays current until it is gone; its exit event, queued behind this task, then finds
    // another (or no) current process and is ignored.
    const result = await stopProcessGroup(process.pgid, this.runningSpec?.graceMs ?? DEFAULT_STOP_GRACE_MS)
    this.process = undefined
    this.runningSpec = undefined
    this.phase = 'stopped'
    this.phaseMessage = undefined
    this.lastExit = reason
    this.context.changed()
    const how = result.killed ? 'killed with SIGKILL after the grace period' : 'stopped'
    appendFileSync(this.logFile(), `${banner()} ${this.name} (pid ${process.pid}) ${how}: ${reason}\n`)
    if (result.portsStillBusy.length > 0) {
      this.context.log.warning('Ports still in use after stopping container', {pod: this.name, ports: result.portsStillBusy.join(',')})
    }
    this.saveRecord()
  }

  private saveRecord(): void {
    const process = this.process
    writeRecord(this.context.layout, {
      name: this.name,
      manifestFile: this.manifestFile,
      ...(this.runningSpec?.manifestHash !== undefined ? {manifestHash: this.runningSpec.manifestHash} : {}),
      ...(this.runningSpec?.podHash !== undefined ? {podHash: this.runningSpec.podHash} : {}),
      ...(process
        ? {
            pid: process.pid,
            pgid: process.pgid,
            argv: process.argv,
            startedAt: process.startedAt.toISOString(),
            ...(process.startTicks !== undefined ? {startTicks: process.startTicks} : {}),
          }
        : {}),
      restarts: this.restarts,
      ...(this.lastExit !== undefined ? {lastExit: this.lastExit} : {}),
    })
  }

  private logFile(): string {
    return path.join(this.context.layout.logsDir, `${this.name}.log`)
  }

  private enqueue(task: () => Promise<void> | void): Promise<void> {
    const run = this.queue.then(task).catch((error: unknown) => {
      this.context.log.error('Static pod handling failed', {pod: this.name, err: error instanceof Error ? error.message : String(error)})
    })
    this.queue = run
    return run
  }
}

function banner(): string {
  return `==== ${new Date().toISOString()} kubelab kubelet:`
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
