import {readdirSync, readFileSync} from 'node:fs'

/**
 * Live processes whose command line names `folder` or a path inside it, read straight from /proc:
 * the orphan check of the lab tests, independent of how kubelab itself finds its processes.
 */
export function processesMentioning(folder: string): Array<{pid: number; commandLine: string}> {
  const found: Array<{pid: number; commandLine: string}> = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    let commandLine: string
    let state: string
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim()
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '?'
    } catch {
      continue
    }
    if (state === 'Z') continue
    const mentions = commandLine.split(' ').some((word) => word === folder || word.includes(`${folder}/`) || word.endsWith(`=${folder}`))
    if (mentions) found.push({pid: Number(entry), commandLine})
  }
  return found
}
