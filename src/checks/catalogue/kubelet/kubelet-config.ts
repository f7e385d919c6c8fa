import {kubeletConfig} from '../../config/component.js'
import {kubeletEvidence, unreadableEvidence} from '../../config/evidence.js'
import {parseKubeletConfigFile, type KubeletFileValue} from '../../../node-config/kubelet-config-file.js'
import type {KubeletConfigView, KubeletSetting, KubeletSettingKey} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {ConfigEvidence, SideVerdict} from '../../model.js'

/** What the node says about the kubelet: nothing (no node access), its resolved settings, or why they could not be read. */
export type KubeletRead = {state: 'no-node-access'} | {state: 'read'; view: KubeletConfigView} | {state: 'unreadable'; error: unknown}

export async function readKubelet(ctx: CheckContext): Promise<KubeletRead> {
  try {
    const view = await kubeletConfig(ctx)
    return view ? {state: 'read', view} : {state: 'no-node-access'}
  } catch (error) {
    return {state: 'unreadable', error}
  }
}

/**
 * Configuration evidence for a kubelet check: none without node access, one 'error' item naming
 * file and line when the KubeletConfiguration cannot be read, and — before the check's own items —
 * one 'error' item per stray command-line argument, on which the kubelet refuses to start.
 */
export async function kubeletConfigEvidence(
  read: KubeletRead,
  setting: string,
  build: (view: KubeletConfigView) => Promise<ConfigEvidence[]>,
): Promise<ConfigEvidence[]> {
  switch (read.state) {
    case 'no-node-access':
      return []
    case 'unreadable':
      return [unreadableEvidence(setting, read.error)]
    case 'read': {
      const stray: ConfigEvidence[] = read.view.positional.map((argument) => {
        const evidence: ConfigEvidence = {
          setting: 'kubelet command line',
          value: argument.value,
          source: 'flag',
          file: argument.file,
          verdict: 'error',
          note: `the kubelet refuses to start on the stray argument ${JSON.stringify(argument.value)} (a boolean flag takes its value only as --flag=value)`,
        }
        if (argument.line !== undefined) evidence.line = argument.line
        return evidence
      })
      return [...stray, ...(await build(read.view))]
    }
  }
}

/** What a setting's effective value means for one check. */
export interface SettingJudgement {
  verdict: SideVerdict
  /** One sentence for the learner. */
  note: string
}

/**
 * Evidence for one resolved kubelet setting, judged by `judge`. Adds what a learner needs to see the
 * precedence: a flag that overrides a different value in the config file says so (with the file's
 * line), a default says which default table applied, and a default from a --config file that does
 * not exist is 'unknown' — the kubelet does not start without its config file.
 */
export async function settingEvidence(
  ctx: CheckContext,
  view: KubeletConfigView,
  key: KubeletSettingKey,
  judge: (setting: KubeletSetting) => SettingJudgement,
): Promise<ConfigEvidence> {
  const setting = view.get(key)
  const judgement = judge(setting)
  if (setting.source === 'default' && view.configInUse && !view.configFound) {
    return kubeletEvidence(
      setting,
      () => 'unknown',
      `${view.configFile} (named by --config) does not exist on the node: the kubelet does not start without it, so no value of this setting is in effect`,
    )
  }
  const notes = [judgement.note]
  if (setting.source === 'flag') {
    const shadowed = (await fileValues(ctx, view)).get(key)
    if (shadowed && shadowed.value !== setting.value) {
      notes.push(
        `the flag overrides ${setting.configPath}: ${shadowed.value} in ${shadowed.file}${shadowed.line === undefined ? '' : ` line ${shadowed.line}`}, because the kubelet lets command-line flags win over its config file`,
      )
    }
  }
  if (setting.source === 'default' && setting.defaultFrom) notes.push(setting.defaultFrom)
  return kubeletEvidence(setting, () => judgement.verdict, notes.join('; '))
}

/**
 * The values the config file and its drop-ins set, merged in the kubelet's order; read once per
 * audit. The reader has already parsed these files, so a failure here cannot happen in practice;
 * if it does, the note simply loses its "overrides" clause.
 */
function fileValues(ctx: CheckContext, view: KubeletConfigView): Promise<ReadonlyMap<KubeletSettingKey, KubeletFileValue>> {
  return ctx.once('kubelet:file-values', async () => {
    const merged = new Map<KubeletSettingKey, KubeletFileValue>()
    const node = ctx.target.node
    if (!node || !view.configInUse || !view.configFound) return merged
    for (const file of [view.configFile, ...view.dropInFiles]) {
      try {
        const text = await node.readFile(file)
        if (text === undefined) continue
        for (const [key, value] of parseKubeletConfigFile(text, file)) merged.set(key, value)
      } catch {
        return merged
      }
    }
    return merged
  })
}

/**
 * Go's strconv.ParseBool, which pflag uses for boolean flags: 1 t T TRUE true True and their
 * false counterparts. Anything else makes the kubelet refuse to start.
 */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  return undefined
}

/** The sentence for a boolean the kubelet cannot parse. */
export function invalidBoolean(setting: KubeletSetting): SettingJudgement {
  return {
    verdict: 'error',
    note: `the kubelet refuses to start: invalid argument ${JSON.stringify(setting.value)} for "--${setting.flag}" flag: strconv.ParseBool: parsing ${JSON.stringify(setting.value)}: invalid syntax`,
  }
}

/** The kubelet's two authorization modes (pkg/kubelet/apis/config: KubeletAuthorizationModeAlwaysAllow, ...Webhook). */
export const AUTHORIZATION_MODES = ['AlwaysAllow', 'Webhook'] as const

/** The sentence for an authorization mode the kubelet does not know (cmd/kubelet/app/auth.go BuildAuthz). */
export function invalidAuthorizationMode(setting: KubeletSetting): SettingJudgement {
  return {
    verdict: 'error',
    note: `the kubelet refuses to start: unknown authorization mode ${JSON.stringify(setting.value ?? '')} (it knows ${AUTHORIZATION_MODES.join(' and ')})`,
  }
}
