import {paint} from '../../report/colour.js'
import {PlaybookExit} from './exit-codes.js'
import type {PlaybookRunOutcome} from './run.js'
import {describeScriptEnd, formatSeconds, scriptSucceeded} from './run-script.js'

export interface PlaybookTextOptions {
  colour: boolean
}

/**
 * What `playbook run` prints after the audit table: the script's end, whether the lab settled, each
 * step with the checks it has left, the lab's fate, and one closing line that matches the exit status.
 */
export function formatPlaybookSummary(outcome: PlaybookRunOutcome, options: PlaybookTextOptions): string {
  const style = paint(options.colour)
  const pass = (text: string): string => style.green(text)
  const fail = (text: string): string => style.red.bold(text)
  const lines: string[] = []
  const kind = outcome.script.kind === 'ansible' ? 'Ansible playbook' : 'script'
  const end = describeScriptEnd(outcome.scriptRun, outcome.timeoutMs)
  lines.push(`${scriptSucceeded(outcome.scriptRun) ? pass('PASS ') : fail('FAIL ')} the ${kind} ${outcome.script.file} ${end} (${formatSeconds(outcome.scriptRun.durationMs)})`)
  lines.push(
    outcome.settle.settled
      ? `      the lab served its new configuration ${formatSeconds(outcome.settle.durationMs)} later`
      : `      the lab did not settle within ${formatSeconds(outcome.settle.durationMs)}: ${outcome.settle.waitingFor ?? 'unknown'}`,
  )
  lines.push('', `Steps of ${outcome.scenario.id}:`)
  for (const [index, step] of outcome.steps.entries()) {
    const label = step.left.length === 0 ? pass('PASS ') : fail('FAIL ')
    lines.push(`  ${label} ${index + 1}. ${step.id} — ${step.title}`)
    if (step.left.length > 0) lines.push(`         left: ${step.left.map((check) => `${check.id} (${check.status})`).join(', ')}`)
  }
  if (outcome.extraFailures.length > 0) lines.push(`  ${fail('FAIL ')} outside the steps (--all-checks): ${outcome.extraFailures.join(', ')}`)

  lines.push('')
  if (outcome.cleanupProblem) lines.push(fail(`Lab ${outcome.lab.name} could not be removed: ${outcome.cleanupProblem}`))
  else if (outcome.kept) lines.push(`Lab ${outcome.lab.name} is kept (--keep): \`kubelab audit --lab ${outcome.lab.name}\`, \`kubelab down ${outcome.lab.name}\` when done.`)
  else lines.push(`Lab ${outcome.lab.name} was removed.`)
  lines.push(closingLine(outcome, style.bold))
  return lines.join('\n') + '\n'
}

function closingLine(outcome: PlaybookRunOutcome, bold: (text: string) => string): string {
  const left = outcome.steps.flatMap((step) => step.left.map((check) => check.id))
  const failedSteps = outcome.steps.filter((step) => step.left.length > 0).length
  switch (outcome.exitCode) {
    case PlaybookExit.passed:
      return bold(`PASSED: every check of the ${outcome.steps.length} steps passes.`)
    case PlaybookExit.scriptFailed:
      return bold(`FAILED: the script ${describeScriptEnd(outcome.scriptRun, outcome.timeoutMs)}${left.length > 0 ? `; ${left.length} check(s) left` : ''}. (exit ${outcome.exitCode})`)
    case PlaybookExit.labFailed:
      return bold(`FAILED: the lab could not be removed. (exit ${outcome.exitCode})`)
    default: {
      const extra = outcome.extraFailures.length > 0 ? `${left.length > 0 ? '; ' : ''}${outcome.extraFailures.length} more outside the steps` : ''
      const inSteps = left.length > 0 ? `${left.length} check(s) left in ${failedSteps} of ${outcome.steps.length} steps: ${left.join(', ')}` : ''
      return bold(`FAILED: ${inSteps}${extra}. (exit ${outcome.exitCode})`)
    }
  }
}
