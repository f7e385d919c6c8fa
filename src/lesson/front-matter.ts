import {LineCounter, parseDocument} from 'yaml'
import {z} from 'zod'
import {closestMatch} from '../scenario/suggest.js'
import type {LessonProblem} from './errors.js'
import {yamlLine, yamlReason} from './yaml-lines.js'

/** Lesson, scenario and step ids: lower-case words joined by hyphens, as scenarios spell them. */
export const kebabId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case words joined by hyphens, e.g. "api-server"')

export const frontMatterSchema = z.strictObject({
  id: kebabId,
  title: z.string().trim().min(1, 'the title is empty'),
  scenario: kebabId,
  steps: z.array(kebabId).superRefine((steps, ctx) => {
    steps.forEach((step, index) => {
      if (steps.indexOf(step) !== index) ctx.addIssue({code: 'custom', path: [index], message: `step "${step}" is listed twice`})
    })
  }),
  kubernetes: z.string().trim().min(1, 'the kubernetes versions are empty').optional(),
})

export type FrontMatter = z.infer<typeof frontMatterSchema>

const FIELDS = Object.keys(frontMatterSchema.shape)

export interface FrontMatterParts {
  /** Undefined when the front matter is missing or invalid; the problems say why. */
  frontMatter: FrontMatter | undefined
  /** The Markdown after the closing `---` (the whole text when there is no front matter). */
  body: string
  /** File line of the body's first line (1-based). */
  bodyLine: number
  /** File line of a front matter field or list entry, e.g. ['steps', 2]; line 1 when it is not in the file. */
  lineOf(path: ReadonlyArray<string | number>): number
}

/**
 * Splits `---` YAML front matter from the Markdown body and validates it. Problems are appended to `problems`
 * with file lines; the body is returned either way so the rest of the file can still be checked.
 */
export function readFrontMatter(text: string, problems: LessonProblem[]): FrontMatterParts {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const noPositions = (): number => 1
  if (lines[0]?.trimEnd() !== '---') {
    problems.push({line: 1, reason: 'a lesson starts with YAML front matter between "---" lines (id, title, scenario, steps)'})
    return {frontMatter: undefined, body: lines.join('\n'), bodyLine: 1, lineOf: noPositions}
  }
  const closing = lines.findIndex((line, index) => index > 0 && /^(---|\.\.\.)\s*$/.test(line))
  if (closing === -1) {
    problems.push({line: 1, reason: 'the front matter has no closing "---" line'})
    return {frontMatter: undefined, body: '', bodyLine: lines.length + 1, lineOf: noPositions}
  }

  const yamlText = lines.slice(1, closing).join('\n')
  const body = lines.slice(closing + 1).join('\n')
  const bodyLine = closing + 2
  // The YAML starts on the file's second line.
  const toFileLine = (yamlLine: number): number => yamlLine + 1
  const lineCounter = new LineCounter()
  const document = parseDocument(yamlText, {lineCounter})
  const lineOf = (path: ReadonlyArray<string | number>): number => {
    const line = yamlLine(document, lineCounter, path)
    return line === undefined ? 1 : toFileLine(line)
  }

  if (document.errors.length > 0) {
    for (const error of document.errors) {
      problems.push({line: toFileLine(error.linePos?.[0].line ?? 0), reason: `front matter YAML: ${yamlReason(error)}`})
    }
    return {frontMatter: undefined, body, bodyLine, lineOf}
  }

  const data: unknown = document.toJS()
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({line: 1, reason: 'the front matter must be a YAML mapping with id, title, scenario and steps'})
    return {frontMatter: undefined, body, bodyLine, lineOf}
  }
  const parsed = frontMatterSchema.safeParse(data)
  if (parsed.success) return {frontMatter: parsed.data, body, bodyLine, lineOf}

  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol')
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const suggestion = closestMatch(key, FIELDS)
        problems.push({
          line: lineOf([key]),
          reason: `front matter: unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; the fields are ${FIELDS.join(', ')}`,
        })
      }
      continue
    }
    const missing = valueAt(data, path) === undefined
    problems.push({
      line: lineOf(path),
      reason: missing ? `front matter: "${describePath(path)}" is missing` : `front matter "${describePath(path)}": ${issue.message}`,
    })
  }
  return {frontMatter: undefined, body, bodyLine, lineOf}
}

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = data
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[key]
  }
  return current
}

function describePath(path: ReadonlyArray<string | number>): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('')
}
