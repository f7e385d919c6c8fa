import {existsSync} from 'node:fs'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from '@jest/globals'
import {downLab} from '../../../src/lab/down.js'
import {kindAvailable} from '../../../src/lab/runtime-choice.js'
import {applyStepSolution} from '../../../src/lab/solution/apply.js'
import {upLab} from '../../../src/lab/up.js'
import {verifyStep} from '../../../src/lab/verify.js'
import {opensInsecurePort} from '../../../src/runtimes/kind/plan.js'
import {loadScenario} from '../../../src/scenario/load.js'
import {PROJECT_ROOT} from '../../commands/run-in-process.js'

/*
 * Opt-in: KUBELAB_E2E_KIND=1 on a machine with Docker and kind runs every shipped scenario on real
 * kind: up → every step fails its checks → (with a reference solution in scenarios/solutions/) the
 * step's solution → the step passes → down. Each lab is deleted in afterAll even when a test fails.
 * Insecure-port scenarios run with --insecure-port-stand-in unless KUBELAB_E2E_KIND_REAL_INSECURE=1
 * (the 1.19 image needs kind < v0.20 or a cgroup v2 host).
 */
const SCENARIOS_DIR = path.join(PROJECT_ROOT, 'scenarios')
const wanted = process.env['KUBELAB_E2E_KIND'] === '1'
const tools = wanted ? await kindAvailable() : {available: false, reason: 'KUBELAB_E2E_KIND is not set'}
const skipReason = !wanted
  ? 'KUBELAB_E2E_KIND is not set (set KUBELAB_E2E_KIND=1 on a machine with Docker and kind to run it)'
  : !tools.available
    ? `KUBELAB_E2E_KIND=1, but kind cannot run here: ${tools.reason}`
    : undefined
if (skipReason !== undefined) console.log(`kind end-to-end suite skipped: ${skipReason}`)

const files = (await readdir(SCENARIOS_DIR)).filter((file) => file.endsWith('.yaml')).sort()
const home = skipReason === undefined ? await mkdtemp(path.join(os.tmpdir(), 'kubelab-e2e-kind-')) : ''
const started: string[] = []

afterAll(async () => {
  for (const name of started) await downLab(name, {home}).catch(() => undefined)
  if (home !== '') await rm(home, {recursive: true, force: true})
}, 600_000)

const suite = skipReason === undefined ? describe : describe.skip

suite('every scenario on real kind', () => {
  describe.each(files)('%s', (file) => {
    it('comes up misconfigured, each step is fixed by its reference solution, and goes down', async () => {
      const scenario = await loadScenario(path.join(SCENARIOS_DIR, file))
      const name = `e2e-${scenario.id}`.slice(0, 49)
      started.push(name)
      const standIn = opensInsecurePort(scenario) && process.env['KUBELAB_E2E_KIND_REAL_INSECURE'] !== '1'
      const outcome = await upLab({
        scenario: scenario.id,
        name,
        runtime: 'kind',
        home,
        portPolicy: 'any-free',
        runtimeOptions: {kind: {insecurePortStandIn: standIn}},
      })
      expect(outcome.lab.record.kind?.cluster).toBe(`kubelab-${name}`)
      const hasSolution = existsSync(path.join(SCENARIOS_DIR, 'solutions', file))
      for (const step of scenario.steps) {
        const before = await verifyStep(outcome.lab, scenario, step.id, {record: false})
        expect(before.passed).toBe(false)
        if (!hasSolution) continue
        await applyStepSolution(outcome.lab, scenario, step.id)
        const after = await verifyStep(outcome.lab, scenario, step.id, {record: false})
        expect(after.checks.filter((check) => check.result.status !== 'pass').map((check) => `${check.result.id}: ${check.stillWrong.join(' ')}`)).toEqual([])
      }
      await downLab(name, {home})
      started.splice(started.indexOf(name), 1)
    }, 900_000)
  })
})
