import type {ConfigEvidence, SideVerdict} from '../model.js'
import {apiserverSetting, etcdSetting} from './component.js'
import {ConfigParseError, type FlagSetting, type KubeletSetting, type StaticPodConfig} from '../../node-config/types.js'

/** Decides what one effective value means for a check; undefined means "unset, no default". */
export type Judge = (value: string | undefined) => SideVerdict

/** pass when the predicate holds, fail otherwise. */
export function passIf(predicate: (value: string | undefined) => boolean): Judge {
  return (value) => (predicate(value) ? 'pass' : 'fail')
}

/** pass when the value is exactly `expected` (case-sensitive, as the components compare). */
export function passIfEquals(expected: string): Judge {
  return passIf((value) => value === expected)
}

export interface FlagEvidenceOptions {
  /** The component's documented default, used when the flag is absent (e.g. "true" for kube-apiserver --anonymous-auth). */
  defaultValue?: string
  note?: string
}

/**
 * Evidence for one command-line flag, or — when it is absent — for the documented default.
 * A setting read from an ETCD_* variable is labelled with the variable and source 'environment'.
 */
export function flagEvidence(flag: string, setting: FlagSetting | undefined, judge: Judge, options: FlagEvidenceOptions = {}): ConfigEvidence {
  if (!setting) {
    const value = options.defaultValue
    const evidence: ConfigEvidence = {setting: `--${flag}`, value, source: 'default', verdict: judge(value)}
    evidence.note = options.note ?? (value === undefined ? 'not set, and there is no default' : `not set, so the default ${value} applies`)
    return evidence
  }
  const fromEnvironment = setting.source === 'environment'
  const evidence: ConfigEvidence = {
    setting: fromEnvironment ? setting.name : `--${flag}`,
    value: setting.value,
    source: fromEnvironment ? 'environment' : 'flag',
    file: setting.file,
    verdict: judge(setting.value),
  }
  if (setting.line !== undefined) evidence.line = setting.line
  if (options.note) evidence.note = options.note
  return evidence
}

/** kube-apiserver flag evidence; 'unknown' when neither a manifest nor a process was found. */
export function apiserverFlagEvidence(config: StaticPodConfig, flag: string, judge: Judge, options?: FlagEvidenceOptions): ConfigEvidence {
  return config.found ? flagEvidence(flag, apiserverSetting(config, flag), judge, options) : notFoundEvidence(`--${flag}`, config)
}

/** etcd flag (else ETCD_* variable) evidence; 'unknown' when neither a manifest nor a process was found. */
export function etcdFlagEvidence(config: StaticPodConfig, flag: string, judge: Judge, options?: FlagEvidenceOptions): ConfigEvidence {
  return config.found ? flagEvidence(flag, etcdSetting(config, flag), judge, options) : notFoundEvidence(`--${flag}`, config)
}

/**
 * Evidence for a resolved kubelet setting, labelled the way it was set: `--flag` for a flag, the
 * KubeletConfiguration path for the file, and both for a default, whose note says which default applied.
 */
export function kubeletEvidence(setting: KubeletSetting, judge: Judge, note?: string): ConfigEvidence {
  const label = setting.source === 'flag' ? `--${setting.flag}` : setting.source === 'config-file' ? setting.configPath : `${setting.configPath} / --${setting.flag}`
  const evidence: ConfigEvidence = {setting: label, value: setting.value, source: setting.source, verdict: judge(setting.value)}
  if (setting.file !== undefined) evidence.file = setting.file
  if (setting.line !== undefined) evidence.line = setting.line
  const explanation = note ?? setting.defaultFrom
  if (explanation !== undefined) evidence.note = explanation
  return evidence
}

/** A component whose manifest is missing and which is not running: the configuration side cannot tell. */
export function notFoundEvidence(setting: string, config: StaticPodConfig): ConfigEvidence {
  return {
    setting,
    value: undefined,
    source: 'default',
    file: config.file,
    verdict: 'unknown',
    note: `no manifest at ${config.file} and no running process to read flags from`,
  }
}

/** A configuration file the component would refuse to read: an 'error' verdict naming the file and line. */
export function unreadableEvidence(setting: string, error: unknown): ConfigEvidence {
  if (error instanceof ConfigParseError) {
    const evidence: ConfigEvidence = {setting, value: undefined, source: 'default', file: error.file, verdict: 'error', note: error.message}
    if (error.line !== undefined) evidence.line = error.line
    return evidence
  }
  return {setting, value: undefined, source: 'default', verdict: 'error', note: error instanceof Error ? error.message : String(error)}
}
