import {chmod, lstat, mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {FileExistsError, InvalidNodePathError} from './errors.js'
import type {NodeFiles} from './node-files.js'

export interface WriteFilesOptions {
  /** Replace files that are already there. Without it an existing file stops the write before anything is written. */
  overwrite?: boolean
}

/** kubeadm creates its certificate folders with os.MkdirAll(dir, 0755). */
const FOLDER_MODE = 0o755

/** Where a node path lands under rootDir; like NodeRootAccess.resolve, ".." cannot climb out of rootDir. */
export function hostPathFor(rootDir: string, nodePath: string): string {
  if (!nodePath.startsWith('/')) throw new InvalidNodePathError(nodePath)
  return path.join(rootDir, path.posix.normalize(nodePath))
}

async function exists(hostPath: string): Promise<boolean> {
  try {
    await lstat(hostPath)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/**
 * Lays node files under rootDir (rootDir + /etc/kubernetes/pki/ca.crt, ...), creating folders,
 * and sets each file's mode exactly (chmod, so the umask cannot loosen or tighten it).
 * Returns the host paths written, in the order given.
 */
export async function writeFiles(rootDir: string, files: NodeFiles, options: WriteFilesOptions = {}): Promise<string[]> {
  const targets = [...files].map(([nodePath, file]) => ({nodePath, file, hostPath: hostPathFor(rootDir, nodePath)}))
  if (!options.overwrite) {
    for (const target of targets) {
      if (await exists(target.hostPath)) throw new FileExistsError(target.nodePath, target.hostPath)
    }
  }
  for (const target of targets) {
    await mkdir(path.dirname(target.hostPath), {recursive: true, mode: FOLDER_MODE})
    try {
      // 'wx' still refuses a file that appeared since the check above.
      await writeFile(target.hostPath, target.file.contents, {mode: target.file.mode, flag: options.overwrite ? 'w' : 'wx'})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(target.nodePath, target.hostPath)
      throw error
    }
    await chmod(target.hostPath, target.file.mode)
  }
  return targets.map((target) => target.hostPath)
}
