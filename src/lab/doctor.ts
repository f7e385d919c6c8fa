import {access, stat} from 'node:fs/promises'
import {createServer} from 'node:net'
import path from 'node:path'
import {execa} from 'execa'
import {KindPreflightError} from '../runtimes/kind/errors.js'
import {checkImageRunsHere, probeKindHost} from '../runtimes/kind/host.js'
import {KIND_NODE_IMAGES} from '../runtimes/kind/images.js'
import {DEFAULT_PORTS} from '../target/types.js'
import {findExecutable} from '../runtimes/shared/find-executable.js'

export type Runtime = 'sim' | 'kind'
export type RuntimeChoice = Runtime | 'auto'
export const RUNTIME_CHOICES: readonly RuntimeChoice[] = ['auto', 'sim', 'kind']

/** ok: present and usable; missing: absent or unusable; warn: usable, with something to know. */
export type FindingStatus = 'ok' | 'missing' | 'warn'

export interface DoctorFinding {
  id: string
  title: string
  status: FindingStatus
  /** What was found, e.g. "3.4.23 at /usr/bin/etcd", or why it is missing. */
  detail: string
  /** How to fix it; set whenever status is not ok. */
  fix?: string
  /** Runtimes that cannot work while this is missing. */
  neededBy: Runtime[]
}

export interface RuntimeReadiness {
  runtime: Runtime
  ready: boolean
  /** Titles of the missing findings this runtime needs. */
  missing: string[]
}

export interface DoctorReport {
  runtime: RuntimeChoice
  /** For sim/kind: that runtime is ready; for auto: at least one is. */
  ready: boolean
  runtimes: RuntimeReadiness[]
  findings: DoctorFinding[]
}

export interface DoctorOptions {
  runtime?: RuntimeChoice
  /** Searched before PATH for every tool (e.g. an unpacked etcd release). */
  binDir?: string
  /** Environment for lookups (PATH) and for the commands run (DOCKER_HOST...). Default: this process's. */
  env?: Readonly<Record<string, string | undefined>>
  /** Default: this process's Node version. */
  nodeVersion?: string
  /** Default: /sys/fs/cgroup. */
  cgroupRoot?: string
  /** Ports that a lab listens on by default. */
  ports?: readonly number[]
  /** Default: 127.0.0.1, where labs bind. */
  host?: string
  /** Per command (`docker info` waits for the daemon). Default 3000 ms. */
  commandTimeoutMs?: number
}

export const MINIMUM_NODE_VERSION = '20.19.0'
/** etcd's /v3 JSON gateway path (used by the sim runtime and the probes) arrived in 3.4; 3.3 served /v3beta. */
export const MINIMUM_ETCD_VERSION = '3.4.0'
export const LAB_PORTS: readonly number[] = [
  DEFAULT_PORTS.apiserverSecure,
  DEFAULT_PORTS.apiserverInsecure,
  DEFAULT_PORTS.etcdClient,
  DEFAULT_PORTS.etcdPeer,
  DEFAULT_PORTS.kubelet,
  DEFAULT_PORTS.kubeletReadOnly,
]

/** --bin-dir names a folder that is not there: a usage error, not a finding. */
export class BinDirNotFoundError extends Error {
  readonly flag = '--bin-dir'
  constructor(readonly folder: string) {
    super(`--bin-dir ${folder}: no such folder`)
    this.name = 'BinDirNotFoundError'
  }
}

/** Checks this machine for what the lab runtimes need, each finding with a fix. Never throws for a missing tool. */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const env = options.env ?? process.env
  const binDir = options.binDir === undefined ? undefined : path.resolve(options.binDir)
  if (binDir !== undefined && !(await isDirectory(binDir))) throw new BinDirNotFoundError(binDir)
  const context: ProbeContext = {
    env,
    extraDirs: binDir === undefined ? [] : [binDir],
    timeoutMs: options.commandTimeoutMs ?? 3000,
  }
  const host = options.host ?? '127.0.0.1'
  const [etcd, docker, kind, kubectl, cgroup, ...ports] = await Promise.all([
    checkEtcd(context),
    checkDocker(context),
    checkKind(context),
    checkKubectl(context),
    checkCgroup(options.cgroupRoot ?? '/sys/fs/cgroup'),
    ...(options.ports ?? LAB_PORTS).map((port) => checkPortFree(host, port)),
  ])
  const kindReady = kind.status === 'ok' && docker.every((finding) => finding.status === 'ok')
  const images = kindReady ? await checkKindImages(context) : []
  const findings = [checkNode(options.nodeVersion ?? process.versions.node), etcd, ...docker, kind, ...images, kubectl, cgroup, ...ports]
  const runtimes = (['sim', 'kind'] as const).map((runtime): RuntimeReadiness => {
    const missing = findings.filter((finding) => finding.status === 'missing' && finding.neededBy.includes(runtime)).map((finding) => finding.title)
    return {runtime, ready: missing.length === 0, missing}
  })
  const runtime = options.runtime ?? 'auto'
  const ready = runtime === 'auto' ? runtimes.some((item) => item.ready) : runtimes.some((item) => item.runtime === runtime && item.ready)
  return {runtime, ready, runtimes, findings}
}

type FindingBase = Pick<DoctorFinding, 'id' | 'title' | 'neededBy'>

interface ProbeContext {
  env: Readonly<Record<string, string | undefined>>
  extraDirs: string[]
  timeoutMs: number
}

interface CommandOutcome {
  ok: boolean
  stdout: string
  /** First meaningful line of what went wrong. */
  problem: string
}

async function runTool(file: string, args: string[], context: ProbeContext): Promise<CommandOutcome> {
  const result = await execa(file, args, {
    env: context.env,
    extendEnv: false,
    timeout: context.timeoutMs,
    reject: false,
    stdin: 'ignore',
  })
  const stderr = String(result.stderr ?? '').trim()
  const stdout = String(result.stdout ?? '').trim()
  if (result.timedOut) return {ok: false, stdout, problem: `no answer within ${context.timeoutMs} ms`}
  if (result.failed) {
    const firstLine = (stderr || stdout || result.shortMessage || 'failed').split('\n')[0] ?? 'failed'
    return {ok: false, stdout, problem: firstLine}
  }
  return {ok: true, stdout, problem: ''}
}

export function checkNode(version: string): DoctorFinding {
  const base: FindingBase = {id: 'node', title: 'Node.js', neededBy: ['sim', 'kind']}
  if (compareVersions(version, MINIMUM_NODE_VERSION) >= 0) {
    return {...base, status: 'ok', detail: `${version} (needs ${MINIMUM_NODE_VERSION} or later)`}
  }
  return {
    ...base,
    status: 'missing',
    detail: `${version} is older than ${MINIMUM_NODE_VERSION}`,
    fix: 'Install Node.js 20.19 or later, e.g. `nvm install 20` (https://nodejs.org/en/download).',
  }
}

async function checkEtcd(context: ProbeContext): Promise<DoctorFinding> {
  const base: FindingBase = {id: 'etcd', title: 'etcd', neededBy: ['sim']}
  const fix =
    'Install etcd: `apt-get install etcd-server` (Debian/Ubuntu), or unpack a release from https://github.com/etcd-io/etcd/releases and pass --bin-dir to its folder.'
  const file = await findExecutable('etcd', context.env.PATH, context.extraDirs)
  if (!file) return {...base, status: 'missing', detail: notFound('etcd', context), fix}
  // `etcd --version` prints "etcd Version: 3.4.23" then Git SHA, Go version and OS/Arch lines.
  const outcome = await runTool(file, ['--version'], context)
  const version = /etcd Version:\s*v?(\d+\.\d+\.\d+)/.exec(outcome.stdout)?.[1]
  if (!outcome.ok || !version) {
    return {...base, status: 'missing', detail: `${file} does not run: ${outcome.problem || 'no version in its output'}`, fix}
  }
  if (compareVersions(version, MINIMUM_ETCD_VERSION) < 0) {
    return {
      ...base,
      status: 'warn',
      detail: `${version} at ${file} is older than ${MINIMUM_ETCD_VERSION}; its JSON gateway is /v3beta, not /v3`,
      fix: `Install etcd ${MINIMUM_ETCD_VERSION} or later and pass --bin-dir to its folder.`,
    }
  }
  return {...base, status: 'ok', detail: `${version} at ${file}`}
}

/** The docker client, then the daemon it talks to (`docker info`), which kind needs to create node containers. */
async function checkDocker(context: ProbeContext): Promise<[DoctorFinding, DoctorFinding]> {
  const client: FindingBase = {id: 'docker', title: 'Docker client', neededBy: ['kind']}
  const daemon: FindingBase = {id: 'docker-daemon', title: 'Docker daemon', neededBy: ['kind']}
  const file = await findExecutable('docker', context.env.PATH, context.extraDirs)
  if (!file) {
    return [
      {
        ...client,
        status: 'missing',
        detail: notFound('docker', context),
        fix: 'Install Docker: `apt-get install docker.io` (Debian/Ubuntu), or Docker Engine from https://docs.docker.com/engine/install/.',
      },
      {...daemon, status: 'missing', detail: 'not checked: no docker client', fix: 'Install the Docker client first.'},
    ]
  }
  const [clientVersion, info] = await Promise.all([
    runTool(file, ['version', '--format', '{{.Client.Version}}'], context),
    runTool(file, ['info', '--format', '{{.ServerVersion}}'], context),
  ])
  const clientFinding: DoctorFinding = {
    ...client,
    status: 'ok',
    detail: `${clientVersion.stdout.split('\n')[0] || 'version unknown'} at ${file}`,
  }
  if (info.ok && info.stdout.length > 0) return [clientFinding, {...daemon, status: 'ok', detail: `server ${info.stdout.split('\n')[0]}`}]
  const permission = /permission denied/i.test(info.problem)
  return [
    clientFinding,
    {
      ...daemon,
      status: 'missing',
      detail: info.problem || 'no server version in `docker info`',
      fix: permission
        ? 'Let your user use Docker: `sudo usermod -aG docker $USER`, then log in again.'
        : 'Start the daemon: `sudo systemctl start docker` (or start Docker Desktop); check DOCKER_HOST if you use a remote one.',
    },
  ]
}

async function checkKind(context: ProbeContext): Promise<DoctorFinding> {
  const base: FindingBase = {id: 'kind', title: 'kind', neededBy: ['kind']}
  const fix = 'Install kind: `go install sigs.k8s.io/kind@latest`, or a release binary from https://kind.sigs.k8s.io/docs/user/quick-start/#installation.'
  const file = await findExecutable('kind', context.env.PATH, context.extraDirs)
  if (!file) return {...base, status: 'missing', detail: notFound('kind', context), fix}
  // `kind version` prints e.g. "kind v0.20.0 go1.20.4 linux/amd64".
  const outcome = await runTool(file, ['version'], context)
  const version = /\bv(\d+\.\d+\.\d+\S*)/.exec(outcome.stdout)?.[1]
  if (!outcome.ok) return {...base, status: 'missing', detail: `${file} does not run: ${outcome.problem}`, fix}
  return {...base, status: 'ok', detail: `${version ?? 'version unknown'} at ${file}`}
}

/**
 * For each node image kubelab pins: can this kind on this Docker host run it (the rules `up` applies
 * in preflight), and is it in Docker already. A warning only: each concerns some scenarios.
 */
async function checkKindImages(context: ProbeContext): Promise<DoctorFinding[]> {
  const host = await probeKindHost({env: context.env, ...(context.extraDirs[0] ? {binDir: context.extraDirs[0]} : {}), timeoutMs: context.timeoutMs}).catch(() => undefined)
  if (!host) return []
  return Promise.all(
    KIND_NODE_IMAGES.map(async (image): Promise<DoctorFinding> => {
      const base: FindingBase = {id: `kind-image-${image.kubernetesVersion}`, title: `kind node image ${image.kubernetesVersion}`, neededBy: []}
      try {
        const notes = checkImageRunsHere(image, host, image.kubernetesVersion.startsWith('1.19.'))
        const local = await runTool(host.docker, ['image', 'inspect', '--format', '{{.Id}}', image.reference], context)
        const where = local.ok ? 'in Docker already' : 'not in Docker yet: the first `up` that needs it pulls it from the registry'
        return notes.length > 0 ? {...base, status: 'warn', detail: `${image.reference}: ${where}`, fix: notes.join(' ')} : {...base, status: 'ok', detail: `${image.reference}: runs here, ${where}`}
      } catch (error) {
        if (!(error instanceof KindPreflightError)) throw error
        return {...base, status: 'warn', detail: error.problem, fix: error.fix}
      }
    }),
  )
}

/** kubectl is what learners type in the kind lessons; no runtime needs it to start. */
async function checkKubectl(context: ProbeContext): Promise<DoctorFinding> {
  const base: FindingBase = {id: 'kubectl', title: 'kubectl', neededBy: []}
  const fix = 'Install kubectl: https://kubernetes.io/docs/tasks/tools/ (the kind lessons use it).'
  const file = await findExecutable('kubectl', context.env.PATH, context.extraDirs)
  if (!file) return {...base, status: 'warn', detail: notFound('kubectl', context), fix}
  // `kubectl version --client -o json` prints {"clientVersion": {"gitVersion": "v1.32.4", ...}, ...}.
  const outcome = await runTool(file, ['version', '--client', '-o', 'json'], context)
  if (!outcome.ok) return {...base, status: 'warn', detail: `${file} does not run: ${outcome.problem}`, fix}
  return {...base, status: 'ok', detail: `${kubectlVersion(outcome.stdout) ?? 'version unknown'} at ${file}`}
}

function kubectlVersion(output: string): string | undefined {
  try {
    const parsed = JSON.parse(output) as {clientVersion?: {gitVersion?: unknown}}
    const version = parsed.clientVersion?.gitVersion
    return typeof version === 'string' ? version : undefined
  } catch {
    return /v\d+\.\d+\.\d+\S*/.exec(output)?.[0]
  }
}

/**
 * cgroup v2 has /sys/fs/cgroup/cgroup.controllers (the kernel docs' own test). Kubernetes 1.35 kubelets refuse to
 * start on cgroup v1 unless failCgroupV1 is false (KEP-5573), which matters for recent kind node images.
 */
export async function checkCgroup(cgroupRoot: string): Promise<DoctorFinding> {
  const base: FindingBase = {id: 'cgroup', title: 'cgroup version', neededBy: []}
  if (await exists(path.join(cgroupRoot, 'cgroup.controllers'))) return {...base, status: 'ok', detail: 'v2'}
  const fix = 'Boot with cgroup v2 (kernel parameter systemd.unified_cgroup_hierarchy=1); until then use kind node images older than Kubernetes 1.35.'
  if (await exists(cgroupRoot)) {
    const hybrid = await exists(path.join(cgroupRoot, 'unified'))
    return {...base, status: 'warn', detail: `v1${hybrid ? ' (hybrid)' : ''}: Kubernetes 1.35+ kubelets refuse cgroup v1 by default`, fix}
  }
  return {...base, status: 'warn', detail: `${cgroupRoot} does not exist; cgroup version unknown`, fix}
}

/** Whether this machine could listen on host:port now; a busy port would collide with a lab's default. */
export async function checkPortFree(host: string, port: number): Promise<DoctorFinding> {
  const base: FindingBase = {id: `port-${port}`, title: `port ${port}`, neededBy: []}
  const problem = await new Promise<string | undefined>((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    server.listen({host, port, exclusive: true}, () => server.close(() => resolve(undefined)))
  })
  if (problem === undefined) return {...base, status: 'ok', detail: `free on ${host}`}
  const busy = problem === 'EADDRINUSE'
  return {
    ...base,
    status: 'warn',
    detail: busy ? `in use on ${host}` : `cannot listen on ${host}:${port} (${problem})`,
    fix: busy
      ? `Stop what listens on ${host}:${port} (\`ss -ltnp 'sport = :${port}'\` shows it; a lab still running?), or give the lab other ports.`
      : `Check that ${host} is a local address you may listen on.`,
  }
}

/** Compares dotted numeric versions ("20.19.0" vs "20.20.2"); a suffix like "-0" or "+dfsg" is ignored. */
export function compareVersions(left: string, right: string): number {
  const parts = (version: string): number[] => (version.replace(/^v/, '').split(/[-+]/)[0] ?? '').split('.').map((part) => Number.parseInt(part, 10) || 0)
  const a = parts(left)
  const b = parts(right)
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return Math.sign(difference)
  }
  return 0
}

function notFound(tool: string, context: ProbeContext): string {
  return `${tool} not found on PATH${context.extraDirs.length > 0 ? ` or in ${context.extraDirs.join(', ')}` : ''}`
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file)
    return true
  } catch {
    return false
  }
}

async function isDirectory(folder: string): Promise<boolean> {
  try {
    return (await stat(folder)).isDirectory()
  } catch {
    return false
  }
}
