import type {Hint} from '../lesson/model.js'
import {readProgress, recordHint, stepProgressOf, type Clock} from './progress.js'
import type {Lab} from './registry.js'

export interface HintStatus {
  /** 1-based, in the lesson's order. */
  number: number
  cost: number
  taken: boolean
}

export interface HintReveal {
  number: number
  total: number
  cost: number
  text: string
  /** Hints of the step not taken yet, after this one. */
  left: number
}

/** How many hints the step has, what each costs and which are taken — without their text. */
export async function hintStatuses(lab: Lab, stepId: string, hints: readonly Hint[]): Promise<HintStatus[]> {
  const taken = new Set(stepProgressOf(await readProgress(lab), stepId).hints.map((hint) => hint.index))
  return hints.map((hint, index) => ({number: index + 1, cost: hint.cost, taken: taken.has(index)}))
}

/** The step's next hint not taken yet, recorded with its cost before it is returned; undefined when none is left. */
export async function takeNextHint(lab: Lab, stepId: string, hints: readonly Hint[], clock: Clock = {}): Promise<HintReveal | undefined> {
  const taken = new Set(stepProgressOf(await readProgress(lab), stepId).hints.map((hint) => hint.index))
  const index = hints.findIndex((_, candidate) => !taken.has(candidate))
  const hint = hints[index]
  if (!hint) return undefined
  await recordHint(lab, stepId, index, hint.cost, clock)
  return {number: index + 1, total: hints.length, cost: hint.cost, text: hint.text, left: hints.length - taken.size - 1}
}
