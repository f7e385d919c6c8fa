import {formatHtmlReport} from '../../report/html/audit.js'
import type {PageNotice} from '../../report/html/page.js'
import {readableDuration} from '../../report/html/page.js'
import {PlaybookExit} from './exit-codes.js'
import type {PlaybookRunOutcome} from './run.js'
import {describeScriptEnd, scriptSucceeded} from './run-script.js'

/** The HTML report of a playbook run: the audit, with the scenario's steps and the script's outcome on top. */
export function formatPlaybookHtml(outcome: PlaybookRunOutcome, kubelabVersion: string, generatedAt = new Date().toISOString()): string {
  const run = outcome.scriptRun
  const left = outcome.steps.flatMap((step) => step.left.map((check) => check.id))
  const notices: PageNotice[] = [
    {
      status: scriptSucceeded(run) ? 'pass' : 'fail',
      text: `The ${outcome.script.kind === 'ansible' ? 'Ansible playbook' : 'script'} ${describeScriptEnd(run, outcome.timeoutMs)} after ${readableDuration(run.durationMs)}.`,
    },
    outcome.settle.settled
      ? {status: 'pass', text: `The lab served its new configuration ${readableDuration(outcome.settle.durationMs)} after the script ended.`}
      : {status: 'warn', text: `The lab did not settle within ${readableDuration(outcome.settle.durationMs)} (${outcome.settle.waitingFor ?? 'unknown'}); the checks judged it as it was.`},
    ...(outcome.cleanupProblem ? [{status: 'fail' as const, text: `The lab could not be removed: ${outcome.cleanupProblem}`}] : []),
    ...(outcome.extraFailures.length > 0 ? [{status: 'fail' as const, text: `Failing outside the scenario's steps (--all-checks): ${outcome.extraFailures.join(', ')}.`}] : []),
  ]
  return formatHtmlReport(outcome.report, {
    title: `kubelab playbook run: ${outcome.scenario.id}`,
    kubelabVersion,
    generatedAt,
    facts: [
      {label: 'Scenario', value: `${outcome.scenario.id} — ${outcome.scenario.title}`},
      {label: outcome.script.kind === 'ansible' ? 'Playbook' : 'Script', value: outcome.script.file},
      {label: 'Lab', value: `${outcome.lab.name} (${outcome.lab.runtime} runtime, ${outcome.kept ? 'kept' : 'removed afterwards'})`},
      {label: 'Exit status', value: String(outcome.exitCode)},
    ],
    headline: headline(outcome, left),
    notices,
    steps: outcome.steps,
  })
}

function headline(outcome: PlaybookRunOutcome, left: readonly string[]): PageNotice {
  if (outcome.exitCode === PlaybookExit.passed) return {status: 'pass', text: `PASSED: every check of the ${outcome.steps.length} steps passes.`}
  if (outcome.exitCode === PlaybookExit.scriptFailed) return {status: 'fail', text: `FAILED: the script ${describeScriptEnd(outcome.scriptRun, outcome.timeoutMs)}.`}
  if (outcome.exitCode === PlaybookExit.labFailed) return {status: 'fail', text: 'FAILED: the lab could not be removed.'}
  if (left.length === 0) return {status: 'fail', text: `FAILED: every step passes, but ${outcome.extraFailures.length} check(s) outside the steps fail.`}
  const steps = outcome.steps.filter((step) => step.left.length > 0).length
  return {status: 'fail', text: `FAILED: ${left.length} check(s) left in ${steps} of ${outcome.steps.length} steps.`}
}
