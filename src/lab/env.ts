import {chmod, mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {parse as parseYaml} from 'yaml'
import {INSECURE_PROXY_MANIFEST} from '../runtimes/kind/config/insecure-proxy.js'
import {ETCD_CLIENT_FILES, flagValue, readSimEndpoints, staticPodArgs, type SimEndpoints} from '../runtimes/sim/lab-endpoints.js'
import {NODE_FILE_PATHS} from '../runtimes/sim/node-files/types.js'
import {hostPath, simNodeLayout} from '../runtimes/sim/node/layout.js'
import type {NodeAccess} from '../target/types.js'
import {KUBELAB_LAB_ENV} from './home.js'
import {kindNodeAccess} from './node-files.js'
import type {Lab} from './registry.js'

/** A variable to export, or (value undefined) to unset so that a previous lab's value does not linger. */
export interface EnvironmentVariable {
  name: string
  value: string | undefined
}

/**
 * What a shell needs to work on the lab: kubectl's KUBECONFIG, the lab's name for kubelab itself,
 * where each component answers, and etcdctl's endpoint — with the healthcheck client certificate
 * when etcd speaks TLS (as an admin would run etcdctl on a kubeadm node). Endpoints come from the
 * node's files as they are now, so turning TLS on in etcd.yaml changes what `env` prints.
 */
export async function labEnvironment(lab: Lab): Promise<EnvironmentVariable[]> {
  if (lab.record.runtime === 'kind') return kindLabEnvironment(lab)
  const layout = simNodeLayout(lab.dir)
  const endpoints = await readSimEndpoints(layout, lab.record.ports)
  const etcdTls = endpoints.etcd.startsWith('https:')
  return variables(lab, endpoints, (nodePath) => (etcdTls ? hostPath(layout, nodePath) : undefined))
}

/**
 * A kind lab: every endpoint is the host side of a port mapping, on 127.0.0.1 (`up --expose` adds the
 * other interfaces; loopback still reaches them). The node container's files say which ports are open
 * and whether etcd speaks TLS; etcdctl's certificates are copied out of the node into
 * labs/<name>/etcd-client/, as the client cannot read them inside the container.
 */
async function kindLabEnvironment(lab: Lab): Promise<EnvironmentVariable[]> {
  const node = kindNodeAccess(lab)
  const {ports} = lab.record
  const host = '127.0.0.1'
  const [apiserver, etcd, kubeletConfig, kubeletFlags, insecureProxy] = await Promise.all([
    manifestArgs(node, NODE_FILE_PATHS.apiserverManifest),
    manifestArgs(node, NODE_FILE_PATHS.etcdManifest),
    node.readFile(NODE_FILE_PATHS.kubeletConfig),
    node.readFile(NODE_FILE_PATHS.kubeletFlagsEnv),
    node.stat(INSECURE_PROXY_MANIFEST),
  ])
  const etcdScheme = /^(https?):/.exec(flagValue(etcd, 'listen-client-urls') ?? '')?.[1] ?? 'https'
  const insecureOpen = Number(flagValue(apiserver, 'insecure-port') ?? 0) > 0 || insecureProxy !== undefined
  const readOnlyFlag = /--read-only-port=(\d+)/.exec(kubeletFlags ?? '')?.[1]
  const readOnlyOpen = Number(readOnlyFlag ?? readOnlyPortOf(kubeletConfig)) > 0
  const endpoints: SimEndpoints = {
    apiserver: `https://${host}:${ports.apiserverSecure}`,
    etcd: `${etcdScheme}://${host}:${ports.etcdClient}`,
    kubelet: `https://${host}:${ports.kubelet}`,
    ...(insecureOpen && ports.apiserverInsecure !== undefined ? {apiserverInsecure: `http://${host}:${ports.apiserverInsecure}`} : {}),
    ...(readOnlyOpen && ports.kubeletReadOnly !== undefined ? {kubeletReadOnly: `http://${host}:${ports.kubeletReadOnly}`} : {}),
  }
  const copied = etcdScheme === 'https' ? await copyEtcdClientFiles(lab, node) : undefined
  return variables(lab, endpoints, (nodePath) => copied?.get(nodePath))
}

/** kubeadm's healthcheck client certificate, key and the etcd CA, copied to labs/<name>/etcd-client/ (the key 0600). */
async function copyEtcdClientFiles(lab: Lab, node: NodeAccess): Promise<Map<string, string>> {
  const folder = path.join(lab.dir, 'etcd-client')
  await mkdir(folder, {recursive: true, mode: 0o700})
  const copied = new Map<string, string>()
  for (const nodePath of Object.values(ETCD_CLIENT_FILES)) {
    const text = await node.readFile(nodePath)
    if (text === undefined) continue
    const file = path.join(folder, path.posix.basename(nodePath))
    const mode = nodePath.endsWith('.key') ? 0o600 : 0o644
    await writeFile(file, text, {mode})
    await chmod(file, mode)
    copied.set(nodePath, file)
  }
  return copied
}

async function manifestArgs(node: NodeAccess, nodePath: string): Promise<string[] | undefined> {
  return staticPodArgs(await node.readFile(nodePath), nodePath)
}

function readOnlyPortOf(config: string | undefined): number {
  try {
    const value = (parseYaml(config ?? '') as {readOnlyPort?: unknown} | null)?.readOnlyPort
    return typeof value === 'number' ? value : 0
  } catch {
    return 0
  }
}

function variables(lab: Lab, endpoints: SimEndpoints, certificate: (nodePath: string) => string | undefined): EnvironmentVariable[] {
  return [
    {name: 'KUBECONFIG', value: lab.record.kubeconfig},
    {name: KUBELAB_LAB_ENV, value: lab.name},
    {name: 'KUBELAB_APISERVER', value: endpoints.apiserver},
    {name: 'KUBELAB_APISERVER_INSECURE', value: endpoints.apiserverInsecure},
    {name: 'KUBELAB_ETCD', value: endpoints.etcd},
    {name: 'KUBELAB_KUBELET', value: endpoints.kubelet},
    {name: 'KUBELAB_KUBELET_READONLY', value: endpoints.kubeletReadOnly},
    {name: 'ETCDCTL_API', value: '3'},
    {name: 'ETCDCTL_ENDPOINTS', value: endpoints.etcd},
    {name: 'ETCDCTL_CACERT', value: certificate(ETCD_CLIENT_FILES.ca)},
    {name: 'ETCDCTL_CERT', value: certificate(ETCD_CLIENT_FILES.cert)},
    {name: 'ETCDCTL_KEY', value: certificate(ETCD_CLIENT_FILES.key)},
  ]
}

/** POSIX shell: `eval "$(kubelab env)"` runs it in bash, zsh, dash. */
export function formatExports(variables: readonly EnvironmentVariable[]): string {
  const lines = variables.map(({name, value}) => (value === undefined ? `unset ${name}` : `export ${name}=${shellQuote(value)}`))
  return `${lines.join('\n')}\n`
}

/** Single quotes keep everything literal; a single quote itself is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}
