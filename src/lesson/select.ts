import {didYouMean} from '../scenario/suggest.js'
import {UnknownLessonStepError} from './errors.js'
import type {Lesson, LessonStep} from './model.js'

/** A step chosen by its 1-based number ("2") or its id ("close-insecure-port"), with its 1-based number. */
export function selectStep(lesson: Lesson, selector: string): {step: LessonStep; number: number} {
  const ids = lesson.steps.map((step) => step.id)
  const byId = lesson.steps.findIndex((step) => step.id === selector)
  const index = byId !== -1 ? byId : /^\d+$/.test(selector) ? Number(selector) - 1 : -1
  const step = lesson.steps[index]
  if (!step) throw new UnknownLessonStepError(lesson.id, selector, ids, /^\d+$/.test(selector) ? '' : didYouMean(selector, ids))
  return {step, number: index + 1}
}
