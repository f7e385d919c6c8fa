// kubelab's kind node fixture: the parts of `systemctl` and `crictl` that kubelab (and a learner) use on a kind
// node, answered for the sim kubelet and its static pods. `node node-tools.js systemctl|crictl ARGS…`.
//
// Reproduced (kind nodes run systemd and containerd; these are their documented answers):
//   systemctl restart|start|stop kubelet   the kubelet alone restarts; its static pods keep running
//   systemctl is-active kubelet            "active" and exit 0, else "inactive" and exit 3 (systemctl(1))
//   systemctl show -p MainPID --value kubelet   the kubelet's pid, 0 when it is not running
//   systemctl daemon-reload                nothing to reload (no unit files are read)
//   crictl ps [-a] [--name REGEX] [-q]     the static pods' containers (ids are "<name>-<pid>")
//   crictl inspect ID                      JSON with info.pid and status.metadata.attempt, as crictl prints
//   crictl stop ID                         SIGTERM to the container's process group, then SIGKILL after 10 s
//   crictl logs [--tail N] [-f] ID         the container's output
// Not reproduced: images, pods, exec and every other subcommand; containerd itself.
import {spawn} from 'node:child_process'
import path from 'node:path'
import {runningKubeletPid} from '../../../../src/runtimes/sim/kubelet/identity.js'
import {isAlive} from '../../../../src/runtimes/sim/kubelet/proc.js'
import {signalGroup, waitFor} from '../../../../src/runtimes/sim/kubelet/process-group.js'
import {readNodeStatus} from '../../../../src/runtimes/sim/kubelet/status-writer.js'
import {startSimKubelet, stopSimKubelet} from '../../../../src/runtimes/sim/lab-kubelet.js'
import {restartSimKubelet} from '../../../../src/runtimes/sim/lab-restart.js'
import type {ComponentStatus} from '../../../../src/runtimes/sim/node/status.js'
import {FIXTURE_PATHS, fixtureLayout} from './paths.js'

const layout = fixtureLayout()

class UsageError extends Error {}

async function systemctl(args: string[]): Promise<number> {
  const words = args.filter((arg) => !arg.startsWith('-'))
  const [verb, unit] = [words[0], (words[words.length - 1] ?? '').replace(/\.service$/, '')]
  if (verb === 'daemon-reload') return 0
  if (unit !== 'kubelet') throw new UsageError(`systemctl (kubelab fixture): only the kubelet unit exists, not "${unit}"`)
  switch (verb) {
    case 'restart':
      await restartSimKubelet(layout, {simDir: FIXTURE_PATHS.simDir})
      return 0
    case 'start':
      if (runningKubeletPid(layout) === undefined) startSimKubelet(layout, {simDir: FIXTURE_PATHS.simDir})
      return 0
    case 'stop':
      await stopSimKubelet(layout)
      return 0
    case 'is-active': {
      const active = runningKubeletPid(layout) !== undefined
      process.stdout.write(active ? 'active\n' : 'inactive\n')
      return active ? 0 : 3
    }
    case 'show': {
      const property = args.find((arg, index) => args[index - 1] === '-p' || args[index - 1] === '--property') ?? args.find((arg) => arg.startsWith('--property='))?.slice(11)
      if (property !== 'MainPID') throw new UsageError('systemctl show (kubelab fixture): only --property MainPID is known')
      const pid = String(runningKubeletPid(layout) ?? 0)
      process.stdout.write(args.includes('--value') ? `${pid}\n` : `MainPID=${pid}\n`)
      return 0
    }
    default:
      throw new UsageError(`systemctl (kubelab fixture): "${verb ?? ''}" is not supported`)
  }
}

interface FixtureContainer {
  id: string
  component: ComponentStatus
  running: boolean
}

function containers(): FixtureContainer[] {
  const status = readNodeStatus(layout.statusFile)
  return (status?.components ?? []).map((component) => {
    const running = component.pid !== undefined && isAlive(component.pid) && (component.state === 'running' || component.state === 'starting')
    return {id: `${component.name}-${component.pid ?? 'exited'}`, component, running}
  })
}

function findContainer(id: string | undefined): FixtureContainer {
  const found = containers().find((container) => container.id === id)
  if (!found) throw new UsageError(`crictl (kubelab fixture): no such container "${id ?? ''}"`)
  return found
}

function flagValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name)
  if (index !== -1) return args[index + 1]
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1)
}

async function crictl(args: string[]): Promise<number> {
  const [verb, ...rest] = args
  const last = rest[rest.length - 1]
  switch (verb) {
    case 'ps': {
      const name = flagValue(rest, '--name')
      const pattern = name === undefined ? undefined : new RegExp(name)
      const shown = containers().filter((container) => (rest.includes('-a') || rest.includes('--all') || container.running) && (!pattern || pattern.test(container.component.name)))
      const lines = rest.includes('-q') || rest.includes('--quiet')
        ? shown.map((container) => container.id)
        : ['CONTAINER\tSTATE\tNAME\tATTEMPT', ...shown.map((container) => `${container.id}\t${container.running ? 'Running' : 'Exited'}\t${container.component.name}\t${container.component.restarts}`)]
      process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '')
      return 0
    }
    case 'inspect': {
      const container = findContainer(last)
      const document = {
        status: {id: container.id, metadata: {name: container.component.name, attempt: container.component.restarts}, state: container.running ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED'},
        info: {pid: container.running ? container.component.pid : 0},
      }
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`)
      return 0
    }
    case 'stop': {
      const container = findContainer(last)
      const pid = container.component.pid
      if (container.running && pid !== undefined) {
        signalGroup(pid, 'SIGTERM')
        if (!(await waitFor(() => !isAlive(pid), 10_000))) signalGroup(pid, 'SIGKILL')
      }
      process.stdout.write(`${container.id}\n`)
      return 0
    }
    case 'logs': {
      const container = findContainer(last)
      const file = path.join(layout.logsDir, `${container.component.name}.log`)
      const tail = flagValue(rest, '--tail')
      const follow = rest.includes('-f') || rest.includes('--follow')
      const argv = follow ? ['-n', tail ?? '+1', '-f', file] : tail === undefined ? ['-n', '+1', file] : ['-n', tail, file]
      return new Promise((resolve) => spawn('tail', argv, {stdio: 'inherit'}).once('exit', (code) => resolve(code ?? 1)))
    }
    default:
      throw new UsageError(`crictl (kubelab fixture): "${verb ?? ''}" is not supported`)
  }
}

const [tool, ...args] = process.argv.slice(2)
const run = tool === 'systemctl' ? systemctl(args) : tool === 'crictl' ? crictl(args) : Promise.reject(new UsageError(`unknown tool "${tool ?? ''}"`))
run.then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(error instanceof UsageError ? 1 : 2)
  },
)
