import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import LessonCommand from '../../src/commands/lesson.js'
import {lessonFiles, loadLessons} from '../../src/lesson/load.js'
import {stripAnsi} from '../../src/lesson/render/text.js'
import {PROJECT_ROOT, runInProcess} from '../commands/run-in-process.js'
import {expectNoMarkup} from './markup.js'

/** `kubelab lesson` from the TypeScript source; test/lesson/cli.e2e.test.ts runs the built CLI. */
const API_SERVER = path.join(PROJECT_ROOT, 'test/fixtures/lessons/api-server.md')
const ESC = '\u001b['

const savedColour = {NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR}
function setColourEnv(env: {NO_COLOR?: string; FORCE_COLOR?: string}): void {
  delete process.env.NO_COLOR
  delete process.env.FORCE_COLOR
  Object.assign(process.env, env)
}
afterEach(() => {
  setColourEnv({})
  for (const [name, value] of Object.entries(savedColour)) if (value !== undefined) process.env[name] = value
})

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'kubelab-lesson-command-'))
})
afterAll(async () => {
  await rm(folder, {recursive: true, force: true})
})

const lesson = (...argv: string[]) => runInProcess(LessonCommand, argv)

describe('kubelab lesson (list)', () => {
  it("lists every shipped lesson with its id, title and scenario", async () => {
    setColourEnv({})
    const run = await lesson()
    expect(run.exitCode).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^ID\s+TITLE\s+SCENARIO\s+STEPS$/)
    const lessons = await loadLessons()
    expect(lessons.length).toBeGreaterThan(0)
    for (const shipped of lessons) {
      expect(lines.some((line) => line.startsWith(`${shipped.id} `) && line.includes(shipped.title) && line.includes(shipped.scenario))).toBe(true)
    }
    expect(run.stdout).toContain('kubelab lesson ID')
  })
})

describe('kubelab lesson ID', () => {
  it('prints a whole lesson, rendered: no Markdown, no hints', async () => {
    const run = await lesson(API_SERVER)
    expect(run.exitCode).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe("The API server's front doors")
    expect(run.stdout).toContain('Step 3 of 3: Turn anonymous authentication off')
    expect(run.stdout).not.toContain('Look at the flags that start with --insecure')
    expectNoMarkup(run.stdout)
  })

  it('prints a shipped lesson by its id', async () => {
    const [file] = await lessonFiles()
    const id = path.basename(file ?? '', '.md')
    const run = await lesson(id)
    expect(run.exitCode).toBe(0)
    expectNoMarkup(run.stdout)
  })

  it.each([
    ['2', 'Step 2 of 3: Take back what anonymous users were given'],
    ['disable-anonymous-auth', 'Step 3 of 3: Turn anonymous authentication off'],
  ])('prints only the step --step %s', async (step, heading) => {
    const run = await lesson(API_SERVER, '--step', step)
    expect(run.exitCode).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe(heading)
    expect(run.stdout.match(/^Step \d of 3/gm)).toHaveLength(1)
    expect(run.stdout).not.toContain("The API server's front doors")
  })

  it('wraps at --width', async () => {
    const run = await lesson(API_SERVER, '--step', '3', '--width', '40')
    const prose = run.stdout.split('\n').filter((line) => !line.startsWith('    '))
    expect(prose.every((line) => line.length <= 40)).toBe(true)
  })
})

describe('kubelab lesson errors', () => {
  it('exits 2 naming the known lessons and the closest id for an unknown lesson', async () => {
    const [file] = await lessonFiles()
    const id = path.basename(file ?? '', '.md')
    const typo = `${id.slice(0, -1)}x`
    const run = await lesson(typo)
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(new RegExp(`^Error: no lesson "${typo}" \\(did you mean "${id}"\\?\\); known lessons: `))
  })

  it('exits 2 naming the valid range for a step out of range', async () => {
    const run = await lesson(API_SERVER, '--step', '4')
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toBe(
      'Error: lesson "api-server" has no step "4"; use a number from 1 to 3 or a step id: close-insecure-port, remove-anonymous-grant, disable-anonymous-auth',
    )
  })

  it('exits 2 with a suggestion for a mistyped step id', async () => {
    const run = await lesson(API_SERVER, '--step', 'close-insecure-prot')
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('(did you mean "close-insecure-port"?)')
  })

  it('exits 2 for --step without a lesson', async () => {
    const run = await lesson('--step', '1')
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toBe('Error: --step needs a lesson: kubelab lesson ID --step N')
  })

  it('exits 1 naming file and line for a broken lesson file', async () => {
    const file = path.join(folder, 'broken.md')
    await writeFile(file, '---\nid: broken\ntitle: Broken\nscenario: all-open\nsteps: []\n---\n\nIntro.\n\n```hitn\nx\n```\n')
    const run = await lesson(file)
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toBe(`Error: ${file}:10: unknown directive "hitn" (did you mean "hint"?); the directives are step, try, fix, hint, quiz`)
  })
})

describe('kubelab lesson colour', () => {
  it('colours when FORCE_COLOR asks and nothing forbids it', async () => {
    setColourEnv({FORCE_COLOR: '1'})
    expect((await lesson(API_SERVER)).stdout).toContain(ESC)
  })

  it('respects NO_COLOR, even with FORCE_COLOR', async () => {
    setColourEnv({FORCE_COLOR: '1', NO_COLOR: '1'})
    const run = await lesson(API_SERVER)
    expect(run.stdout).not.toContain(ESC)
    expect(run.stdout.length).toBeGreaterThan(1000)
  })

  it('is off with --no-color or --plain, and on with --color', async () => {
    setColourEnv({FORCE_COLOR: '1'})
    expect((await lesson(API_SERVER, '--no-color')).stdout).not.toContain(ESC)
    const plain = (await lesson(API_SERVER, '--plain')).stdout
    expect(plain).not.toContain(ESC)
    expect([...plain].filter((character) => character.charCodeAt(0) > 126 && !'–…'.includes(character))).toEqual([])
    setColourEnv({})
    const forced = (await lesson(API_SERVER, '--color')).stdout
    expect(forced).toContain(ESC)
    expect(stripAnsi(forced)).toBe((await lesson(API_SERVER)).stdout)
  })
})
