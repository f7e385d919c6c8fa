import {isMap, isScalar, isSeq, Pair, parseDocument, Scalar, YAMLMap, type Document, type YAMLSeq} from 'yaml'
import {LabError} from '../errors.js'
import {isPlainObject, type JsonValue, type KubeletConfigPatch} from '../../scenario/kubelet-patch.js'

/** Flags to set (name → value) and to delete, names without dashes. */
export interface FlagEdit {
  set: Readonly<Record<string, string>>
  remove: readonly string[]
}

/** A node file the solution cannot edit as it is (broken YAML, no container command). */
export class NodeFileEditError extends LabError {
  constructor(
    readonly nodePath: string,
    readonly reason: string,
  ) {
    super(`${nodePath}: ${reason}. Fix the file (kubelab edit) or reset the lab (kubelab reset), then try again.`)
    this.name = 'NodeFileEditError'
  }
}

/** kubeadm's style, kept on the way out: sequences not indented under their key, no line folding. */
const YAML_OUTPUT = {lineWidth: 0, indentSeq: false} as const

function parse(text: string, nodePath: string): Document {
  const document = parseDocument(text)
  if (document.errors.length > 0) throw new NodeFileEditError(nodePath, `not valid YAML (${document.errors[0]?.message.split('\n')[0] ?? ''})`)
  return document
}

/** The container's command and args sequences, command first (kubeadm puts every flag in command). */
function commandSequences(document: Document, nodePath: string): YAMLSeq[] {
  const containers = document.getIn(['spec', 'containers'])
  const first = isSeq(containers) ? containers.items[0] : undefined
  if (!isMap(first)) throw new NodeFileEditError(nodePath, 'no spec.containers[0]')
  const sequences = ['command', 'args'].map((key) => first.get(key)).filter((node): node is YAMLSeq => isSeq(node))
  if (sequences.length === 0) throw new NodeFileEditError(nodePath, 'the container has no command')
  return sequences
}

interface FlagItem {
  name: string
  value: string | undefined
  /** Index of the `--name[=value]` item. */
  index: number
  /** The next item, when it holds the value (`--name value`). */
  separateValue: boolean
}

function flagItems(items: readonly string[]): FlagItem[] {
  const found: FlagItem[] = []
  items.forEach((item, index) => {
    const match = /^--?([A-Za-z0-9][A-Za-z0-9-]*)(?:=(.*))?$/s.exec(item)
    if (!match?.[1]) return
    const next = items[index + 1]
    const separateValue = match[2] === undefined && next !== undefined && !next.startsWith('-')
    found.push({name: match[1], value: match[2] ?? (separateValue ? next : undefined), index, separateValue})
  })
  return found
}

/** Applies set/remove to one argv, keeping every other item and its order; new flags go in kubeadm's sorted place. */
export function editArgv(argv: readonly string[], edit: FlagEdit, insertNew = true): string[] {
  let result = [...argv]
  for (const name of [...edit.remove, ...Object.keys(edit.set)]) {
    const drop = new Set<number>()
    for (const item of flagItems(result).filter((flag) => flag.name === name)) {
      drop.add(item.index)
      if (item.separateValue) drop.add(item.index + 1)
    }
    const firstAt = Math.min(...drop)
    const value = edit.set[name]
    result = result.flatMap((item, index) => {
      if (!drop.has(index)) return [item]
      return index === firstAt && value !== undefined ? [`--${name}=${value}`] : []
    })
    if (value !== undefined && drop.size === 0 && insertNew) {
      const flags = flagItems(result)
      const after = flags.find((flag) => flag.name > name)
      const at = after ? after.index : result.length
      result.splice(at, 0, `--${name}=${value}`)
    }
  }
  return result
}

/** A static pod manifest with flags changed on its container's command line; everything else as it was. */
export function editManifestFlags(text: string, nodePath: string, edit: FlagEdit): string {
  const document = parse(text, nodePath)
  const sequences = commandSequences(document, nodePath)
  const insertInto = sequences[0] as YAMLSeq
  for (const sequence of sequences) {
    const argv = sequence.items.map((item) => String(isScalar(item) ? item.value : item))
    const edited = editArgv(argv, edit, sequence === insertInto)
    if (edited.join('\0') === argv.join('\0')) continue
    sequence.items = edited.map((value) => new Scalar(value))
  }
  // A flag that is only in args was set there; one that was nowhere is appended to command above.
  return document.toString(YAML_OUTPUT)
}

/** The value of each flag on the manifest's container command line (the last one wins, as in pflag). */
export function manifestFlagValues(text: string, nodePath: string): Map<string, string | undefined> {
  const document = parse(text, nodePath)
  const values = new Map<string, string | undefined>()
  for (const sequence of commandSequences(document, nodePath)) {
    const argv = sequence.items.map((item) => String(isScalar(item) ? item.value : item))
    for (const flag of flagItems(argv)) values.set(flag.name, flag.value ?? 'true')
  }
  return values
}

const ENV_LINE = /^([ \t]*KUBELET_KUBEADM_ARGS=)"((?:[^"\\]|\\.)*)"[ \t]*$/m

function envArgv(text: string): string[] | undefined {
  const match = ENV_LINE.exec(text)
  if (match?.[2] === undefined) return undefined
  return match[2].replace(/\\(.)/g, '$1').split(/\s+/).filter((item) => item !== '')
}

/** kubeadm-flags.env with flags changed in KUBELET_KUBEADM_ARGS (the line is added when missing). */
export function editKubeletFlagsEnv(text: string, edit: FlagEdit): string {
  const argv = envArgv(text) ?? []
  const line = editArgv(argv, edit).join(' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')
  if (ENV_LINE.test(text)) return text.replace(ENV_LINE, (_, prefix: string) => `${prefix}"${line}"`)
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}KUBELET_KUBEADM_ARGS="${line}"\n`
}

export function kubeletEnvFlagValues(text: string): Map<string, string | undefined> {
  return new Map(flagItems(envArgv(text) ?? []).map((flag) => [flag.name, flag.value ?? 'true']))
}

/** A setting of the kubelet's config: its path, and its value or undefined when absent. */
export interface ConfigLeaf {
  path: string[]
  value: JsonValue | undefined
}

/** The leaves a merge patch touches: nested objects are descended, any other value (null included) is a leaf. */
export function patchLeaves(patch: KubeletConfigPatch, prefix: string[] = []): ConfigLeaf[] {
  return Object.entries(patch).flatMap(([key, value]) =>
    isPlainObject(value) && Object.keys(value).length > 0 ? patchLeaves(value, [...prefix, key]) : [{path: [...prefix, key], value: value ?? undefined}],
  )
}

/** The kubelet's config.yaml with each leaf set (or deleted when undefined), other lines as they were; new keys in sorted place. */
export function editKubeletConfig(text: string, nodePath: string, leaves: readonly ConfigLeaf[]): string {
  const document = parse(text, nodePath)
  if (!isMap(document.contents)) throw new NodeFileEditError(nodePath, 'not a KubeletConfiguration mapping')
  for (const leaf of leaves) {
    if (leaf.value === undefined) {
      if (document.hasIn(leaf.path)) document.deleteIn(leaf.path)
      continue
    }
    let map: YAMLMap = document.contents
    leaf.path.forEach((key, index) => {
      const last = index === leaf.path.length - 1
      const existing = map.get(key, true)
      if (last) {
        if (isScalar(existing)) existing.value = leaf.value
        else if (existing !== undefined) map.set(key, document.createNode(leaf.value))
        else insertSorted(map, key, document.createNode(leaf.value))
        return
      }
      if (isMap(existing)) {
        map = existing
        return
      }
      const child = new YAMLMap()
      if (existing !== undefined) map.set(key, child)
      else insertSorted(map, key, child)
      map = child
    })
  }
  return document.toString(YAML_OUTPUT)
}

function insertSorted(map: YAMLMap, key: string, value: unknown): void {
  const at = map.items.findIndex((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key) > key)
  map.items.splice(at < 0 ? map.items.length : at, 0, new Pair(new Scalar(key), value))
}

/** The current value at each path of the kubelet's config (undefined when absent or the file does not parse). */
export function kubeletConfigValue(text: string | undefined, path: readonly string[]): JsonValue | undefined {
  if (text === undefined) return undefined
  const document = parseDocument(text)
  if (document.errors.length > 0) return undefined
  const node = document.getIn(path, true)
  if (node === undefined) return undefined
  const json = (isScalar(node) || isMap(node) || isSeq(node) ? node.toJSON() : node) as JsonValue
  return json ?? null
}
