import {execFile} from 'node:child_process'
import type {RuntimeName} from '../runtimes/types.js'
import {RuntimeUnavailableError} from './errors.js'
import {findExecutable} from './find-executable.js'
import type {Environment} from './home.js'

export type RuntimeChoice = RuntimeName | 'auto'
export const UP_RUNTIME_CHOICES: readonly RuntimeChoice[] = ['auto', 'sim', 'kind']

export interface RuntimeProbeOptions {
  binDir?: string
  env?: Environment
  /** `docker info` waits for the daemon; default 3 s. */
  timeoutMs?: number
}

/** Whether kind can run here: `docker info` answers and a `kind` executable is found. */
export async function kindAvailable(options: RuntimeProbeOptions = {}): Promise<{available: boolean; reason: string}> {
  const env = options.env ?? process.env
  const extra = options.binDir ? [options.binDir] : []
  const [kind, docker] = await Promise.all([findExecutable('kind', env['PATH'], extra), findExecutable('docker', env['PATH'], extra)])
  if (!kind) return {available: false, reason: 'no `kind` executable on PATH'}
  if (!docker) return {available: false, reason: 'no `docker` executable on PATH'}
  const works = await new Promise<boolean>((resolve) => {
    execFile(docker, ['info'], {timeout: options.timeoutMs ?? 3000, env: {...env}}, (error) => resolve(error === null))
  })
  if (!works) return {available: false, reason: '`docker info` fails (is the Docker daemon running?)'}
  return {available: true, reason: `kind at ${kind}, Docker answers`}
}

/**
 * --runtime as asked: auto takes kind when Docker answers and kind is installed, else sim.
 * kind labs are not implemented yet, so choosing kind (or auto landing on it) explains that.
 */
export async function resolveRuntime(choice: RuntimeChoice, options: RuntimeProbeOptions = {}): Promise<RuntimeName> {
  if (choice === 'sim') return 'sim'
  const kind = await kindAvailable(options)
  if (choice === 'auto' && !kind.available) return 'sim'
  if (choice === 'kind' && !kind.available) {
    throw new RuntimeUnavailableError(
      `the kind runtime needs Docker and kind: ${kind.reason}. Install both (kubelab doctor --runtime kind shows what is missing), or use --runtime sim.`,
    )
  }
  throw new RuntimeUnavailableError(
    `the kind runtime is not part of this kubelab yet (it arrives in a later release)${choice === 'auto' ? '; --runtime auto picked it because Docker and kind are installed' : ''}. Use --runtime sim.`,
  )
}
