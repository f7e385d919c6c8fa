import {paint} from '../report/colour.js'
import {formatConfigDiffs} from '../report/config-diff.js'
import type {Scenario} from '../scenario/schema.js'
import type {Lab} from './registry.js'
import {stepConfigDiff, type ConfigDiff} from './solution/diff.js'

/** The step's changes, or why they cannot be shown (e.g. a lab made before baselines were kept). */
export type StepDiff = {diffs: ConfigDiff[]} | {problem: string}

/** After a pass: what the step changed. A missing diff never hides the verdict, so problems are returned, not thrown. */
export async function stepDiffOrProblem(lab: Lab, scenario: Scenario, stepId: string, diff = stepConfigDiff): Promise<StepDiff> {
  try {
    return {diffs: await diff(lab, scenario, stepId)}
  } catch (error) {
    return {problem: error instanceof Error ? error.message : String(error)}
  }
}

export function formatStepDiff(diff: StepDiff, options: {colour: boolean}): string {
  const style = paint(options.colour)
  if ('problem' in diff) return `${style.dim(`(The changes cannot be shown: ${diff.problem})`)}\n`
  if (diff.diffs.length === 0) return `${style.dim('(Nothing differs from the scenario’s starting configuration.)')}\n`
  return `${style.bold('What changed, from the scenario’s misconfiguration to the lab now:')}\n\n${formatConfigDiffs(diff.diffs, options).trimEnd()}\n`
}
