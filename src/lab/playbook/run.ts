import {randomBytes} from 'node:crypto'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {AuditReport} from '../../checks/evaluate.js'
import {runAudit} from '../../checks/evaluate.js'
import type {Scenario} from '../../scenario/schema.js'
import {DEFAULT_TIMEOUT_MS, targetFromOptions} from '../../target/from-options.js'
import {labTargetOptions} from '../audit-target.js'
import {downLab} from '../down.js'
import {LabError, LabExistsError, LabInterruptedError, LabUsageError} from '../errors.js'
import {KUBELAB_HOME_ENV, kubelabHome, MAX_LAB_NAME_LENGTH, type Environment} from '../home.js'
import type {PortPolicy} from '../ports.js'
import type {Lab} from '../registry.js'
import type {RuntimeChoice} from '../runtime-choice.js'
import type {RuntimeOptions} from '../runtimes.js'
import {loadScenarioArgument} from '../scenarios.js'
import {upLab} from '../up.js'
import {preparePlaybookEnvironment} from './environment.js'
import {PlaybookInterruptedError, PlaybookLabError, PlaybookLabExistsError} from './errors.js'
import {PlaybookExit} from './exit-codes.js'
import {runScript, type OutputStream, type ScriptRun} from './run-script.js'
import {resolvePlaybookScript, type PlaybookScript} from './script.js'
import {waitForLabToSettle, type SettleOutcome} from './settle.js'
import {extraFailures, playbookChecks, playbookExitCode, stepVerdicts, type StepVerdict} from './verdict.js'

export const DEFAULT_SCRIPT_TIMEOUT_MS = 10 * 60 * 1000
export const DEFAULT_SETTLE_TIMEOUT_MS = 120 * 1000

export interface PlaybookRunOptions {
  /** The shell script or Ansible playbook. */
  script: string
  /** A scenario id, or the path of a scenario file. */
  scenario: string
  runtime?: RuntimeChoice
  /** Default: a new unique name, pb-<scenario>-<random>. An existing lab is never reused. */
  name?: string
  /** Leave the lab running afterwards. */
  keep?: boolean
  /** The script's whole process group is killed after this long. */
  timeoutMs?: number
  /** How long to wait for the lab to serve its new configuration after the script. */
  settleTimeoutMs?: number
  /** Run the whole catalogue, not only the scenario's step checks. */
  allChecks?: boolean
  /** Per probe of the audit. */
  probeTimeoutMs?: number
  /** How to run kubelab itself, for the `kubelab` the script finds on its PATH. Default: this package's bin/run.js under the running node. */
  kubelabCommand?: readonly string[]
  home?: string
  env?: Environment
  scenariosDir?: string
  runtimeOptions?: RuntimeOptions
  portPolicy?: PortPolicy
  /** Ctrl-C: kills the script's process group, removes the lab (unless keep), rejects with PlaybookInterruptedError. */
  signal?: AbortSignal
  interruptedBy?: () => NodeJS.Signals | undefined
  /** One line per stage, for the user. */
  onProgress?: (message: string) => void
  /** Each line the script writes. */
  onScriptLine?: (line: string, stream: OutputStream) => void
}

export interface PlaybookRunOutcome {
  script: PlaybookScript
  scenario: Scenario
  lab: {name: string; dir: string; runtime: string}
  /** The lab was left running (--keep). */
  kept: boolean
  /** Why the lab could not be removed, when it could not. */
  cleanupProblem?: string
  scriptRun: ScriptRun
  timeoutMs: number
  settle: SettleOutcome
  report: AuditReport
  steps: StepVerdict[]
  /** With --all-checks: failing checks outside the scenario's steps. */
  extraFailures: string[]
  exitCode: number
  timings: {upMs: number; scriptMs: number; settleMs: number; auditMs: number; downMs: number; totalMs: number}
}

/**
 * `kubelab playbook run`: a fresh lab of the scenario, the script against it (with the lab in its
 * environment, see preparePlaybookEnvironment), a wait until the lab serves its new configuration,
 * then every check of the scenario's steps. The lab is removed afterwards unless `keep` — also
 * when the script fails, runs past its time, or the run is interrupted.
 */
export async function runPlaybook(options: PlaybookRunOptions): Promise<PlaybookRunOutcome> {
  const started = Date.now()
  const env = options.env ?? process.env
  const home = options.home ?? kubelabHome(env)
  const progress = options.onProgress ?? (() => undefined)
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS

  const script = await resolvePlaybookScript(options.script, env)
  const scenario = await loadScenarioArgument(options.scenario, options.scenariosDir)
  const checks = playbookChecks(scenario, options.allChecks === true)
  const name = options.name ?? uniqueLabName(scenario.id)

  progress(`starting lab ${name} (scenario ${scenario.id})`)
  let lab: Lab
  try {
    const up = await upLab({
      scenario: options.scenario,
      name,
      home,
      env,
      ...(options.runtime ? {runtime: options.runtime} : {}),
      ...(options.scenariosDir ? {scenariosDir: options.scenariosDir} : {}),
      ...(options.runtimeOptions ? {runtimeOptions: options.runtimeOptions} : {}),
      ...(options.portPolicy ? {portPolicy: options.portPolicy} : {}),
      ...(options.signal ? {signal: options.signal} : {}),
      ...(options.interruptedBy ? {interruptedBy: options.interruptedBy} : {}),
      onProgress: (message) => progress(`  ${message}`),
    })
    lab = up.lab
  } catch (error) {
    throw upFailure(error, name)
  }
  const upMs = Date.now() - started

  let kept = options.keep === true
  let cleanupProblem: string | undefined
  let downMs = 0
  let cleanedUp = false
  const cleanUp = async (): Promise<void> => {
    if (kept || cleanedUp) return
    cleanedUp = true
    const downStarted = Date.now()
    try {
      const down = await downLab(lab.name, {home, env, ...(options.runtimeOptions ? {runtimeOptions: options.runtimeOptions} : {})})
      if (down.portsStillBusy.length > 0) progress(`note: port(s) ${down.portsStillBusy.join(', ')} are still in use by another process`)
    } catch (error) {
      cleanupProblem = `${(error as Error).message}. Remove it with \`kubelab down ${lab.name}\`.`
      kept = true
    }
    downMs = Date.now() - downStarted
  }
  const interrupted = async (): Promise<never> => {
    await cleanUp()
    const signal = options.interruptedBy?.() ?? 'SIGINT'
    throw new PlaybookInterruptedError(signal, kept ? `the script was stopped; lab ${lab.name} is kept${cleanupProblem ? ` (${cleanupProblem})` : ''}.` : `the script was stopped and lab ${lab.name} removed.`)
  }

  let scriptRun: ScriptRun
  let settle: SettleOutcome
  let report: AuditReport
  const timings = {scriptMs: 0, settleMs: 0, auditMs: 0}
  try {
    const prepared = await preparePlaybookEnvironment(lab, scenario.id, {
      home,
      base: env,
      kubelabCommand: options.kubelabCommand ?? defaultKubelabCommand(),
      ...(options.runtimeOptions?.sim?.simDir ? {simDir: options.runtimeOptions.sim.simDir} : {}),
    })
    progress(`running ${script.kind === 'ansible' ? 'the Ansible playbook' : 'the script'} ${script.file} (time limit ${Math.round(timeoutMs / 1000)} s)`)
    scriptRun = await runScript({
      command: script.command,
      env: prepared.env,
      cwd: path.dirname(script.file),
      timeoutMs,
      ...(options.signal ? {signal: options.signal} : {}),
      ...(options.onScriptLine ? {onLine: options.onScriptLine} : {}),
    })
    timings.scriptMs = scriptRun.durationMs
    if (scriptRun.interrupted || options.signal?.aborted) return await interrupted()

    progress('waiting for the lab to serve its new configuration')
    settle = await waitForLabToSettle(lab, {timeoutMs: options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS, ...(options.signal ? {signal: options.signal} : {})})
    timings.settleMs = settle.durationMs
    if (!settle.settled) progress(`the lab did not settle (${settle.waitingFor ?? 'unknown'}); running the checks on it as it is`)

    progress(`running ${checks.length} check${checks.length === 1 ? '' : 's'}`)
    const auditStarted = Date.now()
    const {labName: _labName, ...targetOptions} = await labTargetOptions(lab.name, {...env, [KUBELAB_HOME_ENV]: home})
    const target = await targetFromOptions({...targetOptions, timeoutMs: options.probeTimeoutMs ?? DEFAULT_TIMEOUT_MS})
    report = await runAudit(target, checks)
    timings.auditMs = Date.now() - auditStarted
    if (options.signal?.aborted) return await interrupted()
  } catch (error) {
    if (error instanceof PlaybookInterruptedError) throw error
    if (options.signal?.aborted) return await interrupted()
    await cleanUp()
    throw error
  }
  await cleanUp()

  const steps = stepVerdicts(scenario, report)
  const extra = options.allChecks ? extraFailures(scenario, report) : []
  const verdict = playbookExitCode(scriptRun, steps, extra)
  const exitCode = verdict !== PlaybookExit.scriptFailed && cleanupProblem !== undefined ? PlaybookExit.labFailed : verdict
  return {
    script,
    scenario,
    lab: {name: lab.name, dir: lab.dir, runtime: lab.record.runtime},
    kept,
    ...(cleanupProblem === undefined ? {} : {cleanupProblem}),
    scriptRun,
    timeoutMs,
    settle,
    report,
    steps,
    extraFailures: extra,
    exitCode,
    timings: {upMs, ...timings, downMs, totalMs: Date.now() - started},
  }
}

/** pb-<scenario id>-<6 hex digits>, cut to fit a lab name. */
export function uniqueLabName(scenarioId: string): string {
  const suffix = randomBytes(3).toString('hex')
  const room = MAX_LAB_NAME_LENGTH - 'pb-'.length - suffix.length - 1
  const stem = scenarioId.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '')
  return stem === '' ? `pb-${suffix}` : `pb-${stem}-${suffix}`
}

/** <package>/bin/run.js, three folders up from this module in src/ and in dist/. */
export function defaultKubelabCommand(): string[] {
  return [process.execPath, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'run.js')]
}

function upFailure(error: unknown, name: string): unknown {
  if (error instanceof LabExistsError) return new PlaybookLabExistsError(name)
  if (error instanceof LabInterruptedError || error instanceof LabUsageError) return error
  if (error instanceof LabError) return new PlaybookLabError(error.message, error)
  return error
}
