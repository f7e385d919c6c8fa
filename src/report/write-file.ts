import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'

/** A report file named by a flag (--junit, --sarif) could not be written. */
export class ReportFileError extends Error {
  constructor(
    readonly flag: string,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${flag} ${file}: cannot write the report: ${reason}`)
    this.name = 'ReportFileError'
  }
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'part of the path is a file, not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
}

/** Writes a report where a flag asked for it, creating its folder; failures name the flag and the file. */
export async function writeReportFile(flag: string, file: string, content: string): Promise<void> {
  const absolute = path.resolve(file)
  try {
    await mkdir(path.dirname(absolute), {recursive: true})
    await writeFile(absolute, content, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ReportFileError(flag, absolute, (code && REASONS[code]) ?? (error as Error).message)
  }
}
