import type {CheckContext} from '../../context.js'
import {etcdConfig, etcdEnvConflicts, etcdEnvName, etcdSetting} from '../../config/component.js'
import {notFoundEvidence, unreadableEvidence} from '../../config/evidence.js'
import {ConfigParseError, type FlagSetting, type StaticPodConfig} from '../../../node-config/types.js'
import type {ConfigEvidence} from '../../model.js'
import type {EtcdSide} from './sides.js'

/**
 * The configuration evidence of an etcd check: `judge` runs on a readable manifest (or running
 * process); otherwise one item says why the configuration cannot be judged. No node access gives
 * no configuration evidence at all. Problems that stop etcd from starting come first.
 */
export async function etcdConfigEvidence(
  ctx: CheckContext,
  firstSetting: string,
  judge: (config: StaticPodConfig) => ConfigEvidence[] | Promise<ConfigEvidence[]>,
): Promise<ConfigEvidence[]> {
  let config: StaticPodConfig | undefined
  try {
    config = await etcdConfig(ctx)
  } catch (error) {
    if (error instanceof ConfigParseError) return [unreadableEvidence(firstSetting, error)]
    throw error
  }
  if (!config) return []
  if (!config.found) return [notFoundEvidence(firstSetting, config)]
  return [...startupProblems(config), ...(await judge(config))]
}

/**
 * Command lines etcd refuses to start with, measured with etcd 3.4.23: a stray item
 * ("error verifying flags, 'true' is not a valid flag") and an ETCD_* variable shadowed by its flag
 * ("conflicting environment variable "ETCD_CLIENT_CERT_AUTH" is shadowed by corresponding command-line flag").
 */
function startupProblems(config: StaticPodConfig): ConfigEvidence[] {
  const stray = (config.positional ?? []).map(
    (item): ConfigEvidence =>
      located(
        {
          setting: 'command line',
          value: item.value,
          source: 'flag',
          verdict: 'error',
          note: `etcd refuses to start: "${item.value}" is not a flag ("error verifying flags, '${item.value}' is not a valid flag"); write boolean flags as --flag=value`,
        },
        item,
      ),
  )
  const shadowed = etcdEnvConflicts(config).map(
    (variable): ConfigEvidence =>
      located(
        {
          setting: variable.name,
          value: variable.value,
          source: 'environment',
          verdict: 'error',
          note: `etcd refuses to start: ${variable.name} is shadowed by the same flag on the command line ("conflicting environment variable"); keep one of the two`,
        },
        variable,
      ),
  )
  return [...stray, ...shadowed]
}

/** Evidence that names the file and line a setting came from. */
export function located(evidence: ConfigEvidence, where: {file: string; line?: number} | undefined): ConfigEvidence {
  if (!where) return evidence
  const withFile: ConfigEvidence = {...evidence, file: where.file}
  if (where.line !== undefined) withFile.line = where.line
  return withFile
}

/** How evidence names a setting: `--flag`, or the ETCD_* variable it was read from. */
export function settingLabel(flag: string, setting: FlagSetting | undefined): string {
  return setting?.source === 'environment' ? etcdEnvName(flag) : `--${flag}`
}

/** Evidence for an etcd setting with its file and line, or for etcd's default when it is absent. */
export function etcdEvidence(
  flag: string,
  setting: FlagSetting | undefined,
  fields: {value?: string | undefined; verdict: ConfigEvidence['verdict']; note?: string},
): ConfigEvidence {
  const evidence: ConfigEvidence = {
    setting: settingLabel(flag, setting),
    value: setting ? setting.value : fields.value,
    source: setting ? (setting.source === 'environment' ? 'environment' : 'flag') : 'default',
    verdict: fields.verdict,
  }
  if (fields.note) evidence.note = fields.note
  return located(evidence, setting)
}

/**
 * A boolean as etcd parses it (Go's strconv.ParseBool, for flags and ETCD_* variables alike);
 * 'invalid' for anything else, which etcd refuses to start with ("invalid value "yes" for ETCD_AUTO_TLS").
 */
export function etcdBoolean(value: string | undefined): boolean | 'invalid' {
  if (value === undefined) return false
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  return 'invalid'
}

export function invalidBooleanNote(flag: string, value: string): string {
  return `etcd refuses to start: "${value}" is not a boolean for --${flag} (use true or false)`
}

/** A comma-separated URL flag's URLs, or etcd's default when the flag is absent. */
export function urlList(setting: FlagSetting | undefined, defaultUrl: string): string[] {
  const text = setting ? setting.value : defaultUrl
  return text
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0)
}

/** http:// and unix:// listeners serve without TLS even when certificate flags are set. */
export function isPlaintextUrl(url: string): boolean {
  const scheme = url.slice(0, url.indexOf('://')).toLowerCase()
  return scheme !== 'https' && scheme !== 'unixs'
}

/** What etcd does with one listener's TLS flags, as etcd's embed.Config and transport.TLSInfo resolve them. */
export interface TransportSettings {
  side: EtcdSide
  cert: FlagSetting | undefined
  key: FlagSetting | undefined
  trustedCa: FlagSetting | undefined
  clientCertAuth: FlagSetting | undefined
  autoTls: FlagSetting | undefined
  listen: FlagSetting | undefined
  advertise: FlagSetting | undefined
  listenUrls: string[]
  advertiseUrls: string[]
  clientCertAuthValue: boolean | 'invalid'
  autoTlsValue: boolean | 'invalid'
  /**
   * --auto-tls=true with neither a certificate nor a key: etcd generates a self-signed certificate
   * and replaces the listener's whole TLS settings with it (embed.Config ClientSelfCert/PeerSelfCert),
   * dropping --trusted-ca-file and --client-cert-auth. etcd 3.4.23 then logs "client-cert-auth = false".
   */
  autoTlsReplacesSettings: boolean
  /**
   * Whether etcd asks TLS clients for a certificate: transport.TLSInfo.ServerConfig requires and
   * verifies one when --client-cert-auth is true OR a trusted CA file is set.
   */
  demandsClientCertificate: boolean
}

export function transportSettings(config: StaticPodConfig, side: EtcdSide): TransportSettings {
  const read = (flag: string) => etcdSetting(config, flag)
  const cert = read(side.certFlag)
  const key = read(side.keyFlag)
  const trustedCa = read(side.trustedCaFlag)
  const clientCertAuth = read(side.clientCertAuthFlag)
  const autoTls = read(side.autoTlsFlag)
  const listen = read(side.listenFlag)
  const advertise = read(side.advertiseFlag)
  const clientCertAuthValue = etcdBoolean(clientCertAuth?.value)
  const autoTlsValue = etcdBoolean(autoTls?.value)
  const autoTlsReplacesSettings = autoTlsValue === true && !cert?.value && !key?.value
  return {
    side,
    cert,
    key,
    trustedCa,
    clientCertAuth,
    autoTls,
    listen,
    advertise,
    listenUrls: urlList(listen, side.defaultUrl),
    advertiseUrls: urlList(advertise, side.defaultUrl),
    clientCertAuthValue,
    autoTlsValue,
    autoTlsReplacesSettings,
    demandsClientCertificate: !autoTlsReplacesSettings && (clientCertAuthValue === true || Boolean(trustedCa?.value)),
  }
}

/** Evidence for the listen (or advertise) URLs: every one must be https. */
export function urlEvidence(flag: string, setting: FlagSetting | undefined, urls: string[], defaultUrl: string, listening: boolean): ConfigEvidence {
  const plaintext = urls.filter(isPlaintextUrl)
  const note =
    plaintext.length === 0
      ? undefined
      : listening
        ? `${plaintext.join(', ')} serve${plaintext.length === 1 ? 's' : ''} plain HTTP, whatever certificate flags are set`
        : `whoever follows the advertised ${plaintext.join(', ')} connects without TLS`
  return etcdEvidence(flag, setting, {
    value: defaultUrl,
    verdict: plaintext.length === 0 ? 'pass' : 'fail',
    ...(note ? {note: setting ? note : `not set, so etcd's default ${defaultUrl} applies: ${note}`} : {}),
  })
}

/** "1 key", "6 keys". */
export function keyCount(count: number): string {
  return `${count} key${count === 1 ? '' : 's'}`
}
