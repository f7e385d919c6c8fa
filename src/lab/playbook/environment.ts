import {chmod, mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {kindNamesFor} from '../../runtimes/kind/types.js'
import {SIM_DIR_ENV} from '../../runtimes/sim/lab-kubelet.js'
import {simNodeLayout} from '../../runtimes/sim/node/layout.js'
import {labEnvironment, shellQuote, type EnvironmentVariable} from '../env.js'
import {KUBELAB_HOME_ENV, type Environment} from '../home.js'
import type {Lab} from '../registry.js'

/** The variables a playbook gets on top of what `kubelab env` exports; documented in `playbook run --help`. */
export const PLAYBOOK_VARIABLES = {
  runtime: 'KUBELAB_RUNTIME',
  scenario: 'KUBELAB_SCENARIO',
  nodeExec: 'KUBELAB_NODE_EXEC',
  nodeRoot: 'KUBELAB_NODE_ROOT',
  nodeContainer: 'KUBELAB_NODE_CONTAINER',
  restart: 'KUBELAB_RESTART',
} as const

/** labs/<name>/playbook-bin: the shims a playbook calls, first on its PATH. */
export const SHIM_FOLDER = 'playbook-bin'

export interface PlaybookEnvironmentOptions {
  /** $KUBELAB_HOME for the script, so the `kubelab` it runs finds the lab. */
  home: string
  /** How to run kubelab itself, e.g. [node, <package>/bin/run.js]. */
  kubelabCommand: readonly string[]
  /** A compiled runtimes/sim folder other than kubelab's own (tests), passed on as KUBELAB_SIM_DIR. */
  simDir?: string
  /** The environment the script inherits (PATH, HOME, …). */
  base: Environment
}

export interface PlaybookEnvironment {
  /** Everything the script runs with. */
  env: Record<string, string>
  /** The variables kubelab set (for the log and the report); undefined values were removed. */
  variables: EnvironmentVariable[]
  shimDir: string
}

/**
 * Writes the shims into the lab folder and builds the script's environment: everything `kubelab
 * env` exports (KUBECONFIG, KUBELAB_LAB, the endpoints, ETCDCTL_*), then
 *
 * - KUBELAB_RUNTIME: sim or kind; KUBELAB_SCENARIO: the scenario id;
 * - KUBELAB_NODE_EXEC: a command prefix that runs a command on the lab's node, node paths as on a
 *   kubeadm node (`$KUBELAB_NODE_EXEC cat /etc/kubernetes/manifests/etcd.yaml`) — a shim for
 *   `kubelab node exec --lab NAME --`, which reaches a sim node root and a kind container alike;
 * - KUBELAB_NODE_ROOT (sim): the folder that is the node's /; KUBELAB_NODE_CONTAINER (kind): the
 *   node's container, for `docker exec` and `docker cp`;
 * - KUBELAB_RESTART: `$KUBELAB_RESTART kubelet` (or a static pod's name), a shim for `kubelab restart --lab NAME`;
 * - PATH starting with the shim folder, which holds `kubelab` itself.
 */
export async function preparePlaybookEnvironment(lab: Lab, scenarioId: string, options: PlaybookEnvironmentOptions): Promise<PlaybookEnvironment> {
  const shimDir = path.join(lab.dir, SHIM_FOLDER)
  await mkdir(shimDir, {recursive: true})
  const kubelab = path.join(shimDir, 'kubelab')
  const nodeExec = path.join(shimDir, 'kubelab-node-exec')
  const restart = path.join(shimDir, 'kubelab-restart')
  await writeShim(kubelab, options.kubelabCommand)
  await writeShim(nodeExec, [kubelab, 'node', 'exec', '--lab', lab.name, '--'])
  await writeShim(restart, [kubelab, 'restart', '--lab', lab.name])

  const sim = lab.record.runtime === 'sim'
  const variables: EnvironmentVariable[] = [
    ...(await labEnvironment(lab)),
    {name: KUBELAB_HOME_ENV, value: options.home},
    {name: PLAYBOOK_VARIABLES.runtime, value: lab.record.runtime},
    {name: PLAYBOOK_VARIABLES.scenario, value: scenarioId},
    {name: PLAYBOOK_VARIABLES.nodeExec, value: nodeExec},
    {name: PLAYBOOK_VARIABLES.nodeRoot, value: sim ? simNodeLayout(lab.dir).nodeRoot : undefined},
    {name: PLAYBOOK_VARIABLES.nodeContainer, value: sim ? undefined : kindNamesFor(lab.name).nodeContainer},
    {name: PLAYBOOK_VARIABLES.restart, value: restart},
    {name: SIM_DIR_ENV, value: options.simDir ?? options.base[SIM_DIR_ENV]},
  ]
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.base)) if (value !== undefined) env[name] = value
  for (const variable of variables) {
    if (variable.value === undefined) delete env[variable.name]
    else env[variable.name] = variable.value
  }
  env['PATH'] = [shimDir, options.base['PATH']].filter((part) => part !== undefined && part !== '').join(path.delimiter)
  return {env, variables: variables.filter((variable) => variable.value !== undefined), shimDir}
}

/** A POSIX sh script that runs `command` with the shim's own arguments appended. */
async function writeShim(file: string, command: readonly string[]): Promise<void> {
  await writeFile(file, `#!/bin/sh\nexec ${command.map(shellQuote).join(' ')} "$@"\n`)
  await chmod(file, 0o755)
}
