/** Which source a setting's effective value came from, in the component's own precedence order. */
export type SettingSource = 'flag' | 'config-file' | 'environment' | 'default' | 'api'

/** One command-line flag as a static pod manifest gives it. Names are without leading dashes. */
export interface FlagSetting {
  name: string
  value: string
  /** Node path of the manifest. */
  file: string
  /** 1-based line of the args/command item that set it. */
  line?: number
  /** 'environment' for an ETCD_* variable read in place of an absent flag; absent means 'flag'. */
  source?: 'flag' | 'environment'
}

/**
 * A command-line item that is neither a flag nor a flag's value (the program name excepted),
 * e.g. the "false" of `--anonymous-auth false`: pflag and Go's flag package never give a boolean
 * flag the next item, and kube-apiserver, the kubelet and etcd all refuse to start on a stray argument.
 */
export interface PositionalArgument {
  value: string
  file: string
  line?: number
}

/** The flags and environment of one static pod's container, as the kubelet would start it. */
export interface StaticPodConfig {
  /** Node path, e.g. /etc/kubernetes/manifests/kube-apiserver.yaml */
  file: string
  found: boolean
  image?: string
  /** Kubernetes (or etcd) version read from the image tag, e.g. "1.19.16" or "3.5.21-0". */
  imageVersion?: string
  /** Later occurrences win, as with Go's pflag. */
  flags: ReadonlyMap<string, FlagSetting>
  /** Container env, e.g. ETCD_CLIENT_CERT_AUTH (etcd reads ETCD_* when the flag is absent). */
  env: ReadonlyMap<string, FlagSetting>
  /** Where the flags came from: the manifest file, or (no manifest) a running process's argv. */
  source?: 'manifest' | 'process'
  /** Stray command-line items; non-empty means the component would refuse to start. */
  positional?: readonly PositionalArgument[]
}

/** The kubelet settings the catalogue judges; each resolves flag → config file → version default. */
export type KubeletSettingKey =
  | 'anonymousAuth'
  | 'webhookAuthentication'
  | 'clientCAFile'
  | 'authorizationMode'
  | 'readOnlyPort'
  | 'port'
  | 'tlsCertFile'
  | 'tlsPrivateKeyFile'

export interface KubeletSetting {
  key: KubeletSettingKey
  /** Flag name without dashes, e.g. "anonymous-auth". */
  flag: string
  /** Dotted KubeletConfiguration path, e.g. "authentication.anonymous.enabled". */
  configPath: string
  /** Effective value as a string ("true", "Webhook", "0"); undefined when unset and without default. */
  value: string | undefined
  source: SettingSource
  /** Node path of the file that set it (manifest, kubeadm-flags.env, config.yaml); absent for defaults. */
  file?: string
  line?: number
  /** For source 'default': which default table applied and why, in a sentence a learner can check. */
  defaultFrom?: string
}

export interface KubeletConfigView {
  /** Node path of the KubeletConfiguration file used (from --config, else kubeadm's default). */
  configFile: string
  configFound: boolean
  /** Where the flags were read from: "process 1234", "/var/lib/kubelet/kubeadm-flags.env", or "none". */
  flagsSource: string
  /**
   * Whether the kubelet reads a KubeletConfiguration file at all: only when --config names one.
   * Without it the kubelet ignores config.yaml even if the file exists, and the command-line defaults apply.
   */
  configInUse: boolean
  /** Which default table fills unset settings: the config file's (v1beta1 defaulting) or the command line's. */
  defaults: 'config-file' | 'command-line'
  /** Files from --config-dir merged over the config file, in the order the kubelet applies them. */
  dropInFiles: readonly string[]
  /** Stray command-line items; non-empty means the kubelet would refuse to start. */
  positional: readonly PositionalArgument[]
  get(key: KubeletSettingKey): KubeletSetting
}

/** A configuration file that the component itself would refuse to read. */
export class ConfigParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`)
    this.name = 'ConfigParseError'
  }
}
