import type {KubeletSettingKey} from './types.js'

export interface KubeletSettingSpec {
  key: KubeletSettingKey
  /** Command-line flag without dashes. */
  flag: string
  /** Path in KubeletConfiguration (kubelet.config.k8s.io/v1beta1). */
  path: readonly string[]
  /** The Go type the kubelet decodes the field into; anything else is refused. */
  type: 'boolean' | 'integer' | 'string'
  /** Effective value when a config file is in use and leaves the field unset. */
  configFileDefault: string | undefined
  /** Effective value when the kubelet runs without --config. */
  commandLineDefault: string | undefined
}

/**
 * The two default regimes, as the kubelet source defines them (kubernetes/kubernetes, checked for
 * v1.34):
 *
 * With --config, the file is decoded and then defaulted by SetDefaults_KubeletConfiguration in
 * pkg/kubelet/apis/config/v1beta1/defaults.go: `Port == 0` → ports.KubeletPort (10250),
 * `Authentication.Anonymous.Enabled == nil` → false, `Authentication.Webhook.Enabled == nil` → true,
 * `Authorization.Mode == ""` → Webhook. ReadOnlyPort is not defaulted there, so it stays 0
 * (staging/src/k8s.io/kubelet/config/v1beta1/types.go: "readOnlyPort ... Default: 0 (disabled)").
 *
 * Without --config, NewKubeletConfiguration in cmd/kubelet/app/options/options.go applies the same
 * v1beta1 defaults and then applyLegacyDefaults "to preserve the command line API":
 * Anonymous.Enabled = true (--anonymous-auth), Webhook.Enabled = false (--authentication-token-webhook),
 * Authorization.Mode = AlwaysAllow (--authorization-mode), ReadOnlyPort = ports.KubeletReadOnlyPort
 * (10255, --read-only-port).
 *
 * In both regimes a flag given on the command line wins over the file (cmd/kubelet/app/server.go
 * re-parses the command line over the loaded file, "kubeletConfigFlagPrecedence"), and files from
 * --config-dir are merged over the config file in alphanumeric order (KEP-3983).
 */
export const KUBELET_SETTINGS: readonly KubeletSettingSpec[] = [
  {
    key: 'anonymousAuth',
    flag: 'anonymous-auth',
    path: ['authentication', 'anonymous', 'enabled'],
    type: 'boolean',
    configFileDefault: 'false',
    commandLineDefault: 'true',
  },
  {
    key: 'webhookAuthentication',
    flag: 'authentication-token-webhook',
    path: ['authentication', 'webhook', 'enabled'],
    type: 'boolean',
    configFileDefault: 'true',
    commandLineDefault: 'false',
  },
  {
    key: 'clientCAFile',
    flag: 'client-ca-file',
    path: ['authentication', 'x509', 'clientCAFile'],
    type: 'string',
    configFileDefault: undefined,
    commandLineDefault: undefined,
  },
  {
    key: 'authorizationMode',
    flag: 'authorization-mode',
    path: ['authorization', 'mode'],
    type: 'string',
    configFileDefault: 'Webhook',
    commandLineDefault: 'AlwaysAllow',
  },
  {
    key: 'readOnlyPort',
    flag: 'read-only-port',
    path: ['readOnlyPort'],
    type: 'integer',
    configFileDefault: '0',
    commandLineDefault: '10255',
  },
  {key: 'port', flag: 'port', path: ['port'], type: 'integer', configFileDefault: '10250', commandLineDefault: '10250'},
  {key: 'tlsCertFile', flag: 'tls-cert-file', path: ['tlsCertFile'], type: 'string', configFileDefault: undefined, commandLineDefault: undefined},
  {
    key: 'tlsPrivateKeyFile',
    flag: 'tls-private-key-file',
    path: ['tlsPrivateKeyFile'],
    type: 'string',
    configFileDefault: undefined,
    commandLineDefault: undefined,
  },
]

/**
 * Fields the v1beta1 defaulting treats as unset when they hold Go's zero value
 * (`if obj.Port == 0`, `if obj.Authorization.Mode == ""`), so writing the zero value means the default.
 */
export function isZeroTreatedAsUnset(spec: KubeletSettingSpec, value: string): boolean {
  return (spec.key === 'port' && value === '0') || (spec.key === 'authorizationMode' && value === '')
}
