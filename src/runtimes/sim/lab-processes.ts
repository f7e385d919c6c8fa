import {readdirSync} from 'node:fs'
import {NODE_ROOT_ENV} from './kubelet/launch-spec.js'
import {isAlive, processCommandLine, processesWithEnvironment} from './kubelet/proc.js'
import type {SimNodeLayout} from './node/layout.js'

/** A process that belongs to a sim lab. */
export interface LabProcess {
  pid: number
  argv: string[]
}

/**
 * The lab's own processes: its sim kubelet (`kubelet/main.js --lab-dir <lab>`) and every process
 * the kubelet started (they carry KUBELAB_NODE_ROOT=<node root> in their environment). A learner's
 * editor or `tail -f` on a lab file is not one of them.
 */
export function labProcesses(layout: SimNodeLayout): LabProcess[] {
  const pids = new Set(processesWithEnvironment(NODE_ROOT_ENV, layout.nodeRoot))
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const argv = processCommandLine(Number(entry))
    if (argv && isKubeletOf(argv, layout.labDir)) pids.add(Number(entry))
  }
  pids.delete(process.pid)
  return [...pids]
    .filter((pid) => isAlive(pid))
    .sort((a, b) => a - b)
    .map((pid) => ({pid, argv: processCommandLine(pid) ?? []}))
}

function isKubeletOf(argv: readonly string[], labDir: string): boolean {
  if (!argv.some((word) => /(^|\/)kubelet\/main\.js$/.test(word))) return false
  return argv.some((word, index) => word === `--lab-dir=${labDir}` || (word === '--lab-dir' && argv[index + 1] === labDir))
}
