import {execa} from 'execa'
import {KindCommandError, KindCreateError} from './errors.js'
import type {Environment} from './host.js'

/** One line of kind's progress: a stage started, finished or failed. */
export interface KindStage {
  state: 'started' | 'done' | 'failed'
  /** e.g. "Ensuring node image (kindest/node:v1.34.0)" */
  stage: string
}

/**
 * kind's status lines (pkg/internal/cli/status.go). Without a terminal it prints " • <stage>  ..."
 * when a stage starts, and " ✓ <stage>" or " ✗ <stage>" when it ends; each stage ends in an emoji.
 */
export function parseKindStatusLine(line: string): KindStage | undefined {
  const match = /^\s*(?:\x1b\[\d+m)?([•✓✗])(?:\x1b\[0m)?\s+(.*?)\s*$/u.exec(line)
  if (!match) return undefined
  const stage = (match[2] ?? '')
    .replace(/\s*\.\.\.$/, '')
    .replace(/[\s\p{Extended_Pictographic}\uFE0F\u200D]+$/u, '')
    .trim()
  const state = match[1] === '•' ? 'started' : match[1] === '✓' ? 'done' : 'failed'
  return {state, stage}
}

export interface KindCliOptions {
  kind: string
  env: Environment
}

export interface CreateClusterRequest {
  cluster: string
  image: string
  config: string
  /** kind writes the cluster's kubeconfig here instead of merging it into ~/.kube/config. */
  kubeconfig: string
  signal?: AbortSignal
  onStage?: (stage: KindStage) => void
}

/** The argv of `kind create cluster` for a lab; the config goes in on stdin. */
export function createClusterArgs(request: Pick<CreateClusterRequest, 'cluster' | 'image' | 'kubeconfig'>): string[] {
  return ['create', 'cluster', '--config', '-', '--name', request.cluster, '--image', request.image, '--wait', '0s', '--kubeconfig', request.kubeconfig]
}

const OUTPUT_TAIL_LINES = 25

/**
 * `kind create cluster`, reporting each stage as kind prints it. Aborting kills kind; the caller
 * deletes the half-made cluster. Rejects with KindCreateError carrying kind's last output lines.
 */
export async function createCluster(options: KindCliOptions, request: CreateClusterRequest): Promise<void> {
  const subprocess = execa(options.kind, createClusterArgs(request), {
    env: {...options.env},
    extendEnv: false,
    input: request.config,
    reject: false,
    all: true,
    ...(request.signal ? {cancelSignal: request.signal} : {}),
  })
  let pending = ''
  let failedStage: string | undefined
  let lastStage: string | undefined
  const onLine = (line: string): void => {
    const parsed = parseKindStatusLine(line)
    if (!parsed) return
    if (parsed.state === 'failed') failedStage = parsed.stage
    lastStage = parsed.stage
    request.onStage?.(parsed)
  }
  subprocess.stderr?.on('data', (chunk: Buffer | string) => {
    pending += String(chunk)
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    lines.forEach(onLine)
  })
  const result = await subprocess
  if (pending !== '') onLine(pending)
  if (result.isCanceled) throw request.signal?.reason ?? new Error('kind create cluster was cancelled')
  if (result.failed) {
    const output = String(result.all ?? result.message)
      .trim()
      .split('\n')
      .slice(-OUTPUT_TAIL_LINES)
      .join('\n')
    throw new KindCreateError(request.cluster, failedStage ?? lastStage, output)
  }
}

/** `kind delete cluster`: kind succeeds when the cluster is already gone. */
export async function deleteCluster(options: KindCliOptions, cluster: string, kubeconfig: string): Promise<void> {
  const args = ['delete', 'cluster', '--name', cluster, '--kubeconfig', kubeconfig]
  const result = await execa(options.kind, args, {env: {...options.env}, extendEnv: false, reject: false, stdin: 'ignore', all: true, timeout: 120_000})
  if (result.failed) throw new KindCommandError(`kind ${args.join(' ')}`, String(result.all ?? result.message).trim().split('\n').slice(-5).join(' | '))
}

/** `kind get kubeconfig --name N`: the admin kubeconfig for the host (server https://<apiServerAddress>:<port>). */
export async function getKubeconfig(options: KindCliOptions, cluster: string, signal?: AbortSignal): Promise<string> {
  const args = ['get', 'kubeconfig', '--name', cluster]
  const result = await execa(options.kind, args, {env: {...options.env}, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000, ...(signal ? {cancelSignal: signal} : {})})
  if (result.isCanceled) throw signal?.reason ?? new Error('kind get kubeconfig was cancelled')
  if (result.failed) throw new KindCommandError(`kind ${args.join(' ')}`, String(result.stderr ?? result.message).trim().split('\n').slice(-5).join(' | '))
  return String(result.stdout)
}
