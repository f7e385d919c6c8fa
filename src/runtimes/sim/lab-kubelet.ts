import {spawn} from 'node:child_process'
import {closeSync, existsSync, openSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {isAlive} from './kubelet/proc.js'
import {runningKubeletPid} from './kubelet/identity.js'
import {waitFor} from './kubelet/process-group.js'
import {defaultNodeRoot, type SimNodeLayout} from './node/layout.js'

/**
 * Folder of the compiled sim runtime (kubelet/main.js, apiserver/main.js, …). By default the one
 * this module was compiled into (dist/runtimes/sim, or any --outDir); KUBELAB_SIM_DIR points
 * elsewhere, for running kubelab from its TypeScript sources (tests) against a compiled copy.
 */
export const SIM_DIR_ENV = 'KUBELAB_SIM_DIR'

export function simDirectory(override?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return override ?? env[SIM_DIR_ENV] ?? path.dirname(fileURLToPath(import.meta.url))
}

export function kubeletEntry(simDir: string): string {
  return path.join(simDir, 'kubelet', 'main.js')
}

/** The sim kubelet has not been compiled where kubelab looks for it. */
export class SimNotBuiltError extends Error {
  constructor(readonly entry: string) {
    super(`the sim kubelet is not built: ${entry} does not exist. Run \`npm run build\` (or set ${SIM_DIR_ENV} to a compiled runtimes/sim folder).`)
    this.name = 'SimNotBuiltError'
  }
}

export function requireBuiltKubelet(simDir: string): string {
  const entry = kubeletEntry(simDir)
  if (!existsSync(entry)) throw new SimNotBuiltError(entry)
  return entry
}

export interface StartedKubelet {
  pid: number
  /** Set once the process is gone, with how it ended. */
  exit(): string | undefined
}

/**
 * Starts `node <simDir>/kubelet/main.js --lab-dir DIR [--bin-dir DIR] [--node-root DIR]` detached,
 * in its own session, so that Ctrl-C in the terminal and the end of this command leave it running,
 * as systemd keeps a kubelet. Its stdout and stderr go to logs/kubelet.log beside its own log lines.
 */
export function startSimKubelet(layout: SimNodeLayout, options: {simDir: string; binDir?: string}): StartedKubelet {
  const entry = requireBuiltKubelet(options.simDir)
  const args = [
    entry,
    '--lab-dir',
    layout.labDir,
    ...(options.binDir === undefined ? [] : ['--bin-dir', options.binDir]),
    ...(layout.nodeRoot === defaultNodeRoot(layout.labDir) ? [] : ['--node-root', layout.nodeRoot]),
  ]
  const log = openSync(path.join(layout.logsDir, 'kubelet.log'), 'a')
  let child
  try {
    child = spawn(process.execPath, args, {detached: true, stdio: ['ignore', log, log], cwd: layout.labDir, env: process.env})
  } finally {
    closeSync(log)
  }
  let exit: string | undefined
  child.once('exit', (code, signal) => (exit = signal ? `killed by ${signal}` : `exit code ${code ?? 0}`))
  child.once('error', (error) => (exit = error.message))
  child.unref()
  if (child.pid === undefined) throw new Error(`could not start ${process.execPath} ${args.join(' ')}`)
  return {pid: child.pid, exit: () => exit}
}

/**
 * Stops the kubelet alone (SIGTERM; SIGKILL after the grace period), leaving the static pods running
 * as `systemctl stop kubelet` does. Returns the pid it stopped, if one ran.
 */
export async function stopSimKubelet(layout: SimNodeLayout, pid = runningKubeletPid(layout), graceMs = 5000): Promise<number | undefined> {
  if (pid === undefined || !isAlive(pid)) return undefined
  signal(pid, 'SIGTERM')
  if (!(await waitFor(() => !isAlive(pid), graceMs))) {
    signal(pid, 'SIGKILL')
    await waitFor(() => !isAlive(pid), 5000)
  }
  return pid
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}
