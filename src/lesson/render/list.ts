import type {Lesson} from '../model.js'
import {displayPath} from '../errors.js'
import {themeFor} from './theme.js'
import type {RenderOptions} from './options.js'

/** `kubelab lesson` without an id: one line per lesson (id, title, scenario, steps), then how to read one. */
export function formatLessonList(lessons: readonly Lesson[], folder: string, options: RenderOptions): string {
  const theme = themeFor(options)
  if (lessons.length === 0) return `No lessons in ${displayPath(folder)}.`
  const rows = [
    ['ID', 'TITLE', 'SCENARIO', 'STEPS'],
    ...lessons.map((lesson) => [lesson.id, lesson.title, lesson.scenario, String(lesson.steps.length)]),
  ]
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? []
  const lines = rows.map((row, index) => {
    const text = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 2))).join('')
    return index === 0 ? theme.chalk.bold(text) : text
  })
  lines.push('', theme.muted(`Read one: kubelab lesson ID${theme.glyphs.separator}one step: kubelab lesson ID --step N`))
  return lines.join('\n')
}
