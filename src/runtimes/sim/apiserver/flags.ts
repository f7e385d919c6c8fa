/**
 * kube-apiserver's command line, parsed the way pflag/cobra parse it: `--name=value` and `--name value`, bare
 * `--bool-flag`, underscores normalised to dashes (cliflag.WordSepNormalizeFunc), comma-split string slices that
 * append when repeated, string arrays that only append, and pflag's exact error texts.
 *
 * Every flag the real binary knows is accepted, so a kubeadm manifest never trips the sim; `ACTED_ON_FLAGS` lists
 * those the sim honours. The insecure-serving flags follow the real version history: served ≤1.19, only 0 accepted
 * 1.20–1.23, unknown from 1.24.
 */
import {FlagParseError} from './errors.js'
import {atLeast, type KubeVersion} from './version.js'

type FlagKind = 'string' | 'bool' | 'int' | 'stringSlice' | 'stringArray' | 'duration' | 'ip' | 'map' | 'float'

interface FlagSpec {
  name: string
  kind: FlagKind
  /** Exists only before this minor release (e.g. 24 → gone from 1.24). */
  removedInMinor?: number
  /** pflag's deprecation notice, printed to stderr when the flag is used. */
  deprecation?: (version: KubeVersion) => string | undefined
}

const INSECURE_NO_EFFECT = 'This flag has no effect now and will be removed in v1.24.'
const insecureDeprecation =
  (legacyText: string) =>
  (version: KubeVersion): string =>
    atLeast(version, 1, 20) ? INSECURE_NO_EFFECT : legacyText

/** The flags the sim acts on. Every other known flag is accepted and ignored. */
export const ACTED_ON_FLAGS = [
  'advertise-address',
  'anonymous-auth',
  'api-audiences',
  'authorization-mode',
  'bind-address',
  'client-ca-file',
  'enable-bootstrap-token-auth',
  'etcd-cafile',
  'etcd-certfile',
  'etcd-keyfile',
  'etcd-prefix',
  'etcd-servers',
  'insecure-bind-address',
  'insecure-port',
  'address',
  'port',
  'profiling',
  'secure-port',
  'service-account-issuer',
  'service-account-key-file',
  'service-account-lookup',
  'service-account-max-token-expiration',
  'service-account-signing-key-file',
  'service-cluster-ip-range',
  'tls-cert-file',
  'tls-private-key-file',
  'token-auth-file',
] as const

const SPECS: FlagSpec[] = [
  // Acted on.
  {name: 'advertise-address', kind: 'ip'},
  {name: 'anonymous-auth', kind: 'bool'},
  {name: 'api-audiences', kind: 'stringSlice'},
  {name: 'authorization-mode', kind: 'stringSlice'},
  {name: 'bind-address', kind: 'ip'},
  {name: 'client-ca-file', kind: 'string'},
  {name: 'enable-bootstrap-token-auth', kind: 'bool'},
  {name: 'etcd-cafile', kind: 'string'},
  {name: 'etcd-certfile', kind: 'string'},
  {name: 'etcd-keyfile', kind: 'string'},
  {name: 'etcd-prefix', kind: 'string'},
  {name: 'etcd-servers', kind: 'stringSlice'},
  {
    name: 'insecure-bind-address',
    kind: 'ip',
    removedInMinor: 24,
    deprecation: insecureDeprecation('This flag will be removed in a future version.'),
  },
  {
    name: 'insecure-port',
    kind: 'int',
    removedInMinor: 24,
    deprecation: insecureDeprecation('This flag will be removed in a future version.'),
  },
  {name: 'address', kind: 'ip', removedInMinor: 24, deprecation: insecureDeprecation('see --insecure-bind-address instead.')},
  {name: 'port', kind: 'int', removedInMinor: 24, deprecation: insecureDeprecation('see --insecure-port instead.')},
  {name: 'profiling', kind: 'bool'},
  {name: 'secure-port', kind: 'int'},
  {name: 'service-account-issuer', kind: 'stringArray'},
  {name: 'service-account-key-file', kind: 'stringArray'},
  {name: 'service-account-lookup', kind: 'bool'},
  {name: 'service-account-max-token-expiration', kind: 'duration'},
  {name: 'service-account-signing-key-file', kind: 'string'},
  {name: 'service-cluster-ip-range', kind: 'string'},
  {name: 'tls-cert-file', kind: 'string'},
  {name: 'tls-private-key-file', kind: 'string'},
  {name: 'token-auth-file', kind: 'string'},
  // Accepted, not acted on.
  ...(
    [
      ['admission-control', 'stringSlice'],
      ['admission-control-config-file', 'string'],
      ['aggregator-reject-forwarding-redirect', 'bool'],
      ['allow-metric-labels', 'stringSlice'],
      ['allow-metric-labels-manifest', 'string'],
      ['allow-privileged', 'bool'],
      ['apiserver-count', 'int'],
      ['audit-log-batch-buffer-size', 'int'],
      ['audit-log-batch-max-size', 'int'],
      ['audit-log-batch-max-wait', 'duration'],
      ['audit-log-batch-throttle-burst', 'int'],
      ['audit-log-batch-throttle-enable', 'bool'],
      ['audit-log-batch-throttle-qps', 'float'],
      ['audit-log-compress', 'bool'],
      ['audit-log-format', 'string'],
      ['audit-log-maxage', 'int'],
      ['audit-log-maxbackup', 'int'],
      ['audit-log-maxsize', 'int'],
      ['audit-log-mode', 'string'],
      ['audit-log-path', 'string'],
      ['audit-log-truncate-enabled', 'bool'],
      ['audit-log-truncate-max-batch-size', 'int'],
      ['audit-log-truncate-max-event-size', 'int'],
      ['audit-log-version', 'string'],
      ['audit-policy-file', 'string'],
      ['audit-webhook-batch-buffer-size', 'int'],
      ['audit-webhook-batch-initial-backoff', 'duration'],
      ['audit-webhook-batch-max-size', 'int'],
      ['audit-webhook-batch-max-wait', 'duration'],
      ['audit-webhook-batch-throttle-burst', 'int'],
      ['audit-webhook-batch-throttle-enable', 'bool'],
      ['audit-webhook-batch-throttle-qps', 'float'],
      ['audit-webhook-config-file', 'string'],
      ['audit-webhook-initial-backoff', 'duration'],
      ['audit-webhook-mode', 'string'],
      ['audit-webhook-truncate-enabled', 'bool'],
      ['audit-webhook-truncate-max-batch-size', 'int'],
      ['audit-webhook-truncate-max-event-size', 'int'],
      ['audit-webhook-version', 'string'],
      ['authentication-config', 'string'],
      ['authentication-token-webhook-cache-ttl', 'duration'],
      ['authentication-token-webhook-config-file', 'string'],
      ['authentication-token-webhook-version', 'string'],
      ['authorization-config', 'string'],
      ['authorization-policy-file', 'string'],
      ['authorization-webhook-cache-authorized-ttl', 'duration'],
      ['authorization-webhook-cache-unauthorized-ttl', 'duration'],
      ['authorization-webhook-config-file', 'string'],
      ['authorization-webhook-version', 'string'],
      ['azure-container-registry-config', 'string'],
      ['cert-dir', 'string'],
      ['cloud-config', 'string'],
      ['cloud-provider', 'string'],
      ['cloud-provider-gce-l7lb-src-cidrs', 'string'],
      ['cloud-provider-gce-lb-src-cidrs', 'string'],
      ['contention-profiling', 'bool'],
      ['cors-allowed-origins', 'stringSlice'],
      ['debug-socket-path', 'string'],
      ['default-not-ready-toleration-seconds', 'int'],
      ['default-unreachable-toleration-seconds', 'int'],
      ['default-watch-cache-size', 'int'],
      ['delete-collection-workers', 'int'],
      ['disable-admission-plugins', 'stringSlice'],
      ['disable-http2-serving', 'bool'],
      ['disabled-metrics', 'stringSlice'],
      ['egress-selector-config-file', 'string'],
      ['emulated-version', 'stringSlice'],
      ['emulation-forward-compatible', 'bool'],
      ['enable-admission-plugins', 'stringSlice'],
      ['enable-aggregator-routing', 'bool'],
      ['enable-garbage-collector', 'bool'],
      ['enable-logs-handler', 'bool'],
      ['enable-priority-and-fairness', 'bool'],
      ['encryption-provider-config', 'string'],
      ['encryption-provider-config-automatic-reload', 'bool'],
      ['endpoint-reconciler-type', 'string'],
      ['etcd-compaction-interval', 'duration'],
      ['etcd-count-metric-poll-period', 'duration'],
      ['etcd-db-metric-poll-interval', 'duration'],
      ['etcd-healthcheck-timeout', 'duration'],
      ['etcd-readycheck-timeout', 'duration'],
      ['etcd-servers-overrides', 'stringSlice'],
      ['event-ttl', 'duration'],
      ['external-hostname', 'string'],
      ['feature-gates', 'map'],
      ['goaway-chance', 'float'],
      ['http2-max-streams-per-connection', 'int'],
      ['identity-lease-duration-seconds', 'int'],
      ['identity-lease-renew-interval-seconds', 'int'],
      ['kubelet-certificate-authority', 'string'],
      ['kubelet-client-certificate', 'string'],
      ['kubelet-client-key', 'string'],
      ['kubelet-port', 'int'],
      ['kubelet-preferred-address-types', 'stringSlice'],
      ['kubelet-read-only-port', 'int'],
      ['kubelet-timeout', 'duration'],
      ['kubernetes-service-node-port', 'int'],
      ['lease-reuse-duration-seconds', 'int'],
      ['livez-grace-period', 'duration'],
      ['log-flush-frequency', 'duration'],
      ['log-json-info-buffer-size', 'string'],
      ['log-json-split-stream', 'bool'],
      ['log-text-info-buffer-size', 'string'],
      ['log-text-split-stream', 'bool'],
      ['logging-format', 'string'],
      ['master-service-namespace', 'string'],
      ['max-connection-bytes-per-sec', 'int'],
      ['max-mutating-requests-inflight', 'int'],
      ['max-requests-inflight', 'int'],
      ['min-request-timeout', 'int'],
      ['oidc-ca-file', 'string'],
      ['oidc-client-id', 'string'],
      ['oidc-groups-claim', 'string'],
      ['oidc-groups-prefix', 'string'],
      ['oidc-issuer-url', 'string'],
      ['oidc-required-claim', 'map'],
      ['oidc-signing-algs', 'stringSlice'],
      ['oidc-username-claim', 'string'],
      ['oidc-username-prefix', 'string'],
      ['peer-advertise-ip', 'string'],
      ['peer-advertise-port', 'string'],
      ['peer-ca-file', 'string'],
      ['permit-address-sharing', 'bool'],
      ['permit-port-sharing', 'bool'],
      ['proxy-client-cert-file', 'string'],
      ['proxy-client-key-file', 'string'],
      ['request-timeout', 'duration'],
      ['requestheader-allowed-names', 'stringSlice'],
      ['requestheader-client-ca-file', 'string'],
      ['requestheader-extra-headers-prefix', 'stringSlice'],
      ['requestheader-group-headers', 'stringSlice'],
      ['requestheader-uid-headers', 'stringSlice'],
      ['requestheader-username-headers', 'stringSlice'],
      ['runtime-config', 'map'],
      ['send-retry-after-while-not-ready-once', 'bool'],
      ['service-account-extend-token-expiration', 'bool'],
      ['service-account-jwks-uri', 'string'],
      ['service-account-signing-endpoint', 'string'],
      ['service-node-port-range', 'string'],
      ['show-hidden-metrics-for-version', 'string'],
      ['shutdown-delay-duration', 'duration'],
      ['shutdown-send-retry-after', 'bool'],
      ['shutdown-watch-termination-grace-period', 'duration'],
      ['storage-backend', 'string'],
      ['storage-initialization-timeout', 'duration'],
      ['storage-media-type', 'string'],
      ['strict-transport-security-directives', 'stringSlice'],
      ['tls-cipher-suites', 'stringSlice'],
      ['tls-min-version', 'string'],
      ['tls-sni-cert-key', 'stringArray'],
      ['tracing-config-file', 'string'],
      ['v', 'int'],
      ['version', 'string'],
      ['vmodule', 'string'],
      ['watch-cache', 'bool'],
      ['watch-cache-sizes', 'stringSlice'],
      ['help', 'bool'],
    ] as const
  ).map(([name, kind]): FlagSpec => ({name, kind})),
  // Old flags the real binary dropped: kubelet-https in 1.22, klog's file flags in 1.26.
  {name: 'kubelet-https', kind: 'bool', removedInMinor: 22},
  ...(
    [
      ['add-dir-header', 'bool'],
      ['alsologtostderr', 'bool'],
      ['log-backtrace-at', 'string'],
      ['log-dir', 'string'],
      ['log-file', 'string'],
      ['log-file-max-size', 'int'],
      ['logtostderr', 'bool'],
      ['one-output', 'bool'],
      ['skip-headers', 'bool'],
      ['skip-log-headers', 'bool'],
      ['stderrthreshold', 'string'],
    ] as const
  ).map(([name, kind]): FlagSpec => ({name, kind, removedInMinor: 26})),
]

const SPEC_BY_NAME = new Map(SPECS.map((spec) => [spec.name, spec]))

export type FlagValue = string | boolean | number | string[]

export interface ParsedCommandLine {
  /** Values of the flags given, by normalised name. */
  values: ReadonlyMap<string, FlagValue>
  /** pflag deprecation notices, in order, for stderr. */
  deprecationNotices: string[]
}

/** Typed view of the flags the sim acts on, with the real defaults for the version. */
export interface ApiserverFlags {
  advertiseAddress?: string
  anonymousAuth: boolean
  apiAudiences: string[]
  authorizationModes: string[]
  /** Real default 0.0.0.0; the sim defaults to 127.0.0.1 so an unset flag never exposes a vulnerable lab. */
  bindAddress: string
  clientCaFile?: string
  enableBootstrapTokenAuth: boolean
  etcdCaFile?: string
  etcdCertFile?: string
  etcdKeyFile?: string
  etcdPrefix: string
  etcdServers: string[]
  insecureBindAddress: string
  /** 8080 by default up to 1.19; 0 (nothing served) from 1.20. */
  insecurePort: number
  profiling: boolean
  securePort: number
  serviceAccountIssuers: string[]
  serviceAccountKeyFiles: string[]
  serviceAccountLookup: boolean
  /** Seconds; 0 = no maximum. */
  serviceAccountMaxTokenExpirationSeconds: number
  serviceAccountSigningKeyFile?: string
  serviceClusterIpRange?: string
  tlsCertFile?: string
  tlsPrivateKeyFile?: string
  tokenAuthFile?: string
  /** Every flag given, normalised, for checks that need "was it set". */
  given: ReadonlySet<string>
}

function flagExists(spec: FlagSpec, version: KubeVersion): boolean {
  return spec.removedInMinor === undefined || !atLeast(version, 1, spec.removedInMinor)
}

/** Every flag name the given version knows, sorted (for the usage text). */
export function knownFlagNames(version: KubeVersion): string[] {
  return SPECS.filter((spec) => flagExists(spec, version))
    .map((spec) => spec.name)
    .sort()
}

export function parseCommandLine(argv: readonly string[], version: KubeVersion): ParsedCommandLine {
  const values = new Map<string, FlagValue>()
  const deprecationNotices: string[] = []
  const positional: string[] = []
  let index = 0
  while (index < argv.length) {
    const arg = argv[index] ?? ''
    index += 1
    if (arg === '--') {
      positional.push(...argv.slice(index))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg)
      continue
    }
    const long = arg.startsWith('--')
    const body = long ? arg.slice(2) : arg.slice(1)
    const equals = body.indexOf('=')
    const typedName = equals === -1 ? body : body.slice(0, equals)
    let inlineValue = equals === -1 ? undefined : body.slice(equals + 1)
    if (!long && typedName !== 'v') {
      throw new FlagParseError(`unknown shorthand flag: '${typedName.charAt(0)}' in ${arg}`)
    }
    const name = typedName.replaceAll('_', '-')
    const spec = SPEC_BY_NAME.get(name)
    if (!spec || !flagExists(spec, version)) {
      throw new FlagParseError(`unknown flag: --${typedName}`, typedName)
    }
    const shown = long ? `--${name}` : `-${name}`
    if (inlineValue === undefined) {
      if (spec.kind === 'bool') {
        inlineValue = 'true'
      } else if (index < argv.length) {
        inlineValue = argv[index]
        index += 1
      } else {
        throw new FlagParseError(`flag needs an argument: ${shown}`, name)
      }
    }
    const value = inlineValue ?? ''
    values.set(name, convert(spec, value, values.get(name), shown))
    const notice = spec.deprecation?.(version)
    if (notice !== undefined) deprecationNotices.push(`Flag --${name} has been deprecated, ${notice}`)
  }
  if (positional.length > 0) {
    throw new FlagParseError(`"kube-apiserver" does not take any arguments, got ${goStringSlice(positional)}`)
  }
  return {values, deprecationNotices}
}

function goStringSlice(items: string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(' ')}]`
}

function invalid(value: string, shown: string, reason: string): FlagParseError {
  return new FlagParseError(`invalid argument ${JSON.stringify(value)} for ${JSON.stringify(shown)} flag: ${reason}`, shown)
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

function convert(spec: FlagSpec, value: string, previous: FlagValue | undefined, shown: string): FlagValue {
  switch (spec.kind) {
    case 'bool':
      if (GO_TRUE.has(value)) return true
      if (GO_FALSE.has(value)) return false
      throw invalid(value, shown, `strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`)
    case 'int': {
      if (!/^[+-]?(0x[0-9a-fA-F]+|0o?[0-7]*|[1-9][0-9]*|0)$/.test(value)) {
        throw invalid(value, shown, `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`)
      }
      return Number.parseInt(value, value.toLowerCase().includes('0x') ? 16 : 10)
    }
    case 'float':
      if (Number.isNaN(Number(value)) || value.trim() === '') {
        throw invalid(value, shown, `strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`)
      }
      return Number(value)
    case 'duration':
      parseGoDurationSeconds(value, shown)
      return value
    case 'ip':
      if (!isIpAddress(value.trim())) throw invalid(value, shown, `failed to parse IP: ${JSON.stringify(value)}`)
      return value.trim()
    case 'stringSlice': {
      const items = value === '' ? [] : value.split(',').map((item) => item.trim())
      return Array.isArray(previous) ? [...previous, ...items] : items
    }
    case 'stringArray':
      return Array.isArray(previous) ? [...previous, value] : [value]
    case 'map':
    case 'string':
      return value
  }
}

const DURATION_UNITS: Record<string, number> = {ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600}

/** Go's time.ParseDuration, in seconds. */
export function parseGoDurationSeconds(value: string, shown = ''): number {
  const fail = (): FlagParseError => invalid(value, shown, `time: invalid duration ${JSON.stringify(value)}`)
  if (value === '0') return 0
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(value)
  if (!match) throw fail()
  let total = 0
  for (const part of value.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (DURATION_UNITS[part[2] ?? 's'] ?? 1)
  }
  return match[1] === '-' ? -total : total
}

export function isIpAddress(text: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text)) {
    return text.split('.').every((octet) => Number(octet) <= 255)
  }
  return text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text)
}

/** The typed flags the sim acts on, with the real binary's defaults for this version. */
export function apiserverFlags(parsed: ParsedCommandLine, version: KubeVersion): ApiserverFlags {
  const values = parsed.values
  const text = (name: string): string | undefined => {
    const value = values.get(name)
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const list = (name: string, fallback: string[]): string[] => {
    const value = values.get(name)
    return Array.isArray(value) ? value : fallback
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const value = values.get(name)
    return typeof value === 'boolean' ? value : fallback
  }
  const int = (name: string, fallback: number): number => {
    const value = values.get(name)
    return typeof value === 'number' ? value : fallback
  }
  const maxExpiration = text('service-account-max-token-expiration')
  const legacyInsecure = !atLeast(version, 1, 20)
  return {
    advertiseAddress: text('advertise-address'),
    anonymousAuth: bool('anonymous-auth', true),
    apiAudiences: list('api-audiences', []),
    authorizationModes: list('authorization-mode', ['AlwaysAllow']),
    bindAddress: text('bind-address') ?? '127.0.0.1',
    clientCaFile: text('client-ca-file'),
    enableBootstrapTokenAuth: bool('enable-bootstrap-token-auth', false),
    etcdCaFile: text('etcd-cafile'),
    etcdCertFile: text('etcd-certfile'),
    etcdKeyFile: text('etcd-keyfile'),
    etcdPrefix: text('etcd-prefix') ?? '/registry',
    etcdServers: list('etcd-servers', []),
    insecureBindAddress: text('insecure-bind-address') ?? text('address') ?? '127.0.0.1',
    insecurePort: int('insecure-port', int('port', legacyInsecure ? 8080 : 0)),
    profiling: bool('profiling', true),
    securePort: int('secure-port', 6443),
    serviceAccountIssuers: list('service-account-issuer', []),
    serviceAccountKeyFiles: list('service-account-key-file', []),
    serviceAccountLookup: bool('service-account-lookup', true),
    serviceAccountMaxTokenExpirationSeconds: maxExpiration === undefined ? 0 : parseGoDurationSeconds(maxExpiration),
    serviceAccountSigningKeyFile: text('service-account-signing-key-file'),
    serviceClusterIpRange: text('service-cluster-ip-range'),
    tlsCertFile: text('tls-cert-file'),
    tlsPrivateKeyFile: text('tls-private-key-file'),
    tokenAuthFile: text('token-auth-file'),
    given: new Set(values.keys()),
  }
}
