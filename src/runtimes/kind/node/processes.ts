import type {ProcessInfo} from '../../../target/types.js'

/**
 * Reads the PROCESSES script's output: the shell's own pid, then "<pid>\x01<cmdline>\x02" per process,
 * the command line NUL-separated as /proc/<pid>/cmdline holds it. Kernel threads (empty command
 * lines), processes that ended meanwhile and the reading shell itself are left out.
 */
export function parseProcessListing(output: Uint8Array): ProcessInfo[] {
  const text = Buffer.from(output).toString('utf8')
  const [self, ...records] = text.split('\x02')
  const found: ProcessInfo[] = []
  for (const record of records) {
    const separator = record.indexOf('\x01')
    if (separator === -1) continue
    const pidText = record.slice(0, separator)
    if (!/^\d+$/.test(pidText) || pidText === self) continue
    const argv = record
      .slice(separator + 1)
      .split('\0')
      .filter((part) => part.length > 0)
    if (argv.length > 0) found.push({pid: Number(pidText), argv})
  }
  return found.sort((a, b) => a.pid - b.pid)
}
