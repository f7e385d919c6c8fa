import {existsSync} from 'node:fs'
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {printable} from '../../report/evidence.js'
import {labEnvironment, shellQuote} from '../env.js'
import {KUBELAB_HOME_ENV, type Environment} from '../home.js'
import type {Lab} from '../registry.js'

export const DEFAULT_COMMAND_TIMEOUT_MS = 20_000
export const DEFAULT_OUTPUT_LINES = 40
const OUTPUT_LINE_CHARS = 400

export interface CommandRun {
  exitCode: number | undefined
  /** stdout and stderr as they interleaved, control characters escaped, capped. */
  output: string
  /** Lines left out of `output`. */
  omittedLines: number
  timedOut: boolean
  durationMs: number
}

export interface CommandRunnerOptions {
  env?: Environment
  timeoutMs?: number
  maxLines?: number
  /**
   * How to run this CLI as `kubelab` inside the command, e.g. [process.execPath, '<package>/bin/run.js'].
   * Default: this package's bin/run.js when it exists; otherwise `kubelab` is whatever PATH finds.
   */
  kubelabCommand?: readonly string[]
  signal?: AbortSignal
}

/**
 * Runs lesson commands against a lab: `bash -c` with the lab's `kubelab env` variables exported and a
 * PATH whose first folder holds a `kubelab` that runs this very CLI. close() removes that folder.
 */
export interface CommandRunner {
  run(script: string): Promise<CommandRun>
  close(): Promise<void>
}

export async function commandRunner(lab: Lab, options: CommandRunnerOptions = {}): Promise<CommandRunner> {
  const base = options.env ?? process.env
  const shimDir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-learn-'))
  const kubelab = options.kubelabCommand ?? defaultKubelabCommand()
  if (kubelab) {
    const shim = path.join(shimDir, 'kubelab')
    await writeFile(shim, `#!/bin/sh\nexec ${kubelab.map(shellQuote).join(' ')} "$@"\n`)
    await chmod(shim, 0o755)
  }
  return {
    async run(script: string): Promise<CommandRun> {
      const env: Record<string, string> = {}
      for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value
      for (const variable of await labEnvironment(lab)) {
        if (variable.value === undefined) delete env[variable.name]
        else env[variable.name] = variable.value
      }
      env[KUBELAB_HOME_ENV] = path.dirname(path.dirname(lab.dir))
      env['PATH'] = [shimDir, base['PATH'] ?? ''].filter(Boolean).join(path.delimiter)
      const started = Date.now()
      const result = await execa('bash', ['-c', script], {
        env,
        extendEnv: false,
        all: true,
        reject: false,
        stdin: 'ignore',
        timeout: options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
        ...(options.signal ? {cancelSignal: options.signal} : {}),
        maxBuffer: 4 * 1024 * 1024,
        stripFinalNewline: true,
      })
      const {output, omittedLines} = capOutput(result.all ?? '', options.maxLines ?? DEFAULT_OUTPUT_LINES)
      return {exitCode: result.exitCode, output, omittedLines, timedOut: result.timedOut, durationMs: Date.now() - started}
    },
    close: () => rm(shimDir, {recursive: true, force: true}),
  }
}

/** The first `maxLines` lines, each at most OUTPUT_LINE_CHARS long, with terminal escapes made visible. */
export function capOutput(text: string, maxLines: number): {output: string; omittedLines: number} {
  const lines = text === '' ? [] : text.split('\n')
  const shown = lines.slice(0, maxLines).map((line) => {
    const clean = printable(line.replace(/\r$/, ''))
    return clean.length > OUTPUT_LINE_CHARS ? `${clean.slice(0, OUTPUT_LINE_CHARS - 1)}…` : clean
  })
  return {output: shown.join('\n'), omittedLines: Math.max(0, lines.length - maxLines)}
}

/** node <package>/bin/run.js, the package being the folder three levels above this module (src/ or dist/). */
function defaultKubelabCommand(): string[] | undefined {
  const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
  const bin = path.join(packageRoot, 'bin', 'run.js')
  return existsSync(bin) ? [process.execPath, bin] : undefined
}
