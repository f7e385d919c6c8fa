import {expect} from '@jest/globals'
import type {Lesson} from '../../src/lesson/model.js'
import {markdownParser} from '../../src/lesson/markdown.js'
import {stripAnsi} from '../../src/lesson/render/text.js'

/** Rendered text must show no Markdown syntax: emphasis markers, backticks, link syntax, `#` headings, fences, HTML tags. */
export function expectNoMarkup(rendered: string): void {
  const text = stripAnsi(rendered)
  expect(text).not.toContain('**')
  expect(text).not.toContain('__')
  expect(text).not.toContain('`')
  expect(text).not.toContain('](')
  expect(text).not.toContain('][')
  expect(text).not.toMatch(/^\s*#{1,6}\s/m)
  expect(text).not.toMatch(/^\s*(```|~~~)/m)
  expect(text).not.toMatch(/<\/?[a-z][a-z0-9]*(\s[^>]*)?>|<!--/i)
  expect(text).not.toMatch(/^\s*\|?\s*:?-{3,}:?\s*\|/m)
}

/** Every line of code in Markdown texts: what a renderer shows unwrapped. */
export function codeLines(markdownTexts: readonly string[], scripts: readonly string[] = []): Set<string> {
  const parser = markdownParser()
  const lines = new Set<string>()
  const add = (text: string): void => {
    for (const line of text.split('\n')) if (line.trim() !== '') lines.add(line.trim())
  }
  for (const text of markdownTexts) {
    for (const token of parser.parse(text, {})) if (token.type === 'fence' || token.type === 'code_block') add(token.content)
  }
  for (const script of scripts) add(script)
  return lines
}

/** The code of a lesson: its code blocks and its try, fix and verify commands. */
export function lessonCodeLines(lesson: Lesson): Set<string> {
  const texts = [lesson.intro, lesson.closing, ...lesson.steps.map((step) => step.markdown)]
  const scripts = lesson.steps.flatMap((step) => [step.verify.script, ...step.tries.map((command) => command.script), ...step.fixes.map((command) => command.script)])
  return codeLines(texts, scripts)
}

/**
 * Visible lines wider than `width`, except the ones a wrapper must not break: a line of code, or a line holding one
 * word (after its bullet, number or quote bar) that is wider than the room left.
 */
export function overlongLines(rendered: string, width: number, code: ReadonlySet<string> = new Set()): string[] {
  return stripAnsi(rendered)
    .split('\n')
    .filter((line) => [...line].length > width)
    .filter((line) => !code.has(line.trim()))
    .filter((line) => line.trim().replace(/^([•◦▪│|>-]|\d+\.)\s+/, '').includes(' '))
}
