import {stat} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {MissingExecutableError} from './errors.js'
import {isNodePath} from './node-paths.js'
import {findExecutable as findExecutableOnPath} from '../../shared/find-executable.js'

/** Where the simulated components' compiled entry points are (dist/runtimes/sim/…). */
export interface SimEntryPoints {
  apiserver: string
  controlplaneStub: string
}

/** Next to this module once compiled: dist/runtimes/sim/kubelet → dist/runtimes/sim/{apiserver,controlplane-stub}/main.js */
export function defaultSimEntryPoints(): SimEntryPoints {
  const simDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  return {
    apiserver: path.join(simDir, 'apiserver', 'main.js'),
    controlplaneStub: path.join(simDir, 'controlplane-stub', 'main.js'),
  }
}

export interface ExecutableOptions {
  /** --bin-dir: real Kubernetes binaries (kube-apiserver, …) and etcd, looked at first. */
  binDir: string | undefined
  /** PATH of the kubelet, for etcd and any other program. */
  searchPath: string | undefined
  nodeRoot: string
  entryPoints: SimEntryPoints
}

/** How to start a container's command[0]: the program, and arguments that go before the manifest's. */
export interface ResolvedExecutable {
  executable: string
  leadingArgs: string[]
  /** "real" binary, or one of kubelab's simulated components. */
  kind: 'real' | 'simulated'
}

const SIMULATED_CONTROL_PLANE = new Set(['kube-controller-manager', 'kube-scheduler'])

/**
 * Maps a static pod's command[0] to a program on this machine, by its basename:
 * - etcd: the real etcd from --bin-dir or PATH (Debian's etcd-server);
 * - kube-apiserver: a real one in --bin-dir, else kubelab's simulated API server under node;
 * - kube-controller-manager, kube-scheduler: a real one in --bin-dir, else kubelab's stub;
 * - anything else: --bin-dir, then a node path inside the node root, then PATH.
 */
export async function resolveExecutable(command: string, options: ExecutableOptions): Promise<ResolvedExecutable> {
  const name = path.basename(command)
  const binDirs = options.binDir ? [options.binDir] : []
  const pathDirs = (options.searchPath ?? '').split(path.delimiter).filter((folder) => folder !== '')

  if (name === 'kube-apiserver' || SIMULATED_CONTROL_PLANE.has(name)) {
    const real = await findExecutable(name, binDirs)
    if (real) return {executable: real, leadingArgs: [], kind: 'real'}
    const entry = name === 'kube-apiserver' ? options.entryPoints.apiserver : options.entryPoints.controlplaneStub
    if (!(await isFile(entry))) throw new MissingExecutableError(entry, [path.dirname(entry)], 'npm run build (it compiles kubelab into dist/)')
    const leadingArgs = name === 'kube-apiserver' ? [entry] : [entry, name]
    return {executable: process.execPath, leadingArgs, kind: 'simulated'}
  }

  const nodeCopy = path.isAbsolute(command) && isNodePath(command) ? [path.dirname(options.nodeRoot + command)] : []
  const found = await findExecutable(name, [...binDirs, ...nodeCopy, ...pathDirs])
  if (found) return {executable: found, leadingArgs: [], kind: 'real'}
  throw new MissingExecutableError(name, [...binDirs, ...nodeCopy, ...pathDirs], installHint(name))
}

function installHint(name: string): string {
  if (name === 'etcd') return 'apt-get install etcd-server'
  return `put a "${name}" executable in --bin-dir or on PATH`
}

/** The first executable regular file called `name` in `folders`, as the shell finds a command. */
export function findExecutable(name: string, folders: readonly string[]): Promise<string | undefined> {
  return findExecutableOnPath(name, undefined, folders)
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}
