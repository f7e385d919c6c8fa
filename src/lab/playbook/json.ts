import {toAuditJson, type AuditJson} from '../../report/json.js'
import type {PlaybookRunOutcome} from './run.js'
import {describeScriptEnd, scriptSucceeded} from './run-script.js'
import type {StepVerdict} from './verdict.js'

export const PLAYBOOK_JSON_SCHEMA_VERSION = 1

/**
 * What `kubelab playbook run --json` prints. The audit inside is exactly `kubelab audit --json`'s document.
 *
 * {
 *   "schemaVersion": 1, "exitCode": 1, "passed": false,
 *   "scenario": {"id", "title"},
 *   "script": {"file", "kind": "shell"|"ansible", "succeeded", "outcome", "exitCode"?, "signal"?, "timedOut", "durationMs", "timeoutMs"},
 *   "lab": {"name", "runtime", "kept", "cleanupProblem"?},
 *   "settle": {"settled", "durationMs", "waitingFor"?},
 *   "steps": [{"id", "title", "checks": [...], "passed", "left": [{"id", "status"}]}],
 *   "extraFailures": [...],            // --all-checks: failing checks outside the steps
 *   "timings": {"upMs", "scriptMs", "settleMs", "auditMs", "downMs", "totalMs"},
 *   "audit": {…}
 * }
 */
export interface PlaybookJson {
  schemaVersion: typeof PLAYBOOK_JSON_SCHEMA_VERSION
  exitCode: number
  passed: boolean
  scenario: {id: string; title: string}
  script: {
    file: string
    kind: string
    succeeded: boolean
    outcome: string
    exitCode?: number
    signal?: string
    timedOut: boolean
    durationMs: number
    timeoutMs: number
  }
  lab: {name: string; runtime: string; kept: boolean; cleanupProblem?: string}
  settle: {settled: boolean; durationMs: number; waitingFor?: string}
  steps: Array<StepVerdict & {passed: boolean}>
  extraFailures: string[]
  timings: PlaybookRunOutcome['timings']
  audit: AuditJson
}

export function toPlaybookJson(outcome: PlaybookRunOutcome): PlaybookJson {
  const run = outcome.scriptRun
  return {
    schemaVersion: PLAYBOOK_JSON_SCHEMA_VERSION,
    exitCode: outcome.exitCode,
    passed: outcome.exitCode === 0,
    scenario: {id: outcome.scenario.id, title: outcome.scenario.title},
    script: {
      file: outcome.script.file,
      kind: outcome.script.kind,
      succeeded: scriptSucceeded(run),
      outcome: describeScriptEnd(run, outcome.timeoutMs),
      ...(run.exitCode === undefined ? {} : {exitCode: run.exitCode}),
      ...(run.signal === undefined ? {} : {signal: run.signal}),
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      timeoutMs: outcome.timeoutMs,
    },
    lab: {name: outcome.lab.name, runtime: outcome.lab.runtime, kept: outcome.kept, ...(outcome.cleanupProblem ? {cleanupProblem: outcome.cleanupProblem} : {})},
    settle: {settled: outcome.settle.settled, durationMs: outcome.settle.durationMs, ...(outcome.settle.waitingFor ? {waitingFor: outcome.settle.waitingFor} : {})},
    steps: outcome.steps.map((step) => ({...step, passed: step.left.length === 0})),
    extraFailures: outcome.extraFailures,
    timings: outcome.timings,
    audit: toAuditJson(outcome.report),
  }
}

export function formatPlaybookJson(outcome: PlaybookRunOutcome): string {
  return JSON.stringify(toPlaybookJson(outcome), null, 2) + '\n'
}
