import type {Scenario} from '../scenario/schema.js'
import {stepProgressOf, type Progress, type StepProgress} from './progress.js'

/**
 * The scoring rules, in one place. `progress`, `hint` and `learn` print SCORE_RULES_TEXT so the
 * learner always knows what a hint or the solution costs.
 */
export const STEP_POINTS = 100
export const QUIZ_POINTS = 10

export const SCORE_RULES_TEXT =
  `Scoring: a step whose checks pass is worth ${STEP_POINTS} points, minus the cost of the hints taken for it (never below 0); ` +
  `a step solved with the reference solution scores 0. Each quiz answered right the first time adds ${QUIZ_POINTS}.`

export interface Score {
  points: number
  /** What a perfect run would have scored; quizzes count when their number is known. */
  max: number
}

/** Points the hints of a step have cost so far. */
export function hintCost(step: StepProgress): number {
  return step.hints.reduce((sum, hint) => sum + hint.cost, 0)
}

/** A step's points: nothing until its checks pass. */
export function stepPoints(step: StepProgress): number {
  const quiz = step.quizzes.filter((answer) => answer.correct).length * QUIZ_POINTS
  if (step.status === 'not-started') return quiz
  if (step.status === 'solved-with-solution' || step.solutionUsed) return quiz
  return Math.max(0, STEP_POINTS - hintCost(step)) + quiz
}

/** The lab's score; `quizCounts` (by step id) adds the quizzes to the maximum. */
export function scoreOf(scenario: Scenario, progress: Progress, quizCounts: Readonly<Record<string, number>> = {}): Score {
  let points = 0
  let max = 0
  for (const step of scenario.steps) {
    points += stepPoints(stepProgressOf(progress, step.id))
    max += STEP_POINTS + (quizCounts[step.id] ?? 0) * QUIZ_POINTS
  }
  return {points, max}
}
