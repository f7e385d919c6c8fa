import {execFile} from 'node:child_process'
import {KIND_INSTALL} from '../runtimes/kind/errors.js'
import type {RuntimeName} from '../runtimes/types.js'
import {RuntimeUnavailableError} from './errors.js'
import {findExecutable} from '../runtimes/shared/find-executable.js'
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
export async function kindAvailable(options: RuntimeProbeOptions = {}): Promise<{available: boolean; reason: string; fix?: string}> {
  const env = options.env ?? process.env
  const extra = options.binDir ? [options.binDir] : []
  const [kind, docker] = await Promise.all([findExecutable('kind', env['PATH'], extra), findExecutable('docker', env['PATH'], extra)])
  if (!kind && !docker) return {available: false, reason: 'no `docker` and no `kind` executable on PATH', fix: `${KIND_INSTALL.docker}\n${KIND_INSTALL.kind}`}
  if (!kind) return {available: false, reason: 'no `kind` executable on PATH', fix: KIND_INSTALL.kind}
  if (!docker) return {available: false, reason: 'no `docker` executable on PATH', fix: KIND_INSTALL.docker}
  const works = await new Promise<boolean>((resolve) => {
    execFile(docker, ['info'], {timeout: options.timeoutMs ?? 3000, env: {...env}}, (error) => resolve(error === null))
  })
  if (!works) {
    return {available: false, reason: '`docker info` fails (is the Docker daemon running?)', fix: 'Start the Docker daemon: `sudo systemctl start docker` (or Docker Desktop); check DOCKER_HOST if you use a remote one.'}
  }
  return {available: true, reason: `kind at ${kind}, Docker answers`}
}

/** The runtime `up` uses, and why, for the user. */
export interface RuntimeDecision {
  runtime: RuntimeName
  /** e.g. "--runtime auto: kind (kind at /usr/local/bin/kind, Docker answers)" */
  reason: string
}

/**
 * --runtime as asked: auto takes kind when Docker answers and kind is installed, else sim, and says
 * which and why; kind without Docker or kind stops here with what to install.
 */
export async function chooseRuntime(choice: RuntimeChoice, options: RuntimeProbeOptions = {}): Promise<RuntimeDecision> {
  if (choice === 'sim') return {runtime: 'sim', reason: '--runtime sim'}
  const kind = await kindAvailable(options)
  if (kind.available) return {runtime: 'kind', reason: `--runtime ${choice}: kind (${kind.reason})`}
  if (choice === 'auto') return {runtime: 'sim', reason: `--runtime auto: sim, because kind cannot run here (${kind.reason}); \`kubelab doctor --runtime kind\` shows what to install`}
  throw new RuntimeUnavailableError(
    `the kind runtime needs Docker and kind: ${kind.reason}.\nFix: ${kind.fix ?? 'install Docker and kind'}\n\`kubelab doctor --runtime kind\` checks everything kind needs; or use --runtime sim.`,
  )
}

export async function resolveRuntime(choice: RuntimeChoice, options: RuntimeProbeOptions = {}): Promise<RuntimeName> {
  return (await chooseRuntime(choice, options)).runtime
}
