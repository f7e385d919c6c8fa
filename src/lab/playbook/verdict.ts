import {CATALOGUE} from '../../checks/catalogue/index.js'
import {selectChecks, type AuditReport} from '../../checks/evaluate.js'
import type {CheckDefinition, Status} from '../../checks/model.js'
import type {Scenario} from '../../scenario/schema.js'
import {PlaybookExit} from './exit-codes.js'
import {scriptSucceeded, type ScriptRun} from './run-script.js'

/** A scenario step and the checks of it that did not pass. */
export interface StepVerdict {
  id: string
  title: string
  checks: string[]
  /** Checks of the step whose status is not pass, in the step's order. */
  left: Array<{id: string; status: Status}>
}

/** The scenario's step checks, in catalogue order; with `allChecks`, the whole catalogue. */
export function playbookChecks(scenario: Scenario, allChecks: boolean): CheckDefinition[] {
  if (allChecks) return [...CATALOGUE]
  return selectChecks(CATALOGUE, {ids: [...new Set<string>(scenario.steps.flatMap((step) => step.checks))]})
}

/** A step is done only when each of its checks passes: a warning, a skip or an error is not proof that the hole is closed. */
export function stepVerdicts(scenario: Scenario, report: AuditReport): StepVerdict[] {
  const statusOf = new Map(report.results.map((result) => [result.id, result.status]))
  return scenario.steps.map((step) => ({
    id: step.id,
    title: step.title,
    checks: [...step.checks],
    left: step.checks.map((id) => ({id, status: statusOf.get(id) ?? 'error'})).filter((check) => check.status !== 'pass'),
  }))
}

/** Checks outside the scenario's steps (--all-checks) fail the run only when they fail outright. */
export function extraFailures(scenario: Scenario, report: AuditReport): string[] {
  const stepChecks = new Set<string>(scenario.steps.flatMap((step) => step.checks))
  return report.results.filter((result) => !stepChecks.has(result.id) && result.status === 'fail').map((result) => result.id)
}

export function playbookExitCode(run: ScriptRun, steps: readonly StepVerdict[], extra: readonly string[]): number {
  if (!scriptSucceeded(run)) return PlaybookExit.scriptFailed
  if (steps.some((step) => step.left.length > 0) || extra.length > 0) return PlaybookExit.checksFailed
  return PlaybookExit.passed
}
