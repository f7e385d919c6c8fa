import path from 'node:path'
import {KubeletUsageError} from './errors.js'

export interface KubeletArgs {
  /** Absolute path of the lab folder (labs/<name>). */
  labDir: string
  /** Absolute path of the folder with real binaries, if given. */
  binDir: string | undefined
  /** The node's "/" when it is not <lab-dir>/node (e.g. "/" inside a node container). */
  nodeRoot: string | undefined
}

export const KUBELET_USAGE = 'usage: node dist/runtimes/sim/kubelet/main.js --lab-dir DIR [--bin-dir DIR]'

/**
 * Reads `--lab-dir DIR [--bin-dir DIR] [--node-root DIR]` (also `--flag=value`); paths are made
 * absolute against `cwd`. --node-root is for a node that owns its machine (the kind node fixture
 * container passes "/"), and is left out of the usage line.
 */
export function parseKubeletArgs(argv: readonly string[], cwd: string): KubeletArgs {
  const values = new Map<string, string>()
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? ''
    const match = /^--(lab-dir|bin-dir|node-root)(?:=(.*))?$/.exec(arg)
    if (!match?.[1]) throw new KubeletUsageError(`unknown argument "${arg}"\n${KUBELET_USAGE}`)
    let value = match[2]
    if (value === undefined) {
      index += 1
      value = argv[index]
    }
    if (value === undefined || value === '') throw new KubeletUsageError(`--${match[1]} needs a folder\n${KUBELET_USAGE}`)
    values.set(match[1], value)
  }
  const labDir = values.get('lab-dir')
  if (labDir === undefined) throw new KubeletUsageError(`--lab-dir is required\n${KUBELET_USAGE}`)
  const binDir = values.get('bin-dir')
  const nodeRoot = values.get('node-root')
  return {
    labDir: path.resolve(cwd, labDir),
    binDir: binDir === undefined ? undefined : path.resolve(cwd, binDir),
    nodeRoot: nodeRoot === undefined ? undefined : path.resolve(cwd, nodeRoot),
  }
}
