import {createHash} from 'node:crypto'
import {watch, type FSWatcher} from 'node:fs'
import {mkdir, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import type {SimNodeLayout} from '../node/layout.js'
import type {KubeletStatus} from '../node/status.js'
import type {StaticPodReport} from './api/index.js'
import {Component, type ComponentContext} from './component.js'
import {KubeletAlreadyRunningError, ManifestError} from './errors.js'
import {defaultSimEntryPoints, type SimEntryPoints} from './executables.js'
import {isRecordedProcessAlive, runningKubeletPid} from './identity.js'
import {KubeletLog} from './kubelet-log.js'
import {parseStaticPod} from './manifest.js'
import {toNodePath} from './node-paths.js'
import {readRecords, removeRecord} from './records.js'
import {StatusWriter} from './status-writer.js'

export interface KubeletOptions {
  /** Real binaries (etcd, kube-apiserver, …) looked at before PATH and before the simulations. */
  binDir?: string
  /** PATH for finding etcd and other programs; also passed to the components. */
  searchPath?: string
  entryPoints?: SimEntryPoints
  /** Quiet time after the last change in the manifests folder before it is read. */
  debounceMs?: number
  /** Full re-read of the manifests folder, in case a change was not reported (the kubelet's fileCheckFrequency is 20 s). */
  resyncMs?: number
}

const DEFAULT_DEBOUNCE_MS = 60
/** However busy the folder, read it at least this soon after the first change. */
const MAX_DEBOUNCE_MS = 300
const DEFAULT_RESYNC_MS = 5000

/**
 * The kubelet reads every file in the static pod folder whose name does not start with a dot. The
 * sim kubelet reads only .yaml, .yml and .json files, so editor leftovers (etcd.yaml~, 4913,
 * etcd.yaml.bak) are not taken for pods; the real kubelet would try to run a .bak copy too.
 */
export function isManifestFileName(name: string): boolean {
  return !name.startsWith('.') && /\.(ya?ml|json)$/i.test(name)
}

interface FileOwner {
  /** The static pod the file names (or, while it never parsed, its file name without extension). */
  name: string
  textHash: string
}

/**
 * The sim kubelet: runs each static pod in the node's manifests folder as a process, applies edits,
 * restarts crashed components with a back-off, and reports everything in run/status.json.
 */
export class Kubelet {
  private readonly components = new Map<string, Component>()
  /** Manifest file name → the pod it last described. */
  private readonly fileOwners = new Map<string, FileOwner>()
  /** Components that exist only because a manifest that never parsed names them. */
  private readonly placeholders = new Set<string>()
  readonly log: KubeletLog
  private readonly status: StatusWriter
  private readonly context: ComponentContext
  private state: KubeletStatus['state'] = 'starting'
  private stateMessage: string | undefined
  private stopping = false
  private watcher: FSWatcher | undefined
  private debounceTimer: NodeJS.Timeout | undefined
  private firstChangeAt: number | undefined
  private resyncTimer: NodeJS.Timeout | undefined
  private syncing: Promise<void> | undefined
  private syncAgain = false

  constructor(
    private readonly layout: SimNodeLayout,
    private readonly options: KubeletOptions = {},
  ) {
    this.log = new KubeletLog(path.join(layout.logsDir, 'kubelet.log'))
    this.status = new StatusWriter(layout.statusFile, () => ({
      kubelet: {state: this.state, pid: process.pid, ...(this.stateMessage ? {message: this.stateMessage} : {})},
      components: [...this.components.values()].map((component) => component.status()),
    }))
    this.context = {
      layout,
      log: this.log,
      executables: {
        binDir: options.binDir,
        searchPath: options.searchPath,
        nodeRoot: layout.nodeRoot,
        entryPoints: options.entryPoints ?? defaultSimEntryPoints(),
      },
      changed: () => this.status.changed(),
      shuttingDown: () => this.stopping,
    }
  }

  /**
   * Claims the lab (run/kubelet.pid), adopts components an earlier kubelet left running, starts the rest, then
   * watches. `beforeRunning` (the kubelet API's start) runs before status.json says running; if it throws, the
   * state stays starting and the caller decides (see fail).
   */
  async start(beforeRunning?: () => Promise<void>): Promise<void> {
    await Promise.all([this.layout.runDir, this.layout.logsDir, this.layout.manifestsDir].map((dir) => mkdir(dir, {recursive: true})))
    const other = runningKubeletPid(this.layout)
    if (other !== undefined && other !== process.pid) throw new KubeletAlreadyRunningError(other, this.layout.kubeletPidFile)
    await writeFile(this.layout.kubeletPidFile, `${process.pid}\n`)
    this.log.info('Starting kubelab sim kubelet', {pid: process.pid, staticPodPath: '/etc/kubernetes/manifests', binDir: this.options.binDir ?? ''})
    this.status.flush()

    this.adoptSurvivors()
    await this.sync()
    this.watch()
    this.resyncTimer = setInterval(() => this.requestSync(true), this.options.resyncMs ?? DEFAULT_RESYNC_MS)
    await beforeRunning?.()
    this.state = 'running'
    this.status.changed()
  }

  /**
   * Stops watching and exits the supervision, leaving every component running — what restarting the
   * kubelet does on a real node. The next kubelet adopts them.
   */
  async shutdown(): Promise<void> {
    await this.leave('stopped', 'kubelet stopped; static pods keep running')
    this.log.info('Kubelet stopped; static pod processes left running')
  }

  /** The kubelet cannot run (a start-up error): leaves like shutdown, with status.json saying failed and why. */
  async fail(message: string): Promise<void> {
    await this.leave('failed', message)
  }

  /** Every static pod whose manifest parsed, as the kubelet API reports them. */
  staticPods(): StaticPodReport[] {
    return [...this.components.values()].flatMap((component) => component.podReport() ?? [])
  }

  /**
   * logs/<component>.log for the container of the static pod the API names `<pod>-<nodeName>`; undefined for any
   * other pod or container.
   */
  async containerLog(namespace: string, podName: string, container: string, nodeName: string): Promise<string | undefined> {
    for (const component of this.components.values()) {
      const pod = component.pod
      if (!pod || pod.namespace !== namespace || `${pod.name}-${nodeName}` !== podName || pod.container.name !== container) continue
      return readFile(component.logFilePath, 'utf8').catch(() => '')
    }
    return undefined
  }

  private async leave(state: KubeletStatus['state'], message: string): Promise<void> {
    this.stopping = true
    this.watcher?.close()
    this.watcher = undefined
    clearTimeout(this.debounceTimer)
    clearInterval(this.resyncTimer)
    for (const component of this.components.values()) component.detach()
    this.state = state
    this.stateMessage = message
    this.status.flush()
    if (runningKubeletPid(this.layout) === process.pid) await rm(this.layout.kubeletPidFile, {force: true})
  }

  private adoptSurvivors(): void {
    for (const record of readRecords(this.layout)) {
      if (isRecordedProcessAlive(record)) {
        const component = new Component(record.name, record.manifestFile, this.context)
        component.adopt(record)
        this.components.set(record.name, component)
      } else {
        removeRecord(this.layout, record.name)
      }
    }
  }

  private watch(): void {
    try {
      this.watcher = watch(this.layout.manifestsDir, () => this.requestSync(false))
      this.watcher.on('error', (error) => {
        this.log.warning('Watching the static pod folder failed; relying on the periodic re-read', {err: error.message})
        this.watcher?.close()
        this.watcher = undefined
      })
    } catch (error) {
      this.log.warning('Cannot watch the static pod folder; relying on the periodic re-read', {err: (error as Error).message})
    }
  }

  /** A change in the folder: read it after a short quiet time (an editor's save is several events). */
  private requestSync(immediately: boolean): void {
    if (this.stopping) return
    if (immediately) {
      if (!this.watcher) this.watch()
      void this.runSync()
      return
    }
    const now = Date.now()
    this.firstChangeAt ??= now
    clearTimeout(this.debounceTimer)
    const wait = Math.max(0, Math.min(this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS, this.firstChangeAt + MAX_DEBOUNCE_MS - now))
    this.debounceTimer = setTimeout(() => {
      this.firstChangeAt = undefined
      void this.runSync()
    }, wait)
  }

  private async runSync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true
      return this.syncing
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false
        try {
          await this.sync()
        } catch (error) {
          this.log.error('Reading the static pod folder failed', {err: error instanceof Error ? error.message : String(error)})
        }
      } while (this.syncAgain && !this.stopping)
    })()
    try {
      await this.syncing
    } finally {
      this.syncing = undefined
    }
  }

  /** Reads the manifests folder and tells each component what changed. */
  private async sync(): Promise<void> {
    if (this.stopping) return
    let entries: string[]
    try {
      entries = (await readdir(this.layout.manifestsDir)).filter(isManifestFileName).sort()
    } catch (error) {
      this.log.error('Unable to read config path', {path: '/etc/kubernetes/manifests', err: (error as Error).message})
      entries = []
    }

    const present = new Map<string, {text: string; textHash: string}>()
    for (const entry of entries) {
      const hostFile = path.join(this.layout.manifestsDir, entry)
      try {
        if (!(await stat(hostFile)).isFile()) continue
        const text = await readFile(hostFile, 'utf8')
        present.set(entry, {text, textHash: createHash('sha256').update(text).digest('hex')})
      } catch {
        // removed between readdir and read: the next event handles it
      }
    }
    if (this.stopping) return

    const owners = new Map<string, string>()
    for (const [entry, owner] of this.fileOwners) if (present.has(entry)) owners.set(owner.name, entry)

    for (const [entry, {text, textHash}] of present) {
      const previous = this.fileOwners.get(entry)
      if (previous?.textHash === textHash) continue
      const nodeFile = toNodePath(path.join(this.layout.manifestsDir, entry), this.layout.nodeRoot)
      let pod
      try {
        pod = parseStaticPod(text, nodeFile)
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error
        this.log.error('Could not process manifest file', {path: nodeFile, err: error.message})
        const base = entry.replace(/\.(ya?ml|json)$/i, '')
        const name = previous?.name ?? (owners.has(base) ? entry : base)
        if (!this.components.has(name)) this.placeholders.add(name)
        this.component(name, nodeFile).manifestFailed(nodeFile, error.message)
        this.fileOwners.set(entry, {name, textHash})
        owners.set(name, entry)
        continue
      }
      const claimedBy = owners.get(pod.name)
      if (claimedBy !== undefined && claimedBy !== entry) {
        this.log.error('Could not process manifest file', {path: nodeFile, err: `static pod "${pod.name}" is already defined by ${claimedBy}`})
        continue
      }
      if (previous && previous.name !== pod.name) {
        owners.delete(previous.name)
        this.forget(previous.name)
      }
      this.placeholders.delete(pod.name)
      void this.component(pod.name, nodeFile).applyManifest({pod, file: nodeFile, textHash})
      this.fileOwners.set(entry, {name: pod.name, textHash})
      owners.set(pod.name, entry)
    }

    for (const [entry, owner] of [...this.fileOwners]) {
      if (present.has(entry)) continue
      this.fileOwners.delete(entry)
      if (owners.get(owner.name) === undefined) this.forget(owner.name)
    }
    // Adopted components whose manifest is gone were removed while no kubelet watched.
    for (const [name, component] of this.components) {
      if (!owners.has(name) && component.isRunning) this.forget(name)
    }
    this.status.changed()
  }

  /** The pod of a removed (or renamed) manifest: stop it, or drop it if it only ever failed to parse. */
  private forget(name: string): void {
    const component = this.components.get(name)
    if (!component) return
    this.log.info('Static pod manifest removed', {pod: name})
    if (this.placeholders.delete(name)) {
      this.components.delete(name)
      removeRecord(this.layout, name)
      return
    }
    void component.removeManifest()
  }

  private component(name: string, manifestFile: string): Component {
    let component = this.components.get(name)
    if (!component) {
      component = new Component(name, manifestFile, this.context)
      this.components.set(name, component)
    }
    return component
  }
}
