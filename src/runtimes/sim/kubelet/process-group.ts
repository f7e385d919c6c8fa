import {spawn} from 'node:child_process'
import {closeSync, openSync, writeSync} from 'node:fs'
import {isAlive, listeningPorts, portsStillListening, processGroupMembers, processStat} from './proc.js'

/** How a supervised process ended, in the words status.json uses: "exit code 1", "killed by SIGKILL". */
export interface ExitInfo {
  description: string
}

/** A component process the kubelet watches: one it spawned, or one a previous kubelet left running. */
export interface SupervisedProcess {
  pid: number
  /** Its own process group (the kubelet starts each component detached, as a group leader). */
  pgid: number
  argv: string[]
  startTicks: number | undefined
  startedAt: Date
  adopted: boolean
  /** Resolves once the process is gone. */
  exited: Promise<ExitInfo>
}

export interface SpawnRequest {
  argv: string[]
  env: Record<string, string>
  cwd: string
  logFile: string
  /** Written to the log file before the process starts writing to it. */
  header: string
}

export class SpawnError extends Error {
  override readonly name = 'SpawnError'
}

const ADOPTED_POLL_MS = 200
const STOP_POLL_MS = 15

/**
 * Starts a process detached in its own process group (so a kubelet restart does not take it down),
 * with stdout and stderr appended to its log file. Returns as soon as the pid is known, so the
 * caller can record it before anything else happens.
 */
export function spawnProcess(request: SpawnRequest): SupervisedProcess {
  const [command, ...args] = request.argv
  if (command === undefined) throw new SpawnError('empty command line')
  const log = openSync(request.logFile, 'a')
  let child
  try {
    writeSync(log, request.header)
    child = spawn(command, args, {detached: true, stdio: ['ignore', log, log], env: request.env, cwd: request.cwd})
  } finally {
    closeSync(log)
  }
  const pid = child.pid
  if (pid === undefined) {
    child.on('error', () => undefined)
    throw new SpawnError(`could not start ${command}`)
  }
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve({description: signal ? `killed by ${signal}` : `exit code ${code ?? 0}`}))
  })
  return {pid, pgid: pid, argv: request.argv, startTicks: processStat(pid)?.startTicks, startedAt: new Date(), adopted: false, exited}
}

/**
 * Watches a process this kubelet is not the parent of (it cannot wait for it), by polling /proc.
 * Its exit status is unknown: only the parent learns it.
 */
export function adoptProcess(recorded: {pid: number; pgid: number; argv: string[]; startTicks: number | undefined; startedAt: Date}): SupervisedProcess {
  const exited = new Promise<ExitInfo>((resolve) => {
    const timer = setInterval(() => {
      const stat = processStat(recorded.pid)
      const sameProcess = stat !== undefined && (recorded.startTicks === undefined || stat.startTicks === recorded.startTicks)
      if (!sameProcess || !isAlive(recorded.pid)) {
        clearInterval(timer)
        resolve({description: 'exited (status unknown: started by an earlier kubelet)'})
      }
    }, ADOPTED_POLL_MS)
    timer.unref()
  })
  return {...recorded, adopted: true, exited}
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

export interface GroupStopResult {
  /** True when SIGTERM was not enough. */
  killed: boolean
  /** Ports the group listened on that something still listened on when we gave up waiting. */
  portsStillBusy: number[]
}

/**
 * Stops a whole process group: SIGTERM, SIGKILL after `graceMs`, then waits until no process of the
 * group is left and the ports it listened on are free, so a successor can bind them at once.
 */
export async function stopProcessGroup(pgid: number, graceMs: number, killTimeoutMs = 5000): Promise<GroupStopResult> {
  const ports = [...new Set(processGroupMembers(pgid).flatMap(listeningPorts))]
  signalGroup(pgid, 'SIGTERM')
  let killed = false
  if (!(await waitFor(() => processGroupMembers(pgid).length === 0, graceMs))) {
    killed = true
    signalGroup(pgid, 'SIGKILL')
    if (!(await waitFor(() => processGroupMembers(pgid).length === 0, killTimeoutMs))) {
      throw new SpawnError(`process group ${pgid} still has processes ${processGroupMembers(pgid).join(', ')} after SIGKILL`)
    }
  }
  await waitFor(() => portsStillListening(ports).length === 0, 2000)
  return {killed, portsStillBusy: portsStillListening(ports)}
}

/** Polls `condition` until it holds (true) or `timeoutMs` passes (false). */
export async function waitFor(condition: () => boolean, timeoutMs: number, pollMs = STOP_POLL_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (condition()) return true
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}
