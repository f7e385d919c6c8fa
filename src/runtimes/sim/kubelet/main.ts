// The sim runtime's node agent: `node dist/runtimes/sim/kubelet/main.js --lab-dir DIR [--bin-dir DIR] [--node-root DIR]`.
// Runs in the foreground; SIGTERM or SIGINT ends it and leaves the static pods running.
import {appendFileSync, existsSync} from 'node:fs'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {hostPath, simNodeLayout, type SimNodeLayout} from '../node/layout.js'
import {KubeletStartupError, startKubeletApi, type RunningKubeletApi} from './api/index.js'
import {parseKubeletArgs} from './cli-args.js'
import {KubeletAlreadyRunningError, KubeletUsageError} from './errors.js'
import {Kubelet} from './kubelet.js'

/**
 * The kubelet configuration kubeadm writes. A node root with neither (a folder holding only static pods and PKI)
 * has no kubelet to configure: the sim kubelet then supervises the static pods without serving the kubelet API.
 */
const KUBELET_CONFIGURATION = ['/var/lib/kubelet/config.yaml', '/var/lib/kubelet/kubeadm-flags.env']

/**
 * kubeadm's kubelet.service restarts a kubelet that exits (Restart=always): on a node being set up, the kubelet fails
 * until kubeadm has written kubelet.conf and the CA. `kubelab up` likewise starts the kubelet while it still writes
 * the certificates and kubeconfigs, so a file missing at start is tried again for a while; any other start-up
 * error, or a file still missing then, stops the kubelet at once. systemd would retry for ever; a minute covers
 * key generation on a busy two-core machine (10 s did not, with three labs starting at once).
 */
const MISSING_FILE_RETRY_MS = 60_000
const MISSING_FILE_RETRY_INTERVAL_MS = 200

async function main(): Promise<number> {
  const args = parseKubeletArgs(process.argv.slice(2), process.cwd())
  const layout = simNodeLayout(args.labDir, args.nodeRoot)
  const kubelet = new Kubelet(layout, {binDir: args.binDir, searchPath: process.env['PATH']})
  let api: RunningKubeletApi | undefined
  let exiting = false
  const exit = (): void => {
    if (exiting) return
    exiting = true
    const stopAll = async (): Promise<void> => {
      await api?.stop()
      await kubelet.shutdown()
    }
    stopAll().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`kubelet: ${error instanceof Error ? error.message : String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', exit)
  process.on('SIGINT', exit)
  try {
    await kubelet.start(async () => {
      api = await startApi(layout, kubelet)
    })
  } catch (error) {
    if (!(error instanceof KubeletStartupError)) throw error
    // What the real kubelet does: log the error and exit 1. Its static pods are other processes and keep running.
    appendFileSync(path.join(layout.logsDir, 'kubelet.log'), `${error.klogLine()}\n`)
    const where = error.where()
    if (where !== undefined) kubelet.log.info('kubelab: the kubelet refused this setting; fix it and run `kubelab restart kubelet`', {where})
    await kubelet.fail(error.message)
    process.exit(1)
  }
  return 0
}

async function startApi(layout: SimNodeLayout, kubelet: Kubelet): Promise<RunningKubeletApi | undefined> {
  if (!KUBELET_CONFIGURATION.some((file) => existsSync(hostPath(layout, file)))) {
    kubelet.log.info('No kubelet configuration on the node; supervising static pods without the kubelet API', {paths: KUBELET_CONFIGURATION.join(', ')})
    return undefined
  }
  let nodeName = ''
  const start = () =>
    startKubeletApi({
      nodeRoot: layout.nodeRoot,
      staticPods: () => kubelet.staticPods(),
      containerLogs: (namespace, pod, container) => kubelet.containerLog(namespace, pod, container, nodeName),
      log: kubelet.log,
    })
  const deadline = Date.now() + MISSING_FILE_RETRY_MS
  let reported: string | undefined
  for (;;) {
    try {
      const running = await start()
      nodeName = running.nodeName
      return running
    } catch (error) {
      const missingFile = error instanceof KubeletStartupError && error.message.endsWith(': no such file or directory')
      if (!missingFile || Date.now() >= deadline) throw error
      if (error.message !== reported) kubelet.log.warning('Kubelet start-up failed; retrying, as systemd restarts it', {err: error.message})
      reported = error.message
      await sleep(MISSING_FILE_RETRY_INTERVAL_MS)
    }
  }
}

main().catch((error: unknown) => {
  const known = error instanceof KubeletUsageError || error instanceof KubeletAlreadyRunningError
  process.stderr.write(`kubelet: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(error instanceof KubeletUsageError ? 2 : 1)
})
