/**
 * A container's filesystem as a command run through the kubelet sees it — never the host's. An in-memory tree (the
 * image's few files, the files the kubelet writes: /etc/hosts, /etc/hostname, /etc/resolv.conf, and the volumes it
 * mounts, such as the service-account token) plus hostPath mounts, which do reach the node's files (under the lab's
 * node root), read-only, exactly where a pod with a hostPath volume would reach the real node's.
 *
 * Secret, configMap and projected volumes are laid out as the kubelet's atomic writer lays them out:
 * `<mount>/..<timestamp>/<key>` holds the data, `<mount>/..data` links to it, and `<mount>/<key>` links to
 * `..data/<key>` — which is why `ls -a` in a service-account folder shows `..data`.
 */
import path from 'node:path'
import type {NodeAccess} from '../../../../target/types.js'

export type FsNode =
  | {kind: 'dir'; mtime: Date}
  | {kind: 'file'; content: string; mtime: Date; mode: number}
  | {kind: 'symlink'; target: string; mtime: Date}

export type ReadResult = {kind: 'file'; content: string} | {kind: 'dir'} | {kind: 'missing'}

export interface DirEntry {
  name: string
  node: FsNode
}

const MAX_SYMLINK_HOPS = 16

export class ContainerFilesystem {
  private readonly nodes = new Map<string, FsNode>([['/', {kind: 'dir', mtime: new Date()}]])
  private readonly hostMounts: Array<{mountPath: string; nodePath: string}> = []

  constructor(private readonly node: NodeAccess | undefined) {}

  addDir(target: string, mtime = new Date()): void {
    const normal = normalise(target)
    if (normal !== '/') this.addDir(path.posix.dirname(normal), mtime)
    if (!this.nodes.has(normal)) this.nodes.set(normal, {kind: 'dir', mtime})
  }

  addFile(target: string, content: string, mtime = new Date(), mode = 0o644): void {
    const normal = normalise(target)
    this.addDir(path.posix.dirname(normal), mtime)
    this.nodes.set(normal, {kind: 'file', content, mtime, mode})
  }

  addSymlink(target: string, linkTarget: string, mtime = new Date()): void {
    const normal = normalise(target)
    this.addDir(path.posix.dirname(normal), mtime)
    this.nodes.set(normal, {kind: 'symlink', target: linkTarget, mtime})
  }

  /** Files keyed by name, in the atomic writer's layout under `mountPath`. */
  addAtomicVolume(mountPath: string, files: ReadonlyMap<string, string>, mtime: Date, mode = 0o644): void {
    const stamp = `..${atomicStamp(mtime)}`
    const root = normalise(mountPath)
    this.addDir(`${root}/${stamp}`, mtime)
    for (const [name, content] of files) {
      this.addFile(`${root}/${stamp}/${name}`, content, mtime, mode)
      const top = name.split('/')[0] ?? name
      if (!this.nodes.has(`${root}/${top}`)) this.addSymlink(`${root}/${top}`, `..data/${top}`, mtime)
    }
    this.addSymlink(`${root}/..data`, stamp, mtime)
  }

  /** Reads under `mountPath` come from the node's `nodePath` (a hostPath volume). */
  mountHostPath(mountPath: string, nodePath: string): void {
    this.addDir(mountPath)
    this.hostMounts.push({mountPath: normalise(mountPath), nodePath: normalise(nodePath)})
    this.hostMounts.sort((a, b) => b.mountPath.length - a.mountPath.length)
  }

  async read(target: string, cwd = '/'): Promise<ReadResult> {
    const resolved = this.resolve(target, cwd)
    if (resolved === undefined) return {kind: 'missing'}
    const host = this.hostPathFor(resolved)
    if (host !== undefined) return readHost(this.node, host)
    const found = this.nodes.get(resolved)
    if (!found) return {kind: 'missing'}
    return found.kind === 'file' ? {kind: 'file', content: found.content} : {kind: 'dir'}
  }

  /** The entries of a folder (symlinks not followed), or undefined when `target` is not a folder. */
  async list(target: string, cwd = '/'): Promise<DirEntry[] | 'missing' | 'not-a-dir'> {
    const resolved = this.resolve(target, cwd)
    if (resolved === undefined) return 'missing'
    const host = this.hostPathFor(resolved)
    if (host !== undefined) return listHost(this.node, host)
    const found = this.nodes.get(resolved)
    if (!found) return 'missing'
    if (found.kind !== 'dir') return 'not-a-dir'
    const prefix = resolved === '/' ? '/' : `${resolved}/`
    const entries: DirEntry[] = []
    for (const [key, node] of this.nodes) {
      if (key === resolved || !key.startsWith(prefix)) continue
      const rest = key.slice(prefix.length)
      if (!rest.includes('/')) entries.push({name: rest, node})
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** The node at `target` without following a final symlink (what `ls -l` describes). */
  entryAt(target: string, cwd = '/'): FsNode | undefined {
    const normal = normalise(path.posix.resolve(cwd, target))
    const parent = this.resolve(path.posix.dirname(normal), '/')
    if (parent === undefined) return undefined
    return this.nodes.get(normalise(`${parent}/${path.posix.basename(normal)}`))
  }

  /** Follows symlinks in every component; undefined when a component is missing or links loop. */
  private resolve(target: string, cwd: string): string | undefined {
    const parts = normalise(path.posix.resolve(cwd, target)).split('/').filter((part) => part !== '')
    let current = '/'
    let hops = 0
    while (parts.length > 0) {
      const part = parts.shift() as string
      const next = current === '/' ? `/${part}` : `${current}/${part}`
      if (this.hostPathFor(next) !== undefined) {
        current = next
        continue
      }
      const node = this.nodes.get(next)
      if (!node) return parts.length === 0 ? next : undefined
      if (node.kind === 'symlink') {
        hops += 1
        if (hops > MAX_SYMLINK_HOPS) return undefined
        const linked = normalise(path.posix.resolve(current, node.target))
        parts.unshift(...linked.split('/').filter((piece) => piece !== ''))
        current = '/'
        continue
      }
      current = next
    }
    return current
  }

  private hostPathFor(resolved: string): string | undefined {
    for (const mount of this.hostMounts) {
      if (resolved === mount.mountPath || resolved.startsWith(`${mount.mountPath}/`)) {
        return normalise(`${mount.nodePath}/${resolved.slice(mount.mountPath.length)}`)
      }
    }
    return undefined
  }
}

async function readHost(node: NodeAccess | undefined, nodePath: string): Promise<ReadResult> {
  if (!node) return {kind: 'missing'}
  const info = await node.stat(nodePath)
  if (!info) return {kind: 'missing'}
  if (info.isDirectory) return {kind: 'dir'}
  const content = await node.readFile(nodePath)
  return content === undefined ? {kind: 'missing'} : {kind: 'file', content}
}

async function listHost(node: NodeAccess | undefined, nodePath: string): Promise<DirEntry[] | 'missing' | 'not-a-dir'> {
  if (!node) return 'missing'
  const info = await node.stat(nodePath)
  if (!info) return 'missing'
  if (!info.isDirectory) return 'not-a-dir'
  const names = (await node.listDir(nodePath)) ?? []
  const entries: DirEntry[] = []
  for (const name of names) {
    const child = await node.stat(`${nodePath}/${name}`)
    entries.push({name, node: child?.isDirectory ? {kind: 'dir', mtime: new Date()} : {kind: 'file', content: '', mtime: new Date(), mode: child?.mode ?? 0o644}})
  }
  return entries
}

export function normalise(target: string): string {
  const normal = path.posix.normalize(`/${target}`)
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal
}

/** The atomic writer's folder name: ..2025_11_27_06_04_19.123456789 */
function atomicStamp(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0')
  const nanos = String(date.getUTCMilliseconds() * 1_000_000 + 123_456).padStart(9, '0')
  return `${date.getUTCFullYear()}_${two(date.getUTCMonth() + 1)}_${two(date.getUTCDate())}_${two(date.getUTCHours())}_${two(date.getUTCMinutes())}_${two(date.getUTCSeconds())}.${nanos}`
}
