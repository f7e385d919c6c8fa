import {displayPath} from './errors.js'
import type {Lesson} from './model.js'

/** What this check needs of a scenario, as plain data, so lesson/ does not depend on scenario/. */
export interface ScenarioOutline {
  id: string
  /** The scenario's `lesson:` field. */
  lesson: string
  /** Its step ids. */
  steps: readonly string[]
}

/**
 * Where lessons and scenarios disagree, as sentences naming both sides ([] when they agree):
 * - a lesson's `scenario` exists, and when the lesson has steps, that scenario's lesson is this one
 *   (so `kubelab learn` walks steps this lesson explains);
 * - every scenario's lesson exists and lists every step of the scenario;
 * - every step a lesson lists belongs to a scenario whose lesson it is.
 */
export function crossCheckLessons(lessons: readonly Lesson[], scenarios: readonly ScenarioOutline[]): string[] {
  const mismatches: string[] = []
  const scenarioIds = scenarios.map((scenario) => scenario.id)
  const lessonsById = new Map(lessons.map((lesson) => [lesson.id, lesson]))

  for (const lesson of lessons) {
    const where = `lesson "${lesson.id}" (${displayPath(lesson.file)})`
    const scenario = scenarios.find((candidate) => candidate.id === lesson.scenario)
    if (!scenario) {
      mismatches.push(`${where}: scenario "${lesson.scenario}" does not exist (scenarios: ${scenarioIds.join(', ')})`)
    } else if (lesson.steps.length > 0 && scenario.lesson !== lesson.id) {
      mismatches.push(`${where}: its scenario "${scenario.id}" belongs to lesson "${scenario.lesson}", so \`kubelab learn\` would not walk this lesson's steps`)
    }
    const own = scenarios.filter((candidate) => candidate.lesson === lesson.id)
    for (const step of lesson.steps) {
      if (!own.some((candidate) => candidate.steps.includes(step.id))) {
        const owners = own.length === 0 ? 'no scenario names this lesson' : `scenarios of this lesson: ${own.map((candidate) => candidate.id).join(', ')}`
        mismatches.push(`${where}: step "${step.id}" is in no scenario whose lesson is "${lesson.id}" (${owners})`)
      }
    }
  }

  for (const scenario of scenarios) {
    const lesson = lessonsById.get(scenario.lesson)
    if (!lesson) {
      mismatches.push(`scenario "${scenario.id}": its lesson "${scenario.lesson}" does not exist (lessons: ${[...lessonsById.keys()].join(', ') || 'none'})`)
      continue
    }
    const taught = new Set(lesson.steps.map((step) => step.id))
    for (const step of scenario.steps) {
      if (!taught.has(step)) mismatches.push(`scenario "${scenario.id}": step "${step}" is not taught by its lesson "${lesson.id}" (${displayPath(lesson.file)})`)
    }
  }
  return mismatches
}
