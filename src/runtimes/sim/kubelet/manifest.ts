import {createHash} from 'node:crypto'
import {LineCounter, isMap, isNode, isScalar, isSeq, parseAllDocuments, type Document} from 'yaml'
import {ManifestError} from './errors.js'

export interface HttpGetProbe {
  /** Unset means the pod IP; static pods use the host network, so the kubelet probes loopback. */
  host: string | undefined
  path: string
  /** A number or the name of a container port (kubeadm's "probe-port"). */
  port: number | string
  scheme: 'HTTP' | 'HTTPS'
}

export interface EnvVar {
  name: string
  value: string
}

export interface StaticPodContainer {
  name: string
  image: string | undefined
  command: string[]
  args: string[]
  env: EnvVar[]
  /** Variables set with valueFrom, which a kubelet without an API server cannot resolve; they are left out. */
  unresolvedEnv: string[]
  ports: Array<{name: string | undefined; containerPort: number}>
  startupProbe: HttpGetProbe | undefined
  readinessProbe: HttpGetProbe | undefined
  livenessProbe: HttpGetProbe | undefined
}

export interface HostPathVolume {
  name: string
  path: string
  type: string | undefined
}

/** The parts of a static Pod the sim kubelet acts on: its name and its first container. */
export interface StaticPod {
  /** The whole document as decoded (a v1 Pod), for the kubelet API's /pods and mirror pods; never mutated. */
  decoded: Readonly<Record<string, unknown>>
  name: string
  namespace: string
  container: StaticPodContainer
  hostPathVolumes: HostPathVolume[]
  terminationGracePeriodSeconds: number | undefined
  /**
   * sha256 of the pod as data (keys sorted). Like the kubelet, which hashes the decoded pod into a
   * static pod's UID, a comment or formatting edit changes nothing, while any field edit restarts it.
   */
  podHash: string
}

type PathKey = string | number
type JsonRecord = Record<string, unknown>

/**
 * Parses a static Pod manifest as the kubelet's file source would accept it. Throws ManifestError
 * with the node path and line for bad YAML, a document that is not a v1 Pod, or a Pod the kubelet's
 * validation would refuse for what the sim kubelet needs (name, containers, string command/args).
 */
export function parseStaticPod(text: string, file: string): StaticPod {
  const lineCounter = new LineCounter()
  // YAML 1.1, as go-yaml reads it for the kubelet: an unquoted `yes` or `on` is a boolean there too.
  const documents = parseAllDocuments(text, {lineCounter, prettyErrors: false, version: '1.1'})
  const document = Array.isArray(documents) ? documents[0] : undefined
  if (document === undefined || document.contents === null) throw new ManifestError(file, 1, 'the file holds no YAML document')
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line
  const syntaxError = document.errors[0]
  if (syntaxError) throw new ManifestError(file, lineAt(syntaxError.pos[0]), firstLine(syntaxError.message))

  const reader = new PodReader(document, file, lineAt)
  return reader.read()
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message
}

class PodReader {
  constructor(
    private readonly document: Document,
    private readonly file: string,
    private readonly lineAt: (offset: number) => number,
  ) {}

  read(): StaticPod {
    const pod: unknown = this.document.toJS()
    if (!isRecord(pod)) throw this.error([], 'the document is not a mapping (expected a v1 Pod)')
    if (pod['kind'] !== 'Pod') throw this.error(['kind'], `kind is ${JSON.stringify(pod['kind'] ?? null)}, expected Pod`)
    if (pod['apiVersion'] !== 'v1') throw this.error(['apiVersion'], `apiVersion is ${JSON.stringify(pod['apiVersion'] ?? null)}, expected v1`)
    const metadata = this.record(pod, ['metadata'])
    const name = this.string(metadata['name'], ['metadata', 'name'])
    if (name === '') throw this.error(['metadata', 'name'], 'metadata.name: Required value')
    const namespaceValue = metadata['namespace']
    const namespace = namespaceValue === undefined ? 'default' : this.string(namespaceValue, ['metadata', 'namespace'])
    const spec = this.record(pod, ['spec'])
    const containers = spec['containers']
    if (!Array.isArray(containers) || containers.length === 0) throw this.error(['spec', 'containers'], 'spec.containers: Required value')
    const grace = spec['terminationGracePeriodSeconds']
    return {
      decoded: pod,
      name,
      namespace,
      container: this.container(containers[0], ['spec', 'containers', 0]),
      hostPathVolumes: this.hostPathVolumes(spec['volumes']),
      terminationGracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
      podHash: createHash('sha256').update(canonicalJson(pod)).digest('hex'),
    }
  }

  private container(value: unknown, path: PathKey[]): StaticPodContainer {
    if (!isRecord(value)) throw this.error(path, `${dotted(path)}: expected a container mapping`)
    const name = this.string(value['name'], [...path, 'name'])
    const image = value['image'] === undefined ? undefined : this.string(value['image'], [...path, 'image'])
    const command = this.strings(value['command'], [...path, 'command'])
    const args = this.strings(value['args'], [...path, 'args'])
    if (command.length === 0) {
      throw this.error(path, `${dotted(path)}.command: Required value (kubelab runs a static pod by its command, not by its image's entrypoint)`)
    }
    const env: EnvVar[] = []
    const unresolvedEnv: string[] = []
    for (const [index, item] of this.list(value['env'], [...path, 'env']).entries()) {
      const itemPath = [...path, 'env', index]
      if (!isRecord(item)) throw this.error(itemPath, `${dotted(itemPath)}: expected a mapping with name and value`)
      const variable = this.string(item['name'], [...itemPath, 'name'])
      if (item['valueFrom'] !== undefined) unresolvedEnv.push(variable)
      else env.push({name: variable, value: item['value'] === undefined ? '' : this.string(item['value'], [...itemPath, 'value'])})
    }
    const ports = this.list(value['ports'], [...path, 'ports']).map((item, index) => {
      const itemPath = [...path, 'ports', index]
      if (!isRecord(item) || typeof item['containerPort'] !== 'number') {
        throw this.error(itemPath, `${dotted(itemPath)}.containerPort: Required value`)
      }
      return {name: typeof item['name'] === 'string' ? item['name'] : undefined, containerPort: item['containerPort']}
    })
    return {
      name,
      image,
      command,
      args,
      env,
      unresolvedEnv,
      ports,
      startupProbe: this.probe(value['startupProbe'], [...path, 'startupProbe']),
      readinessProbe: this.probe(value['readinessProbe'], [...path, 'readinessProbe']),
      livenessProbe: this.probe(value['livenessProbe'], [...path, 'livenessProbe']),
    }
  }

  /** Only httpGet probes are run; exec and tcpSocket probes are read as "no probe". */
  private probe(value: unknown, path: PathKey[]): HttpGetProbe | undefined {
    if (value === undefined || value === null) return undefined
    if (!isRecord(value)) throw this.error(path, `${dotted(path)}: expected a mapping`)
    const httpGet = value['httpGet']
    if (!isRecord(httpGet)) return undefined
    const port = httpGet['port']
    if (typeof port !== 'number' && typeof port !== 'string') throw this.error([...path, 'httpGet', 'port'], `${dotted(path)}.httpGet.port: Required value`)
    const scheme = httpGet['scheme'] ?? 'HTTP'
    if (scheme !== 'HTTP' && scheme !== 'HTTPS') {
      throw this.error([...path, 'httpGet', 'scheme'], `${dotted(path)}.httpGet.scheme: Unsupported value: ${JSON.stringify(scheme)}: supported values: "HTTP", "HTTPS"`)
    }
    return {
      host: typeof httpGet['host'] === 'string' && httpGet['host'] !== '' ? httpGet['host'] : undefined,
      path: typeof httpGet['path'] === 'string' ? httpGet['path'] : '/',
      port,
      scheme,
    }
  }

  private hostPathVolumes(value: unknown): HostPathVolume[] {
    return this.list(value, ['spec', 'volumes']).flatMap((volume) => {
      if (!isRecord(volume) || !isRecord(volume['hostPath']) || typeof volume['hostPath']['path'] !== 'string') return []
      const type = volume['hostPath']['type']
      return [{name: String(volume['name'] ?? ''), path: volume['hostPath']['path'], type: typeof type === 'string' ? type : undefined}]
    })
  }

  private record(parent: JsonRecord, path: PathKey[]): JsonRecord {
    const value = parent[path[path.length - 1] as string]
    if (!isRecord(value)) throw this.error(path, `${dotted(path)}: Required value`)
    return value
  }

  private list(value: unknown, path: PathKey[]): unknown[] {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) throw this.error(path, `${dotted(path)}: expected a list`)
    return value
  }

  private string(value: unknown, path: PathKey[]): string {
    if (typeof value === 'string') return value
    if (value === undefined || value === null) throw this.error(path, `${dotted(path)}: Required value`)
    // What the Go decoder says for `- 10000` in a []string: the number is not quoted.
    throw this.error(path, `${dotted(path)}: cannot unmarshal ${typeof value} into string (quote the value)`)
  }

  private strings(value: unknown, path: PathKey[]): string[] {
    return this.list(value, path).map((item, index) => this.string(item, [...path, index]))
  }

  /** An error at the line of `path` in the document: the key's line for a mapping entry, else the item's; or the nearest line that exists. */
  private error(path: PathKey[], reason: string): ManifestError {
    let node: unknown = this.document.contents
    let offset = isNode(node) && node.range ? node.range[0] : 0
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key)
        if (!pair) break
        if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0]
        node = pair.value
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key]
        if (!isNode(node) || !node.range) break
        offset = node.range[0]
      } else {
        break
      }
    }
    return new ManifestError(this.file, this.lineAt(offset), reason)
  }
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function dotted(path: PathKey[]): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isRecord(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
