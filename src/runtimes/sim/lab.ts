import type {EncryptionAlgorithm} from '../../pki/certificates.js'
import type {NodeFiles} from '../../pki/node-files.js'
import {DEFAULT_LAB_PORTS, type LabRuntime, type RuntimePreflightRequest, type RuntimeUpRequest, type RuntimeUpResult} from '../types.js'
import {findInstalledEtcd, type InstalledEtcd} from './etcd-install.js'
import {stopLab} from './kubelet/stop.js'
import {apiClientFromKubeconfig} from '../shared/api-client.js'
import {ETCD_CLIENT_FILES, readSimEndpoints} from './lab-endpoints.js'
import {
  adminKubeconfigPath,
  createSimKubeconfigs,
  createSimPki,
  KUBEADM_NODE_FILES,
  LAB_ENCRYPTION_ALGORITHM,
  renderSimNode,
  writeSimManifests,
  writeSimNodeFiles,
} from './lab-files.js'
import {requireBuiltKubelet, simDirectory, startSimKubelet, stopSimKubelet, type StartedKubelet} from './lab-kubelet.js'
import {labProcesses} from './lab-processes.js'
import {waitForControlPlane} from './lab-ready.js'
import {seedScenario} from './lab-seed.js'
import {simNodeLayout, type SimNodeLayout} from './node/layout.js'

export interface SimRuntimeOptions {
  /** Compiled runtimes/sim folder holding kubelet/main.js; see simDirectory. */
  simDir?: string
  /** PATH searched for etcd after --bin-dir. Default: this process's PATH. */
  searchPath?: string
  /** How long etcd and the API server get to answer. Default 30 s. */
  readyTimeoutMs?: number
  encryptionAlgorithm?: EncryptionAlgorithm
}

const DEFAULT_READY_TIMEOUT_MS = 30_000

/** Some process of the lab would not stop. */
export class LabProcessesLeftError extends Error {
  constructor(
    readonly labDir: string,
    readonly processes: ReadonlyArray<{pid: number; argv: string[]}>,
  ) {
    super(`processes of ${labDir} are still running: ${processes.map((item) => `${item.pid} (${item.argv.join(' ').slice(0, 120)})`).join('; ')}`)
    this.name = 'LabProcessesLeftError'
  }
}

/**
 * The sim runtime: a kubeadm node laid out under the lab folder, run by the sim kubelet — the real
 * etcd, and kubelab's simulated API server, controller-manager and scheduler — on 127.0.0.1.
 *
 * `up` follows kubeadm init's phases, overlapped where they do not depend on each other: the
 * kubelet is started as soon as its own files are down (it boots while the keys are made, and
 * watches the manifests folder), and the manifests are written last, each atomically.
 */
export function createSimRuntime(options: SimRuntimeOptions = {}): LabRuntime {
  const searchPath = (): string | undefined => options.searchPath ?? process.env['PATH']
  const simDir = simDirectory(options.simDir)
  const algorithm = options.encryptionAlgorithm ?? LAB_ENCRYPTION_ALGORITHM
  const etcdLookups = new Map<string, Promise<InstalledEtcd>>()

  const installedEtcd = (binDir: string | undefined): Promise<InstalledEtcd> => {
    const key = `${binDir ?? ''}\0${searchPath() ?? ''}`
    let lookup = etcdLookups.get(key)
    if (!lookup) {
      lookup = findInstalledEtcd(binDir, searchPath())
      etcdLookups.set(key, lookup)
      lookup.catch(() => etcdLookups.delete(key))
    }
    return lookup
  }

  return {
    name: 'sim',

    /** What must hold before anything is written: etcd installed, the kubelet built, the scenario renderable. */
    async preflight(request: RuntimePreflightRequest) {
      const etcd = await installedEtcd(request.binDir)
      requireBuiltKubelet(simDir)
      renderSimNode('preflight', request.scenario, DEFAULT_LAB_PORTS, etcd.version)
      return {notes: [`etcd ${etcd.version} at ${etcd.path}`]}
    },

    async up(request: RuntimeUpRequest): Promise<RuntimeUpResult> {
      const started = Date.now()
      const progress = request.onProgress ?? (() => undefined)
      const layout = simNodeLayout(request.labDir)
      const etcd = await installedEtcd(request.binDir)
      const rendered = renderSimNode(request.name, request.scenario, request.ports, etcd.version)
      request.signal?.throwIfAborted()

      let kubelet: StartedKubelet | undefined
      try {
        await writeSimNodeFiles(layout, rendered.kubelet)
        kubelet = startSimKubelet(layout, {simDir, ...(request.binDir === undefined ? {} : {binDir: request.binDir})})
        progress(`started the sim kubelet (pid ${kubelet.pid}); it runs what appears in ${layout.manifestsDir}`)
        // The keys are made while the kubelet boots: both take a few hundred milliseconds, on different cores.
        const certificates = await createSimPki(request.name, request.scenario, algorithm)
        const kubeconfigs = await createSimKubeconfigs(certificates, request.name, request.scenario, request.ports, algorithm)
        request.signal?.throwIfAborted()
        await writeSimNodeFiles(layout, new Map([...certificates.files, ...kubeconfigs]))
        await writeSimManifests(layout, rendered.manifests)
        progress(`wrote the certificates, kubeconfigs and static pod manifests under ${layout.nodeRoot}`)

        const endpoints = await readSimEndpoints(layout, request.ports)
        const admin = await apiClientFromKubeconfig(adminKubeconfigPath(layout))
        const ready = await waitForControlPlane({
          layout,
          kubelet,
          etcd: {url: endpoints.etcd, ...(endpoints.etcd.startsWith('https:') ? {tls: etcdClientTls(certificates.files)} : {})},
          apiserver: {url: admin.server, tls: admin.tls},
          timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
          ...(request.signal ? {signal: request.signal} : {}),
          onReady: (component) => progress(`${component} answers (${Date.now() - started} ms)`),
        })
        const readyMs = Date.now() - started
        const seeded = await seedScenario(admin, request.scenario, {
          serviceAccountKey: contents(certificates.files, KUBEADM_NODE_FILES.serviceAccountKey),
          clusterCa: contents(certificates.files, KUBEADM_NODE_FILES.clusterCa),
        })
        request.signal?.throwIfAborted()
        const count = Object.values(seeded).reduce((sum, value) => sum + value, 0)
        progress(`seeded ${count} object(s) from the scenario`)
        return {
          kubeconfig: adminKubeconfigPath(layout),
          notes: [`etcd answered ${ready.etcdMs} ms and the API server ${ready.apiserverMs} ms after the manifests were written`],
          timings: {readyMs, seededMs: Date.now() - started},
        }
      } catch (error) {
        await stopEverything(layout, kubelet)
        throw error
      }
    },

    async stop(labDir: string): Promise<void> {
      await stopEverything(simNodeLayout(labDir), undefined)
    },

    kubeconfigPath(labDir: string): string {
      return adminKubeconfigPath(simNodeLayout(labDir))
    },
  }
}

function contents(files: NodeFiles, nodePath: string): string {
  const file = files.get(nodePath)
  if (!file) throw new Error(`the node has no ${nodePath}`)
  return file.contents
}

/** kubeadm's healthcheck client: what `etcdctl` on a control-plane node uses. */
function etcdClientTls(files: NodeFiles): {ca: string; cert: string; key: string; verify: boolean} {
  return {ca: contents(files, ETCD_CLIENT_FILES.ca), cert: contents(files, ETCD_CLIENT_FILES.cert), key: contents(files, ETCD_CLIENT_FILES.key), verify: true}
}

/**
 * The kubelet first (the one this `up` started may not have written its pid file yet), so that
 * nothing restarts, then everything the sim kubelet's stopLab knows of (recorded components and any
 * process carrying the node root in its environment).
 */
async function stopEverything(layout: SimNodeLayout, kubelet: StartedKubelet | undefined): Promise<void> {
  if (kubelet !== undefined) await stopSimKubelet(layout, kubelet.pid)
  await stopLab(layout)
  const left = labProcesses(layout)
  if (left.length > 0) throw new LabProcessesLeftError(layout.labDir, left)
}
