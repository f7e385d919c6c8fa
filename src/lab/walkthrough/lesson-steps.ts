import type {Lesson, LessonStep} from '../../lesson/model.js'
import type {Scenario} from '../../scenario/schema.js'
import type {StepLessonFacts} from '../progress-text.js'
import {LessonStepMissingError} from './errors.js'

/** The lesson's section for a scenario step. */
export function lessonStepFor(lesson: Lesson, stepId: string): LessonStep {
  const step = lesson.steps.find((candidate) => candidate.id === stepId)
  if (!step) throw new LessonStepMissingError(lesson.id, stepId)
  return step
}

/** Every step of the scenario with its lesson section, in the scenario's order; a missing section fails at once. */
export function lessonStepsOf(lesson: Lesson, scenario: Scenario): Map<string, LessonStep> {
  return new Map(scenario.steps.map((step) => [step.id, lessonStepFor(lesson, step.id)]))
}

/** How many hints and quizzes each step of the lesson has: what the score's maximum needs. */
export function lessonFacts(lesson: Lesson): Record<string, StepLessonFacts> {
  return Object.fromEntries(lesson.steps.map((step) => [step.id, {hints: step.hints.length, quizzes: step.quizzes.length}]))
}
