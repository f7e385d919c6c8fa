import path from 'node:path'
import {didYouMean} from '../scenario/suggest.js'
import type {LessonProblem} from './errors.js'
import type {FrontMatter} from './front-matter.js'
import type {LessonStep} from './model.js'

/**
 * The front matter against the step sections: `id` is the file name, every listed step has exactly one step fence,
 * every step fence is listed, and the sections come in the listed order.
 */
export function checkStepsAgainstFrontMatter(
  front: FrontMatter,
  steps: readonly LessonStep[],
  file: string,
  lineOf: (path: ReadonlyArray<string | number>) => number,
  problems: LessonProblem[],
): void {
  const fileName = path.parse(file).name
  if (front.id !== fileName) problems.push({line: lineOf(['id']), reason: `id "${front.id}" must equal the file name ("${fileName}")`})

  const seen = new Map<string, LessonStep>()
  for (const step of steps) {
    const earlier = seen.get(step.id)
    if (earlier) problems.push({line: step.verify.line, reason: `step "${step.id}" has a second step fence (the first is on line ${earlier.verify.line})`})
    else seen.set(step.id, step)
    if (!front.steps.includes(step.id)) {
      problems.push({line: step.verify.line, reason: `step "${step.id}" is not in the front matter's steps${didYouMean(step.id, front.steps)}`})
    }
  }
  front.steps.forEach((id, index) => {
    if (!seen.has(id)) problems.push({line: lineOf(['steps', index]), reason: `step "${id}" is listed in the front matter but no "## " section has a "step ${id}" fence`})
  })

  const documentOrder = [...seen.keys()].filter((id) => front.steps.includes(id))
  const listedOrder = front.steps.filter((id) => seen.has(id))
  const misplaced = documentOrder.findIndex((id, index) => listedOrder[index] !== id)
  if (misplaced !== -1) {
    const step = seen.get(documentOrder[misplaced] as string) as LessonStep
    problems.push({line: step.verify.line, reason: `step sections must come in the order of the front matter's steps (${front.steps.join(', ')})`})
  }
}
