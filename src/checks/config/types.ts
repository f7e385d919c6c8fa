import type {SettingSource} from '../model.js'

/** One command-line flag as a static pod manifest gives it. Names are without leading dashes. */
export interface FlagSetting {
  name: string
  value: string
  /** Node path of the manifest. */
  file: string
  /** 1-based line of the args/command item that set it. */
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
}

export interface KubeletConfigView {
  /** Node path of the KubeletConfiguration file used (from --config, else kubeadm's default). */
  configFile: string
  configFound: boolean
  /** Where the flags were read from: "process 1234", "/var/lib/kubelet/kubeadm-flags.env", or "none". */
  flagsSource: string
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
