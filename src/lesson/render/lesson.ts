import type {Command, Lesson, LessonStep} from '../model.js'
import {markdownParser} from '../markdown.js'
import {renderMarkdown} from './markdown.js'
import {MIN_WIDTH, type RenderOptions} from './options.js'
import {wrapSpans} from './text.js'
import {themeFor, type Theme} from './theme.js'

const parser = markdownParser()

export interface StepRenderOptions extends RenderOptions {
  /** The step's 1-based place in its lesson, shown in the heading as "Step 2 of 4". */
  position?: {number: number; total: number}
}

const COMMAND_INDENT = '    '

/**
 * One step: its heading, its prose with the `try` and `fix` commands where they stand (labelled, never wrapped,
 * copyable: no prompt or bar in front), then the command that verifies it. Hints are only named (they cost
 * points); quizzes are not shown (they are asked after the step passes).
 */
export function renderStep(step: LessonStep, options: StepRenderOptions): string {
  const theme = themeFor(options)
  const width = Math.max(MIN_WIDTH, options.width)
  const title = options.position ? `Step ${options.position.number} of ${options.position.total}: ${step.heading}` : step.heading
  const parts = [renderMarkdown(`## ${escapeInline(title)}`, {...options, width})]
  for (const block of step.blocks) {
    parts.push(block.kind === 'markdown' ? renderMarkdown(block.text, {...options, width}) : commandBox(block.kind === 'try' ? 'Try it:' : 'Fix:', block.command, theme, block.kind))
  }
  parts.push(commandBox('Verify:', step.verify, theme, 'verify'))
  if (step.hints.length > 0) parts.push(muted(`Stuck? kubelab hint ${step.id} ${hintOffer(step)}.`, width, theme))
  return parts.join('\n\n')
}

/** The whole lesson: title, scenario and versions, introduction, every step numbered, closing sections. */
export function renderLesson(lesson: Lesson, options: RenderOptions): string {
  const theme = themeFor(options)
  const {title, rest} = splitTitle(lesson)
  const about = [`Lab: kubelab up ${lesson.scenario}`]
  if (lesson.kubernetes) about.push(`Kubernetes ${lesson.kubernetes}`)
  if (lesson.steps.length > 0) about.push(`${lesson.steps.length} step${lesson.steps.length === 1 ? '' : 's'}`)
  const parts = [renderMarkdown(title, options), muted(about.join(theme.glyphs.separator), options.width, theme)]
  if (rest !== '') parts.push(renderMarkdown(rest, options))
  lesson.steps.forEach((step, index) => {
    parts.push(renderStep(step, {...options, position: {number: index + 1, total: lesson.steps.length}}))
  })
  if (lesson.closing !== '') parts.push(renderMarkdown(lesson.closing, options))
  return parts.join('\n\n')
}

/** The introduction's own `# Title` when it opens with one (else the front matter's title), and the rest of it. */
function splitTitle(lesson: Lesson): {title: string; rest: string} {
  const [first] = parser.parse(lesson.intro, {})
  if (first?.type === 'heading_open' && first.tag === 'h1' && first.map) {
    const lines = lesson.intro.split('\n')
    return {title: lines.slice(0, first.map[1]).join('\n'), rest: lines.slice(first.map[1]).join('\n').trim()}
  }
  return {title: `# ${escapeInline(lesson.title)}`, rest: lesson.intro}
}

function muted(text: string, width: number, theme: Theme): string {
  return wrapSpans([{text, style: {}}], Math.max(MIN_WIDTH, width), (part) => theme.muted(part)).join('\n')
}

/** "gives a hint (costs 10 points)", "gives up to 3 hints (10 points each)", "gives up to 2 hints (10 to 20 points each)". */
function hintOffer(step: LessonStep): string {
  const costs = step.hints.map((hint) => hint.cost)
  const [only] = costs
  if (costs.length === 1) return `gives a hint (costs ${only} point${only === 1 ? '' : 's'})`
  const low = Math.min(...costs)
  const high = Math.max(...costs)
  return `gives up to ${costs.length} hints (${low === high ? low : `${low} to ${high}`} points each)`
}

function commandBox(label: string, command: Command, theme: Theme, kind: 'try' | 'fix' | 'verify'): string {
  const labelStyle = kind === 'try' ? theme.chalk.bold.green : kind === 'fix' ? theme.chalk.bold.yellow : theme.chalk.bold.blue
  const lines = command.script.split('\n').map((line) => (line.trim() === '' ? '' : COMMAND_INDENT + theme.codeBlock(line.replace(/\t/g, '    '))))
  return [labelStyle(label), ...lines].join('\n')
}

/** Text placed into Markdown as-is: characters that would start emphasis, code or links are escaped. */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]<>#]/g, (character) => `\\${character}`)
}
