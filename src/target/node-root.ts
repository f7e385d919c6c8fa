import {readFile, readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import type {FileInfo, NodeAccess, ProcessInfo} from './types.js'

/** A node's filesystem laid out under a folder at kubeadm's paths; "/" is this machine itself. */
export class NodeRootAccess implements NodeAccess {
  readonly description: string

  constructor(readonly root: string) {
    this.description = `node root ${root}`
  }

  /** Maps a node path (/etc/kubernetes/...) to the folder on this machine. */
  resolve(nodePath: string): string {
    return path.join(this.root, path.posix.normalize('/' + nodePath))
  }

  async readFile(nodePath: string): Promise<string | undefined> {
    try {
      return await readFile(this.resolve(nodePath), 'utf8')
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async stat(nodePath: string): Promise<FileInfo | undefined> {
    try {
      const info = await stat(this.resolve(nodePath))
      return {mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, isDirectory: info.isDirectory()}
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async listDir(nodePath: string): Promise<string[] | undefined> {
    try {
      return (await readdir(this.resolve(nodePath))).sort()
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  /** Only the real root shows this machine's processes; a copied node root has none. */
  async processes(): Promise<ProcessInfo[]> {
    if (path.resolve(this.root) !== '/') return []
    const entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
    const found = await Promise.all(
      entries.map(async (name): Promise<ProcessInfo | undefined> => {
        try {
          const raw = await readFile(`/proc/${name}/cmdline`, 'utf8')
          const argv = raw.split('\0').filter((part) => part.length > 0)
          return argv.length > 0 ? {pid: Number(name), argv} : undefined
        } catch {
          return undefined // the process ended while we looked
        }
      }),
    )
    return found.filter((item): item is ProcessInfo => item !== undefined)
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
