/**
 * The kubelet's effective settings, resolved at start-up as cmd/kubelet/app/server.go does it: the command line
 * systemd builds (kubelet.service and its drop-ins — kubeadm's 10-kubeadm.conf, kubeadm-flags.env,
 * /etc/default/kubelet), then the KubeletConfiguration file named by --config, then the defaults (v1beta1's
 * SetDefaults_KubeletConfiguration with a config file; the legacy command-line defaults without one), and the
 * command-line flags once more on top ("kubeletConfigFlagPrecedence"). Anything the real kubelet refuses to start
 * with throws KubeletStartupError with the real kubelet's text and the file, line and flag that caused it.
 *
 * Not modelled: --config-dir drop-ins, unknown flags (pflag's "unknown flag"; the sim does not know every kubelet
 * flag, so it ignores the ones it does not act on), and the lenient-decoding log line for unknown config fields.
 */
import {isIP} from 'node:net'
import {parseCommandLine} from '../../../../node-config/flags.js'
import {kubeletCommandLine} from '../../../../node-config/kubelet-command-line.js'
import type {FlagSetting} from '../../../../node-config/types.js'
import type {NodeAccess} from '../../../../target/types.js'
import {atLeast, type KubeVersion} from '../../apiserver/version.js'
import {
  ConfigFileDecodeError,
  decodeKubeletConfigFile,
  KUBELET_CONFIG_API_VERSION,
  KUBELET_CONFIG_KIND,
  resolveConfigPath,
  type DecodedConfigFile,
  type FileFieldKey,
} from './config-file.js'
import {KubeletStartupError, type KubeletSettingLocation} from './errors.js'
import {formatGoDuration, parseGoBool, parseGoDuration, parseGoInt32, type GoParse} from './go-values.js'

/** Where an effective value came from. */
export type SettingOrigin = {source: 'flag'; file: string; line?: number; flag: string} | {source: 'config-file'; file: string; line?: number} | {source: 'default'}

export interface KubeletApiSettings {
  /** Node path of the KubeletConfiguration file, when --config names one. */
  configFile: string | undefined
  /** Which files gave the command line, e.g. "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf, /var/lib/kubelet/kubeadm-flags.env". */
  flagsSource: string
  address: string
  port: number
  readOnlyPort: number
  anonymousAuth: boolean
  webhookAuthentication: boolean
  webhookCacheTtlMs: number
  /** Node path; undefined when unset. */
  clientCAFile: string | undefined
  /** Checked when the authorizer is built ("unknown authorization mode …"), as in the real kubelet. */
  authorizationMode: string
  cacheAuthorizedTtlMs: number
  cacheUnauthorizedTtlMs: number
  tlsCertFile: string | undefined
  tlsPrivateKeyFile: string | undefined
  /** --cert-dir, where the kubelet keeps (or makes) kubelet.crt/kubelet.key. */
  certDirectory: string
  staticPodPath: string
  enableDebuggingHandlers: boolean
  rotateCertificates: boolean
  nodeStatusUpdateFrequencyMs: number
  /** Node paths of --kubeconfig and --bootstrap-kubeconfig; without --kubeconfig the kubelet runs standalone. */
  kubeconfig: string | undefined
  bootstrapKubeconfig: string | undefined
  hostnameOverride: string | undefined
  nodeIp: string | undefined
  providerId: string | undefined
  /** --enable-cadvisor-json-endpoints: /spec and the cAdvisor /stats/ endpoints (removed in 1.21). */
  cadvisorJsonEndpoints: boolean
  origins: ReadonlyMap<SettingKey, SettingOrigin>
  /** The effective KubeletConfiguration, as /configz serves it (inside {"kubeletconfig": …}). */
  configz(): Record<string, unknown>
}

type SettingKind = 'bool' | 'int32' | 'string' | 'duration' | 'ip'

interface SettingSpec {
  flag: string
  kind: SettingKind
  /** The KubeletConfiguration field, when the setting has one. */
  file?: FileFieldKey
  /** Default with a config file (v1beta1 defaulting) and without one (legacy flag defaults). */
  defaults: {configFile: SettingValue; commandLine: SettingValue}
  /** v1beta1 defaulting treats Go's zero value as unset (`if obj.Port == 0`). */
  zeroIsUnset?: boolean
}

type SettingValue = boolean | number | string | undefined

const MINUTE = 60_000

/** cmd/kubelet/app/options (flags) and pkg/kubelet/apis/config/v1beta1/defaults.go (defaults), checked for v1.34. */
const SETTINGS = {
  address: {flag: 'address', kind: 'ip', file: 'address', defaults: {configFile: '0.0.0.0', commandLine: '0.0.0.0'}, zeroIsUnset: true},
  port: {flag: 'port', kind: 'int32', file: 'port', defaults: {configFile: 10250, commandLine: 10250}, zeroIsUnset: true},
  readOnlyPort: {flag: 'read-only-port', kind: 'int32', file: 'readOnlyPort', defaults: {configFile: 0, commandLine: 10255}},
  anonymousAuth: {flag: 'anonymous-auth', kind: 'bool', file: 'anonymousAuth', defaults: {configFile: false, commandLine: true}},
  webhookAuthentication: {flag: 'authentication-token-webhook', kind: 'bool', file: 'webhookAuthentication', defaults: {configFile: true, commandLine: false}},
  webhookCacheTTL: {flag: 'authentication-token-webhook-cache-ttl', kind: 'duration', file: 'webhookCacheTTL', defaults: {configFile: 2 * MINUTE, commandLine: 2 * MINUTE}, zeroIsUnset: true},
  clientCAFile: {flag: 'client-ca-file', kind: 'string', file: 'clientCAFile', defaults: {configFile: undefined, commandLine: undefined}},
  authorizationMode: {flag: 'authorization-mode', kind: 'string', file: 'authorizationMode', defaults: {configFile: 'Webhook', commandLine: 'AlwaysAllow'}, zeroIsUnset: true},
  cacheAuthorizedTTL: {flag: 'authorization-webhook-cache-authorized-ttl', kind: 'duration', file: 'cacheAuthorizedTTL', defaults: {configFile: 5 * MINUTE, commandLine: 5 * MINUTE}, zeroIsUnset: true},
  cacheUnauthorizedTTL: {flag: 'authorization-webhook-cache-unauthorized-ttl', kind: 'duration', file: 'cacheUnauthorizedTTL', defaults: {configFile: 30_000, commandLine: 30_000}, zeroIsUnset: true},
  tlsCertFile: {flag: 'tls-cert-file', kind: 'string', file: 'tlsCertFile', defaults: {configFile: undefined, commandLine: undefined}},
  tlsPrivateKeyFile: {flag: 'tls-private-key-file', kind: 'string', file: 'tlsPrivateKeyFile', defaults: {configFile: undefined, commandLine: undefined}},
  staticPodPath: {flag: 'pod-manifest-path', kind: 'string', file: 'staticPodPath', defaults: {configFile: '', commandLine: ''}},
  enableDebuggingHandlers: {flag: 'enable-debugging-handlers', kind: 'bool', file: 'enableDebuggingHandlers', defaults: {configFile: true, commandLine: true}},
  rotateCertificates: {flag: 'rotate-certificates', kind: 'bool', file: 'rotateCertificates', defaults: {configFile: false, commandLine: false}},
  nodeStatusUpdateFrequency: {flag: 'node-status-update-frequency', kind: 'duration', file: 'nodeStatusUpdateFrequency', defaults: {configFile: 10_000, commandLine: 10_000}, zeroIsUnset: true},
  kubeconfig: {flag: 'kubeconfig', kind: 'string', defaults: {configFile: undefined, commandLine: undefined}},
  bootstrapKubeconfig: {flag: 'bootstrap-kubeconfig', kind: 'string', defaults: {configFile: undefined, commandLine: undefined}},
  certDirectory: {flag: 'cert-dir', kind: 'string', defaults: {configFile: '/var/lib/kubelet/pki', commandLine: '/var/lib/kubelet/pki'}},
  hostnameOverride: {flag: 'hostname-override', kind: 'string', defaults: {configFile: undefined, commandLine: undefined}},
  nodeIp: {flag: 'node-ip', kind: 'string', defaults: {configFile: undefined, commandLine: undefined}},
  providerId: {flag: 'provider-id', kind: 'string', defaults: {configFile: undefined, commandLine: undefined}},
  cadvisorJsonEndpoints: {flag: 'enable-cadvisor-json-endpoints', kind: 'bool', defaults: {configFile: false, commandLine: false}},
} as const satisfies Record<string, SettingSpec>

export type SettingKey = keyof typeof SETTINGS

/** Node path of kubeadm's KubeletConfiguration (KUBELET_CONFIG_ARGS in its drop-in). */
export const KUBEADM_KUBELET_CONFIG = '/var/lib/kubelet/config.yaml'

/**
 * Reads the node's kubelet command line and config file and returns the settings the kubelet would run with.
 * Throws KubeletStartupError for a flag, file or value the kubelet refuses.
 */
export async function resolveKubeletSettings(node: NodeAccess, version: KubeVersion): Promise<KubeletApiSettings> {
  const commandLine = await kubeletCommandLine(node)
  const {flags, positional} = parseCommandLine(commandLine.items, true)
  const stray = positional[0]
  if (stray) {
    throw new KubeletStartupError(`unknown command ${stray.value}`, 'flags', {file: stray.file, ...(stray.line === undefined ? {} : {line: stray.line})})
  }

  // Flags are parsed (and refused) before the config file is read.
  const flagValues = new Map<SettingKey, {value: SettingValue; flag: FlagSetting}>()
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec: SettingSpec = SETTINGS[key]
    const flag = flags.get(spec.flag)
    if (!flag) continue
    flagValues.set(key, {value: parseFlag(spec, flag), flag})
  }

  const configFlag = flags.get('config')
  const configFile = configFlag && configFlag.value !== '' ? configFlag.value : undefined
  const decoded = configFile === undefined ? undefined : await loadConfigFile(node, configFile)
  const regime = configFile === undefined ? 'commandLine' : 'configFile'

  const values = new Map<SettingKey, SettingValue>()
  const origins = new Map<SettingKey, SettingOrigin>()
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec: SettingSpec = SETTINGS[key]
    const fromFlag = flagValues.get(key)
    if (fromFlag) {
      values.set(key, fromFlag.value)
      origins.set(key, {source: 'flag', file: fromFlag.flag.file, flag: spec.flag, ...(fromFlag.flag.line === undefined ? {} : {line: fromFlag.flag.line})})
      continue
    }
    const fromFile = decoded && spec.file ? fileValue(decoded, spec) : undefined
    if (fromFile && !(spec.zeroIsUnset && isZero(fromFile.value))) {
      values.set(key, fromFile.value)
      origins.set(key, {source: 'config-file', file: decoded?.file ?? '', ...(fromFile.line === undefined ? {} : {line: fromFile.line})})
      continue
    }
    values.set(key, key === 'cadvisorJsonEndpoints' ? !atLeast(version, 1, 18) : spec.defaults[regime])
    origins.set(key, {source: 'default'})
  }

  const settings = buildSettings(values, origins, configFile, commandLine.flagsSource, decoded, version)
  validate(settings)
  return settings
}

function parseFlag(spec: SettingSpec, flag: FlagSetting): SettingValue {
  const fail = (reason: string): never => {
    throw new KubeletStartupError(
      `failed to parse kubelet flag: invalid argument ${JSON.stringify(flag.value)} for "--${spec.flag}" flag: ${reason}`,
      'flags',
      flagLocation(flag),
    )
  }
  const unwrap = <T>(parsed: GoParse<T>): T => (parsed.ok ? parsed.value : fail(parsed.error))
  switch (spec.kind) {
    case 'bool':
      return unwrap(parseGoBool(flag.value))
    case 'int32':
      return unwrap(parseGoInt32(flag.value))
    case 'duration':
      return unwrap(parseGoDuration(flag.value))
    case 'ip':
      // utilflag.IPVar
      return isIP(flag.value) === 0 ? fail(`${JSON.stringify(flag.value)} is not a valid IP address`) : flag.value
    case 'string':
      return flag.value
  }
}

function flagLocation(flag: FlagSetting): KubeletSettingLocation {
  return {file: flag.file, flag: flag.name, ...(flag.line === undefined ? {} : {line: flag.line})}
}

async function loadConfigFile(node: NodeAccess, file: string): Promise<DecodedConfigFile> {
  const wrap = (inner: string, location: KubeletSettingLocation): KubeletStartupError =>
    new KubeletStartupError(
      `failed to load kubelet config file, path: ${file}, error: failed to load Kubelet config file ${file}, error ${inner}`,
      'config-file',
      {file, ...location},
    )
  let text: string | undefined
  try {
    text = await node.readFile(file)
  } catch (error) {
    throw wrap(`failed to read kubelet config file ${JSON.stringify(file)}, error: read ${file}: ${(error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message}`, {})
  }
  if (text === undefined) {
    throw wrap(`failed to read kubelet config file ${JSON.stringify(file)}, error: open ${file}: no such file or directory`, {})
  }
  try {
    return decodeKubeletConfigFile(text, file)
  } catch (error) {
    if (!(error instanceof ConfigFileDecodeError)) throw error
    throw wrap(error.reason, {...(error.line === undefined ? {} : {line: error.line}), ...(error.setting ? {setting: error.setting} : {})})
  }
}

function fileValue(decoded: DecodedConfigFile, spec: SettingSpec): {value: SettingValue; line: number | undefined} | undefined {
  const key = spec.file
  if (!key) return undefined
  switch (spec.kind) {
    case 'bool':
      return decoded.bool(key)
    case 'int32':
      return decoded.int(key)
    case 'duration':
      return decoded.duration(key)
    case 'ip':
    case 'string': {
      const found = decoded.string(key)
      if (!found) return undefined
      const isPath = key === 'clientCAFile' || key === 'tlsCertFile' || key === 'tlsPrivateKeyFile' || key === 'staticPodPath'
      return isPath ? {value: resolveConfigPath(decoded.file, found.value), line: found.line} : found
    }
  }
}

function isZero(value: SettingValue): boolean {
  return value === 0 || value === '' || value === undefined
}

function buildSettings(
  values: ReadonlyMap<SettingKey, SettingValue>,
  origins: ReadonlyMap<SettingKey, SettingOrigin>,
  configFile: string | undefined,
  flagsSource: string,
  decoded: DecodedConfigFile | undefined,
  version: KubeVersion,
): KubeletApiSettings {
  const bool = (key: SettingKey): boolean => values.get(key) === true
  const number = (key: SettingKey): number => Number(values.get(key) ?? 0)
  const text = (key: SettingKey): string | undefined => {
    const value = values.get(key)
    return value === undefined || value === '' ? undefined : String(value)
  }
  const settings: KubeletApiSettings = {
    configFile,
    flagsSource,
    address: text('address') ?? '0.0.0.0',
    port: number('port'),
    readOnlyPort: number('readOnlyPort'),
    anonymousAuth: bool('anonymousAuth'),
    webhookAuthentication: bool('webhookAuthentication'),
    webhookCacheTtlMs: number('webhookCacheTTL'),
    clientCAFile: text('clientCAFile'),
    authorizationMode: String(values.get('authorizationMode') ?? ''),
    cacheAuthorizedTtlMs: number('cacheAuthorizedTTL'),
    cacheUnauthorizedTtlMs: number('cacheUnauthorizedTTL'),
    tlsCertFile: text('tlsCertFile'),
    tlsPrivateKeyFile: text('tlsPrivateKeyFile'),
    certDirectory: text('certDirectory') ?? '/var/lib/kubelet/pki',
    staticPodPath: text('staticPodPath') ?? '',
    enableDebuggingHandlers: bool('enableDebuggingHandlers'),
    rotateCertificates: bool('rotateCertificates'),
    nodeStatusUpdateFrequencyMs: number('nodeStatusUpdateFrequency'),
    kubeconfig: text('kubeconfig'),
    bootstrapKubeconfig: text('bootstrapKubeconfig'),
    hostnameOverride: text('hostnameOverride'),
    nodeIp: text('nodeIp'),
    providerId: text('providerId'),
    // Removed in 1.21 (KEP-2129): the flag no longer exists and neither do the endpoints.
    cadvisorJsonEndpoints: !atLeast(version, 1, 21) && bool('cadvisorJsonEndpoints'),
    origins,
    configz: () => configz(settings, decoded),
  }
  return settings
}

/**
 * ValidateKubeletConfiguration, for the settings the sim acts on. Its errors are aggregated
 * (utilerrors.NewAggregate: one message alone, several as "[a, b]"), then wrapped with the whole configuration
 * struct printed with %s — which the sim abbreviates to "&{…}".
 */
function validate(settings: KubeletApiSettings): void {
  const problems: Array<{message: string; key: SettingKey}> = []
  if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535) {
    problems.push({message: `invalid configuration: port (--port) ${settings.port} must be between 1 and 65535, inclusive`, key: 'port'})
  }
  if (settings.readOnlyPort !== 0 && (settings.readOnlyPort < 1 || settings.readOnlyPort > 65535)) {
    problems.push({message: `invalid configuration: readOnlyPort (--read-only-port) ${settings.readOnlyPort} must be between 0 and 65535, inclusive`, key: 'readOnlyPort'})
  }
  const first = problems[0]
  if (!first) return
  const aggregate = problems.length === 1 ? first.message : `[${problems.map((problem) => problem.message).join(', ')}]`
  throw new KubeletStartupError(`failed to validate kubelet configuration, error: ${aggregate}, path: &{…}`, 'validation', originLocation(settings, first.key))
}

/** The file, line and flag behind a setting, for an error about it. */
export function originLocation(settings: KubeletApiSettings, key: SettingKey): KubeletSettingLocation {
  const origin = settings.origins.get(key)
  const spec: SettingSpec = SETTINGS[key]
  const setting = spec.file ? settingPath(spec.file) : undefined
  if (!origin || origin.source === 'default') return setting ? {setting} : {flag: spec.flag}
  if (origin.source === 'flag') return {file: origin.file, flag: origin.flag, ...(origin.line === undefined ? {} : {line: origin.line})}
  return {file: origin.file, ...(origin.line === undefined ? {} : {line: origin.line}), ...(setting ? {setting} : {})}
}

function settingPath(key: FileFieldKey): string {
  const paths: Record<FileFieldKey, string> = {
    address: 'address',
    port: 'port',
    readOnlyPort: 'readOnlyPort',
    tlsCertFile: 'tlsCertFile',
    tlsPrivateKeyFile: 'tlsPrivateKeyFile',
    staticPodPath: 'staticPodPath',
    enableDebuggingHandlers: 'enableDebuggingHandlers',
    rotateCertificates: 'rotateCertificates',
    nodeStatusUpdateFrequency: 'nodeStatusUpdateFrequency',
    clientCAFile: 'authentication.x509.clientCAFile',
    webhookAuthentication: 'authentication.webhook.enabled',
    webhookCacheTTL: 'authentication.webhook.cacheTTL',
    anonymousAuth: 'authentication.anonymous.enabled',
    authorizationMode: 'authorization.mode',
    cacheAuthorizedTTL: 'authorization.webhook.cacheAuthorizedTTL',
    cacheUnauthorizedTTL: 'authorization.webhook.cacheUnauthorizedTTL',
  }
  return paths[key]
}

/** The config file's own fields, with the effective values of the ones the sim resolves written over them. */
function configz(settings: KubeletApiSettings, decoded: DecodedConfigFile | undefined): Record<string, unknown> {
  const document: Record<string, unknown> = structuredClone(decoded?.document ?? {})
  const object = (parent: Record<string, unknown>, key: string): Record<string, unknown> => {
    const current = parent[key]
    const next = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {}
    parent[key] = next
    return next
  }
  const authentication = object(document, 'authentication')
  object(authentication, 'x509')['clientCAFile'] = settings.clientCAFile ?? ''
  Object.assign(object(authentication, 'webhook'), {enabled: settings.webhookAuthentication, cacheTTL: formatGoDuration(settings.webhookCacheTtlMs)})
  object(authentication, 'anonymous')['enabled'] = settings.anonymousAuth
  const authorization = object(document, 'authorization')
  authorization['mode'] = settings.authorizationMode
  Object.assign(object(authorization, 'webhook'), {
    cacheAuthorizedTTL: formatGoDuration(settings.cacheAuthorizedTtlMs),
    cacheUnauthorizedTTL: formatGoDuration(settings.cacheUnauthorizedTtlMs),
  })
  Object.assign(document, {
    kind: KUBELET_CONFIG_KIND,
    apiVersion: KUBELET_CONFIG_API_VERSION,
    staticPodPath: settings.staticPodPath,
    address: settings.address,
    port: settings.port,
    readOnlyPort: settings.readOnlyPort,
    tlsCertFile: settings.tlsCertFile ?? '',
    tlsPrivateKeyFile: settings.tlsPrivateKeyFile ?? '',
    rotateCertificates: settings.rotateCertificates,
    enableDebuggingHandlers: settings.enableDebuggingHandlers,
    nodeStatusUpdateFrequency: formatGoDuration(settings.nodeStatusUpdateFrequencyMs),
  })
  return document
}
