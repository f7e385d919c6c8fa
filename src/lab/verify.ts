import path from 'node:path'
import {CATALOGUE} from '../checks/catalogue/index.js'
import {runAudit, selectChecks} from '../checks/evaluate.js'
import type {CheckResult, ConfigEvidence, SideVerdict, WireEvidence} from '../checks/model.js'
import {sideVerdict} from '../checks/verdict.js'
import {printable} from '../report/evidence.js'
import {NODE_FILE_PATHS} from '../runtimes/sim/node-files/types.js'
import type {Scenario} from '../scenario/schema.js'
import {DEFAULT_TIMEOUT_MS, targetFromOptions} from '../target/from-options.js'
import {labTargetOptions} from './audit-target.js'
import {KUBELAB_HOME_ENV, type Environment} from './home.js'
import {recordAttempt, stepProgressOf, type Clock} from './progress.js'
import {numbered, StepArgumentError, type NumberedStep} from './progress-steps.js'
import type {Lab} from './registry.js'

/** One check of the step, with each side's verdict and what is left to do. */
export interface CheckVerification {
  result: CheckResult
  /** What the configuration says (kube-bench's side). */
  configSide: SideVerdict
  /** What an attacker sees (kube-hunter's side). */
  wireSide: SideVerdict
  /** Plain sentences: what is still wrong and what to do next. Empty when the check passes. */
  stillWrong: string[]
}

export interface StepVerification {
  lab: string
  scenario: string
  step: {id: string; title: string; number: number; total: number}
  /** Every check of the step passed. Nothing else decides it. */
  passed: boolean
  checks: CheckVerification[]
  startedAt: string
  durationMs: number
  /** Runs of this step's checks so far, this one included (0 when not recorded). */
  attempts: number
}

export interface VerifyOptions extends Clock {
  env?: Environment
  /** Per probe. */
  timeoutMs?: number
  /** Record the attempt (and a pass) in progress.json. Default true. */
  record?: boolean
}

/**
 * Runs exactly the step's checks against the lab, on the same target as `kubelab audit --lab`
 * (the lab's ports, node root and admin kubeconfig). The step passes when every check passes.
 */
export async function verifyStep(lab: Lab, scenario: Scenario, stepId: string, options: VerifyOptions = {}): Promise<StepVerification> {
  const step = scenario.steps.find((candidate) => candidate.id === stepId)
  if (!step) throw new StepArgumentError(`no step "${stepId}" in scenario ${scenario.id}.`)
  const {number, total}: NumberedStep = numbered(scenario, step)

  const labHome = path.dirname(path.dirname(lab.dir))
  const {labName: _name, ...targetOptions} = await labTargetOptions(lab.name, {...(options.env ?? process.env), [KUBELAB_HOME_ENV]: labHome})
  const target = await targetFromOptions({...targetOptions, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS})
  const checks = selectChecks(CATALOGUE, {ids: step.checks})
  const report = await runAudit(target, checks)
  const byId = new Map(report.results.map((result) => [result.id, result]))
  const verifications = step.checks.map((id) => {
    const result = byId.get(id)
    if (!result) throw new Error(`the audit returned no result for ${id}`)
    return verification(result)
  })
  const passed = verifications.every((check) => check.result.status === 'pass')

  let attempts = 0
  if (options.record !== false) {
    const progress = await recordAttempt(lab, step.id, passed, options)
    attempts = stepProgressOf(progress, step.id).attempts
  }
  return {
    lab: lab.name,
    scenario: scenario.id,
    step: {id: step.id, title: step.title, number, total},
    passed,
    checks: verifications,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    attempts,
  }
}

export function verification(result: CheckResult): CheckVerification {
  const configSide = sideVerdict(result.config)
  const wireSide = sideVerdict(result.wire)
  return {result, configSide, wireSide, stillWrong: stillWrong(result, configSide, wireSide)}
}

/** What the learner needs to hear about a check that has not passed, from its evidence alone. */
function stillWrong(result: CheckResult, configSide: SideVerdict, wireSide: SideVerdict): string[] {
  switch (result.status) {
    case 'pass':
      return []
    case 'error':
      return [`The check could not decide: ${result.summary} Verify again; if this stays, \`kubelab status\` shows what is not running.`]
    case 'skip':
      return [`The check could not look at this lab (${result.summary}), so the step cannot pass.`]
    case 'fail':
    case 'warn':
      break
  }
  const lines: string[] = []
  for (const item of result.config.filter((evidence) => evidence.verdict === 'fail')) lines.push(`The configuration still says ${weakSetting(item)}.`)
  for (const item of result.wire.filter((evidence) => evidence.verdict === 'fail')) lines.push(`An attacker still gets an answer: ${weakAnswer(item)}.`)
  if (configSide === 'pass' && wireSide === 'fail') lines.push(...notLiveYet(result.config))
  if (configSide === 'fail' && wireSide === 'pass') {
    lines.push('The running component does not show the weakness yet, but it will as soon as it restarts with this configuration: fix the file.')
  }
  return lines
}

/** `--insecure-port=8080 (/etc/kubernetes/manifests/kube-apiserver.yaml:26)`: the setting, without the check's commentary. */
function weakSetting(item: ConfigEvidence): string {
  const value = item.value === undefined ? `${item.setting} unset` : `${item.setting}=${item.value}`
  const where = item.file ? ` (${item.file}${item.line === undefined ? '' : `:${item.line}`})` : item.source === 'default' ? ' (the default)' : ''
  return printable(value + where)
}

/** `GET http://127.0.0.1:8080/api (no credentials) → 200`: the request and how it was answered. */
function weakAnswer(item: WireEvidence): string {
  const answer = [item.status === undefined ? undefined : String(item.status), item.error].filter(Boolean).join(' ')
  return printable(`${item.request} → ${answer || 'answered'}`)
}

const KUBELET_FILE_PREFIXES = ['/var/lib/kubelet/', '/etc/systemd/system/kubelet.service', '/etc/default/kubelet', '/etc/sysconfig/kubelet']

/**
 * The configuration is fixed but the running process still answers the old way: say which process
 * has to pick the change up, going by the files the fixed settings were read from.
 */
function notLiveYet(config: readonly ConfigEvidence[]): string[] {
  const files = new Set(config.filter((item) => item.verdict === 'pass' && item.file).map((item) => item.file as string))
  const lines: string[] = []
  if ([...files].some((file) => KUBELET_FILE_PREFIXES.some((prefix) => file.startsWith(prefix)))) {
    lines.push(
      'The kubelet needs a restart: its file is fixed, but the kubelet reads its configuration only when it starts, so the running kubelet still has the old settings. Run `kubelab restart kubelet`, then verify again.',
    )
  }
  const manifestsDir = path.posix.dirname(NODE_FILE_PATHS.apiserverManifest)
  for (const file of files) {
    if (path.posix.dirname(file) !== manifestsDir) continue
    const component = path.posix.basename(file, '.yaml')
    lines.push(
      `${component} has not restarted with its fixed manifest yet: the kubelet restarts a static pod when its manifest changes, which takes a few seconds. Verify again in a moment; if it stays this way, \`kubelab status\` and \`kubelab logs ${component}\` show whether it came back.`,
    )
  }
  return lines
}
