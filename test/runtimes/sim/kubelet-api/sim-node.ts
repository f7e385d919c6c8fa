/**
 * Test support for the sim kubelet's API: real etcd and the sim kube-apiserver (test/support/sim-apiserver.ts) with
 * the PKI they trust, and kubeadm-style node roots for the kubelet — kcheck-hardened's drop-in, kubeadm-flags.env
 * and config.yaml (kubeadm v1.34's), edited per test, plus kubelet.conf (system:node:node-1), admin.conf and the
 * cluster CA at kubeadm's paths. The kubelet's self-signed serving certificate is made once per test file.
 */
import {readFile} from 'node:fs/promises'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {renderKubeconfig} from '../../../../src/pki/kubeconfig.js'
import {startKubeletApi, type KubeletApiOptions, type RunningKubeletApi} from '../../../../src/runtimes/sim/kubelet/api/kubelet-api.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {kubeletServingCertificate} from '../../../support/fixtures/kubelet-fixture.js'
import {CLUSTER_CA, KUBELET_CONFIG, kubeletConfigYaml, type KubeletFileSettings} from '../../../support/fixtures/kubelet-lab.js'
import {fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'
import {freePort} from '../../../support/ports.js'
import {call, freePorts, kubeadmArgs, startSimApiserver, writeSimPki, type Answer, type CallOptions, type ClientIdentity, type SimApiserverProcess, type SimPki} from '../../../support/sim-apiserver.js'

export const NODE_NAME = 'node-1'
export const KUBELET_CONF = '/etc/kubernetes/kubelet.conf'
export const ADMIN_CONF = '/etc/kubernetes/admin.conf'
export const KUBEADM_FLAGS = '/var/lib/kubelet/kubeadm-flags.env'

export interface SimCluster {
  pki: SimPki
  apiUrl: string
  serving: CertificateAndKeyPem
  hardenedConfig: string
  /** A request to the sim apiserver, verifying its certificate. */
  api(path: string, options?: CallOptions): Promise<Answer>
  /** The same as kubernetes-admin (system:masters). */
  admin(path: string, options?: CallOptions): Promise<Answer>
  stop(): Promise<void>
}

export async function startSimCluster(kubernetesVersion = '1.34.1'): Promise<SimCluster> {
  const [pki, serving, hardened] = await Promise.all([writeSimPki(), kubeletServingCertificate(), fixtureNode('kcheck-hardened').readFile(KUBELET_CONFIG)])
  let etcd: RunningEtcd | undefined
  let apiserver: SimApiserverProcess | undefined
  try {
    etcd = await startEtcd({client: {certFile: pki.files.etcdServerCert, keyFile: pki.files.etcdServerKey, trustedCaFile: pki.files.etcdCa, clientCertAuth: true}})
    const [port = 0] = await freePorts(1)
    apiserver = await startSimApiserver(kubeadmArgs(pki, {securePort: port, etcdUrl: etcd.clientUrl, etcdTls: true}), {KUBELAB_K8S_VERSION: kubernetesVersion})
  } catch (error) {
    await apiserver?.stop()
    await etcd?.stop()
    await pki.remove()
    throw error
  }
  const apiUrl = apiserverUrl(apiserver)
  const api = (path: string, options: CallOptions = {}): Promise<Answer> => call(`${apiUrl}${path}`, {ca: pki.caPem, ...options})
  const runningEtcd = etcd
  const runningApiserver = apiserver
  return {
    pki,
    apiUrl,
    serving,
    hardenedConfig: hardened ?? '',
    api,
    admin: (path, options = {}) => api(path, {identity: pki.admin, ...options}),
    stop: async () => {
      await runningApiserver.stop()
      await runningEtcd.stop()
      await pki.remove()
    },
  }
}

function apiserverUrl(apiserver: SimApiserverProcess): string {
  const match = /Serving securely on ([\d.]+):(\d+)/.exec(apiserver.stderr())
  if (!match) throw new Error(`the sim apiserver did not say where it serves:\n${apiserver.stderr()}`)
  return `https://${match[1]}:${match[2]}`
}

export interface NodeConfig extends KubeletFileSettings {
  port: number
  /** The read-only port number when settings.readOnlyPort is on. */
  readOnlyPortNumber?: number
  address?: string
}

/**
 * kubeadm v1.34's config.yaml with the four audited settings rewritten (kubeletConfigYaml), the read-only port at
 * `readOnlyPortNumber`, and the listening address and port kubelab adds. `extra` lines go at the end.
 */
export function configYaml(cluster: SimCluster, config: NodeConfig, extra: string[] = []): string {
  let text = kubeletConfigYaml(cluster.hardenedConfig, config)
  if (config.readOnlyPort) text = text.replace('readOnlyPort: 10255', `readOnlyPort: ${config.readOnlyPortNumber ?? 10255}`)
  return `${text}address: ${config.address ?? '127.0.0.1'}\nport: ${config.port}\n${extra.map((line) => `${line}\n`).join('')}`
}

export function kubeconfigFor(cluster: SimCluster, identity: ClientIdentity, userName: string): string {
  return renderKubeconfig({server: cluster.apiUrl, userName, caCertificatePem: cluster.pki.caPem, clientCertificatePem: identity.certPem, clientKeyPem: identity.keyPem})
}

/**
 * A kcheck-hardened node root with this config.yaml, the kubelet's and admin's kubeconfigs, the cluster CA, and the
 * shared serving certificate at /var/lib/kubelet/pki; `files` (node path → text) are written over it.
 */
export async function simNodeRoot(cluster: SimCluster, config: string, files: Record<string, string> = {}): Promise<TempNodeRoot> {
  return tempNodeRoot('kcheck-hardened', {
    [KUBELET_CONFIG]: config,
    [CLUSTER_CA]: cluster.pki.caPem,
    [KUBELET_CONF]: kubeconfigFor(cluster, cluster.pki.node, `system:node:${NODE_NAME}`),
    [ADMIN_CONF]: kubeconfigFor(cluster, cluster.pki.admin, 'kubernetes-admin'),
    '/var/lib/kubelet/pki/kubelet.crt': cluster.serving.certificatePem,
    '/var/lib/kubelet/pki/kubelet.key': cluster.serving.privateKeyPem,
    ...files,
  })
}

/** Free ports for the kubelet's two listeners. */
export async function kubeletPorts(): Promise<{port: number; readOnlyPortNumber: number}> {
  return {port: await freePort(), readOnlyPortNumber: await freePort()}
}

export interface CollectedLog {
  lines: string[]
  info(message: string, fields?: Record<string, string | number>): void
  warning(message: string, fields?: Record<string, string | number>): void
  error(message: string, fields?: Record<string, string | number>): void
}

export function collectingLog(): CollectedLog {
  const lines: string[] = []
  const add = (severity: string) => (message: string, fields: Record<string, string | number> = {}) =>
    lines.push(`${severity} ${JSON.stringify(message)}${Object.entries(fields).map(([key, value]) => ` ${key}=${JSON.stringify(value)}`).join('')}`)
  return {lines, info: add('I'), warning: add('W'), error: add('E')}
}

export function startKubelet(node: TempNodeRoot, options: Partial<KubeletApiOptions> = {}): Promise<RunningKubeletApi> {
  return startKubeletApi({nodeRoot: node.root, kubernetesVersion: '1.34.1', log: collectingLog(), podSyncMs: 60_000, heartbeatMs: 60_000, ...options})
}

/** The PEM of a file in the test PKI folder. */
export function pkiFile(cluster: SimCluster, name: keyof SimPki['files']): Promise<string> {
  return readFile(cluster.pki.files[name], 'utf8')
}
