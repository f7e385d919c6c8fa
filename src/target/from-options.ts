import {constants} from 'node:fs'
import {access, readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {parse as parseYaml} from 'yaml'
import {NodeRootAccess} from './node-root.js'
import {DEFAULT_PORTS, type NodeAccess, type Ports, type Target} from './types.js'

/** The command-line flag that sets each port, so errors can name it. */
export const PORT_FLAGS: Readonly<Record<keyof Ports, string>> = {
  apiserverSecure: '--apiserver-port',
  apiserverInsecure: '--insecure-port',
  kubelet: '--kubelet-port',
  kubeletReadOnly: '--kubelet-read-only-port',
  etcdClient: '--etcd-port',
  etcdPeer: '--etcd-peer-port',
}

export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_TIMEOUT_MS = 3000

export interface TargetOptions {
  host?: string
  ports?: Partial<Ports>
  nodeRoot?: string
  /** Node access made by the caller (a kind lab's node container); --node-root wins when both are given. */
  node?: NodeAccess
  /** The ports are Docker port mappings (see Endpoints.dockerPublished). */
  dockerPublished?: boolean
  kubeconfig?: string
  context?: string
  kubernetesVersion?: string
  timeoutMs?: number
}

/** A user option that cannot make a target; `flag` is the option as typed on the command line. */
export class TargetOptionError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message)
    this.name = 'TargetOptionError'
  }
}

export class NodeRootNotFoundError extends TargetOptionError {
  constructor(readonly folder: string, reason: 'missing' | 'not-a-directory') {
    super('--node-root', `--node-root ${folder}: ${reason === 'missing' ? 'no such folder' : 'not a folder'}`)
    this.name = 'NodeRootNotFoundError'
  }
}

export class KubeconfigUnreadableError extends TargetOptionError {
  constructor(readonly file: string, readonly reason: string) {
    super('--kubeconfig', `--kubeconfig ${file}: ${reason}`)
    this.name = 'KubeconfigUnreadableError'
  }
}

export class ContextNotFoundError extends TargetOptionError {
  constructor(readonly context: string, readonly file: string, readonly known: string[]) {
    super(
      '--context',
      `--context ${context}: no such context in ${file}${known.length > 0 ? ` (contexts: ${known.join(', ')})` : ' (it has no contexts)'}`,
    )
    this.name = 'ContextNotFoundError'
  }
}

export class PortOutOfRangeError extends TargetOptionError {
  constructor(flag: string, readonly port: number) {
    super(flag, `${flag} ${port}: a port must be a whole number from 1 to 65535`)
    this.name = 'PortOutOfRangeError'
  }
}

export class InvalidOptionValueError extends TargetOptionError {
  constructor(flag: string, value: string, expected: string) {
    super(flag, `${flag} ${value}: ${expected}`)
    this.name = 'InvalidOptionValueError'
  }
}

/** Builds the auditor's view of a cluster from command-line options, checking each option against the machine. */
export async function targetFromOptions(options: TargetOptions): Promise<Target> {
  const host = (options.host ?? DEFAULT_HOST).trim()
  if (host.length === 0) throw new InvalidOptionValueError('--host', JSON.stringify(options.host), 'give a host name or IP address')

  const ports = {...DEFAULT_PORTS}
  for (const key of Object.keys(PORT_FLAGS) as Array<keyof Ports>) {
    const override = options.ports?.[key]
    if (override === undefined) continue
    if (!Number.isInteger(override) || override < 1 || override > 65535) throw new PortOutOfRangeError(PORT_FLAGS[key], override)
    ports[key] = override
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new InvalidOptionValueError('--timeout', String(timeoutMs), 'give the per-probe timeout in milliseconds, at least 1')
  }

  const target: Target = {endpoints: {host, ports, ...(options.dockerPublished ? {dockerPublished: true} : {})}, timeoutMs}
  if (options.nodeRoot !== undefined) target.node = new NodeRootAccess(await existingFolder(options.nodeRoot))
  else if (options.node !== undefined) target.node = options.node
  if (options.kubeconfig !== undefined) {
    const kubeconfigPath = path.resolve(options.kubeconfig)
    const contexts = await kubeconfigContexts(kubeconfigPath)
    if (options.context !== undefined && !contexts.includes(options.context)) {
      throw new ContextNotFoundError(options.context, kubeconfigPath, contexts)
    }
    target.credentials = {kubeconfigPath, ...(options.context !== undefined ? {context: options.context} : {})}
  } else if (options.context !== undefined) {
    throw new InvalidOptionValueError('--context', options.context, 'a context needs --kubeconfig FILE to be read from')
  }
  if (options.kubernetesVersion !== undefined) target.kubernetesVersion = kubernetesVersion(options.kubernetesVersion)
  return target
}

async function existingFolder(folder: string): Promise<string> {
  const absolute = path.resolve(folder)
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined
    throw error
  })
  if (!info) throw new NodeRootNotFoundError(absolute, 'missing')
  if (!info.isDirectory()) throw new NodeRootNotFoundError(absolute, 'not-a-directory')
  return absolute
}

/** Reads the kubeconfig as kubectl would need it: a readable YAML file; returns its context names. */
async function kubeconfigContexts(file: string): Promise<string[]> {
  let text: string
  try {
    await access(file, constants.R_OK)
    if ((await stat(file)).isDirectory()) throw new KubeconfigUnreadableError(file, 'is a folder, not a file')
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (error instanceof KubeconfigUnreadableError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new KubeconfigUnreadableError(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error))
  }
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (error) {
    throw new KubeconfigUnreadableError(file, `not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  if (typeof document !== 'object' || document === null) throw new KubeconfigUnreadableError(file, 'not a kubeconfig (expected a YAML mapping)')
  const contexts = (document as {contexts?: unknown}).contexts
  if (!Array.isArray(contexts)) return []
  return contexts
    .map((entry: unknown) => (typeof entry === 'object' && entry !== null ? (entry as {name?: unknown}).name : undefined))
    .filter((name): name is string => typeof name === 'string')
}

/** Accepts "1.19", "1.19.16" and "v1.19.16"; keeps the version without the leading v. */
function kubernetesVersion(value: string): string {
  const match = /^v?(\d+\.\d+(?:\.\d+)?)$/.exec(value.trim())
  if (!match?.[1]) throw new InvalidOptionValueError('--k8s-version', value, 'expected a Kubernetes version such as 1.19.16 or v1.30')
  return match[1]
}
