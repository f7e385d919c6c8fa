import {LineCounter, parseDocument} from 'yaml'
import {z} from 'zod'
import type {LessonProblem} from './errors.js'
import type {Quiz} from './model.js'
import {yamlLine, yamlReason} from './yaml-lines.js'

const quizSchema = z.strictObject({
  question: z.string().trim().min(1, 'the question is empty'),
  choices: z.array(z.string().trim().min(1, 'a choice is empty')).min(2, 'a quiz needs at least two choices'),
  answer: z.int('answer is the 1-based number of the right choice'),
  explain: z.string().trim().min(1).optional(),
})

/**
 * Parses a ```quiz fence's YAML body. `fenceLine` is the file line of the opening fence; the YAML starts on the next
 * line. Problems are appended with file lines; undefined is returned when there are any.
 */
export function parseQuiz(body: string, fenceLine: number, problems: LessonProblem[]): Quiz | undefined {
  const lineCounter = new LineCounter()
  const document = parseDocument(body, {lineCounter})
  // The YAML starts on the line after the fence.
  const fileLine = (path: ReadonlyArray<string | number>): number => fenceLine + (yamlLine(document, lineCounter, path) ?? 0)
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      problems.push({line: fenceLine + (error.linePos?.[0].line ?? 0), reason: `quiz YAML: ${yamlReason(error)}`})
    }
    return undefined
  }
  const data: unknown = document.toJS()
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({line: fenceLine, reason: 'a quiz block holds YAML with question, choices (a list) and answer (the number of the right choice)'})
    return undefined
  }
  const parsed = quizSchema.safeParse(data)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol')
      const where = path.length === 0 ? '' : ` "${path.join('.')}"`
      const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')} (the fields are question, choices, answer, explain)` : ''
      const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined
      problems.push({line: fileLine(unknownKey === undefined ? path : [...path, unknownKey]), reason: `quiz${where}: ${issue.message}${keys}`})
    }
    return undefined
  }
  const {question, choices, answer, explain} = parsed.data
  if (answer < 1 || answer > choices.length) {
    problems.push({
      line: fileLine(['answer']),
      reason: `quiz answer ${answer} is out of range: it is the 1-based number of the right choice, from 1 to ${choices.length}`,
    })
    return undefined
  }
  return {question, choices, answer, ...(explain === undefined ? {} : {explain}), line: fenceLine}
}
