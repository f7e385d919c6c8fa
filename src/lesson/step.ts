import type {LessonProblem} from './errors.js'
import type {Command, Hint, LessonBlock, LessonStep, Quiz} from './model.js'
import {parseQuiz} from './quiz.js'
import {scriptOf, type BodySource, type Fence, type Section} from './sections.js'

/**
 * A step from its section (and the ordinary sections after it, up to body line `end`): prose cut at each top-level
 * try / fix fence, which stand between the prose blocks; hints and quizzes collected in order.
 */
export function buildStep(
  section: Section,
  stepFence: Fence,
  end: number,
  fences: readonly Fence[],
  source: BodySource,
  fileLine: (bodyIndex: number) => number,
  problems: LessonProblem[],
): LessonStep {
  const id = stepFence.role.kind === 'step' ? stepFence.role.id : ''
  const verifyScript = scriptOf(stepFence.token)
  if (verifyScript === '') problems.push({line: fileLine(stepFence.start), reason: `the step fence holds the command that verifies the step, e.g. "kubelab verify ${id}"; it is empty`})

  const blocks: LessonBlock[] = []
  const tries: Command[] = []
  const fixes: Command[] = []
  const hints: Hint[] = []
  const quizzes: Quiz[] = []
  let proseFrom = stepFence.end
  const addProse = (to: number): void => {
    const text = source.markdown(proseFrom, to)
    if (text !== '') blocks.push({kind: 'markdown', text})
  }
  for (const fence of fences) {
    if (!fence.topLevel || fence.start < stepFence.end || fence.start >= end) continue
    const line = fileLine(fence.start)
    const role = fence.role
    if (role.kind === 'step' || role.kind === 'code' || role.kind === 'invalid') continue
    addProse(fence.start)
    proseFrom = fence.end
    if (role.kind === 'try' || role.kind === 'fix') {
      const script = scriptOf(fence.token)
      if (script === '') problems.push({line, reason: `the ${role.kind} fence is empty: put the shell command in it`})
      const command = {script, line}
      blocks.push({kind: role.kind, command})
      ;(role.kind === 'try' ? tries : fixes).push(command)
    } else if (role.kind === 'hint') {
      const text = fence.token.content.trim()
      if (text === '') problems.push({line, reason: 'the hint fence is empty'})
      hints.push({text, cost: role.cost, line})
    } else {
      const quiz = parseQuiz(fence.token.content, line, problems)
      if (quiz) quizzes.push(quiz)
    }
  }
  addProse(end)

  return {
    id,
    heading: section.heading?.text ?? '',
    markdown: blocks.flatMap((block) => (block.kind === 'markdown' ? [block.text] : [])).join('\n\n'),
    blocks,
    verify: {script: verifyScript, line: fileLine(stepFence.start)},
    tries,
    fixes,
    hints,
    quizzes,
    line: fileLine(section.heading?.start ?? section.start),
  }
}
