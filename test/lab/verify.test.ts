import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import Hint from '../../src/commands/hint.js'
import Progress from '../../src/commands/progress.js'
import Verify from '../../src/commands/verify.js'
import {findLesson} from '../../src/lesson/load.js'
import {renderMarkdown} from '../../src/lesson/render/markdown.js'
import {labNode} from '../../src/lab/node-files.js'
import {readProgress, stepProgressOf} from '../../src/lab/progress.js'
import {resolveLab, type Lab} from '../../src/lab/registry.js'
import {restartComponent} from '../../src/lab/restart.js'
import {loadScenarioArgument} from '../../src/lab/scenarios.js'
import {upLab} from '../../src/lab/up.js'
import {verifyStep} from '../../src/lab/verify.js'
import {formatVerification} from '../../src/lab/verify-text.js'
import {NODE_FILE_PATHS} from '../../src/runtimes/sim/node-files/types.js'
import type {Scenario} from '../../src/scenario/schema.js'
import {runInProcess} from '../commands/run-in-process.js'
import type {CompiledKubelab} from '../support/compiled.js'
import {tempLabHome, type TestLabHome} from '../support/lab-home.js'

/*
 * `verify` against one real all-open sim lab in a temp KUBELAB_HOME: the kubelet step fails, still
 * fails with the fix only in the kubelet's file (the running kubelet has the old settings), and passes
 * once the kubelet has restarted. The commands run in-process from their sources.
 */
let labHome: TestLabHome | undefined
let compiled: CompiledKubelab
let home: string
let lab: Lab
let scenario: Scenario
const STEP = 'lock-the-kubelet'

beforeAll(async () => {
  labHome = await tempLabHome('kubelab-verify-home-', {NO_COLOR: '1'})
  home = labHome.home
  compiled = labHome.compiled
  const outcome = await upLab({scenario: 'all-open', name: 'learner', home, env: process.env, portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}})
  lab = outcome.lab
  scenario = await loadScenarioArgument('all-open')
}, 300_000)

afterAll(async () => {
  await labHome?.close()
}, 60_000)

describe('verifyStep', () => {
  it("fails the misconfigured step on both sides, runs exactly the step's checks and records the attempt", async () => {
    const verification = await verifyStep(lab, scenario, STEP)
    expect(verification.passed).toBe(false)
    expect(verification.step).toEqual({id: STEP, title: 'Require authentication and authorization on the kubelet', number: 3, total: 5})
    expect(verification.checks.map((check) => check.result.id)).toEqual(scenario.steps[2]?.checks)
    for (const check of verification.checks) {
      expect(check.result.status).toBe('fail')
      expect(check.wireSide).toBe('fail')
      expect(check.stillWrong.length).toBeGreaterThan(0)
    }
    expect(verification.checks.find((check) => check.result.id === 'kubelet-anonymous-auth')?.configSide).toBe('fail')
    expect(verification.attempts).toBe(1)
    expect(stepProgressOf(await readProgress(lab), STEP)).toMatchObject({status: 'not-started', attempts: 1, lastVerify: {passed: false}})
  }, 60_000)

  it('does not pass a fix that is only in the kubelet file, and says the kubelet needs a restart', async () => {
    const node = labNode(lab)
    const before = (await node.readFile(NODE_FILE_PATHS.kubeletConfig)) ?? ''
    const fixed = before
      .replace(/(anonymous:\n\s+enabled:) true/, '$1 false')
      .replace(/(authorization:\n\s+mode:) AlwaysAllow/, '$1 Webhook')
      .replace(/readOnlyPort: \d+/, 'readOnlyPort: 0')
    expect(fixed).not.toBe(before)
    await node.writeFile(NODE_FILE_PATHS.kubeletConfig, fixed)

    const verification = await verifyStep(lab, scenario, STEP)
    expect(verification.passed).toBe(false)
    for (const check of verification.checks) {
      expect([check.result.id, check.result.status, check.configSide, check.wireSide]).toEqual([check.result.id, 'fail', 'pass', 'fail'])
      expect(check.result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire: the component has not restarted/)
      expect(check.stillWrong).toContainEqual(expect.stringMatching(/^The kubelet needs a restart: .*Run `kubelab restart kubelet`/))
    }
    const text = formatVerification(verification, {colour: false})
    expect(text).toContain('Step 3 of 5 · lock-the-kubelet — Require authentication and authorization on the kubelet')
    expect(text).toContain('FAIL   kubelet-read-only-port')
    expect(text).toContain('configuration: hardened')
    expect(text).toContain('wire: weak')
    expect(text).toContain('The kubelet needs a restart')
    expect(text).toMatch(/Step 3 does not pass yet: 4 of 4 checks still fail \(attempt 2\)\.\n$/)
  }, 60_000)

  it('`kubelab verify STEP` says the same and exits 1', async () => {
    const run = await runInProcess(Verify, [STEP, '--lab', 'learner'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('! Fixed in the configuration, still open on the wire')
    expect(run.stdout).toContain('The kubelet needs a restart')
    expect(run.stdout).toContain('(attempt 3)')
  }, 60_000)

  it('passes once the kubelet has restarted; `kubelab verify` exits 0 and shows what the step changed', async () => {
    await restartComponent(await resolveLab('learner', home), 'kubelet', {simDir: compiled.simDir})
    const verification = await verifyStep(lab, scenario, STEP)
    expect(verification.checks.map((check) => [check.result.id, check.result.status, check.configSide, check.wireSide, check.stillWrong])).toEqual(
      scenario.steps[2]?.checks.map((id) => [id, 'pass', 'pass', expect.stringMatching(/^(pass|unknown)$/), []]),
    )
    expect(verification.passed).toBe(true)
    const step = stepProgressOf(await readProgress(lab), STEP)
    expect(step).toMatchObject({status: 'passed', attempts: 4, lastVerify: {passed: true}})
    expect(step.finishedAt).toBeDefined()

    const run = await runInProcess(Verify, ['3'])
    expect(run.errorMessage).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Step 3 passes: all 4 checks pass (attempt 5).')
    expect(run.stdout).toContain('What changed, from the scenario’s misconfiguration to the lab now:')
    expect(run.stdout).toContain('--- /var/lib/kubelet/config.yaml')
    expect(run.stdout).toMatch(/^-\s+enabled: true$/m)
    expect(run.stdout).toMatch(/^\+\s+enabled: false$/m)
    expect(run.stdout).toMatch(/^\+\s+mode: Webhook$/m)
  }, 90_000)
})

describe('kubelab verify', () => {
  it('verifies the current step by default and prints JSON on request', async () => {
    const run = await runInProcess(Verify, ['--json'])
    expect(run.exitCode).toBe(1)
    const parsed = JSON.parse(run.stdout) as {passed: boolean; step: {id: string; number: number}; checks: {result: {id: string; status: string}; configSide: string; wireSide: string}[]}
    expect(parsed.passed).toBe(false)
    expect(parsed.step).toMatchObject({id: 'close-insecure-port', number: 1})
    expect(parsed.checks).toEqual([expect.objectContaining({result: expect.objectContaining({id: 'api-insecure-port', status: 'fail'}), configSide: 'fail', wireSide: 'fail'})])
  }, 60_000)

  it('exits 2 for a step or lab that does not exist', async () => {
    const step = await runInProcess(Verify, ['9'])
    expect(step.exitCode).toBe(2)
    expect(step.stderr).toBe('Error: step 9: all-open has steps 1 to 5 (1 close-insecure-port, 2 authorize-api-requests, 3 lock-the-kubelet, 4 encrypt-etcd, 5 least-privilege-ingress).')
    const unknown = await runInProcess(Verify, ['lock-kubelet'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toContain('no step "lock-kubelet" in scenario all-open')
    const lab = await runInProcess(Verify, ['--lab', 'nope'])
    expect(lab.exitCode).toBe(2)
    expect(lab.stderr).toContain('no lab named "nope"')
  })
})

describe('kubelab progress', () => {
  it('shows the step done, its verify runs and the score; JSON on request', async () => {
    const run = await runInProcess(Progress, [])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('1 of 5 steps done; next: step 1 (close-insecure-port)')
    expect(run.stdout).toMatch(/^3 +lock-the-kubelet +passed +5 +0\S* +\S+ +\S.* +100$/m)
    expect(run.stdout).toMatch(/^1 +close-insecure-port +to do ← +1 /m)
    expect(run.stdout).toMatch(/Score: 100 of \d+ points/)

    const json = await runInProcess(Progress, ['--json', '--lab', 'learner'])
    const view = JSON.parse(json.stdout) as {steps: {id: string; status: string; attempts: number; points: number}[]; score: {points: number}}
    expect(view.steps.find((step) => step.id === STEP)).toMatchObject({status: 'passed', attempts: 5, points: 100})
    expect(view.score.points).toBe(100)
  })

  it('writes the progress as JUnit (one case per step, steps to do failing) and as an HTML page', async () => {
    const junitFile = path.join(home, 'progress.xml')
    const htmlFile = path.join(home, 'progress.html')
    const run = await runInProcess(Progress, ['--junit', junitFile, '--html', htmlFile])
    expect(run.exitCode).toBe(0)
    const junit = await readFile(junitFile, 'utf8')
    expect(junit.match(/<testcase /g)).toHaveLength(5)
    expect(junit.match(/<failure /g)).toHaveLength(4)
    expect(junit).toContain('lock-the-kubelet')
    const html = await readFile(htmlFile, 'utf8')
    expect(html).toMatch(/^<!DOCTYPE html>/i)
    expect(html).toContain('lock-the-kubelet')
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)[^"\s]*\.(css|js)/)

    const unwritable = await runInProcess(Progress, ['--html', path.join(junitFile, 'p.html')])
    expect(unwritable.exitCode).toBe(2)
    expect(unwritable.stderr).toContain('--html')
  })
})

describe('kubelab hint', () => {
  it('lists the hints of the current step with their costs without revealing them, then gives them one by one, recording each cost', async () => {
    const lessonStep = (await findLesson(scenario.lesson)).steps.find((step) => step.id === 'close-insecure-port')
    const hints = lessonStep?.hints ?? []
    expect(hints.length).toBeGreaterThan(0)

    const list = await runInProcess(Hint, ['--list'])
    expect(list.exitCode).toBe(0)
    expect(list.stdout.split('\n').slice(0, hints.length + 1)).toEqual([
      `Step 1 (close-insecure-port) has ${hints.length} hint${hints.length === 1 ? '' : 's'}:`,
      ...hints.map((hint, index) => `  ${index + 1}. costs ${hint.cost} points`),
    ])
    for (const hint of hints) expect(list.stdout).not.toContain(renderMarkdown(hint.text, {width: 80, colour: false}).split('\n')[0])

    for (const [index, hint] of hints.entries()) {
      const run = await runInProcess(Hint, ['close-insecure-port'])
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toBe(
        `Hint ${index + 1} of ${hints.length} for step 1 (close-insecure-port) — costs ${hint.cost} points (recorded; ${hints.length - index - 1} left):\n` +
          renderMarkdown(hint.text, {width: 80, colour: false}),
      )
    }
    const step = stepProgressOf(await readProgress(lab), 'close-insecure-port')
    expect(step.hints.map((hint) => [hint.index, hint.cost])).toEqual(hints.map((hint, index) => [index, hint.cost]))

    const none = await runInProcess(Hint, ['1'])
    expect(none.stdout).toBe(`No hints left for step 1 (close-insecure-port): all ${hints.length} are taken.`)
    expect(stepProgressOf(await readProgress(lab), 'close-insecure-port').hints).toHaveLength(hints.length)
    const listed = await runInProcess(Hint, ['--list', '--lab', 'learner'])
    expect(listed.stdout).toContain(`  1. costs ${hints[0]?.cost} points (taken)`)
  })
})
