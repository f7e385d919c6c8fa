import type {Scenario, Step} from '../scenario/schema.js'
import {emptyProgress, progressFile, readProgressFile, writeProgressFile, type Progress, type StepProgress, type StepStatus} from './progress-file.js'
import type {Lab} from './registry.js'

export {ProgressFileError, STEP_STATUSES, type HintTaken, type Progress, type QuizAnswer, type StepProgress, type StepStatus} from './progress-file.js'

/** When something happened; tests pass a fixed clock. */
export interface Clock {
  now?: () => Date
}

/** Passed, or solved with the reference solution: either way the learner moves on. */
export function isDone(status: StepStatus): boolean {
  return status !== 'not-started'
}

export function newStepProgress(): StepProgress {
  return {status: 'not-started', attempts: 0, hints: [], quizzes: [], solutionUsed: false}
}

/** The step's entry, or a fresh one for a step not started yet. */
export function stepProgressOf(progress: Progress, stepId: string): StepProgress {
  return progress.steps[stepId] ?? newStepProgress()
}

/** The first step of the scenario that is not done, or undefined when every step is. */
export function currentStep(scenario: Scenario, progress: Progress): Step | undefined {
  return scenario.steps.find((step) => !isDone(stepProgressOf(progress, step.id).status))
}

/** This lab's progress; a lab nobody has worked on yet has an empty one (not written until something happens). */
export async function readProgress(lab: Lab, clock: Clock = {}): Promise<Progress> {
  return (await readProgressFile(progressFile(lab.dir))) ?? emptyProgress(lab.name, lab.record.scenario, now(clock))
}

const pending = new Map<string, Promise<unknown>>()

/**
 * Reads the progress, lets `change` edit the step's entry, and writes it back at once (see
 * writeProgressFile). Changes from one process are applied one after the other.
 */
export async function updateStep(lab: Lab, stepId: string, change: (step: StepProgress, at: string) => void, clock: Clock = {}): Promise<Progress> {
  const file = progressFile(lab.dir)
  const previous = pending.get(file) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(async () => {
    const at = now(clock)
    const progress = (await readProgressFile(file)) ?? emptyProgress(lab.name, lab.record.scenario, at)
    const step = stepProgressOf(progress, stepId)
    change(step, at.toISOString())
    progress.steps[stepId] = step
    progress.updatedAt = at.toISOString()
    await writeProgressFile(file, progress)
    return progress
  })
  pending.set(file, next)
  try {
    return await next
  } finally {
    if (pending.get(file) === next) pending.delete(file)
  }
}

/** The learner has seen the step (the clock for "time taken" starts here). */
export function recordStepStarted(lab: Lab, stepId: string, clock: Clock = {}): Promise<Progress> {
  return updateStep(lab, stepId, (step, at) => startIfNew(step, at), clock)
}

/** One run of the step's checks; a run where every check passed finishes the step. */
export function recordAttempt(lab: Lab, stepId: string, passed: boolean, clock: Clock = {}): Promise<Progress> {
  return updateStep(
    lab,
    stepId,
    (step, at) => {
      startIfNew(step, at)
      step.attempts += 1
      step.lastVerify = {at, passed}
      if (passed && step.status === 'not-started') {
        step.status = step.solutionUsed ? 'solved-with-solution' : 'passed'
        step.finishedAt = at
      }
    },
    clock,
  )
}

/** A hint was shown; taking the same hint again costs nothing more. */
export function recordHint(lab: Lab, stepId: string, index: number, cost: number, clock: Clock = {}): Promise<Progress> {
  return updateStep(
    lab,
    stepId,
    (step, at) => {
      startIfNew(step, at)
      if (!step.hints.some((hint) => hint.index === index)) step.hints.push({index, cost, at})
    },
    clock,
  )
}

/** The first answer to each quiz is the one that counts. */
export function recordQuizAnswer(lab: Lab, stepId: string, index: number, choice: number, correct: boolean, clock: Clock = {}): Promise<Progress> {
  return updateStep(
    lab,
    stepId,
    (step, at) => {
      if (!step.quizzes.some((answer) => answer.index === index)) step.quizzes.push({index, choice, correct, at})
    },
    clock,
  )
}

/**
 * The reference solution was applied and the step's checks pass (`kubelab solve`). The step is done
 * and scores 0, even if it is reset and passed again later.
 */
export function recordSolved(lab: Lab, stepId: string, clock: Clock = {}): Promise<Progress> {
  return updateStep(
    lab,
    stepId,
    (step, at) => {
      startIfNew(step, at)
      step.solutionUsed = true
      step.status = 'solved-with-solution'
      step.finishedAt ??= at
    },
    clock,
  )
}

/**
 * The learner chose to see the reference solution (in `learn`): the step will score 0, and it is
 * done only when its checks pass (recordAttempt then marks it solved-with-solution).
 */
export function recordSolutionUsed(lab: Lab, stepId: string, clock: Clock = {}): Promise<Progress> {
  return updateStep(
    lab,
    stepId,
    (step, at) => {
      startIfNew(step, at)
      step.solutionUsed = true
    },
    clock,
  )
}

/**
 * The step's misconfiguration was restored (`kubelab reset --step`): the step is to do again. Hints,
 * attempts, quiz answers and a used solution are kept, so a reset never raises the score.
 */
export function recordStepReset(lab: Lab, stepId: string, clock: Clock = {}): Promise<Progress> {
  return updateStep(
    lab,
    stepId,
    (step) => {
      step.status = 'not-started'
      delete step.finishedAt
      delete step.lastVerify
    },
    clock,
  )
}

function startIfNew(step: StepProgress, at: string): void {
  step.startedAt ??= at
}

function now(clock: Clock): Date {
  return clock.now?.() ?? new Date()
}
