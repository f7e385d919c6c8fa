import {anchor, escapeHtml} from './escape.js'
import {badge, htmlPage, readableDuration, type BadgeStatus, type PageNotice} from './page.js'

export type ProgressStepStatus = 'not-started' | 'passed' | 'solved-with-solution'

/** One step of a learner's progress, as `kubelab progress --json` gives it (src/lab/progress-text.ts ProgressView). */
export interface ProgressReportStep {
  number: number
  id: string
  title: string
  status: ProgressStepStatus
  /** Runs of the step's checks. */
  attempts: number
  hintsTaken: number
  /** Undefined when the lesson could not be read. */
  hintsTotal?: number
  /** Points the hints cost. */
  hintPoints: number
  quizzesRight: number
  quizzesAnswered: number
  quizzesTotal?: number
  points: number
  startedAt?: string
  finishedAt?: string
  /** From first sight of the step to its pass. */
  durationMs?: number
}

/** A learner's progress in one lab. */
export interface ProgressReport {
  lab: string
  scenario: string
  scenarioTitle: string
  steps: readonly ProgressReportStep[]
  done: number
  /** The first step not done; absent when every step is. */
  current?: {number: number; id: string}
  score: {points: number; max: number}
  /** The scoring rules, in words. */
  scoring: string
}

export interface HtmlProgressOptions {
  kubelabVersion: string
  /** ISO 8601; default: now. */
  generatedAt?: string
}

const STEP_BADGE: Readonly<Record<ProgressStepStatus, [BadgeStatus, string]>> = {
  passed: ['pass', '✔ DONE'],
  'solved-with-solution': ['warn', '! SOLVED WITH SOLUTION'],
  'not-started': ['skip', '– TO DO'],
}

/** Steps done, hints used, time taken and the score, as one self-contained HTML page for an instructor. */
export function formatProgressHtml(progress: ProgressReport, options: HtmlProgressOptions): string {
  const steps = progress.steps
  const passed = steps.filter((step) => step.status === 'passed').length
  const solved = steps.filter((step) => step.status === 'solved-with-solution').length
  const todo = steps.length - passed - solved
  const hints = steps.reduce((sum, step) => sum + step.hintsTaken, 0)
  const hintPoints = steps.reduce((sum, step) => sum + step.hintPoints, 0)
  const time = steps.reduce((sum, step) => sum + (step.durationMs ?? 0), 0)
  return htmlPage(
    {
      title: `kubelab progress: lab ${progress.lab}`,
      generatedAt: options.generatedAt ?? new Date().toISOString(),
      kubelabVersion: options.kubelabVersion,
      facts: [
        {label: 'Scenario', value: `${progress.scenario} — ${progress.scenarioTitle}`},
        {label: 'Lab', value: progress.lab},
        {label: 'Score', value: `${progress.score.points} of ${progress.score.max} points`},
        {label: 'Steps done', value: `${progress.done} of ${steps.length}${solved > 0 ? ` (${solved} with the reference solution)` : ''}`},
        {label: 'Hints used', value: `${hints}${hintPoints > 0 ? ` (−${hintPoints} points)` : ''}`},
        {label: 'Time taken', value: time > 0 ? `${readableDuration(time)} on the steps done` : 'no step finished yet'},
      ],
      headline: headline(progress),
    },
    [
      '<section aria-labelledby="summary-title">',
      '<h2 id="summary-title">Summary</h2>',
      `<div class="bar" role="img" aria-label="${passed} done, ${solved} solved with the solution, ${todo} to do">`,
      ...(passed > 0 ? [`<span class="s-pass" style="flex-grow: ${passed}" title="${passed} done">${passed}</span>`] : []),
      ...(solved > 0 ? [`<span class="s-warn" style="flex-grow: ${solved}" title="${solved} solved with the solution">${solved}</span>`] : []),
      ...(todo > 0 ? [`<span class="s-skip" style="flex-grow: ${todo}" title="${todo} to do">${todo}</span>`] : []),
      '</div>',
      `<ul class="counts"><li>${badge('pass', STEP_BADGE.passed[1])} <strong>${passed}</strong></li><li>${badge('warn', STEP_BADGE['solved-with-solution'][1])} <strong>${solved}</strong></li><li>${badge('skip', STEP_BADGE['not-started'][1])} <strong>${todo}</strong></li></ul>`,
      '</section>',
      '<section aria-labelledby="steps-title">',
      '<h2 id="steps-title">Steps</h2>',
      '<table class="grid"><thead><tr><th>Step</th><th>Status</th><th>Verify runs</th><th>Hints used</th><th>Quizzes</th><th>Time taken</th><th>Points</th></tr></thead><tbody>',
      ...steps.map((step) => stepRow(step, progress.current?.id === step.id)),
      '</tbody></table>',
      `<p class="tags">${escapeHtml(progress.scoring)}</p>`,
      '</section>',
    ],
  )
}

function headline(progress: ProgressReport): PageNotice {
  const total = progress.steps.length
  const score = `score ${progress.score.points} of ${progress.score.max}`
  if (progress.done === total) return {status: 'pass', text: `Every step is done (${score}).`}
  const next = progress.current ? `; next: step ${progress.current.number} (${progress.current.id})` : ''
  return {status: progress.done === 0 ? 'skip' : 'warn', text: `${progress.done} of ${total} steps done${next} (${score}).`}
}

function stepRow(step: ProgressReportStep, current: boolean): string {
  const [status, word] = STEP_BADGE[step.status]
  const hints = `${step.hintsTaken}${step.hintsTotal === undefined ? '' : ` of ${step.hintsTotal}`}${step.hintPoints > 0 ? ` (−${step.hintPoints} points)` : ''}`
  const quizzes =
    step.quizzesTotal === undefined && step.quizzesAnswered === 0 ? '–' : `${step.quizzesRight} of ${step.quizzesTotal ?? step.quizzesAnswered} right`
  const time = step.durationMs === undefined ? (step.startedAt ? 'started, not finished' : '–') : readableDuration(step.durationMs)
  return [
    `<tr id="${anchor('step', step.id)}">`,
    `<td data-label="Step">${step.number}. ${escapeHtml(step.title)} <code class="check-id">${escapeHtml(step.id)}</code></td>`,
    `<td data-label="Status">${badge(status, word)}${current ? ` ${badge('unknown', '→ NEXT')}` : ''}</td>`,
    `<td data-label="Verify runs">${step.attempts}</td>`,
    `<td data-label="Hints used">${escapeHtml(hints)}</td>`,
    `<td data-label="Quizzes">${escapeHtml(quizzes)}</td>`,
    `<td data-label="Time taken">${escapeHtml(time)}</td>`,
    `<td data-label="Points">${step.points}</td>`,
    '</tr>',
  ].join('')
}
