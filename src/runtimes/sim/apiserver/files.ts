/** Reading the files flags name, with Go's error texts (`open /x: no such file or directory`). */
import {readFile} from 'node:fs/promises'

const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
}

/** Go's *PathError text: `<op> <path>: <reason>`. */
export function goFileError(operation: 'open' | 'read', path: string, error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : ''
  const reason = GO_ERRNO_TEXT[code] ?? (error instanceof Error ? error.message : String(error))
  return `${code === 'EISDIR' ? 'read' : operation} ${path}: ${reason}`
}

export class FileReadError extends Error {
  override readonly name = 'FileReadError'
  constructor(
    readonly path: string,
    readonly goMessage: string,
  ) {
    super(goMessage)
  }
}

export async function readFlagFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (error) {
    throw new FileReadError(path, goFileError('open', path, error))
  }
}
