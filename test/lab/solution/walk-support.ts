import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {CATALOGUE} from '../../../src/checks/catalogue/index.js'
import {runAudit, selectChecks} from '../../../src/checks/evaluate.js'
import type {CheckResult} from '../../../src/checks/model.js'
import {labTargetOptions} from '../../../src/lab/audit-target.js'
import {downAllLabs} from '../../../src/lab/down.js'
import type {Lab} from '../../../src/lab/registry.js'
import {upLab} from '../../../src/lab/up.js'
import type {Scenario} from '../../../src/scenario/schema.js'
import {targetFromOptions} from '../../../src/target/from-options.js'
import {compiledKubelab, type CompiledKubelab} from '../../support/compiled.js'

/** A temp KUBELAB_HOME with real sim labs on ports from the OS. */
export interface WalkHome {
  home: string
  compiled: CompiledKubelab
  env: Record<string, string | undefined>
  up(scenario: string, name: string): Promise<{lab: Lab; scenario: Scenario}>
  /** The step's checks against the lab, exactly as `kubelab audit --lab NAME --check …` runs them. */
  audit(lab: Lab, checks: readonly string[]): Promise<CheckResult[]>
  close(): Promise<void>
}

export async function walkHome(): Promise<WalkHome> {
  const compiled = await compiledKubelab()
  const home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-walk-'))
  const env = {...process.env, KUBELAB_HOME: home, KUBELAB_LAB: undefined}
  return {
    home,
    compiled,
    env,
    async up(scenario, name) {
      const outcome = await upLab({scenario, name, home, env, portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}})
      return {lab: outcome.lab, scenario: outcome.scenario}
    },
    async audit(lab, checks) {
      const {labName: _name, ...options} = await labTargetOptions(lab.name, env)
      const report = await runAudit(await targetFromOptions(options), selectChecks(CATALOGUE, {ids: [...checks]}))
      return report.results
    },
    async close() {
      await downAllLabs({home, env}).catch(() => undefined)
      await rm(home, {recursive: true, force: true})
    },
  }
}

/** "id: status — summary" lines, so a failing expectation shows why. */
export function statuses(results: readonly CheckResult[]): Record<string, string> {
  return Object.fromEntries(results.map((result) => [result.id, result.status]))
}

export function explain(results: readonly CheckResult[]): string {
  return results.map((result) => `${result.id}: ${result.status} — ${result.summary}${result.disagreement ? ` (${result.disagreement})` : ''}`).join('\n')
}
