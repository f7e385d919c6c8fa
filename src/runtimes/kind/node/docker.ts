import {execa, type Options} from 'execa'
import type {KindNodeConnection} from '../types.js'
import {DockerDaemonUnavailableError, DockerNotInstalledError, NodeContainerNotRunningError} from './errors.js'

/** The docker client on PATH with this process's environment (DOCKER_HOST, DOCKER_CONTEXT …). */
export function defaultConnection(env: Readonly<Record<string, string | undefined>> = process.env): KindNodeConnection {
  return {docker: 'docker', env}
}

export interface DockerResult<T extends string | Uint8Array> {
  exitCode: number
  stdout: T
  stderr: string
}

export interface DockerCallOptions {
  input?: string
  signal?: AbortSignal
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 60_000

/**
 * Runs `docker ARGS…` about one node container. A non-zero exit of the command inside is returned;
 * the docker client's own failures — no client, no daemon, no such or stopped container — reject
 * with typed errors. The client reports those with exit status 1 and one of these stderr lines
 * (docker/cli 20.10–27): "Error: No such container: X", "Error response from daemon: Container
 * <id> is not running", "… is paused, unpause the container before exec", "Cannot connect to the
 * Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?".
 */
export async function docker(connection: KindNodeConnection, container: string, args: readonly string[], options: DockerCallOptions = {}): Promise<DockerResult<string>> {
  const result = await call(connection, container, args, options, 'utf8')
  return {exitCode: result.exitCode, stdout: String(result.stdout), stderr: result.stderr}
}

/** As docker(), with stdout as bytes (for output framed with control characters). */
export async function dockerBytes(connection: KindNodeConnection, container: string, args: readonly string[], options: DockerCallOptions = {}): Promise<DockerResult<Uint8Array>> {
  const result = await call(connection, container, args, options, 'buffer')
  return {exitCode: result.exitCode, stdout: result.stdout as Uint8Array, stderr: result.stderr}
}

async function call(
  connection: KindNodeConnection,
  container: string,
  args: readonly string[],
  options: DockerCallOptions,
  encoding: 'utf8' | 'buffer',
): Promise<{exitCode: number; stdout: string | Uint8Array; stderr: string}> {
  const execaOptions: Options = {
    env: {...connection.env},
    extendEnv: false,
    reject: false,
    // a file's last newline is part of it
    stripFinalNewline: false,
    encoding,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.input === undefined ? {stdin: 'ignore'} : {input: options.input}),
    ...(options.signal ? {cancelSignal: options.signal} : {}),
  }
  const result = await execa(connection.docker, [...args], execaOptions)
  if (result.failed && result.exitCode === undefined) {
    if ((result as {code?: string}).code === 'ENOENT') throw new DockerNotInstalledError(container, connection.docker)
    if (result.isCanceled) throw options.signal?.reason ?? new Error(`docker ${args[0] ?? ''} was cancelled`)
    if (result.timedOut) throw new Error(`docker ${args.slice(0, 3).join(' ')} … took longer than ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`)
    throw new Error(result.message)
  }
  const stderr = String(result.stderr ?? '')
  const exitCode = result.exitCode ?? 0
  if (exitCode !== 0) throwDockerFailure(container, stderr)
  return {exitCode, stdout: result.stdout as string | Uint8Array, stderr}
}

/** Throws when stderr is the docker client's own complaint rather than the command's. */
export function throwDockerFailure(container: string, stderr: string): void {
  const first = stderr.trimStart().split('\n')[0] ?? ''
  if (/^Error: No such container/i.test(first) || /^Error response from daemon: No such container/i.test(first)) throw new NodeContainerNotRunningError(container, 'missing')
  if (/^Error response from daemon: Container \S+ is paused/i.test(first)) throw new NodeContainerNotRunningError(container, 'paused')
  if (/^Error response from daemon: Container \S+ is (not running|restarting)/i.test(first)) throw new NodeContainerNotRunningError(container, 'stopped')
  if (/^Cannot connect to the Docker daemon/i.test(first)) throw new DockerDaemonUnavailableError(container, first.trim())
  if (/permission denied while trying to connect to the Docker daemon/i.test(first)) throw new DockerDaemonUnavailableError(container, 'permission denied on its socket')
}
