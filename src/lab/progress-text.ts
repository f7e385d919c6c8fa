import type {ChalkInstance} from 'chalk'
import {paint} from '../report/colour.js'
import type {ProgressReport, ProgressReportStep} from '../report/html/progress.js'
import type {Scenario} from '../scenario/schema.js'
import {currentStep, stepProgressOf, type Progress, type StepStatus} from './progress.js'
import {hintCost, SCORE_RULES_TEXT, scoreOf, stepPoints, type Score} from './progress-score.js'

/** What the lesson says about a step, when the lesson could be read: how many hints and quizzes it has. */
export interface StepLessonFacts {
  hints: number
  quizzes: number
}

/** A step's row in `kubelab progress`: the report's step, plus the last verify run. */
export interface StepProgressView extends ProgressReportStep {
  status: StepStatus
  lastVerify?: {at: string; passed: boolean}
}

/** What `kubelab progress` shows and `--json` prints: the report's shape, with the step views. */
export interface ProgressView extends ProgressReport {
  steps: StepProgressView[]
  score: Score
}

export function progressView(scenario: Scenario, progress: Progress, lessonFacts: Readonly<Record<string, StepLessonFacts>> = {}): ProgressView {
  const steps = scenario.steps.map((step, index): StepProgressView => {
    const entry = stepProgressOf(progress, step.id)
    const facts = lessonFacts[step.id]
    const duration = entry.startedAt && entry.finishedAt ? Date.parse(entry.finishedAt) - Date.parse(entry.startedAt) : undefined
    return {
      number: index + 1,
      id: step.id,
      title: step.title,
      status: entry.status,
      attempts: entry.attempts,
      hintsTaken: entry.hints.length,
      ...(facts ? {hintsTotal: facts.hints, quizzesTotal: facts.quizzes} : {}),
      hintPoints: hintCost(entry),
      quizzesRight: entry.quizzes.filter((answer) => answer.correct).length,
      quizzesAnswered: entry.quizzes.length,
      points: stepPoints(entry),
      ...(entry.startedAt ? {startedAt: entry.startedAt} : {}),
      ...(entry.finishedAt ? {finishedAt: entry.finishedAt} : {}),
      ...(duration === undefined ? {} : {durationMs: duration}),
      ...(entry.lastVerify ? {lastVerify: entry.lastVerify} : {}),
    }
  })
  const quizCounts = Object.fromEntries(Object.entries(lessonFacts).map(([id, facts]) => [id, facts.quizzes]))
  const current = currentStep(scenario, progress)
  return {
    lab: progress.lab,
    scenario: scenario.id,
    scenarioTitle: scenario.title,
    steps,
    done: steps.filter((step) => step.status !== 'not-started').length,
    ...(current ? {current: {number: scenario.steps.indexOf(current) + 1, id: current.id}} : {}),
    score: scoreOf(scenario, progress, quizCounts),
    scoring: SCORE_RULES_TEXT,
  }
}

export interface ProgressTextOptions {
  colour: boolean
}

const STATUS_TEXT: Readonly<Record<StepStatus, string>> = {
  'not-started': 'to do',
  passed: 'passed',
  'solved-with-solution': 'solved (solution)',
}

/** `kubelab progress`: one row per step, then the score and the rules behind it. */
export function formatProgress(view: ProgressView, options: ProgressTextOptions): string {
  const style = paint(options.colour)
  const header = ['#', 'step', 'status', 'verify runs', 'hints', 'quizzes', 'time', 'points']
  const rows = view.steps.map((step) => [
    String(step.number),
    step.id,
    STATUS_TEXT[step.status] + (view.current?.id === step.id ? ' ←' : ''),
    String(step.attempts),
    `${step.hintsTaken}${step.hintsTotal === undefined ? '' : `/${step.hintsTotal}`}${step.hintPoints > 0 ? ` (−${step.hintPoints})` : ''}`,
    (step.quizzesTotal ?? step.quizzesAnswered) === 0 ? '-' : `${step.quizzesRight}/${step.quizzesTotal ?? step.quizzesAnswered} right`,
    step.durationMs === undefined ? (step.startedAt ? 'started' : '-') : formatDuration(step.durationMs),
    String(step.points),
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd()
  const lines = [
    `kubelab progress of lab ${view.lab}: scenario ${view.scenario} (${view.scenarioTitle})`,
    `${view.done} of ${view.steps.length} step${view.steps.length === 1 ? '' : 's'} done${view.current ? `; next: step ${view.current.number} (${view.current.id})` : ' — every step is done'}`,
    '',
    style.bold(line(header)),
    ...rows.map((row, index) => colourRow(line(row), view.steps[index]?.status ?? 'not-started', style)),
    '',
    `Score: ${view.score.points} of ${view.score.max} points`,
    style.dim(view.scoring),
  ]
  return `${lines.join('\n')}\n`
}

function colourRow(text: string, status: StepStatus, style: ChalkInstance): string {
  if (status === 'passed') return style.green(text)
  if (status === 'solved-with-solution') return style.yellow(text)
  return text
}

/** 42 s, 3 min 5 s, 1 h 4 min. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
