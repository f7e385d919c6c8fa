import {spawn, type StdioOptions} from 'node:child_process'
import os from 'node:os'
import {translateArgs} from '../runtimes/sim/kubelet/node-paths.js'
import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import {LabUsageError} from './errors.js'
import type {Environment} from './home.js'
import {kindNodeAccess} from './node-files.js'
import type {Lab} from './registry.js'

/** Set for the command: the node's "/" on this machine. */
export const NODE_ROOT_VARIABLE = 'NODE_ROOT'

export interface NodeExecOptions {
  /**
   * Rewrite arguments naming node paths (/etc/kubernetes/…, /var/lib/kubelet/…, /var/lib/etcd/…,
   * also inside --flag=/path and comma lists) into the node root, so commands copied from a
   * kubeadm node work unchanged. Default true.
   */
  translate?: boolean
  env?: Environment
  stdio?: StdioOptions
}

export class NoCommandError extends LabUsageError {
  constructor() {
    super('give the command to run after --, e.g. `kubelab node exec -- cat /etc/kubernetes/manifests/etcd.yaml`.')
    this.name = 'NoCommandError'
  }
}

/** The command line as it will run: node paths moved into the node root unless translation is off (kind: as given, the paths are real). */
export function nodeCommandLine(lab: Lab, command: readonly string[], translate = true): string[] {
  if (lab.record.runtime === 'kind') return [...command]
  const nodeRoot = simNodeLayout(lab.dir).nodeRoot
  return translate ? translateArgs(command, nodeRoot) : [...command]
}

/**
 * `kubelab node exec -- CMD…`: runs CMD as if on the node: in the node root (so relative paths such
 * as etc/kubernetes/manifests/etcd.yaml work), with NODE_ROOT set, and node paths translated.
 * On a kind lab CMD runs inside the node container (`docker exec -i [-t]`), where the paths are the
 * node's own and NODE_ROOT is "/". Resolves with CMD's exit status (128 + signal number when a
 * signal ended it).
 */
export function nodeExec(lab: Lab, command: readonly string[], options: NodeExecOptions = {}): Promise<number> {
  if (command.length === 0) throw new NoCommandError()
  if (lab.record.runtime === 'kind') {
    return kindNodeAccess(lab, options.env).run(command, {env: {[NODE_ROOT_VARIABLE]: '/'}, ...(options.stdio === undefined ? {} : {stdio: options.stdio})})
  }
  const nodeRoot = simNodeLayout(lab.dir).nodeRoot
  const [program, ...args] = nodeCommandLine(lab, command, options.translate ?? true)
  return new Promise((resolve, reject) => {
    const child = spawn(program as string, args, {
      cwd: nodeRoot,
      env: {...(options.env ?? process.env), [NODE_ROOT_VARIABLE]: nodeRoot},
      stdio: options.stdio ?? 'inherit',
    })
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new LabUsageError(`cannot run ${program ?? ''}: ${error.code === 'ENOENT' ? 'no such command' : error.message}`)),
    )
    child.once('exit', (code, signal) => resolve(signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 0)))
  })
}
