import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import path from 'node:path'

/**
 * Finds `name` as the shell would: the first executable regular file of that name in `extraDirs`,
 * then in each folder of PATH. Returns its absolute path, or undefined.
 */
export async function findExecutable(name: string, searchPath: string | undefined, extraDirs: readonly string[] = []): Promise<string | undefined> {
  const folders = [...extraDirs, ...(searchPath ?? '').split(path.delimiter)].filter((folder) => folder.length > 0)
  for (const folder of folders) {
    const candidate = path.resolve(folder, name)
    if (await isExecutableFile(candidate)) return candidate
  }
  return undefined
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK)
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}
