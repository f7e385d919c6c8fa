import {XMLBuilder} from 'fast-xml-parser'
import {readableDuration} from './html/page.js'
import type {ProgressReport, ProgressReportStep} from './html/progress.js'

/**
 * A learner's progress as JUnit XML, for an instructor's CI dashboard: one <testsuite> for the lab,
 * one <testcase> per step. A step still to do is a <failure>; a step solved with the reference
 * solution passes, and says so in <system-out> beside the hints used, the verify runs and the time taken.
 */
export function formatProgressJunit(progress: ProgressReport, options: {generatedAt?: string} = {}): string {
  const todo = progress.steps.filter((step) => step.status === 'not-started').length
  const time = seconds(progress.steps.reduce((sum, step) => sum + (step.durationMs ?? 0), 0))
  const timestamp = options.generatedAt ?? new Date().toISOString()
  const suite = {
    '@_name': `${progress.scenario} (lab ${progress.lab})`,
    '@_tests': progress.steps.length,
    '@_failures': todo,
    '@_errors': 0,
    '@_skipped': 0,
    '@_time': time,
    '@_timestamp': timestamp,
    properties: {
      property: [
        {'@_name': 'score', '@_value': `${progress.score.points}/${progress.score.max}`},
        {'@_name': 'steps-done', '@_value': `${progress.done}/${progress.steps.length}`},
      ],
    },
    testcase: progress.steps.map((step) => testcase(progress.scenario, step)),
  }
  const document = {
    '?xml': {'@_version': '1.0', '@_encoding': 'UTF-8'},
    testsuites: {'@_name': 'kubelab progress', '@_tests': progress.steps.length, '@_failures': todo, '@_errors': 0, '@_skipped': 0, '@_time': time, testsuite: [suite]},
  }
  return new XMLBuilder({ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true}).build(document)
}

function testcase(scenario: string, step: ProgressReportStep): Record<string, unknown> {
  const node: Record<string, unknown> = {
    '@_classname': scenario,
    '@_name': xmlSafe(`${step.number}. ${step.id} – ${step.title}`),
    '@_time': seconds(step.durationMs ?? 0),
  }
  const details = xmlSafe(describe(step))
  if (step.status === 'not-started') node.failure = {'@_message': 'not done yet', '@_type': 'not-started', '#text': details}
  else node['system-out'] = details
  return node
}

function describe(step: ProgressReportStep): string {
  const lines = [
    step.status === 'passed' ? 'passed' : step.status === 'solved-with-solution' ? 'solved with the reference solution (scores 0)' : 'not done yet',
    `hints used: ${step.hintsTaken}${step.hintsTotal === undefined ? '' : ` of ${step.hintsTotal}`}${step.hintPoints > 0 ? ` (−${step.hintPoints} points)` : ''}`,
    `verify runs: ${step.attempts}`,
    `time taken: ${step.durationMs === undefined ? (step.startedAt ? 'started, not finished' : 'not started') : readableDuration(step.durationMs)}`,
    `points: ${step.points}`,
  ]
  return lines.join('\n')
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3)
}

/** XML 1.0 cannot carry most control characters even escaped; the builder escapes markup but not these. */
function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
}
