import type {ChalkInstance} from 'chalk'
import {paint} from '../report/colour.js'
import {printable} from '../report/evidence.js'
import type {Scenario} from '../scenario/schema.js'
import type {Lab} from './registry.js'
import {stepConfigDiff} from './solution/diff.js'

/** One changed file (or object) of a step, as a unified diff from the scenario's misconfiguration to the lab now. */
export interface ConfigDiff {
  title: string
  unified: string
}

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
  const lines = [style.bold('What changed, from the scenario’s misconfiguration to the lab now:')]
  for (const item of diff.diffs) lines.push('', style.bold(item.title), ...diffLines(item.unified, style))
  return `${lines.join('\n')}\n`
}

/** A unified diff with additions green and removals red; file headers dim. */
export function diffLines(unified: string, style: ChalkInstance): string[] {
  return unified
    .replace(/\n$/, '')
    .split('\n')
    // jsdiff's "Index:" and "====" banner says nothing the title does not.
    .filter((raw) => !raw.startsWith('Index: ') && !/^=+$/.test(raw))
    .map((raw) => {
      const line = printable(raw)
      if (line.startsWith('+++') || line.startsWith('---')) return style.dim(line)
      if (line.startsWith('+')) return style.green(line)
      if (line.startsWith('-')) return style.red(line)
      if (line.startsWith('@@')) return style.cyan(line)
      return line
    })
}
