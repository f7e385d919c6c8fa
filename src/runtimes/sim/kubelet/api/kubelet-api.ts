/**
 * The sim kubelet's API: what a real kubelet serves on port 10250 (TLS, authenticated and authorized) and, when
 * readOnlyPort is set, on 10255 (plain HTTP, no authentication), plus its node registration and pod "runtime".
 * The supervisor (kubelet/main.ts) starts it next to the static pods:
 *
 *   const api = await startKubeletApi({nodeRoot: layout.nodeRoot, staticPods: () => …, log})
 *   …
 *   await api.stop()
 *
 * Start-up follows the real kubelet: command line (systemd drop-ins, kubeadm-flags.env), --config file, defaults,
 * validation; then TLS and the client CA; then the kubeconfig client, the authenticator and the authorizer; then
 * the listeners. Whatever the real kubelet refuses makes startKubeletApi reject with KubeletStartupError, whose
 * klogLine() is what `journalctl -u kubelet` would show; the caller logs it and exits 1.
 */
import os from 'node:os'
import {NodeRootAccess} from '../../../../target/node-root.js'
import type {RunningListener} from '../../apiserver/server/listeners.js'
import {parseKubeVersion, versionFromEnv, type KubeVersion} from '../../apiserver/version.js'
import {ApiServerClient} from './api-client.js'
import {KubeletAuthenticator} from './authn.js'
import {buildAuthorizer} from './authz.js'
import {resolveKubeletSettings, type KubeletApiSettings} from './config.js'
import {KubeletStartupError} from './errors.js'
import type {ContainerLogsProvider} from './handlers.js'
import {readKubeletCredentials, type KubeletCredentials} from './kubeconfig.js'
import {stderrLog, type KubeletApiLog} from './log.js'
import {KubeletMetrics} from './metrics.js'
import {NodeAgent, type StaticPodReport} from './node-agent.js'
import {listenKubelet, listenReadOnly} from './server.js'
import {loadClientCa, loadServingCertificate} from './tls.js'

export type {StaticPodReport} from './node-agent.js'
export type {ContainerLogsProvider} from './handlers.js'
export type {KubeletApiLog} from './log.js'
export {KubeletStartupError} from './errors.js'

/** Setting this to 1 lets the kubelet listen where its config says even when that is not a loopback address. */
export const ALLOW_WILDCARD_ENV = 'KUBELAB_ALLOW_WILDCARD'
/** kubeadm's admin.conf: the stand-in scheduler binds pods with it. */
export const DEFAULT_SCHEDULER_KUBECONFIG = '/etc/kubernetes/admin.conf'

export interface KubeletApiOptions {
  /** The lab's node root on this machine (SimNodeLayout.nodeRoot): the kubelet reads its files under it. */
  nodeRoot: string
  /** The Kubernetes version this kubelet is, e.g. "1.34.1". Default: KUBELAB_K8S_VERSION, else 1.32.0. */
  kubernetesVersion?: string
  /** The static pods the supervisor runs; read on every /pods request and every pod sync. Default: none. */
  staticPods?: () => readonly StaticPodReport[]
  /** Container logs for /containerLogs (e.g. logs/<component>.log for static pods). Default: empty logs. */
  containerLogs?: ContainerLogsProvider
  /** Where klog-style lines go. Default: stderr. */
  log?: KubeletApiLog
  /**
   * Node path of the kubeconfig the stand-in scheduler binds unscheduled pods with (the sim has no kube-scheduler);
   * null: leave unscheduled pods alone. Default: /etc/kubernetes/admin.conf (skipped if absent).
   */
  schedulerKubeconfig?: string | null
  /** How often the API server's pods are read. Default 2000 ms. */
  podSyncMs?: number
  /** Heartbeat (node status update) period. Default: nodeStatusUpdateFrequency (10 s). */
  heartbeatMs?: number
  /** Environment for KUBELAB_ALLOW_WILDCARD. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>
}

export interface RunningKubeletApi {
  /** The ports listening now; readOnly is undefined when readOnlyPort is 0. */
  ports: {secure: number; readOnly: number | undefined}
  /** The address both listen on (127.0.0.1 unless KUBELAB_ALLOW_WILDCARD=1 allowed the configured one). */
  address: string
  nodeName: string
  settings: KubeletApiSettings
  /** One pass now: register the node if needed, bind and run the API's pods, sync mirror pods. */
  sync(): Promise<void>
  /** Closes both ports and stops the node agent; the Node and the mirror pods stay in the API, as after a real kubelet stops. */
  stop(): Promise<void>
}

export async function startKubeletApi(options: KubeletApiOptions): Promise<RunningKubeletApi> {
  const log = options.log ?? stderrLog()
  const env = options.env ?? process.env
  const version: KubeVersion = options.kubernetesVersion ? parseKubeVersion(options.kubernetesVersion) : versionFromEnv(process.env)
  const node = new NodeRootAccess(options.nodeRoot)

  const settings = await resolveKubeletSettings(node, version)

  const credentials = settings.kubeconfig === undefined ? undefined : await readKubeletCredentials(node, settings.kubeconfig, settings)
  const nodeName = (settings.hostnameOverride ?? credentials?.nodeName ?? os.hostname()).toLowerCase()

  const [serving, clientCaPem] = await Promise.all([loadServingCertificate(node, settings, nodeName, log), loadClientCa(node, settings)])

  const api = credentials ? apiClient(credentials) : undefined
  const cleanups: Array<() => void | Promise<void>> = [() => api?.close()]
  try {
    if (settings.webhookAuthentication && !api) {
      throw new KubeletStartupError('failed to run Kubelet: no client provided, cannot use webhook authentication', 'run', {setting: 'authentication.webhook.enabled'})
    }
    const authenticator = new KubeletAuthenticator({
      clientCertificates: clientCaPem !== undefined,
      anonymous: settings.anonymousAuth,
      ...(settings.webhookAuthentication && api ? {tokenReviews: api} : {}),
      cacheTtlMs: settings.webhookCacheTtlMs,
    })
    const authorizer = buildAuthorizer(settings.authorizationMode, {reviews: api, allowedTtlMs: settings.cacheAuthorizedTtlMs, deniedTtlMs: settings.cacheUnauthorizedTtlMs})

    const binder = await schedulerClient(node, options.schedulerKubeconfig === undefined ? DEFAULT_SCHEDULER_KUBECONFIG : options.schedulerKubeconfig, log)
    cleanups.push(() => binder?.close())
    const address = listenAddress(settings.address, env, log)
    const agent = new NodeAgent({
      api,
      binder,
      node,
      nodeName,
      address: settings.nodeIp ?? '127.0.0.1',
      kubeletPort: settings.port,
      version,
      providerId: settings.providerId,
      clusterCaPem: credentials?.caPem,
      staticPods: options.staticPods ?? (() => []),
      log,
      heartbeatMs: options.heartbeatMs ?? settings.nodeStatusUpdateFrequencyMs,
      syncMs: options.podSyncMs ?? 2000,
    })
    const context = {agent, settings, nodeName, metrics: new KubeletMetrics(version, nodeName), node, containerLogs: options.containerLogs}

    log.info('Starting to listen', {address, port: settings.port})
    const secure = await listenKubelet({address, port: settings.port, certificatePem: serving.certificatePem, keyPem: serving.keyPem, clientCaPem, authenticator, authorizer, version, context, log})
    cleanups.push(() => secure.close())
    let readOnly: RunningListener | undefined
    if (settings.readOnlyPort > 0) {
      log.info('Starting to listen read-only', {address, port: settings.readOnlyPort})
      readOnly = await listenReadOnly(address, settings.readOnlyPort, context, log)
      cleanups.push(() => readOnly?.close())
    }
    agent.start()
    cleanups.push(() => agent.stop())

    return {
      ports: {secure: secure.port, readOnly: readOnly?.port},
      address,
      nodeName,
      settings,
      sync: async () => {
        await agent.heartbeat()
        await agent.sync()
        // Mirror pods need the node's UID: a first pass before registration finished leaves them for this one.
        await agent.sync()
      },
      stop: () => runCleanups(cleanups),
    }
  } catch (error) {
    await runCleanups(cleanups)
    throw error
  }
}

async function runCleanups(cleanups: Array<() => void | Promise<void>>): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) await cleanup()
  cleanups.length = 0
}

function apiClient(credentials: KubeletCredentials): ApiServerClient {
  return new ApiServerClient({server: credentials.server, caPem: credentials.caPem, certificatePem: credentials.certificatePem, keyPem: credentials.keyPem})
}

async function schedulerClient(node: NodeRootAccess, kubeconfig: string | null, log: KubeletApiLog): Promise<ApiServerClient | undefined> {
  if (kubeconfig === null || (await node.readFile(kubeconfig)) === undefined) return undefined
  try {
    return apiClient(await readKubeletCredentials(node, kubeconfig, {rotateCertificates: false, bootstrapKubeconfig: undefined}))
  } catch (error) {
    log.warning('kubelab stand-in scheduler disabled: its kubeconfig cannot be used', {kubeconfig, err: error instanceof Error ? error.message : String(error)})
    return undefined
  }
}

/**
 * kubelab's vulnerable services listen on loopback only. A configured wildcard or other address (a kubeadm
 * config without `address`, or an edit) is replaced by 127.0.0.1 unless KUBELAB_ALLOW_WILDCARD=1.
 */
export function listenAddress(configured: string, env: Readonly<Record<string, string | undefined>>, log: KubeletApiLog): string {
  if (isLoopback(configured)) return configured
  if (env[ALLOW_WILDCARD_ENV] === '1') {
    log.warning('Listening on a non-loopback address because KUBELAB_ALLOW_WILDCARD=1: the deliberately weak kubelet API is reachable from other machines', {address: configured})
    return configured
  }
  log.warning('Refusing to listen on a non-loopback address: kubelab keeps its deliberately weak kubelet on loopback; listening on 127.0.0.1 instead (set KUBELAB_ALLOW_WILDCARD=1 to allow it)', {address: configured})
  return '127.0.0.1'
}

function isLoopback(address: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(address) || address === '::1'
}
