import type {Env} from 'markdown-it'
import {LessonError, type LessonProblem} from './errors.js'
import {readFrontMatter} from './front-matter.js'
import {markdownParser} from './markdown.js'
import type {Lesson, LessonStep} from './model.js'
import {BodySource, findFences, referenceDefinitions, splitSections, type Fence, type Section} from './sections.js'
import {buildStep} from './step.js'
import {checkStepsAgainstFrontMatter} from './step-ids.js'

const markdown = markdownParser()

/**
 * Parses a lesson file's text (see the lesson format: front matter, introduction, step sections with fenced
 * directives, closing sections). `file` names the file in errors and must be named after the lesson id.
 * Throws a LessonError listing every problem found, each with its line.
 */
export function parseLesson(text: string, file: string): Lesson {
  const problems: LessonProblem[] = []
  const front = readFrontMatter(text, problems)
  const env: Env = {}
  const tokens = markdown.parse(front.body, env)
  const bodyLines = front.body.split('\n')
  const fileLine = (bodyIndex: number): number => front.bodyLine + bodyIndex
  const source = new BodySource(bodyLines, referenceDefinitions(env.references))

  const fences = findFences(tokens)
  for (const fence of fences) {
    if (fence.role.kind === 'invalid') problems.push({line: fileLine(fence.start), reason: fence.role.reason})
    else if (fence.role.kind !== 'code' && !fence.topLevel) {
      problems.push({line: fileLine(fence.start), reason: `a ${fence.role.kind} fence must stand on its own in a section, not inside a list or a quote`})
    }
  }

  const sections = splitSections(tokens, bodyLines.length)
  const stepFenceOf = (section: Section): Fence | undefined => fences.find((fence) => fence.token === section.firstBlock && fence.role.kind === 'step')
  for (const fence of fences) {
    if (fence.role.kind !== 'step' || !fence.topLevel) continue
    const owner = sections.find((section) => section.firstBlock === fence.token && section.heading)
    if (!owner) problems.push({line: fileLine(fence.start), reason: `a step fence must be the first block after a "## " heading (step "${fence.role.id}")`})
  }

  const stepIndexes = sections.flatMap((section, index) => (stepFenceOf(section) ? [index] : []))
  const firstStep = stepIndexes[0] ?? sections.length
  const lastStep = stepIndexes.at(-1)
  // Sections after the last step close the lesson; without steps, everything is introduction.
  const closingFrom = lastStep === undefined ? sections.length : lastStep + 1

  const directivesOutsideSteps = (from: number, to: number): void => {
    const start = sections[from]?.start ?? bodyLines.length
    const end = sections[to - 1]?.end ?? start
    for (const fence of fences) {
      const kind = fence.role.kind
      if (fence.topLevel && fence.start >= start && fence.start < end && (kind === 'try' || kind === 'fix' || kind === 'hint' || kind === 'quiz')) {
        problems.push({line: fileLine(fence.start), reason: `a ${kind} fence belongs in a step section (a "## " heading followed by a step fence)`})
      }
    }
  }
  directivesOutsideSteps(0, firstStep)
  directivesOutsideSteps(closingFrom, sections.length)

  const steps: LessonStep[] = stepIndexes.map((sectionIndex, position) => {
    const section = sections[sectionIndex] as Section
    const stepFence = stepFenceOf(section) as Fence
    const groupEnd = stepIndexes[position + 1] ?? closingFrom
    const end = sections[groupEnd - 1]?.end ?? section.end
    return buildStep(section, stepFence, end, fences, source, fileLine, problems)
  })

  const intro = source.markdown(0, sections[firstStep]?.heading?.start ?? bodyLines.length)
  const closing = closingFrom < sections.length ? source.markdown(sections[closingFrom]?.start ?? bodyLines.length, bodyLines.length) : ''

  if (front.frontMatter) checkStepsAgainstFrontMatter(front.frontMatter, steps, file, front.lineOf, problems)

  const [firstProblem, ...otherProblems] = problems
  if (firstProblem || !front.frontMatter) throw new LessonError(file, [firstProblem ?? {line: 1, reason: 'invalid front matter'}, ...otherProblems])

  const {id, title, scenario, kubernetes} = front.frontMatter
  const order = front.frontMatter.steps
  steps.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id))
  return {id, title, scenario, ...(kubernetes === undefined ? {} : {kubernetes}), file, intro, steps, closing}
}
