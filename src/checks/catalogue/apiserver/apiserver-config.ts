import {apiserverConfig, apiserverSetting} from '../../config/component.js'
import {flagEvidence, notFoundEvidence, unreadableEvidence, type FlagEvidenceOptions} from '../../config/evidence.js'
import type {FlagSetting, StaticPodConfig} from '../../../node-config/types.js'
import {versionBefore} from '../../config/version.js'
import type {CheckContext} from '../../context.js'
import type {ConfigEvidence, SideVerdict} from '../../model.js'

/** What the node says about kube-apiserver: nothing (no node access), its flags, or why they could not be read. */
export type ApiserverConfigRead =
  | {state: 'no-node-access'}
  | {state: 'read'; config: StaticPodConfig}
  | {state: 'unreadable'; error: unknown}

export async function readApiserverConfig(ctx: CheckContext): Promise<ApiserverConfigRead> {
  try {
    const config = await apiserverConfig(ctx)
    return config ? {state: 'read', config} : {state: 'no-node-access'}
  } catch (error) {
    return {state: 'unreadable', error}
  }
}

/** The flags of a manifest (or process) that was found; undefined otherwise. */
export function foundConfig(read: ApiserverConfigRead): StaticPodConfig | undefined {
  return read.state === 'read' && read.config.found ? read.config : undefined
}

/**
 * Configuration evidence built from kube-apiserver's flags: none without node access, one 'error'
 * item naming file and line when the manifest cannot be read, one 'unknown' item when neither a
 * manifest nor a running process was found.
 */
export function configEvidence(read: ApiserverConfigRead, setting: string, build: (config: StaticPodConfig) => ConfigEvidence[]): ConfigEvidence[] {
  switch (read.state) {
    case 'no-node-access':
      return []
    case 'unreadable':
      return [unreadableEvidence(setting, read.error)]
    case 'read':
      return read.config.found ? build(read.config) : [notFoundEvidence(setting, read.config)]
  }
}

/**
 * Go's strconv.ParseBool, which pflag uses for boolean flags: 1 t T TRUE true True and their
 * false counterparts. Anything else makes the component refuse to start.
 */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  return undefined
}

/**
 * Evidence for a kube-apiserver boolean flag that is hardened when false (--anonymous-auth,
 * --profiling). A value Go cannot parse is an 'error': kube-apiserver would not start with it.
 */
export function falseFlagEvidence(config: StaticPodConfig, flag: string, defaultValue: string, notes: {open: string; closed: string}): ConfigEvidence {
  const setting = apiserverSetting(config, flag)
  const parsed = parseGoBool(setting?.value ?? defaultValue)
  const verdict: SideVerdict = parsed === false ? 'pass' : parsed === true ? 'fail' : 'error'
  const explanation =
    verdict === 'error'
      ? `kube-apiserver refuses to start: invalid argument ${JSON.stringify(setting?.value)} for "--${flag}" flag: strconv.ParseBool: parsing ${JSON.stringify(setting?.value)}: invalid syntax`
      : verdict === 'pass'
        ? notes.closed
        : notes.open
  const options: FlagEvidenceOptions = {defaultValue, note: setting ? explanation : `not set, so the default ${defaultValue} applies: ${explanation}`}
  return flagEvidence(flag, setting, () => verdict, options)
}

/** Evidence for a path flag that must be set (no default): pass when present, fail when absent. */
export function requiredFlagEvidence(config: StaticPodConfig, flag: string, missingNote: string): ConfigEvidence {
  const setting: FlagSetting | undefined = apiserverSetting(config, flag)
  const present = setting !== undefined && setting.value !== ''
  return flagEvidence(flag, setting, () => (present ? 'pass' : 'fail'), present ? {} : {note: setting ? `set to an empty value: ${missingNote}` : `not set: ${missingNote}`})
}

/** How kube-apiserver of a given version treats the plain-HTTP (insecure) port. */
export type InsecureServingEra = 'serves' | 'inert' | 'removed' | 'unknown'

/**
 * Up to 1.19 kube-apiserver serves plain HTTP on --insecure-port (default 8080); 1.20 stopped
 * serving it and accepts only 0 (kubernetes#95856); 1.24 removed the flags altogether.
 */
export function insecureServingEra(version: string | undefined): InsecureServingEra {
  if (version === undefined) return 'unknown'
  try {
    if (versionBefore(version, '1.20')) return 'serves'
    if (versionBefore(version, '1.24')) return 'inert'
    return 'removed'
  } catch {
    return 'unknown'
  }
}

/** Comma-separated flag values, trimmed, empties dropped ("Node, RBAC" → ["Node", "RBAC"]). */
export function listValue(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}
