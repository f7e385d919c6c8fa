import {spawn, type StdioOptions} from 'node:child_process'
import os from 'node:os'
import {execa} from 'execa'
import type {FileInfo, NodeAccess, ProcessInfo} from '../../../target/types.js'
import type {KindExecOptions, KindExecResult, KindNode, KindNodeConnection} from '../types.js'
import {defaultConnection, docker, dockerBytes} from './docker.js'
import {DockerNotInstalledError, NodeCommandError, NodeContainerNotRunningError} from './errors.js'
import {parseProcessListing} from './processes.js'
import {inspectedContainer, NodeRestartError, pollFor} from './restart.js'
import {LIST_DIR, MISSING, PROCESSES, READ_FILE, STAT, WRITE_FILE} from './scripts.js'

/** How `run` connects the command to this terminal. */
export interface NodeRunOptions {
  /** Keep standard input open (`docker exec -i`). Default true. */
  interactive?: boolean
  /** Allocate a terminal (`docker exec -t`). Default: when this process's stdin and stdout are terminals. */
  tty?: boolean
  /** Variables set for the command inside the node. */
  env?: Readonly<Record<string, string>>
  /** Where the docker client's stdin, stdout and stderr go. Default: this terminal. */
  stdio?: StdioOptions
}

export interface KubeletRestartResult {
  /** systemd's MainPID of the kubelet before and after; undefined when none ran. */
  stoppedPid: number | undefined
  pid: number
}

export interface StaticPodRestartResult {
  /** The container's process before and after, as the node sees it. */
  stoppedPid: number
  pid: number
  /** The new container's attempt number: how often the kubelet has started this pod's container. */
  restarts: number
}

const KUBELET_RESTART_TIMEOUT_MS = 60_000
const STATIC_POD_RESTART_TIMEOUT_MS = 60_000

/**
 * A kind node container reached through the docker client: the auditor's read access (NodeAccess),
 * the kind runtime's post-create steps (KindNode) and the lab commands' writes, runs, restarts and
 * logs. Everything goes through `docker exec`, as a learner would type it, so it works against
 * kindest/node images and the test fixture alike; see scripts.ts for the shell each call runs.
 */
export class DockerNodeAccess implements NodeAccess, KindNode {
  readonly description: string

  constructor(
    readonly container: string,
    private readonly connection: KindNodeConnection = defaultConnection(),
  ) {
    this.description = `kind node container ${container}`
  }

  async readFile(nodePath: string): Promise<string | undefined> {
    const result = await this.script(READ_FILE, [nodePath])
    if (result.exitCode === MISSING) return undefined
    if (result.exitCode !== 0) throw new NodeCommandError(this.container, `reading ${nodePath}`, result.exitCode, result.stderr)
    return result.stdout
  }

  async stat(nodePath: string): Promise<FileInfo | undefined> {
    const result = await this.script(STAT, [nodePath])
    if (result.exitCode === MISSING) return undefined
    const match = /^([0-7]+) (\d+) (\d+) (.+)$/.exec(result.stdout.trim())
    if (result.exitCode !== 0 || !match) throw new NodeCommandError(this.container, `stat ${nodePath}`, result.exitCode, result.stderr || result.stdout)
    return {mode: parseInt(match[1] as string, 8) & 0o7777, uid: Number(match[2]), gid: Number(match[3]), isDirectory: match[4] === 'directory'}
  }

  async listDir(nodePath: string): Promise<string[] | undefined> {
    const result = await this.script(LIST_DIR, [nodePath])
    if (result.exitCode === MISSING) return undefined
    if (result.exitCode !== 0) throw new NodeCommandError(this.container, `listing ${nodePath}`, result.exitCode, result.stderr)
    return result.stdout
      .split('\n')
      .filter((name) => name !== '')
      .sort()
  }

  /** The node container's own processes, from its /proc: the kubelet, containerd and every static pod's process. */
  async processes(): Promise<ProcessInfo[]> {
    const result = await dockerBytes(this.connection, this.container, ['exec', this.container, 'sh', '-c', PROCESSES])
    if (result.exitCode !== 0) throw new NodeCommandError(this.container, 'listing processes', result.exitCode, result.stderr)
    return parseProcessListing(result.stdout)
  }

  async writeFile(nodePath: string, text: string, options: {mode?: number} = {}): Promise<void> {
    const mode = (options.mode ?? 0o600).toString(8)
    const result = await docker(this.connection, this.container, ['exec', '-i', this.container, 'sh', '-c', WRITE_FILE, 'sh', nodePath, mode], {input: text})
    if (result.exitCode !== 0) throw new NodeCommandError(this.container, `writing ${nodePath}`, result.exitCode, result.stderr)
  }

  /** Runs argv in the node and captures its output; a non-zero exit is returned, not thrown. */
  exec(argv: readonly string[], options: KindExecOptions = {}): Promise<KindExecResult> {
    return docker(this.connection, this.container, ['exec', ...(options.stdin === undefined ? [] : ['-i']), this.container, ...argv], {
      ...(options.stdin === undefined ? {} : {input: options.stdin}),
      ...(options.signal ? {signal: options.signal} : {}),
      ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
    })
  }

  /**
   * Runs argv in the node attached to this terminal (`docker exec -i [-t]`), as `kubelab node exec`
   * does; resolves with its exit status (128 + the signal's number when a signal ended the client).
   * The container is checked first, because once the client owns the terminal its complaints go
   * straight to the user's screen.
   */
  async run(argv: readonly string[], options: NodeRunOptions = {}): Promise<number> {
    await this.requireRunning()
    const inherits = options.stdio === undefined || options.stdio === 'inherit'
    const tty = options.tty ?? (inherits && process.stdin.isTTY === true && process.stdout.isTTY === true)
    const flags = [...(options.interactive === false ? [] : ['-i']), ...(tty ? ['-t'] : []), ...Object.entries(options.env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`])]
    return new Promise((resolve, reject) => {
      const child = spawn(this.connection.docker, ['exec', ...flags, this.container, ...argv], {env: {...this.connection.env}, stdio: options.stdio ?? 'inherit'})
      child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new DockerNotInstalledError(this.container, this.connection.docker) : error))
      child.once('exit', (code, signal) => resolve(signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 0)))
    })
  }

  /** docker's view of the container: resolves when it runs, else throws NodeContainerNotRunningError. */
  async requireRunning(): Promise<void> {
    const result = await docker(this.connection, this.container, ['container', 'inspect', '--format', '{{.State.Status}}', this.container])
    const state = result.stdout.trim()
    if (state === 'running') return
    throw new NodeContainerNotRunningError(this.container, state === 'paused' ? 'paused' : 'stopped')
  }

  /** systemd's main pid of the kubelet, when it runs. */
  async kubeletPid(): Promise<number | undefined> {
    const result = await this.exec(['systemctl', 'show', '--property', 'MainPID', '--value', 'kubelet'])
    const pid = Number(result.stdout.trim())
    return result.exitCode === 0 && Number.isInteger(pid) && pid > 0 ? pid : undefined
  }

  /**
   * `systemctl restart kubelet`, as on any kubeadm node: the kubelet alone restarts (its static pods
   * keep running) and reads config.yaml and kubeadm-flags.env anew. Resolves once systemd reports it
   * active with a new main pid; a kubelet that refuses its new config fails here with its last log lines.
   */
  async restartKubelet(options: {signal?: AbortSignal; timeoutMs?: number} = {}): Promise<void> {
    await this.restartKubeletReporting(options)
  }

  async restartKubeletReporting(options: {signal?: AbortSignal; timeoutMs?: number} = {}): Promise<KubeletRestartResult> {
    const stoppedPid = await this.kubeletPid()
    const restart = await this.exec(['systemctl', 'restart', 'kubelet'], options.signal ? {signal: options.signal} : {})
    if (restart.exitCode !== 0) throw new NodeRestartError(this.container, 'kubelet', `systemctl restart kubelet exited ${restart.exitCode}: ${restart.stderr.trim()}`)
    const pid = await pollFor(
      async () => {
        const active = await this.exec(['systemctl', 'is-active', 'kubelet'])
        if (active.stdout.trim() !== 'active') return undefined
        const now = await this.kubeletPid()
        return now !== undefined && now !== stoppedPid ? now : undefined
      },
      options.timeoutMs ?? KUBELET_RESTART_TIMEOUT_MS,
      200,
      options.signal,
    )
    if (pid === undefined) {
      const journal = await this.exec(['journalctl', '-u', 'kubelet', '--no-pager', '-n', '12']).catch(() => undefined)
      throw new NodeRestartError(this.container, 'kubelet', `systemd does not report it active again; last lines of its journal:\n${journal?.stdout.trim() ?? '(none)'}`)
    }
    return {stoppedPid, pid}
  }

  /**
   * Stops a static pod's container with crictl, as an admin does on a kind node; the kubelet sees it
   * exit and starts a new one (restartPolicy Always). Resolves with the new container's process once
   * it runs.
   */
  async restartStaticPod(component: string, options: {timeoutMs?: number} = {}): Promise<StaticPodRestartResult> {
    const before = await this.runningContainer(component)
    if (before === undefined) {
      throw new NodeRestartError(this.container, component, `no running container (crictl ps --name ${component}). See \`kubelab status\` and \`kubelab logs ${component}\`.`)
    }
    const old = inspectedContainer((await this.crictl(['inspect', before], `crictl inspect ${before}`)).stdout)
    await this.crictl(['stop', before], `crictl stop ${before}`)
    const started = await pollFor(async () => {
      const id = await this.runningContainer(component)
      if (id === undefined || id === before) return undefined
      const now = inspectedContainer((await this.crictl(['inspect', id], `crictl inspect ${id}`)).stdout)
      return now.pid === undefined ? undefined : now
    }, options.timeoutMs ?? STATIC_POD_RESTART_TIMEOUT_MS)
    if (!started) throw new NodeRestartError(this.container, component, `the kubelet did not start it again within ${(options.timeoutMs ?? STATIC_POD_RESTART_TIMEOUT_MS) / 1000} s. See \`kubelab logs ${component}\`.`)
    return {stoppedPid: old.pid ?? 0, pid: started.pid as number, restarts: started.attempt}
  }

  /**
   * A component's log as kind keeps it: the kubelet's systemd journal (`journalctl -u kubelet`), a
   * static pod's container log (`crictl logs`). `tail`: only the last lines.
   */
  async logs(component: string, options: {tail?: number} = {}): Promise<string> {
    const argv = await this.logCommand(component, options.tail, false)
    const result = await this.exec(argv)
    if (result.exitCode !== 0) throw new NodeCommandError(this.container, argv.slice(0, 2).join(' '), result.exitCode, result.stderr)
    return result.stdout
  }

  /** Prints the log as it grows (`journalctl -f`, `crictl logs -f`) until the signal aborts. */
  async followLogs(component: string, write: (chunk: string) => void, signal: AbortSignal, options: {tail?: number} = {}): Promise<void> {
    const argv = await this.logCommand(component, options.tail ?? 0, true)
    const child = execa(this.connection.docker, ['exec', this.container, ...argv], {env: {...this.connection.env}, extendEnv: false, reject: false, cancelSignal: signal, buffer: false})
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => write(chunk))
    await child
  }

  private async logCommand(component: string, tail: number | undefined, follow: boolean): Promise<string[]> {
    const tailArgs = (flag: string): string[] => (tail === undefined ? [] : [flag, String(tail)])
    if (component === 'kubelet') return ['journalctl', '-u', 'kubelet', '--no-pager', ...tailArgs('-n'), ...(follow ? ['-f'] : [])]
    const id = (await this.containerIds(component, true))[0]
    if (id === undefined) throw new NodeCommandError(this.container, `crictl ps -a --name ${component}`, 1, `${component} has no container yet: the kubelet has not started it. See \`kubelab status\`.`)
    return ['crictl', 'logs', ...tailArgs('--tail'), ...(follow ? ['-f'] : []), id]
  }

  private async runningContainer(component: string): Promise<string | undefined> {
    return (await this.containerIds(component, false))[0]
  }

  /** Container ids of the static pod's container, newest first (crictl's order); `all` includes exited ones. */
  private async containerIds(component: string, all: boolean): Promise<string[]> {
    const result = await this.crictl(['ps', ...(all ? ['-a'] : []), '--name', `^${component}$`, '-q'], `crictl ps --name ${component}`)
    return result.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '')
  }

  private async crictl(args: readonly string[], what: string): Promise<KindExecResult> {
    const result = await this.exec(['crictl', ...args])
    if (result.exitCode !== 0) throw new NodeCommandError(this.container, what, result.exitCode, result.stderr)
    return result
  }

  private script(text: string, args: readonly string[]): Promise<KindExecResult> {
    return docker(this.connection, this.container, ['exec', this.container, 'sh', '-c', text, 'sh', ...args])
  }
}

/** The KindNodeFactory the kind runtime takes. */
export function dockerKindNode(container: string, connection: KindNodeConnection): DockerNodeAccess {
  return new DockerNodeAccess(container, connection)
}
