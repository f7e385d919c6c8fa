import type {Node, YAMLMap} from 'yaml'
import type {NodeAccess, ProcessInfo} from '../target/types.js'
import {parseCommandLine, type ArgumentItem} from './flags.js'
import {ConfigParseError, type FlagSetting, type StaticPodConfig} from './types.js'
import {asMap, asSeq, describeYamlValue, pairOf, parseYaml, scalarValue, valueNode, type YamlSource} from './yaml-source.js'

/**
 * Reads a static Pod manifest as the kubelet would start it: the first container's command then
 * args, parsed as its flags. A missing file is `found: false`; a file the kubelet would refuse
 * (bad YAML, not a Pod, no containers, non-string arguments) throws ConfigParseError with the line.
 */
export async function readStaticPod(node: NodeAccess, nodePath: string): Promise<StaticPodConfig> {
  const text = await node.readFile(nodePath)
  if (text === undefined) return {file: nodePath, found: false, flags: new Map(), env: new Map()}
  return parseStaticPod(text, nodePath)
}

export function parseStaticPod(text: string, file: string): StaticPodConfig {
  const source = parseYaml(text, file)
  const container = firstContainer(source)

  const env = readEnv(source, container)
  const literalEnv = new Map([...env].map(([name, setting]) => [name, setting.value]))
  const items = [
    ...stringList(source, container, 'command'),
    ...stringList(source, container, 'args'),
  ].map((item) => ({...item, value: expandReferences(item.value, literalEnv)}))
  // With a command, its first item is the program; with args alone the image's entrypoint is.
  const commandLength = asSeq(valueNode(pairOf(container, 'command')))?.items.length ?? 0
  const {flags, positional} = parseCommandLine(items, commandLength > 0)

  const imagePair = pairOf(container, 'image')
  const image = scalarValue(valueNode(imagePair))
  if (typeof image !== 'string' || image === '') {
    throw new ConfigParseError(file, source.lineOf(imagePair ?? container), 'spec.containers[0].image: Required value')
  }
  const config: StaticPodConfig = {file, found: true, image, flags, env, source: 'manifest', positional}
  const version = imageVersion(image)
  if (version !== undefined) config.imageVersion = version
  return config
}

/** The component's flags from a running process's argv, for a node whose manifest is missing. */
export function configFromProcess(process: ProcessInfo): StaticPodConfig {
  const file = `process ${process.pid}`
  const items = process.argv.map((value) => ({value, file}))
  const {flags, positional} = parseCommandLine(items, true)
  return {file, found: true, flags, env: new Map(), source: 'process', positional}
}

/** "registry.k8s.io/kube-apiserver:v1.34.1" → "1.34.1"; "registry.k8s.io/etcd:3.5.21-0" → "3.5.21-0". */
export function imageVersion(image: string): string | undefined {
  const reference = image.split('@')[0] ?? image
  const colon = reference.lastIndexOf(':')
  if (colon < 0 || colon < reference.lastIndexOf('/')) return undefined
  const tag = reference.slice(colon + 1)
  return tag === '' ? undefined : tag.replace(/^v(?=\d)/, '')
}

function firstContainer(source: YamlSource): YAMLMap {
  const {file} = source
  if (source.root === null) throw new ConfigParseError(file, 1, 'the file is empty; the kubelet finds no Pod in it')
  const pod = asMap(source.root)
  if (!pod) throw new ConfigParseError(file, source.lineOf(source.root), `expected a Pod object, found ${describeYamlValue(source.root)}`)

  const kindPair = pairOf(pod, 'kind')
  const kind = scalarValue(valueNode(kindPair))
  if (kindPair === undefined || kind === '' || kind === null) throw new ConfigParseError(file, 1, "Object 'Kind' is missing")
  if (kind !== 'Pod') {
    throw new ConfigParseError(file, source.lineOf(kindPair), `kind is ${JSON.stringify(kind)}; the kubelet runs only a Pod from a static manifest`)
  }
  const versionPair = pairOf(pod, 'apiVersion')
  const apiVersion = scalarValue(valueNode(versionPair))
  if (versionPair === undefined || apiVersion === '' || apiVersion === null) throw new ConfigParseError(file, 1, "Object 'apiVersion' is missing")
  if (apiVersion !== 'v1') {
    throw new ConfigParseError(file, source.lineOf(versionPair), `no kind "Pod" is registered for version ${JSON.stringify(apiVersion)}`)
  }

  const specPair = pairOf(pod, 'spec')
  const spec = asMap(valueNode(specPair))
  const containersPair = spec ? pairOf(spec, 'containers') : undefined
  const containers = asSeq(valueNode(containersPair))
  const first = containers?.items[0] as Node | null | undefined
  if (!containers || first === undefined) {
    throw new ConfigParseError(file, source.lineOf(containersPair ?? specPair) ?? 1, 'spec.containers: Required value')
  }
  const container = asMap(first)
  if (!container) {
    throw new ConfigParseError(file, source.lineOf(first), `spec.containers[0]: expected a container object, found ${describeYamlValue(first)}`)
  }
  return container
}

/** command or args: Go decodes them into []string, so anything but a list of strings is refused. */
function stringList(source: YamlSource, container: YAMLMap, field: 'command' | 'args'): ArgumentItem[] {
  const pair = pairOf(container, field)
  const node = valueNode(pair)
  if (pair === undefined || node === null || scalarValue(node) === null) return []
  const list = asSeq(node)
  if (!list) {
    throw new ConfigParseError(source.file, source.lineOf(pair), `spec.containers[0].${field}: expected a list of strings, found ${describeYamlValue(node)}`)
  }
  return list.items.map((item, index) => {
    const value = scalarValue(item as Node | null)
    if (typeof value !== 'string') {
      throw new ConfigParseError(
        source.file,
        source.lineOf(item as Node | null) ?? source.lineOf(pair),
        `spec.containers[0].${field}[${index}]: expected a string, found ${describeYamlValue(item as Node | null)}`,
      )
    }
    const line = source.lineOf(item as Node | null)
    return line === undefined ? {value, file: source.file} : {value, file: source.file, line}
  })
}

/** Container env with literal values; entries using valueFrom are resolved only at runtime and left out. */
function readEnv(source: YamlSource, container: YAMLMap): Map<string, FlagSetting> {
  const env = new Map<string, FlagSetting>()
  const pair = pairOf(container, 'env')
  const list = asSeq(valueNode(pair))
  if (!list) return env
  for (const entryNode of list.items) {
    const entry = asMap(entryNode as Node | null)
    const name = entry ? scalarValue(valueNode(pairOf(entry, 'name'))) : undefined
    if (!entry || typeof name !== 'string') {
      throw new ConfigParseError(source.file, source.lineOf(entryNode as Node | null), 'spec.containers[0].env: each entry needs a name')
    }
    const valuePair = pairOf(entry, 'value')
    if (valuePair === undefined) continue
    const value = scalarValue(valueNode(valuePair))
    if (typeof value !== 'string') {
      throw new ConfigParseError(
        source.file,
        source.lineOf(valuePair),
        `spec.containers[0].env[${name}].value: expected a string, found ${describeYamlValue(valueNode(valuePair))}`,
      )
    }
    const setting: FlagSetting = {name, value, file: source.file, source: 'environment'}
    const line = source.lineOf(entryNode as Node | null)
    if (line !== undefined) setting.line = line
    env.set(name, setting)
  }
  return env
}

/**
 * The kubelet expands $(VAR) in command and args from the container's env before starting it;
 * "$$" is a literal "$", and a reference to an undefined variable stays as written.
 */
export function expandReferences(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$'
    const value = name === undefined ? undefined : env.get(name)
    return value ?? match
  })
}
