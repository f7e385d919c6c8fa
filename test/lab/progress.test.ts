import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from '@jest/globals'
import {
  currentStep,
  ProgressFileError,
  readProgress,
  recordAttempt,
  recordHint,
  recordQuizAnswer,
  recordSolutionUsed,
  recordSolved,
  recordStepReset,
  recordStepStarted,
  stepProgressOf,
} from '../../src/lab/progress.js'
import {progressFile} from '../../src/lab/progress-file.js'
import {QUIZ_POINTS, SCORE_RULES_TEXT, scoreOf, STEP_POINTS, stepPoints} from '../../src/lab/progress-score.js'
import {resolveStep, StepArgumentError} from '../../src/lab/progress-steps.js'
import {formatDuration, formatProgress, progressView} from '../../src/lab/progress-text.js'
import type {LabRecord} from '../../src/lab/record.js'
import type {Lab} from '../../src/lab/registry.js'
import {loadScenarioArgument} from '../../src/lab/scenarios.js'
import type {Scenario} from '../../src/scenario/schema.js'

let dir: string
let lab: Lab
let scenario: Scenario
let tick = 0
/** A clock that moves one minute per reading, from a fixed start. */
const clock = {now: (): Date => new Date(Date.UTC(2026, 10, 27, 9, 0, 0) + tick++ * 60_000)}

const record: LabRecord = {
  name: 'learner',
  scenario: 'all-open',
  runtime: 'sim',
  kubernetesVersion: '1.19.16',
  ports: {apiserverSecure: 6443, etcdClient: 2379, etcdPeer: 2380, etcdMetrics: 2381, kubelet: 10250, controllerManagerSecure: 10257, schedulerSecure: 10259},
  createdAt: '2026-11-27T06:00:00.000Z',
  state: 'ready',
  kubeconfig: '/nowhere/admin.conf',
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-progress-'))
  lab = {name: 'learner', dir, record}
  scenario = await loadScenarioArgument('all-open')
  tick = 0
})

afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('progress.json', () => {
  it('is empty and unwritten for a lab nobody has worked on; the current step is the first', async () => {
    const progress = await readProgress(lab, clock)
    expect(progress).toMatchObject({version: 1, lab: 'learner', scenario: 'all-open', steps: {}})
    expect(await readdir(dir)).toEqual([])
    expect(currentStep(scenario, progress)?.id).toBe('close-insecure-port')
  })

  it('records a failed and then a passing verify run, with timestamps, and moves the current step on', async () => {
    await recordStepStarted(lab, 'close-insecure-port', clock)
    await recordAttempt(lab, 'close-insecure-port', false, clock)
    let step = stepProgressOf(await readProgress(lab), 'close-insecure-port')
    expect(step).toMatchObject({status: 'not-started', attempts: 1, lastVerify: {passed: false}, startedAt: '2026-11-27T09:00:00.000Z'})
    expect(step.finishedAt).toBeUndefined()

    const progress = await recordAttempt(lab, 'close-insecure-port', true, clock)
    step = stepProgressOf(progress, 'close-insecure-port')
    expect(step).toMatchObject({status: 'passed', attempts: 2, finishedAt: '2026-11-27T09:02:00.000Z', lastVerify: {passed: true}})
    expect(currentStep(scenario, progress)?.id).toBe('authorize-api-requests')
    expect(JSON.parse(await readFile(progressFile(dir), 'utf8'))).toEqual(progress)
  })

  it('writes through a temp file and keeps the previous version as progress.json.bak', async () => {
    await recordHint(lab, 'lock-the-kubelet', 0, 10, clock)
    const first = await readFile(progressFile(dir), 'utf8')
    await recordHint(lab, 'lock-the-kubelet', 1, 20, clock)
    expect(await readFile(`${progressFile(dir)}.bak`, 'utf8')).toBe(first)
    expect((await readdir(dir)).sort()).toEqual(['progress.json', 'progress.json.bak'])
  })

  it('applies changes made at the same time one after the other, losing none', async () => {
    await Promise.all(Array.from({length: 12}, (_, index) => recordHint(lab, 'encrypt-etcd', index, 5, clock)))
    const step = stepProgressOf(await readProgress(lab), 'encrypt-etcd')
    expect(step.hints.map((hint) => hint.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('refuses a file that is not JSON, naming it, and never overwrites it', async () => {
    const file = progressFile(dir)
    await writeFile(file, '{"version": 1, "lab": "learner", ')
    await expect(readProgress(lab)).rejects.toThrow(ProgressFileError)
    await expect(readProgress(lab)).rejects.toThrow(`${file}: it is not valid JSON`)
    await expect(recordAttempt(lab, 'close-insecure-port', true, clock)).rejects.toThrow(/left it untouched/)
    expect(await readFile(file, 'utf8')).toBe('{"version": 1, "lab": "learner", ')
    expect(await readdir(dir)).toEqual(['progress.json'])
  })

  it('refuses a file that breaks the schema, naming the field, and points at the backup when there is one', async () => {
    await recordAttempt(lab, 'close-insecure-port', true, clock)
    await recordAttempt(lab, 'authorize-api-requests', false, clock)
    const file = progressFile(dir)
    const broken = JSON.parse(await readFile(file, 'utf8')) as {steps: Record<string, {status: string}>}
    ;(broken.steps['close-insecure-port'] as {status: string}).status = 'finished'
    await writeFile(file, JSON.stringify(broken))
    const failure = await readProgress(lab).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ProgressFileError)
    expect((failure as Error).message).toContain(`${file}: steps.close-insecure-port.status:`)
    expect((failure as Error).message).toContain(`${file}.bak`)
  })

  it('counts a hint once however often it is taken, and a quiz by its first answer', async () => {
    await recordHint(lab, 'close-insecure-port', 0, 10, clock)
    await recordHint(lab, 'close-insecure-port', 0, 10, clock)
    await recordQuizAnswer(lab, 'close-insecure-port', 0, 2, false, clock)
    await recordQuizAnswer(lab, 'close-insecure-port', 0, 1, true, clock)
    const step = stepProgressOf(await readProgress(lab), 'close-insecure-port')
    expect(step.hints).toHaveLength(1)
    expect(step.quizzes).toEqual([expect.objectContaining({index: 0, choice: 2, correct: false})])
  })
})

describe('score', () => {
  it('gives a passed step 100 minus its hints (never below 0), a solved one 0, and 10 per right quiz', async () => {
    await recordHint(lab, 'close-insecure-port', 0, 10, clock)
    await recordHint(lab, 'close-insecure-port', 1, 25, clock)
    await recordAttempt(lab, 'close-insecure-port', true, clock)
    await recordQuizAnswer(lab, 'close-insecure-port', 0, 1, true, clock)
    await recordQuizAnswer(lab, 'close-insecure-port', 1, 3, false, clock)

    for (const index of [0, 1, 2, 3]) await recordHint(lab, 'authorize-api-requests', index, 30, clock)
    await recordAttempt(lab, 'authorize-api-requests', true, clock)

    await recordSolved(lab, 'lock-the-kubelet', clock)
    await recordQuizAnswer(lab, 'lock-the-kubelet', 0, 1, true, clock)

    await recordHint(lab, 'encrypt-etcd', 0, 10, clock)

    const progress = await readProgress(lab)
    expect(stepPoints(stepProgressOf(progress, 'close-insecure-port'))).toBe(STEP_POINTS - 35 + QUIZ_POINTS)
    expect(stepPoints(stepProgressOf(progress, 'authorize-api-requests'))).toBe(0)
    expect(stepPoints(stepProgressOf(progress, 'lock-the-kubelet'))).toBe(QUIZ_POINTS)
    expect(stepPoints(stepProgressOf(progress, 'encrypt-etcd'))).toBe(0)
    expect(scoreOf(scenario, progress)).toEqual({points: 65 + 10 + 0 + 10, max: 5 * STEP_POINTS})
    expect(scoreOf(scenario, progress, {'close-insecure-port': 2, 'lock-the-kubelet': 1})).toEqual({points: 85, max: 5 * STEP_POINTS + 3 * QUIZ_POINTS})
    expect(SCORE_RULES_TEXT).toContain(`${STEP_POINTS} points`)
  })

  it('keeps a step at 0 once the solution was used, through a reset and a later pass', async () => {
    await recordSolutionUsed(lab, 'close-insecure-port', clock)
    let step = stepProgressOf(await readProgress(lab), 'close-insecure-port')
    expect(step.status).toBe('not-started')
    await recordAttempt(lab, 'close-insecure-port', true, clock)
    step = stepProgressOf(await readProgress(lab), 'close-insecure-port')
    expect(step.status).toBe('solved-with-solution')

    await recordStepReset(lab, 'close-insecure-port', clock)
    const reset = await readProgress(lab)
    expect(stepProgressOf(reset, 'close-insecure-port')).toMatchObject({status: 'not-started', solutionUsed: true, attempts: 1})
    expect(currentStep(scenario, reset)?.id).toBe('close-insecure-port')
    await recordAttempt(lab, 'close-insecure-port', true, clock)
    step = stepProgressOf(await readProgress(lab), 'close-insecure-port')
    expect(step.status).toBe('solved-with-solution')
    expect(stepPoints(step)).toBe(0)
  })
})

describe('resolveStep', () => {
  it('takes an id or a 1-based number, else the first step not done', async () => {
    await recordAttempt(lab, 'close-insecure-port', true, clock)
    await recordSolved(lab, 'lock-the-kubelet', clock)
    const progress = await readProgress(lab)
    expect(resolveStep(scenario, undefined, progress)).toMatchObject({step: {id: 'authorize-api-requests'}, number: 2, total: 5})
    expect(resolveStep(scenario, '4', progress)).toMatchObject({step: {id: 'encrypt-etcd'}, number: 4})
    expect(resolveStep(scenario, 'least-privilege-ingress', progress).number).toBe(5)
  })

  it('refuses an unknown id, a number out of range, and guessing once every step is done', async () => {
    const progress = await readProgress(lab)
    expect(() => resolveStep(scenario, '6', progress)).toThrow('step 6: all-open has steps 1 to 5 (1 close-insecure-port, 2 authorize-api-requests')
    expect(() => resolveStep(scenario, 'lock-kubelet', progress)).toThrow(StepArgumentError)
    for (const step of scenario.steps) await recordAttempt(lab, step.id, true, clock)
    expect(() => resolveStep(scenario, undefined, progress)).not.toThrow()
    const done = await readProgress(lab)
    expect(() => resolveStep(scenario, undefined, done)).toThrow(/every step of all-open is done; name the step/)
  })
})

describe('formatProgress', () => {
  it('shows each step with status, verify runs, hints, quizzes, time and points, then the score and its rules', async () => {
    await recordStepStarted(lab, 'close-insecure-port', clock)
    await recordHint(lab, 'close-insecure-port', 0, 10, clock)
    await recordAttempt(lab, 'close-insecure-port', false, clock)
    await recordAttempt(lab, 'close-insecure-port', true, clock)
    await recordQuizAnswer(lab, 'close-insecure-port', 0, 1, true, clock)
    await recordStepStarted(lab, 'authorize-api-requests', clock)
    const view = progressView(scenario, await readProgress(lab), {'close-insecure-port': {hints: 2, quizzes: 1}})
    expect(view.steps[0]).toMatchObject({status: 'passed', attempts: 2, hintsTaken: 1, hintsTotal: 2, hintPoints: 10, points: 100, durationMs: 180_000})
    const text = formatProgress(view, {colour: false})
    expect(text.split('\n').slice(0, 6)).toEqual([
      'kubelab progress of lab learner: scenario all-open (Every door open)',
      '1 of 5 steps done; next: step 2 (authorize-api-requests)',
      '',
      '#  step                     status    verify runs  hints     quizzes  time        points',
      '1  close-insecure-port      passed    2            1/2 (−10)  1/1 right  3 min 0 s  100',
      '2  authorize-api-requests   to do ←   0            0          -        started          0',
    ].map((line) => expect.stringMatching(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ +/g, ' +')}$`))))
    expect(text).toContain('Score: 100 of 510 points')
    expect(text).toContain(SCORE_RULES_TEXT)
  })

  it('formats durations as a person reads them', () => {
    expect(formatDuration(42_400)).toBe('42 s')
    expect(formatDuration(185_000)).toBe('3 min 5 s')
    expect(formatDuration(3_840_000)).toBe('1 h 4 min')
  })
})
