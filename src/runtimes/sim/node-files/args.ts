import {DEFAULT_NODE_PORTS, NodeFilesError, type NodePorts} from './types.js'

export interface Arg {
  name: string
  value: string
}

/** Default port → the port this node uses instead. */
export type PortMap = ReadonlyMap<number, number>

export function portMap(ports: NodePorts): PortMap {
  const keys = Object.keys(DEFAULT_NODE_PORTS) as Array<keyof NodePorts>
  return new Map(keys.map((key) => [DEFAULT_NODE_PORTS[key], ports[key]]))
}

/** Moves the ports inside URLs ("https://127.0.0.1:2379,http://127.0.0.1:2381") to this node's ports. */
export function remapUrlPorts(value: string, ports: PortMap): string {
  return value.replace(/(:\/\/[^/,:]+|:\/\/\[[^\]]+\]):(\d+)/g, (_, host: string, port: string) => `${host}:${ports.get(Number(port)) ?? port}`)
}

/** A flag that holds a bare port number ("6443") moves with the ports too. */
export function remapPortValue(value: string, ports: PortMap): string {
  return /^\d+$/.test(value) ? String(ports.get(Number(value)) ?? value) : value
}

export interface FlagChanges {
  setFlags: Readonly<Record<string, string>>
  removeFlags: readonly string[]
}

/**
 * kubeadm's ArgumentsToCommand: extra args replace defaults of the same name and the command line
 * is sorted by flag name. Removals then delete a flag the way a learner edits the manifest; naming
 * a flag kubeadm did not write is refused, as it is almost always a typo.
 */
export function mergeArgs(scenarioId: string, component: string, defaults: readonly Arg[], changes: FlagChanges): Arg[] {
  const merged = new Map(defaults.map((arg) => [arg.name, arg.value]))
  for (const [name, value] of Object.entries(changes.setFlags)) merged.set(name, value)
  for (const name of changes.removeFlags) {
    if (!merged.has(name)) {
      throw new NodeFilesError(scenarioId, `${component} has no --${name} to remove (kubeadm does not write it)`, name)
    }
    merged.delete(name)
  }
  return [...merged.entries()].map(([name, value]) => ({name, value})).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export function toCommand(program: string, args: readonly Arg[]): string[] {
  return [program, ...args.map((arg) => `--${arg.name}=${arg.value}`)]
}

export function argValue(args: readonly Arg[], name: string): string | undefined {
  return args.find((arg) => arg.name === name)?.value
}
