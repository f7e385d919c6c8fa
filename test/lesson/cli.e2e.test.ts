import {existsSync} from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from '@jest/globals'
import {execa} from 'execa'
import {PROJECT_ROOT} from '../commands/run-in-process.js'
import {expectNoMarkup} from './markup.js'

/**
 * `kubelab lesson` end to end through bin/run.js, as a user runs it. oclif loads commands from dist/, so this needs
 * `npm run build` first (npm test does it in pretest). KUBELAB_E2E_ROOT may point at another built copy of the
 * project (a folder with package.json, bin/, dist/ and lessons/).
 */
const ROOT = process.env.KUBELAB_E2E_ROOT ?? PROJECT_ROOT
const BIN = path.join(ROOT, 'bin/run.js')
const FIXTURE = path.join(PROJECT_ROOT, 'test/fixtures/lessons/api-server.md')
const ESC = '\u001b['
/** A CLI start takes ~0.5 s on an idle machine and far longer on a busy CI runner; the runs share the wait. */
const PROCESS_TIMEOUT_MS = 90_000
const TEST_TIMEOUT_MS = PROCESS_TIMEOUT_MS + 10_000

/** Runs the CLI with this environment minus any colour settings the test runner has, plus `env`; stdout is a pipe. */
function kubelab(args: string[], env: Record<string, string> = {}) {
  const {NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...inherited} = process.env
  return execa(process.execPath, [BIN, 'lesson', ...args], {reject: false, timeout: PROCESS_TIMEOUT_MS, env: {...inherited, ...env}, extendEnv: false, stdin: 'ignore'})
}

type CliResult = Awaited<ReturnType<typeof kubelab>>
const runs = new Map<string, Promise<CliResult>>()
function result(name: string): Promise<CliResult> {
  const run = runs.get(name)
  if (!run) throw new Error(`no run named ${name}`)
  return run
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/commands/lesson.js'))) {
    throw new Error(`${ROOT}/dist/commands/lesson.js is missing: run \`npm run build\` before these end-to-end tests`)
  }
  // Each process takes ~0.5 s to start, so all of them run at once and the tests read their results.
  runs.set('list', kubelab([]))
  runs.set('step', kubelab([FIXTURE, '--step', '1']))
  runs.set('forced colour', kubelab([FIXTURE, '--step', '1'], {FORCE_COLOR: '1'}))
  runs.set('no colour', kubelab([FIXTURE, '--step', '1'], {NO_COLOR: '1', FORCE_COLOR: '1'}))
  runs.set('unknown lesson', kubelab(['no-such-lesson']))
  runs.set('step out of range', kubelab([FIXTURE, '--step', '9']))
})

describe('bin/run.js lesson', () => {
  it('lists the shipped lessons from the package', async () => {
    const run = await result('list')
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^ID\s+TITLE\s+SCENARIO\s+STEPS\n\S/)
  }, TEST_TIMEOUT_MS)

  it('prints one step of a lesson file without colour when stdout is a pipe, with no Markdown left', async () => {
    const run = await result('step')
    expect(run.exitCode).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe('Step 1 of 3: Close the plain-HTTP port')
    expect(run.stdout).not.toContain(ESC)
    expectNoMarkup(run.stdout)
  }, TEST_TIMEOUT_MS)

  it('colours under FORCE_COLOR and not when NO_COLOR is set as well', async () => {
    expect((await result('forced colour')).stdout).toContain(ESC)
    const plain = await result('no colour')
    expect(plain.exitCode).toBe(0)
    expect(plain.stdout).not.toContain(ESC)
    expect(plain.stdout).toBe((await result('step')).stdout)
  }, TEST_TIMEOUT_MS)

  it('exits 2 with one line for an unknown lesson and for a step out of range', async () => {
    const unknown = await result('unknown lesson')
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toMatch(/^Error: no lesson "no-such-lesson"; known lessons: \S/)
    expect(unknown.stderr.split('\n')).toHaveLength(1)
    const outOfRange = await result('step out of range')
    expect(outOfRange.exitCode).toBe(2)
    expect(outOfRange.stderr).toMatch(/^Error: lesson "api-server" has no step "9"; use a number from 1 to 3 /)
  }, TEST_TIMEOUT_MS)
})
