import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect, it} from '@jest/globals'
import {LessonError} from '../../src/lesson/errors.js'
import {loadLesson} from '../../src/lesson/load.js'
import type {Lesson} from '../../src/lesson/model.js'
import {parseLesson} from '../../src/lesson/parse.js'
import {PROJECT_ROOT} from '../commands/run-in-process.js'

const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/lessons')
const FILE = 'lessons/demo.md'

/** A small valid lesson; each bad case below changes one thing in it. */
const GOOD = `---
id: demo
title: A demo lesson
scenario: insecure-port
steps: [first-step, second-step]
---

# Demo

The idea.

## First

\`\`\`step first-step
kubelab verify first-step
\`\`\`

Prose of the first step.

\`\`\`sh try
curl -s "$KUBELAB_APISERVER_INSECURE/version"
\`\`\`

\`\`\`hint
A hint.
\`\`\`

## Second

\`\`\`step second-step
kubelab verify second-step
\`\`\`

Prose of the second step.

\`\`\`quiz
question: Which?
choices:
  - this one
  - that one
answer: 2
\`\`\`

## Further reading

The end.
`

function replaced(search: string, replacement: string, text = GOOD): string {
  if (!text.includes(search)) throw new Error(`the test lesson has no ${JSON.stringify(search)}`)
  return text.replace(search, replacement)
}

/** The LessonError parseLesson throws for `text`, or a failure when it parses. */
function lessonErrorOf(text: string, file = FILE): LessonError {
  try {
    parseLesson(text, file)
  } catch (error) {
    if (error instanceof LessonError) return error
    throw error
  }
  throw new Error('the lesson parsed without an error')
}

/** 1-based line of the first line of `text` that starts with `start`. */
function lineOf(text: string, start: string): number {
  const index = text.split('\n').findIndex((line) => line.startsWith(start))
  if (index === -1) throw new Error(`no line starts with ${start}`)
  return index + 1
}

describe('parseLesson on a valid lesson', () => {
  const lesson = parseLesson(GOOD, FILE)

  it('reads the front matter, intro, steps in order and closing', () => {
    expect(lesson).toMatchObject({id: 'demo', title: 'A demo lesson', scenario: 'insecure-port', file: FILE})
    expect(lesson.kubernetes).toBeUndefined()
    expect(lesson.intro).toBe('# Demo\n\nThe idea.')
    expect(lesson.steps.map((step) => [step.id, step.heading])).toEqual([
      ['first-step', 'First'],
      ['second-step', 'Second'],
    ])
    expect(lesson.closing).toBe('## Further reading\n\nThe end.')
  })

  it('takes the directives out of the prose and keeps tries where they stood', () => {
    const [first, second] = lesson.steps
    expect(first?.markdown).toBe('Prose of the first step.')
    expect(first?.blocks).toEqual([
      {kind: 'markdown', text: 'Prose of the first step.'},
      {kind: 'try', command: {script: 'curl -s "$KUBELAB_APISERVER_INSECURE/version"', line: lineOf(GOOD, '```sh try')}},
    ])
    expect(first?.verify).toEqual({script: 'kubelab verify first-step', line: lineOf(GOOD, '```step first-step')})
    expect(first?.hints).toEqual([{text: 'A hint.', cost: 10, line: lineOf(GOOD, '```hint')}])
    expect(first?.line).toBe(lineOf(GOOD, '## First'))
    expect(second?.quizzes).toEqual([{question: 'Which?', choices: ['this one', 'that one'], answer: 2, line: lineOf(GOOD, '```quiz')}])
    expect(second?.markdown).toBe('Prose of the second step.')
  })

  it('accepts the spellings sh try, bash try, try, sh fix, bash fix and fix', () => {
    for (const info of ['sh try', 'bash try', 'try', 'shell try']) {
      expect(parseLesson(replaced('```sh try', '```' + info), FILE).steps[0]?.tries).toHaveLength(1)
    }
    for (const info of ['sh fix', 'bash fix', 'fix']) {
      const step = parseLesson(replaced('```sh try', '```' + info), FILE).steps[0]
      expect(step?.fixes).toHaveLength(1)
      expect(step?.tries).toHaveLength(0)
      expect(step?.blocks[1]?.kind).toBe('fix')
    }
  })

  it('reads a hint cost and keeps ordinary code blocks (yaml, console, sh with attributes) in the prose', () => {
    const text = replaced('```hint\n', '```hint cost=25\n', replaced('Prose of the first step.', 'Prose:\n\n```yaml\na: 1\n```\n\n```sh {.numbered}\nls\n```'))
    const step = parseLesson(text, FILE).steps[0]
    expect(step?.hints[0]?.cost).toBe(25)
    expect(step?.markdown).toBe('Prose:\n\n```yaml\na: 1\n```\n\n```sh {.numbered}\nls\n```')
  })

  it('reads an ordinary section between two steps as part of the step before it', () => {
    const text = replaced('## Second', '## Why it matters\n\nBecause.\n\n## Second')
    const [first, second] = parseLesson(text, FILE).steps
    expect(first?.markdown).toBe('Prose of the first step.\n\n## Why it matters\n\nBecause.')
    expect(second?.markdown).toBe('Prose of the second step.')
  })

  it('appends link reference definitions to prose that may use them', () => {
    const text = replaced('The end.', 'The end.\n\n[docs]: https://kubernetes.io/docs/ "Docs"', replaced('Prose of the first step.', 'See [the docs][docs].'))
    const step = parseLesson(text, FILE).steps[0]
    expect(step?.markdown).toBe('See [the docs][docs].\n\n[DOCS]: <https://kubernetes.io/docs/> "Docs"')
  })

  it('allows a lesson without steps (all introduction)', () => {
    const text = '---\nid: demo\ntitle: Ideas\nscenario: all-open\nsteps: []\n---\n\n# Ideas\n\n## Defence in depth\n\nLayers.\n'
    const lesson = parseLesson(text, FILE)
    expect(lesson.steps).toEqual([])
    expect(lesson.intro).toBe('# Ideas\n\n## Defence in depth\n\nLayers.')
    expect(lesson.closing).toBe('')
  })
})

describe('parseLesson on the fixture lessons', () => {
  it('parses api-server.md into its steps, directives and sections', async () => {
    const file = path.join(FIXTURES, 'api-server.md')
    const text = await readFile(file, 'utf8')
    const lesson: Lesson = await loadLesson(file)
    expect(lesson.kubernetes).toBe('1.19–1.34')
    expect(lesson.steps.map((step) => step.id)).toEqual(['close-insecure-port', 'remove-anonymous-grant', 'disable-anonymous-auth'])
    const [close, grant, disable] = lesson.steps
    expect(close?.blocks.map((block) => block.kind)).toEqual(['markdown', 'try', 'markdown', 'fix'])
    expect(close?.hints.map((hint) => hint.cost)).toEqual([10, 20])
    expect(close?.quizzes[0]?.answer).toBe(1)
    expect(grant?.markdown).toContain('## Why it matters')
    expect(disable?.quizzes[0]).toMatchObject({answer: 2, choices: ['403 Forbidden', '401 Unauthorized', '404 Not Found']})
    expect(lesson.intro.startsWith("# The API server's front doors")).toBe(true)
    expect(lesson.closing.startsWith('## What differs between versions')).toBe(true)
    expect(lesson.closing).toContain('[ACCESS]: <https://kubernetes.io/docs/concepts/security/controlling-access/>')
    const lines = text.split('\n')
    for (const step of lesson.steps) {
      expect(lines[step.line - 1]).toBe(`## ${step.heading}`)
      expect(lines[step.verify.line - 1]).toBe('```step ' + step.id)
      for (const command of [...step.tries, ...step.fixes]) expect(lines[command.line - 1]).toMatch(/^```sh (try|fix)$/)
      for (const hint of step.hints) expect(lines[hint.line - 1]).toMatch(/^```hint/)
      for (const quiz of step.quizzes) expect(lines[quiz.line - 1]).toBe('```quiz')
    }
  })

  it('parses kubelet.md, whose steps are a YAML block list', async () => {
    const lesson = await loadLesson(path.join(FIXTURES, 'kubelet.md'))
    expect(lesson.steps.map((step) => step.id)).toEqual(['require-kubelet-authentication', 'authorize-kubelet-requests', 'close-read-only-port'])
    expect(lesson.steps[0]?.fixes[0]?.script).toBe('kubelab edit kubelet-config\nkubelab restart kubelet')
    expect(lesson.steps[2]?.hints[0]?.cost).toBe(5)
    expect(lesson.intro).not.toMatch(/^#/)
  })
})

/** [what is wrong, the lesson text, the line the error must name, a part of the reason]. */
const BAD: Array<[string, string, number, string]> = [
  ['no front matter', GOOD.replace(/^---[\s\S]*?---\n/, ''), 1, 'starts with YAML front matter'],
  ['front matter never closed', replaced('---\n\n# Demo', '\n# Demo'), 1, 'no closing "---"'],
  ['front matter YAML broken', replaced('title: A demo lesson', 'title: Lesson one: the API'), 3, 'front matter YAML: Nested mappings'],
  ['a missing title', replaced('title: A demo lesson\n', ''), 1, '"title" is missing'],
  ['an unknown field, with a suggestion', replaced('title: A demo lesson', 'title: A demo lesson\nsenario: x'), 4, 'unknown field "senario" (did you mean "scenario"?)'],
  ['an id that is not kebab-case', replaced('id: demo', 'id: Demo_Lesson'), 2, 'lower-case words joined by hyphens'],
  ['an id unlike the file name', replaced('id: demo', 'id: other'), 2, 'id "other" must equal the file name ("demo")'],
  ['a step listed twice', replaced('steps: [first-step, second-step]', 'steps: [first-step, second-step, first-step]'), 5, 'listed twice'],
  ['a listed step without a step fence', replaced('steps: [first-step, second-step]', 'steps:\n  - first-step\n  - second-step\n  - third-step'), 8, 'step "third-step" is listed in the front matter but no'],
  ['a step fence not in the front matter', replaced('```step second-step', '```step second-stpe'), lineOf(GOOD, '```step second-step'), 'step "second-stpe" is not in the front matter\'s steps (did you mean "second-step"?)'],
  ['two fences for one step', replaced('```step second-step', '```step first-step', replaced('steps: [first-step, second-step]', 'steps: [first-step]')), lineOf(GOOD, '```step second-step'), 'second step fence (the first is on line'],
  ['a step fence after prose', replaced('```step second-step\nkubelab verify second-step\n```\n\nProse of the second step.', 'Prose first.\n\n```step second-step\nkubelab verify second-step\n```'), lineOf(GOOD, '```step second-step') + 2, 'must be the first block after a "## " heading'],
  ['a step fence under a level-3 heading', replaced('## Second', '### Second'), lineOf(GOOD, '```step second-step'), 'must be the first block after a "## " heading'],
  ['step sections out of order', replaced('steps: [first-step, second-step]', 'steps: [second-step, first-step]'), lineOf(GOOD, '```step first-step'), "order of the front matter's steps"],
  ['an empty step fence', replaced('```step first-step\nkubelab verify first-step\n```', '```step first-step\n```'), lineOf(GOOD, '```step first-step'), 'holds the command that verifies the step'],
  ['a step fence without an id', replaced('```step first-step', '```step'), lineOf(GOOD, '```step first-step'), 'names its step'],
  ['quiz YAML that does not parse', replaced('question: Which?', 'question: Which: this?'), lineOf(GOOD, 'question: Which?'), 'quiz YAML: Nested mappings'],
  ['a quiz answer out of range', replaced('answer: 2', 'answer: 3'), lineOf(GOOD, 'answer: 2'), 'quiz answer 3 is out of range'],
  ['a quiz answer of 0', replaced('answer: 2', 'answer: 0'), lineOf(GOOD, 'answer: 2'), 'from 1 to 2'],
  ['a quiz without choices', replaced('choices:\n  - this one\n  - that one\n', ''), lineOf(GOOD, '```quiz'), 'quiz "choices"'],
  ['a quiz with one choice', replaced('  - that one\n', ''), lineOf(GOOD, 'choices:'), 'at least two choices'],
  ['a quiz with an unknown field', replaced('answer: 2', 'answer: 2\nexplanation: no'), lineOf(GOOD, 'answer: 2') + 1, 'explanation'],
  ['an unknown directive word', replaced('```hint', '```hitn'), lineOf(GOOD, '```hint'), 'unknown directive "hitn" (did you mean "hint"?)'],
  ['a plural directive word', replaced('```hint', '```hints'), lineOf(GOOD, '```hint'), 'unknown directive "hints"'],
  ['an unknown shell directive', replaced('```sh try', '```sh tryit'), lineOf(GOOD, '```sh try'), 'unknown directive "sh tryit"'],
  ['a capitalised directive', replaced('```quiz', '```Quiz'), lineOf(GOOD, '```quiz'), 'lower-case'],
  ['an unknown hint option', replaced('```hint', '```hint price=5'), lineOf(GOOD, '```hint'), 'unknown hint option "price=5"'],
  ['a hint that costs nothing', replaced('```hint', '```hint cost=0'), lineOf(GOOD, '```hint'), 'at least 1 point'],
  ['an empty hint', replaced('```hint\nA hint.\n```', '```hint\n```'), lineOf(GOOD, '```hint'), 'hint fence is empty'],
  ['an empty try', replaced('```sh try\ncurl -s "$KUBELAB_APISERVER_INSECURE/version"\n```', '```sh try\n\n```'), lineOf(GOOD, '```sh try'), 'try fence is empty'],
  ['a try inside a list', replaced('Prose of the first step.', '1. Run:\n   ```sh try\n   curl x\n   ```'), lineOf(GOOD, 'Prose of the first step.') + 1, 'not inside a list or a quote'],
  ['a hint in the introduction', replaced('The idea.', 'The idea.\n\n```hint\nearly\n```'), lineOf(GOOD, 'The idea.') + 2, 'belongs in a step section'],
  ['a try in a closing section', replaced('The end.', 'The end.\n\n```sh try\nls\n```'), lineOf(GOOD, 'The end.') + 2, 'belongs in a step section'],
]

describe('parseLesson enforces the lesson format', () => {
  it.each(BAD)('rejects %s, naming file and line', (_name, text, line, reason) => {
    const error = lessonErrorOf(text)
    expect(error.file).toBe(FILE)
    expect(error.problems).toContainEqual({line, reason: expect.stringContaining(reason)})
    expect(error.message).toContain(`${FILE}:${line}: `)
    // Positions inside YAML are translated to file lines, never left as the YAML library counts them.
    expect(error.message).not.toMatch(/at line \d+, column/)
  })

  it('reports every problem of a file at once, in line order', () => {
    const text = replaced('```hint', '```hitn', replaced('answer: 2', 'answer: 9'))
    const error = lessonErrorOf(text)
    expect(error.problems.map((problem) => problem.line)).toEqual([lineOf(GOOD, '```hint'), lineOf(GOOD, 'answer: 2')])
    expect(error.message.split('\n')[0]).toBe(`2 problems in ${FILE}:`)
    expect(error.line).toBe(lineOf(GOOD, '```hint'))
  })

  it('names a file below the working folder by its relative path', () => {
    const error = lessonErrorOf(replaced('```hint', '```hitn'), path.join(process.cwd(), 'lessons', 'demo.md'))
    expect(error.message).toMatch(new RegExp(`^lessons/demo\\.md:${lineOf(GOOD, '```hint')}: unknown directive`))
  })

  it('counts lines from the top of the file, front matter included, with CRLF line ends too', () => {
    const error = lessonErrorOf(replaced('```hint', '```hitn').replace(/\n/g, '\r\n'))
    expect(error.line).toBe(lineOf(GOOD, '```hint'))
  })
})
