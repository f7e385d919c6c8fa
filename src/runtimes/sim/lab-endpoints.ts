import {readFile} from 'node:fs/promises'
import {parse} from 'yaml'
import {NODE_FILE_PATHS} from './node-files/types.js'
import {hostPath, type SimNodeLayout} from './node/layout.js'
import {parseStaticPod} from './kubelet/manifest.js'
import {DEFAULT_LAB_PORTS, type LabPorts} from '../types.js'

/**
 * Where a sim lab's components answer, read from the node's files as they are now (a learner who
 * turns TLS on for etcd changes the URL). Falls back to the lab's recorded ports for a file that is
 * missing or does not parse.
 */
export interface SimEndpoints {
  /** https://127.0.0.1:6443 */
  apiserver: string
  /** http://127.0.0.1:8080 when the insecure port is open. */
  apiserverInsecure?: string
  /** The first --listen-client-urls entry, e.g. https://127.0.0.1:2379 or http://… */
  etcd: string
  /** https://127.0.0.1:10250 */
  kubelet: string
  /** http://127.0.0.1:10255 when the read-only port is open. */
  kubeletReadOnly?: string
}

/** Node paths of the certificates an etcd client uses (kubeadm's healthcheck client). */
export const ETCD_CLIENT_FILES = {
  ca: '/etc/kubernetes/pki/etcd/ca.crt',
  cert: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
  key: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
} as const

export async function readSimEndpoints(layout: SimNodeLayout, ports: LabPorts): Promise<SimEndpoints> {
  const [apiserver, etcd, kubeletConfig, kubeletFlags] = await Promise.all([
    manifestArgs(layout, NODE_FILE_PATHS.apiserverManifest),
    manifestArgs(layout, NODE_FILE_PATHS.etcdManifest),
    readText(layout, NODE_FILE_PATHS.kubeletConfig),
    readText(layout, NODE_FILE_PATHS.kubeletFlagsEnv),
  ])

  const host = '127.0.0.1'
  const securePort = numberOr(flagValue(apiserver, 'secure-port'), ports.apiserverSecure)
  const endpoints: SimEndpoints = {
    apiserver: `https://${flagValue(apiserver, 'bind-address') ?? host}:${securePort}`,
    etcd: firstLoopbackUrl(flagValue(etcd, 'listen-client-urls')) ?? `http://${host}:${ports.etcdClient}`,
    kubelet: `https://${host}:${DEFAULT_LAB_PORTS.kubelet}`,
  }
  if (apiserver === undefined) {
    if (ports.apiserverInsecure !== undefined) endpoints.apiserverInsecure = `http://${host}:${ports.apiserverInsecure}`
  } else {
    const insecurePort = numberOr(flagValue(apiserver, 'insecure-port'), 0)
    if (insecurePort > 0) endpoints.apiserverInsecure = `http://${flagValue(apiserver, 'insecure-bind-address') ?? host}:${insecurePort}`
  }

  const config = kubeletConfigPorts(kubeletConfig)
  const flags = kubeletFlags === undefined ? [] : kubeletFlagsFromEnv(kubeletFlags)
  const kubeletPort = numberOr(flagValue(flags, 'port'), config.port ?? ports.kubelet)
  const readOnlyPort = numberOr(flagValue(flags, 'read-only-port'), config.readOnlyPort ?? (kubeletConfig === undefined ? (ports.kubeletReadOnly ?? 0) : 0))
  endpoints.kubelet = `https://${config.address ?? host}:${kubeletPort}`
  if (readOnlyPort > 0) endpoints.kubeletReadOnly = `http://${config.address ?? host}:${readOnlyPort}`
  return endpoints
}

async function readText(layout: SimNodeLayout, nodePath: string): Promise<string | undefined> {
  try {
    return await readFile(hostPath(layout, nodePath), 'utf8')
  } catch {
    return undefined
  }
}

async function manifestArgs(layout: SimNodeLayout, nodePath: string): Promise<string[] | undefined> {
  return staticPodArgs(await readText(layout, nodePath), nodePath)
}

/** A static pod manifest's container command and args, or undefined when the manifest is missing or broken. */
export function staticPodArgs(text: string | undefined, nodePath: string): string[] | undefined {
  if (text === undefined) return undefined
  try {
    const pod = parseStaticPod(text, nodePath)
    return [...pod.container.command, ...pod.container.args]
  } catch {
    return undefined
  }
}

/** The value of `--name=value` or `--name value`; the last one wins, as with Go's flag package. */
export function flagValue(args: readonly string[] | undefined, name: string): string | undefined {
  let found: string | undefined
  for (const [index, arg] of (args ?? []).entries()) {
    if (arg.startsWith(`--${name}=`)) found = arg.slice(name.length + 3)
    else if (arg === `--${name}` && index + 1 < (args?.length ?? 0)) found = args?.[index + 1]
  }
  return found
}

function numberOr(value: string | undefined, fallback: number): number {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback
}

function firstLoopbackUrl(list: string | undefined): string | undefined {
  const urls = (list ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
  const loopback = urls.find((url) => /^[a-z]+:\/\/(127\.|localhost[:/]|\[::1\])/.test(url))
  return (loopback ?? urls[0])?.replace(/\/$/, '')
}

function kubeletConfigPorts(text: string | undefined): {port?: number; readOnlyPort?: number; address?: string} {
  if (text === undefined) return {}
  try {
    const config: unknown = parse(text)
    if (typeof config !== 'object' || config === null) return {}
    const record = config as Record<string, unknown>
    const result: {port?: number; readOnlyPort?: number; address?: string} = {}
    if (typeof record['port'] === 'number') result.port = record['port']
    if (typeof record['readOnlyPort'] === 'number') result.readOnlyPort = record['readOnlyPort']
    if (typeof record['address'] === 'string') result.address = record['address']
    return result
  } catch {
    return {}
  }
}

/** kubeadm-flags.env holds one line: KUBELET_KUBEADM_ARGS="--a=b --c=d". */
function kubeletFlagsFromEnv(text: string): string[] {
  const match = /KUBELET_KUBEADM_ARGS="((?:[^"\\]|\\.)*)"/.exec(text)
  return match?.[1] === undefined ? [] : match[1].split(/\s+/).filter((item) => item !== '')
}
