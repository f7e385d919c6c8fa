import {portMap, remapPortValue, remapUrlPorts} from '../../runtimes/sim/node-files/args.js'
import {EDITABLE_FILES} from '../edit.js'
import {DEFAULT_NODE_PORTS, NODE_FILE_PATHS} from '../../runtimes/sim/node-files/types.js'
import {apiClientFromKubeconfig, type ApiClient} from '../../runtimes/shared/api-client.js'
import type {JsonValue} from '../../scenario/kubelet-patch.js'
import type {RbacReference, SolutionAction, SolutionRbacObject, SolutionRestartable, SolutionStaticPod} from '../../scenario/solution-schema.js'
import {labNode} from '../node-files.js'
import type {Lab} from '../registry.js'
import {restartComponent} from '../restart.js'
import {
  editKubeletConfig,
  editKubeletFlagsEnv,
  editManifestFlags,
  kubeletConfigValue,
  kubeletEnvFlagValues,
  manifestFlagValues,
  patchLeaves,
  type ConfigLeaf,
  type FlagEdit,
} from './edit-text.js'
import {applyRbacObject, deleteRbacObject, describeReference} from './kube-api.js'
import {waitUntilLive, type SettleOptions} from './settle.js'

/** One change to make to the lab, values already in the lab's terms (its ports). */
export type Operation =
  | {kind: 'manifest'; component: SolutionStaticPod; edit: FlagEdit}
  | {kind: 'kubeletConfig'; leaves: ConfigLeaf[]}
  | {kind: 'kubeletFlags'; edit: FlagEdit}
  | {kind: 'restart'; component: SolutionRestartable}
  | {kind: 'rbac'; delete: RbacReference[]; apply: SolutionRbacObject[]}

export interface RunOptions extends SettleOptions {
  onProgress?: (message: string) => void
  /** Compiled runtimes/sim folder, for restarting the kubelet (see simDirectory). */
  simDir?: string
}

/** Flags whose whole value is a port number, on static pods and the kubelet. */
const PORT_FLAGS: ReadonlySet<string> = new Set(['secure-port', 'insecure-port', 'port', 'read-only-port'])
const PORT_FIELDS: ReadonlySet<string> = new Set(['port', 'readOnlyPort', 'healthzPort'])

/**
 * A solution's action in the lab's terms: default ports named in URLs and port settings (2379,
 * 6443, 10255) move to the ports this lab uses, as the scenario's misconfigurations did at `up`.
 */
export function operationFor(lab: Lab, action: SolutionAction): Operation {
  const ports = portMap({...DEFAULT_NODE_PORTS, ...lab.record.ports})
  const remapFlags = (flags: Readonly<Record<string, string>>): Record<string, string> =>
    Object.fromEntries(Object.entries(flags).map(([name, value]) => [name, PORT_FLAGS.has(name) ? remapPortValue(value, ports) : remapUrlPorts(value, ports)]))
  switch (action.kind) {
    case 'manifest':
      return {kind: 'manifest', component: action.component, edit: {set: remapFlags(action.setFlags), remove: action.removeFlags}}
    case 'kubeletFlags':
      return {kind: 'kubeletFlags', edit: {set: remapFlags(action.setFlags), remove: action.removeFlags}}
    case 'kubeletConfig':
      return {
        kind: 'kubeletConfig',
        leaves: patchLeaves(action.patch).map((leaf) => {
          const field = leaf.path[leaf.path.length - 1] ?? ''
          const moved = leaf.path.length === 1 && PORT_FIELDS.has(field) && typeof leaf.value === 'number' ? (ports.get(leaf.value) ?? leaf.value) : leaf.value
          return {path: leaf.path, value: moved}
        }),
      }
    case 'restart':
      return {kind: 'restart', component: action.component}
    case 'rbac':
      return {kind: 'rbac', delete: action.delete, apply: action.apply}
  }
}

/** Node path of the file an operation edits; undefined for restarts and RBAC. */
export function fileOf(operation: Operation): string | undefined {
  if (operation.kind === 'manifest') return EDITABLE_FILES[operation.component]
  if (operation.kind === 'kubeletConfig') return NODE_FILE_PATHS.kubeletConfig
  if (operation.kind === 'kubeletFlags') return NODE_FILE_PATHS.kubeletFlagsEnv
  return undefined
}

/**
 * Runs the operations in order. Each file is replaced atomically through the lab's node; a static
 * pod whose manifest changed is waited for until it serves again (the kubelet restarts it by
 * itself), a restart until the component answers. Returns one line per change made.
 */
export async function runOperations(lab: Lab, operations: readonly Operation[], options: RunOptions = {}): Promise<string[]> {
  const node = labNode(lab)
  const report = (line: string): void => {
    changes.push(line)
    options.onProgress?.(line)
  }
  const changes: string[] = []
  let admin: ApiClient | undefined
  for (const operation of operations) {
    options.signal?.throwIfAborted()
    const nodePath = fileOf(operation)
    if (nodePath !== undefined) {
      const before = (await node.readFile(nodePath)) ?? ''
      const after = editedText(operation, before, nodePath)
      const described = describeEdit(operation, before, nodePath)
      if (after !== before) {
        await node.writeFile(nodePath, after)
        report(`${nodePath}: ${described.join('; ')}`)
      } else {
        options.onProgress?.(`${nodePath}: already as wanted`)
      }
      if (operation.kind === 'manifest') {
        if (after !== before) options.onProgress?.(`waiting for ${operation.component} to restart with its new manifest`)
        await waitUntilLive(lab, [operation.component], options)
      }
      continue
    }
    if (operation.kind === 'restart') {
      const outcome = await restartComponent(lab, operation.component, options.simDir === undefined ? {} : {simDir: options.simDir})
      await waitUntilLive(lab, [operation.component], options)
      report(`restarted ${operation.component} (${outcome.stoppedPid === undefined ? 'it was not running' : `pid ${outcome.stoppedPid}`} → pid ${outcome.pid})`)
      continue
    }
    if (operation.kind === 'rbac') {
      admin ??= await apiClientFromKubeconfig(lab.record.kubeconfig)
      for (const reference of operation.delete) {
        if (await deleteRbacObject(admin, reference)) report(`deleted ${describeReference(reference)}`)
      }
      for (const object of operation.apply) {
        const result = await applyRbacObject(admin, object)
        if (result !== 'unchanged') report(`${result} ${object.kind} ${'namespace' in object.metadata ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`)
      }
    }
  }
  return changes
}

function editedText(operation: Operation, text: string, nodePath: string): string {
  if (operation.kind === 'manifest') return editManifestFlags(text, nodePath, operation.edit)
  if (operation.kind === 'kubeletFlags') return editKubeletFlagsEnv(text, operation.edit)
  if (operation.kind === 'kubeletConfig') return editKubeletConfig(text, nodePath, operation.leaves)
  return text
}

/** "--insecure-port=0 (was 8080)", "removed --insecure-bind-address", "readOnlyPort: 0 (was 10255)" */
function describeEdit(operation: Operation, before: string, nodePath: string): string[] {
  if (operation.kind === 'manifest' || operation.kind === 'kubeletFlags') {
    const current = operation.kind === 'manifest' ? manifestFlagValues(before, nodePath) : kubeletEnvFlagValues(before)
    const lines: string[] = []
    for (const [name, value] of Object.entries(operation.edit.set)) {
      const was = current.get(name)
      if (was !== value) lines.push(`--${name}=${value}${current.has(name) ? ` (was ${was ?? ''})` : ' (added)'}`)
    }
    for (const name of operation.edit.remove) if (current.has(name)) lines.push(`removed --${name}=${current.get(name) ?? ''}`)
    return lines
  }
  if (operation.kind === 'kubeletConfig') {
    return operation.leaves.flatMap((leaf) => {
      const was = kubeletConfigValue(before, leaf.path)
      const dotted = leaf.path.join('.')
      if (JSON.stringify(was) === JSON.stringify(leaf.value)) return []
      if (leaf.value === undefined) return [`removed ${dotted} (was ${show(was)})`]
      return [`${dotted}: ${show(leaf.value)}${was === undefined ? ' (added)' : ` (was ${show(was)})`}`]
    })
  }
  return []
}

function show(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}
