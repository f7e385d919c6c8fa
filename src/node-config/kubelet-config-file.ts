import type {Node, Pair} from 'yaml'
import {isZeroTreatedAsUnset, KUBELET_SETTINGS, type KubeletSettingSpec} from './kubelet-settings.js'
import {ConfigParseError, type KubeletSettingKey} from './types.js'
import {asMap, describeYamlValue, pairOf, parseYaml, scalarValue, valueNode, type YamlSource} from './yaml-source.js'

/** A value a KubeletConfiguration file sets explicitly. */
export interface KubeletFileValue {
  value: string
  file: string
  line?: number
}

const API_VERSION = 'kubelet.config.k8s.io/v1beta1'
const KIND = 'KubeletConfiguration'

/**
 * The settings a KubeletConfiguration file sets, refusing what the kubelet refuses: an empty file,
 * another kind or apiVersion, and values of the wrong type (the kubelet decodes YAML into Go types,
 * so `enabled: "false"` is an error, not false). Unset fields, nulls and zero values the defaulting
 * treats as unset are left out.
 */
export function parseKubeletConfigFile(text: string, file: string): Map<KubeletSettingKey, KubeletFileValue> {
  const source = parseYaml(text, file)
  if (source.root === null) throw new ConfigParseError(file, 1, `kubelet config file ${JSON.stringify(file)} was empty`)
  const root = asMap(source.root)
  if (!root) throw new ConfigParseError(file, source.lineOf(source.root), `expected a KubeletConfiguration object, found ${describeYamlValue(source.root)}`)

  const kindPair = pairOf(root, 'kind')
  const kind = scalarValue(valueNode(kindPair))
  if (kindPair === undefined || kind === null || kind === '') throw new ConfigParseError(file, 1, "Object 'Kind' is missing")
  const versionPair = pairOf(root, 'apiVersion')
  const apiVersion = scalarValue(valueNode(versionPair))
  if (versionPair === undefined || apiVersion === null || apiVersion === '') throw new ConfigParseError(file, 1, "Object 'apiVersion' is missing")
  if (kind !== KIND || apiVersion !== API_VERSION) {
    throw new ConfigParseError(
      file,
      source.lineOf(kind !== KIND ? kindPair : versionPair),
      `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}; the kubelet reads ${KIND} ${API_VERSION}`,
    )
  }

  const values = new Map<KubeletSettingKey, KubeletFileValue>()
  for (const spec of KUBELET_SETTINGS) {
    const found = readField(source, root, spec)
    if (found) values.set(spec.key, found)
  }
  return values
}

function readField(source: YamlSource, root: Node, spec: KubeletSettingSpec): KubeletFileValue | undefined {
  let current: Node | null | undefined = root
  let pair: Pair | undefined
  for (const [depth, segment] of spec.path.entries()) {
    const map = asMap(current)
    if (!map) {
      if (current === null || scalarValue(current) === null) return undefined
      const parent = spec.path.slice(0, depth).join('.')
      throw new ConfigParseError(source.file, source.lineOf(current), `${parent}: expected an object, found ${describeYamlValue(current)}`)
    }
    pair = pairOf(map, segment)
    if (pair === undefined) return undefined
    current = valueNode(pair)
  }
  // `enabled:` with no value is JSON null to the kubelet: the field stays unset.
  if (current === null || current === undefined || scalarValue(current) === null) return undefined

  const value = typedValue(spec, current)
  if (value === undefined) {
    throw new ConfigParseError(source.file, source.lineOf(pair), `${spec.path.join('.')}: expected ${article(spec.type)}, found ${describeYamlValue(current)}`)
  }
  if (isZeroTreatedAsUnset(spec, value)) return undefined
  const line = source.lineOf(pair)
  return line === undefined ? {value, file: source.file} : {value, file: source.file, line}
}

function typedValue(spec: KubeletSettingSpec, node: Node | null | undefined): string | undefined {
  const raw = scalarValue(node)
  switch (spec.type) {
    case 'boolean':
      return typeof raw === 'boolean' ? String(raw) : undefined
    case 'integer':
      return typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : undefined
    case 'string':
      return typeof raw === 'string' ? raw : undefined
  }
}

function article(type: KubeletSettingSpec['type']): string {
  return type === 'integer' ? 'an integer' : `a ${type}`
}
