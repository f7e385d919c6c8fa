import {execa} from 'execa'
import {KIND_INSTALL, KindPreflightError} from './errors.js'
import {KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE, type KindNodeImage} from './images.js'
import {findExecutable} from '../shared/find-executable.js'

export type Environment = Readonly<Record<string, string | undefined>>

/** What this machine offers the kind runtime. */
export interface KindHost {
  docker: string
  kind: string
  /** e.g. "0.29.0" */
  kindVersion: string
  /** The Docker daemon's version. */
  dockerServerVersion: string
  /** The Docker daemon's cgroup version: what the node containers run on. */
  cgroupVersion: 1 | 2 | undefined
}

export interface KindHostOptions {
  env: Environment
  /** Searched before PATH. */
  binDir?: string
  /** Per command; `docker info` waits for the daemon. Default 10 s. */
  timeoutMs?: number
}

async function run(file: string, args: string[], options: KindHostOptions): Promise<{ok: boolean; stdout: string; problem: string}> {
  const result = await execa(file, args, {env: {...options.env}, extendEnv: false, reject: false, stdin: 'ignore', timeout: options.timeoutMs ?? 10_000})
  const stdout = String(result.stdout ?? '').trim()
  const stderr = String(result.stderr ?? '').trim()
  if (result.timedOut) return {ok: false, stdout, problem: `no answer within ${options.timeoutMs ?? 10_000} ms`}
  if (result.failed) return {ok: false, stdout, problem: (stderr || stdout || result.shortMessage || 'failed').split('\n')[0] ?? 'failed'}
  return {ok: true, stdout, problem: ''}
}

/** `kind version` prints e.g. "kind v0.29.0 go1.24.2 linux/amd64". */
export function parseKindVersion(output: string): string | undefined {
  return /\bkind v(\d+\.\d+\.\d+)/.exec(output)?.[1]
}

export function compareVersions(left: string, right: string): number {
  const parts = (version: string): number[] => (version.split(/[-+]/)[0] ?? '').split('.').map((part) => Number.parseInt(part, 10) || 0)
  const [a, b] = [parts(left), parts(right)]
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return Math.sign(difference)
  }
  return 0
}

/**
 * Docker client, a daemon that answers `docker info`, and a kind binary with a version; throws
 * KindPreflightError naming the fix for the first that is missing.
 */
export async function probeKindHost(options: KindHostOptions): Promise<KindHost> {
  const extra = options.binDir ? [options.binDir] : []
  const [docker, kind] = await Promise.all([findExecutable('docker', options.env['PATH'], extra), findExecutable('kind', options.env['PATH'], extra)])
  if (!docker) throw new KindPreflightError('no `docker` executable on PATH: kind runs each node as a Docker container', KIND_INSTALL.docker)
  if (!kind) throw new KindPreflightError('no `kind` executable on PATH', KIND_INSTALL.kind)
  const [info, version] = await Promise.all([run(docker, ['info', '--format', '{{json .}}'], options), run(kind, ['version'], options)])
  if (!info.ok) {
    const permission = /permission denied/i.test(info.problem)
    throw new KindPreflightError(
      `\`docker info\` fails: ${info.problem}`,
      permission ? 'Let your user use Docker: `sudo usermod -aG docker $USER`, then log in again.' : 'Start the Docker daemon: `sudo systemctl start docker` (or Docker Desktop); check DOCKER_HOST if you use a remote one.',
    )
  }
  const kindVersion = parseKindVersion(version.stdout)
  if (!version.ok || kindVersion === undefined) throw new KindPreflightError(`${kind} does not run as kind (\`kind version\`: ${version.problem || version.stdout || 'no output'})`, KIND_INSTALL.kind)
  const daemon = parseDockerInfo(info.stdout)
  return {docker, kind, kindVersion, dockerServerVersion: daemon.serverVersion, cgroupVersion: daemon.cgroupVersion}
}

/** `docker info --format '{{json .}}'`: ServerVersion and CgroupVersion ("1" or "2", Docker 20.10+). */
export function parseDockerInfo(json: string): {serverVersion: string; cgroupVersion: 1 | 2 | undefined} {
  try {
    const parsed = JSON.parse(json) as {ServerVersion?: unknown; CgroupVersion?: unknown}
    const cgroup = String(parsed.CgroupVersion ?? '')
    return {serverVersion: typeof parsed.ServerVersion === 'string' ? parsed.ServerVersion : 'unknown', cgroupVersion: cgroup === '1' ? 1 : cgroup === '2' ? 2 : undefined}
  } catch {
    return {serverVersion: 'unknown', cgroupVersion: undefined}
  }
}

/**
 * Whether this kind and this Docker host can run the image, per kind's release notes:
 * - images built before kind v0.20 (the 1.19 image) run with kind older than v0.20, or on a cgroup v2
 *   host with newer kind — never with kind ≥ v0.20 on cgroup v1;
 * - images built by kind ≥ v0.20 need kind ≥ v0.20;
 * - Kubernetes 1.35+ kubelets refuse cgroup v1 hosts (KEP-5573).
 * Returns notes (warnings) when it can run; throws KindPreflightError when it cannot.
 */
export function checkImageRunsHere(image: KindNodeImage, host: KindHost, standInHint: boolean): string[] {
  const notes: string[] = []
  const oldFormat = image.builtByKind !== 'unknown' && compareVersions(image.builtByKind, KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE) < 0
  const newKind = compareVersions(host.kindVersion, KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE) >= 0
  const alternatives = standInHint
    ? ' Or run this scenario with --insecure-port-stand-in (Kubernetes 1.34 with a kubectl-proxy stand-in for the insecure port), or with --runtime sim, which serves the real insecure port.'
    : ''
  if (oldFormat && newKind && host.cgroupVersion !== 2) {
    throw new KindPreflightError(
      `${image.reference} (Kubernetes ${image.kubernetesVersion}, built by kind v${image.builtByKind}) does not start with kind v${host.kindVersion} on this ${host.cgroupVersion === 1 ? 'cgroup v1' : 'cgroup-unknown'} Docker host: from v${KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE}, kind runs images built before v${KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE} only on cgroup v2 hosts`,
      `Use kind v${image.builtByKind} for this lab (\`go install sigs.k8s.io/kind@v${image.builtByKind}\`), or a host booted with cgroup v2 (systemd.unified_cgroup_hierarchy=1).${alternatives}`,
    )
  }
  if (!oldFormat && image.builtByKind !== 'unknown' && !newKind) {
    throw new KindPreflightError(
      `kind v${host.kindVersion} is too old for ${image.reference}, which kind v${image.builtByKind} built (node images from kind v${KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE} on need kind v${KIND_CGROUP_V1_IMAGE_FORMAT_CHANGE} or newer)`,
      KIND_INSTALL.kind,
    )
  }
  const minor = Number(image.kubernetesVersion.split('.')[1])
  if (minor >= 35 && host.cgroupVersion === 1) {
    throw new KindPreflightError(
      `Kubernetes ${image.kubernetesVersion} kubelets refuse to start on cgroup v1 hosts, and this Docker host runs cgroup v1`,
      'Boot the host with cgroup v2 (systemd.unified_cgroup_hierarchy=1), or use a node image of Kubernetes 1.34 or older.',
    )
  }
  if (image.builtByKind !== 'unknown' && compareVersions(host.kindVersion, image.builtByKind) < 0 && !oldFormat) {
    notes.push(`kind v${host.kindVersion} is older than v${image.builtByKind}, which built ${image.reference}; kind supports node images with the release that built them (others best effort). If the cluster does not start, install kind v${image.builtByKind}.`)
  }
  return notes
}

/** Whether Docker has the image, or can fetch it; throws when it has not and cannot. */
export async function nodeImageAvailability(host: KindHost, reference: string, options: KindHostOptions): Promise<'present' | 'pullable' | 'unknown'> {
  const local = await run(host.docker, ['image', 'inspect', '--format', '{{.Id}}', reference], options)
  if (local.ok) return 'present'
  const remote = await run(host.docker, ['manifest', 'inspect', reference], {...options, timeoutMs: Math.max(options.timeoutMs ?? 10_000, 15_000)})
  if (remote.ok) return 'pullable'
  // Clients where `docker manifest` is experimental and off cannot ask; kind will try the pull itself.
  if (/is not a docker command|experimental/i.test(remote.problem)) return 'unknown'
  throw new KindPreflightError(
    `the node image ${reference} is not in Docker and the registry does not answer for it (${remote.problem})`,
    `On a machine with access: \`docker pull ${reference}\` then \`docker save\` it, and \`docker load\` it here; or connect this machine to Docker Hub.`,
  )
}
