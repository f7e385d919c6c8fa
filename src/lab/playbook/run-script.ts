import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import type {Readable} from 'node:stream'
import {setTimeout as sleep} from 'node:timers/promises'

export type OutputStream = 'stdout' | 'stderr'

export interface ScriptRunOptions {
  command: readonly string[]
  env: Readonly<Record<string, string>>
  cwd: string
  /** The whole process group is killed when the script runs longer. */
  timeoutMs: number
  /** Aborting (Ctrl-C) kills the whole process group as well. */
  signal?: AbortSignal
  /** Called with each line the script writes, without its newline. */
  onLine?: (line: string, stream: OutputStream) => void
  /** Between SIGTERM and SIGKILL. Default 3 s. */
  killGraceMs?: number
}

/** How a script ended. */
export interface ScriptRun {
  /** The exit status when it exited by itself. */
  exitCode?: number
  /** The signal that ended it. */
  signal?: NodeJS.Signals
  /** Killed at the time limit. */
  timedOut: boolean
  /** Killed because kubelab was interrupted. */
  interrupted: boolean
  /** It could not be started at all (e.g. the interpreter of its #! line is missing). */
  startError?: string
  durationMs: number
}

export function scriptSucceeded(run: ScriptRun): boolean {
  return run.exitCode === 0 && !run.timedOut && !run.interrupted && run.startError === undefined
}

/** "exited with status 2", "timed out after 5 s and was killed", "killed by SIGKILL", … */
export function describeScriptEnd(run: ScriptRun, timeoutMs: number): string {
  if (run.startError !== undefined) return `could not be started: ${run.startError}`
  if (run.timedOut) return `timed out after ${formatSeconds(timeoutMs)}; its process group was killed`
  if (run.interrupted) return 'was stopped by the interruption; its process group was killed'
  if (run.signal !== undefined) return `was killed by ${run.signal}`
  return run.exitCode === 0 ? 'succeeded' : `exited with status ${run.exitCode ?? '?'}`
}

export function formatSeconds(milliseconds: number): string {
  const seconds = milliseconds / 1000
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`
}

const DEFAULT_KILL_GRACE_MS = 3000
/** How long output still in the pipes is read after the script itself has exited. */
const DRAIN_MS = 1000

/**
 * Runs the script in a process group of its own (so Ctrl-C in the terminal reaches kubelab, not the
 * script, and everything the script started can be stopped together), with no standard input.
 * On the time limit or an abort the group gets SIGTERM, then SIGKILL after the grace period. Once
 * the script has ended, whatever it left running in its group (background jobs) is stopped the same
 * way before this resolves. Never rejects.
 */
export function runScript(options: ScriptRunOptions): Promise<ScriptRun> {
  const started = Date.now()
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS
  const [program, ...args] = options.command
  return new Promise<ScriptRun>((resolve) => {
    if (program === undefined) {
      resolve({timedOut: false, interrupted: false, startError: 'empty command', durationMs: 0})
      return
    }
    if (options.signal?.aborted) {
      resolve({timedOut: false, interrupted: true, durationMs: 0})
      return
    }
    const child = spawn(program, args, {cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
    const group = child.pid
    let timedOut = false
    let interrupted = false
    let killTimer: NodeJS.Timeout | undefined
    const stopGroup = (): void => {
      if (group === undefined || killTimer !== undefined) return
      signalGroup(group, 'SIGTERM')
      killTimer = setTimeout(() => signalGroup(group, 'SIGKILL'), graceMs)
    }
    const timer = setTimeout(() => {
      timedOut = true
      stopGroup()
    }, options.timeoutMs)
    const onAbort = (): void => {
      interrupted = true
      stopGroup()
    }
    options.signal?.addEventListener('abort', onAbort, {once: true})
    const finished = (): void => {
      clearTimeout(timer)
      clearTimeout(killTimer)
      options.signal?.removeEventListener('abort', onAbort)
    }

    const lines = [readLines(child.stdout, 'stdout', options.onLine), readLines(child.stderr, 'stderr', options.onLine)]
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Only a failed spawn has no pid; it is followed by no 'exit'.
      if (child.pid !== undefined) return
      finished()
      const reason = error.code === 'ENOENT' ? `${program}: no such file, or the interpreter its #! line names is missing` : error.message
      resolve({timedOut: false, interrupted: false, startError: reason, durationMs: Date.now() - started})
    })
    child.once('exit', (code, signal) => {
      finished()
      void (async () => {
        if (group !== undefined) await stopRemaining(group, graceMs)
        await drain(lines, [child.stdout, child.stderr])
        resolve({
          ...(code === null ? {} : {exitCode: code}),
          ...(signal === null ? {} : {signal}),
          timedOut,
          interrupted,
          durationMs: Date.now() - started,
        })
      })()
    })
  })
}

const POLL_MS = 50

/** SIGTERM to what is left of the group, SIGKILL to what is still there after the grace period. */
async function stopRemaining(pgid: number, graceMs: number): Promise<void> {
  if (!groupExists(pgid)) return
  signalGroup(pgid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (groupExists(pgid) && Date.now() < deadline) await sleep(POLL_MS)
  if (groupExists(pgid)) signalGroup(pgid, 'SIGKILL')
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

function readLines(stream: Readable | null, name: OutputStream, onLine: ScriptRunOptions['onLine']): Promise<void> {
  if (!stream) return Promise.resolve()
  const reader = createInterface({input: stream, crlfDelay: Infinity})
  reader.on('line', (line) => onLine?.(line, name))
  return new Promise((resolve) => reader.once('close', resolve))
}

/** Waits for the pipes to end; a background process that escaped the group may hold them open, so not for ever. */
async function drain(lines: Promise<void>[], streams: Array<Readable | null>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, DRAIN_MS)
  })
  await Promise.race([Promise.all(lines), limit])
  clearTimeout(timer)
  for (const stream of streams) stream?.destroy()
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}
