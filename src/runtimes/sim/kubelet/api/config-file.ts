/**
 * Decoding a KubeletConfiguration file (kubelet.config.k8s.io/v1beta1) as the kubelet does
 * (pkg/kubelet/kubeletconfig/configfiles and util/codec): YAML 1.1 converted to JSON (sigs.k8s.io/yaml), the
 * apiVersion/kind looked up in the kubelet's scheme, then the JSON decoded into Go types, so that a value of the
 * wrong type stops the kubelet. Unknown fields are accepted (the kubelet falls back to lenient decoding and only
 * logs them); only the fields the sim kubelet acts on are type-checked. Every error carries the file and line.
 */
import {LineCounter, isMap, isPair, isScalar, parseDocument, type Document, type Node, type Pair} from 'yaml'
import {parseGoDuration} from './go-values.js'

export const KUBELET_CONFIG_API_VERSION = 'kubelet.config.k8s.io/v1beta1'
export const KUBELET_CONFIG_KIND = 'KubeletConfiguration'
/** Where the kubelet's scheme is registered, as its "no kind is registered" errors name it. */
const KUBELET_SCHEME = 'k8s.io/kubernetes/pkg/kubelet/apis/config/scheme/scheme.go:32'

type GoType = 'bool' | 'int32' | 'string' | 'duration'

/** A field the sim kubelet reads: its JSON path, the Go struct that holds it (for Go's error text) and its type. */
interface FieldSpec {
  path: readonly string[]
  struct: string
  type: GoType
}

/** The nested structs on the way to those fields, with the Go type names Go's decoder prints. */
const STRUCTS: ReadonlyArray<{path: readonly string[]; parent: string; goType: string}> = [
  {path: ['authentication'], parent: 'KubeletConfiguration', goType: 'v1beta1.KubeletAuthentication'},
  {path: ['authentication', 'x509'], parent: 'KubeletAuthentication', goType: 'v1beta1.KubeletX509Authentication'},
  {path: ['authentication', 'webhook'], parent: 'KubeletAuthentication', goType: 'v1beta1.KubeletWebhookAuthentication'},
  {path: ['authentication', 'anonymous'], parent: 'KubeletAuthentication', goType: 'v1beta1.KubeletAnonymousAuthentication'},
  {path: ['authorization'], parent: 'KubeletConfiguration', goType: 'v1beta1.KubeletAuthorization'},
  {path: ['authorization', 'webhook'], parent: 'KubeletAuthorization', goType: 'v1beta1.KubeletWebhookAuthorization'},
]

export const FILE_FIELDS = {
  address: {path: ['address'], struct: 'KubeletConfiguration', type: 'string'},
  port: {path: ['port'], struct: 'KubeletConfiguration', type: 'int32'},
  readOnlyPort: {path: ['readOnlyPort'], struct: 'KubeletConfiguration', type: 'int32'},
  tlsCertFile: {path: ['tlsCertFile'], struct: 'KubeletConfiguration', type: 'string'},
  tlsPrivateKeyFile: {path: ['tlsPrivateKeyFile'], struct: 'KubeletConfiguration', type: 'string'},
  staticPodPath: {path: ['staticPodPath'], struct: 'KubeletConfiguration', type: 'string'},
  enableDebuggingHandlers: {path: ['enableDebuggingHandlers'], struct: 'KubeletConfiguration', type: 'bool'},
  rotateCertificates: {path: ['rotateCertificates'], struct: 'KubeletConfiguration', type: 'bool'},
  nodeStatusUpdateFrequency: {path: ['nodeStatusUpdateFrequency'], struct: 'KubeletConfiguration', type: 'duration'},
  clientCAFile: {path: ['authentication', 'x509', 'clientCAFile'], struct: 'KubeletX509Authentication', type: 'string'},
  webhookAuthentication: {path: ['authentication', 'webhook', 'enabled'], struct: 'KubeletWebhookAuthentication', type: 'bool'},
  webhookCacheTTL: {path: ['authentication', 'webhook', 'cacheTTL'], struct: 'KubeletWebhookAuthentication', type: 'duration'},
  anonymousAuth: {path: ['authentication', 'anonymous', 'enabled'], struct: 'KubeletAnonymousAuthentication', type: 'bool'},
  authorizationMode: {path: ['authorization', 'mode'], struct: 'KubeletAuthorization', type: 'string'},
  cacheAuthorizedTTL: {path: ['authorization', 'webhook', 'cacheAuthorizedTTL'], struct: 'KubeletWebhookAuthorization', type: 'duration'},
  cacheUnauthorizedTTL: {path: ['authorization', 'webhook', 'cacheUnauthorizedTTL'], struct: 'KubeletWebhookAuthorization', type: 'duration'},
} as const satisfies Record<string, FieldSpec>

export type FileFieldKey = keyof typeof FILE_FIELDS

/** A value the file sets (JSON null counts as unset), with the line that set it. */
export interface FileValue<T> {
  value: T
  line: number | undefined
}

export interface DecodedConfigFile {
  file: string
  /** The whole document as JSON, for /configz. */
  document: Record<string, unknown>
  bool(key: FileFieldKey): FileValue<boolean> | undefined
  int(key: FileFieldKey): FileValue<number> | undefined
  string(key: FileFieldKey): FileValue<string> | undefined
  /** Milliseconds. */
  duration(key: FileFieldKey): FileValue<number> | undefined
}

/** The config file cannot be decoded; `reason` is the text after the kubelet's "failed to load Kubelet config file" prefix. */
export class ConfigFileDecodeError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line: number | undefined,
    readonly setting?: string,
  ) {
    super(reason)
    this.name = 'ConfigFileDecodeError'
  }
}

/**
 * Decodes the text of `file`. Throws ConfigFileDecodeError with the decoder's own words after
 * "failed to decode: " (or "kubelet config file … was empty").
 */
export function decodeKubeletConfigFile(text: string, file: string): DecodedConfigFile {
  if (text.length === 0) throw new ConfigFileDecodeError(file, `kubelet config file ${JSON.stringify(file)} was empty`, undefined)
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {lineCounter, version: '1.1', uniqueKeys: false, prettyErrors: false})
  const lineAt = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : lineCounter.linePos(offset).line)
  if (document.errors.length > 0) {
    const {message, line} = goYamlError(document, lineAt)
    throw new ConfigFileDecodeError(file, `failed to decode: error converting YAML to JSON: yaml: line ${line}: ${message}`, line)
  }
  const json: unknown = document.toJS({maxAliasCount: 100})
  if (json === null || json === undefined || typeof json !== 'object' || Array.isArray(json)) {
    const value = json === null || json === undefined ? 'null' : Array.isArray(json) ? 'array' : goJsonKind(json)
    throw new ConfigFileDecodeError(
      file,
      `failed to decode: couldn't get version/kind; json parse error: json: cannot unmarshal ${value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
      1,
    )
  }
  const root = json as Record<string, unknown>
  const kind = typeof root['kind'] === 'string' ? root['kind'] : ''
  const apiVersion = typeof root['apiVersion'] === 'string' ? root['apiVersion'] : ''
  if (kind === '') throw new ConfigFileDecodeError(file, `failed to decode: Object 'Kind' is missing in '${text}'`, 1, 'kind')
  if (apiVersion === '') throw new ConfigFileDecodeError(file, `failed to decode: Object 'apiVersion' is missing in '${text}'`, 1, 'apiVersion')
  if (kind !== KUBELET_CONFIG_KIND || apiVersion !== KUBELET_CONFIG_API_VERSION) {
    throw new ConfigFileDecodeError(
      file,
      `failed to decode: no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme ${JSON.stringify(KUBELET_SCHEME)}`,
      lineOfPath(document, kind !== KUBELET_CONFIG_KIND ? ['kind'] : ['apiVersion'], lineAt),
      kind !== KUBELET_CONFIG_KIND ? 'kind' : 'apiVersion',
    )
  }

  const values = new Map<FileFieldKey, FileValue<unknown>>()
  // Go's decoder reports the first problem in document order; the fields are checked in the order they appear.
  const ordered = (Object.keys(FILE_FIELDS) as FileFieldKey[])
    .map((key) => ({key, line: lineOfPath(document, FILE_FIELDS[key].path, lineAt) ?? Number.MAX_SAFE_INTEGER}))
    .sort((a, b) => a.line - b.line)
  checkStructs(root, document, file, lineAt)
  for (const {key} of ordered) {
    const spec: FieldSpec = FILE_FIELDS[key]
    const raw = valueAt(root, spec.path)
    if (raw === undefined || raw === null) continue
    const line = lineOfPath(document, spec.path, lineAt)
    values.set(key, {value: decodeField(spec, raw, file, line), line})
  }

  const typed = <T>(key: FileFieldKey, type: GoType): FileValue<T> | undefined => {
    if (FILE_FIELDS[key].type !== type) throw new Error(`kubelet config field ${key} is not a ${type}`)
    return values.get(key) as FileValue<T> | undefined
  }
  return {
    file,
    document: root,
    bool: (key) => typed<boolean>(key, 'bool'),
    int: (key) => typed<number>(key, 'int32'),
    string: (key) => typed<string>(key, 'string'),
    duration: (key) => typed<number>(key, 'duration'),
  }
}

/** An object where Go expects a struct must be a JSON object: `authentication: true` is a type error. */
function checkStructs(root: Record<string, unknown>, document: Document, file: string, lineAt: (offset: number | undefined) => number | undefined): void {
  for (const struct of STRUCTS) {
    const value = valueAt(root, struct.path)
    if (value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value))) continue
    const line = lineOfPath(document, struct.path, lineAt)
    throw new ConfigFileDecodeError(
      file,
      `failed to decode: json: cannot unmarshal ${goJsonKind(value)} into Go struct field ${struct.parent}.${struct.path.join('.')} of type ${struct.goType}`,
      line,
      struct.path.join('.'),
    )
  }
}

function decodeField(spec: FieldSpec, raw: unknown, file: string, line: number | undefined): unknown {
  const setting = spec.path.join('.')
  const mismatch = (goType: string, value = goJsonKind(raw)): ConfigFileDecodeError =>
    new ConfigFileDecodeError(file, `failed to decode: json: cannot unmarshal ${value} into Go struct field ${spec.struct}.${setting} of type ${goType}`, line, setting)
  switch (spec.type) {
    case 'bool':
      if (typeof raw !== 'boolean') throw mismatch('bool')
      return raw
    case 'string':
      if (typeof raw !== 'string') throw mismatch(spec.path.at(-1) === 'mode' ? 'v1beta1.KubeletAuthorizationMode' : 'string')
      return raw
    case 'int32':
      if (typeof raw !== 'number') throw mismatch('int32')
      if (!Number.isInteger(raw) || raw < -(2 ** 31) || raw > 2 ** 31 - 1) throw mismatch('int32', `number ${String(raw)}`)
      return raw
    case 'duration': {
      // metav1.Duration unmarshals a JSON string through time.ParseDuration.
      if (typeof raw !== 'string') {
        throw new ConfigFileDecodeError(file, `failed to decode: json: cannot unmarshal ${goJsonKind(raw)} into Go value of type string`, line, setting)
      }
      const parsed = parseGoDuration(raw)
      if (!parsed.ok) throw new ConfigFileDecodeError(file, `failed to decode: ${parsed.error}`, line, setting)
      return parsed.value
    }
  }
}

/** Go's name for a JSON value's kind in "cannot unmarshal <kind> into …". */
function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return 'number'
  if (typeof value === 'string') return 'string'
  return 'object'
}

function valueAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = root
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

function lineOfPath(document: Document, path: readonly string[], lineAt: (offset: number | undefined) => number | undefined): number | undefined {
  let node: unknown = document.contents
  let pair: Pair | undefined
  for (const segment of path) {
    if (!isMap(node)) return pair ? lineAt((pair.key as Node | null)?.range?.[0]) : undefined
    pair = node.items.filter((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment).at(-1)
    if (!pair) return undefined
    node = pair.value
  }
  return pair ? lineAt((pair.key as Node | null)?.range?.[0]) : undefined
}

/**
 * go-yaml's wording for the common mistakes, at the line go-yaml names; other syntax errors keep the yaml
 * package's own description.
 */
function goYamlError(document: Document, lineAt: (offset: number | undefined) => number | undefined): {message: string; line: number} {
  const errors = document.errors
  const first = errors[0]
  const line = (offset: number | undefined): number => lineAt(offset) ?? 1
  switch (first?.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return {message: 'mapping values are not allowed in this context', line: Math.max(...errors.map((error) => line(error.pos[1])))}
    case 'TAB_AS_INDENT':
      return {message: 'found character that cannot start any token', line: line(first.pos[0])}
    case 'MISSING_CHAR':
      return {message: 'found unexpected end of stream', line: line(first.pos[0])}
    case 'BAD_INDENT':
    case 'UNEXPECTED_TOKEN':
      return {message: 'did not find expected key', line: line(first.pos[0])}
    default:
      return {message: (first?.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, ''), line: line(first?.pos[0])}
  }
}

/** Node paths in the file are relative to the file's folder when not absolute (configfiles resolveRelativePaths). */
export function resolveConfigPath(file: string, value: string): string {
  if (value === '' || value.startsWith('/')) return value
  const folder = file.slice(0, file.lastIndexOf('/')) || '/'
  const parts = `${folder}/${value}`.split('/')
  const resolved: string[] = []
  for (const part of parts) {
    if (part === '' || part === '.') continue
    if (part === '..') resolved.pop()
    else resolved.push(part)
  }
  return `/${resolved.join('/')}`
}

