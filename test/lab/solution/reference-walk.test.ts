import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {applyStepSolution} from '../../../src/lab/solution/apply.js'
import {downLab} from '../../../src/lab/down.js'
import {explain, walkHome, type WalkHome} from './walk-support.js'

/*
 * CI's walk of every shipped scenario on the sim runtime: `up`, every step's checks fail; then each
 * step's reference solution in turn, after which that step's checks pass; at the end every step passes.
 */
const SCENARIOS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scenarios')
const SCENARIO_IDS = readdirSync(SCENARIOS_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => name.replace(/\.yaml$/, ''))
  .sort()

let walk: WalkHome
const durations: Record<string, number> = {}

beforeAll(async () => {
  walk = await walkHome()
}, 300_000)

afterAll(async () => {
  await walk?.close()
  process.stdout.write(`reference walk durations (ms): ${JSON.stringify(durations)}\n`)
}, 60_000)

describe('every scenario, hardened with its reference solution', () => {
  it.each(SCENARIO_IDS)('%s: from every step failing to every step passing', async (id) => {
    const started = Date.now()
    const {lab, scenario} = await walk.up(id, `ref-${id}`.slice(0, 40))
    try {
      for (const step of scenario.steps) {
        // A step fails while any of its checks fails; a check may pass on its own at the start when the
        // scenario says why (insecure-port: AlwaysAllow switches anonymous auth off until the mode is fixed).
        const results = await walk.audit(lab, step.checks)
        expect({step: step.id, failing: results.some((result) => result.status === 'fail'), errors: results.filter((result) => result.status === 'error').map((result) => result.id)}).toEqual({
          step: step.id,
          failing: true,
          errors: [],
        })
      }
      for (const step of scenario.steps) {
        const outcome = await applyStepSolution(lab, scenario, step.id, {simDir: walk.compiled.simDir})
        expect(outcome.changes.length).toBeGreaterThan(0)
        const results = await walk.audit(lab, step.checks)
        if (!results.every((result) => result.status === 'pass')) throw new Error(`after solving ${step.id}:\n${explain(results)}`)
      }
      const all = await walk.audit(lab, [...new Set(scenario.steps.flatMap((step) => step.checks))])
      if (!all.every((result) => result.status === 'pass')) throw new Error(`at the end:\n${explain(all)}`)
    } finally {
      await downLab(lab.name, {home: walk.home, env: walk.env})
      durations[id] = Date.now() - started
    }
  }, 120_000)
})
