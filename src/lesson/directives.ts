import {DEFAULT_HINT_COST} from './model.js'

/** What a fenced block's info string makes it: a directive of the lesson format, or ordinary code. */
export type FenceRole =
  | {kind: 'step'; id: string}
  | {kind: 'try' | 'fix'}
  | {kind: 'hint'; cost: number}
  | {kind: 'quiz'}
  | {kind: 'code'}
  | {kind: 'invalid'; reason: string}

export const DIRECTIVE_WORDS = ['step', 'try', 'fix', 'hint', 'quiz'] as const

/** Languages a `try` / `fix` directive may name first, so GitHub highlights the block: ```sh try. */
const SHELLS = new Set(['sh', 'bash', 'shell'])
const STEP_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/**
 * Reads a fence's info string. A directive is ```step <id>, ```try, ```fix, ```sh try / ```sh fix (also bash, shell),
 * ```hint [cost=N] or ```quiz. Anything else is ordinary code, except near-misses of a directive (```hints,
 * ```stpe, ```sh tryit, ```Quiz), which are mistakes a lesson writer wants to hear about rather than see rendered as code.
 */
export function fenceRole(info: string): FenceRole {
  const words = info.trim().split(/\s+/).filter((word) => word !== '')
  const [first = '', ...rest] = words
  switch (first) {
    case 'step':
      return stepRole(rest)
    case 'try':
    case 'fix':
      return rest.length === 0 ? {kind: first} : {kind: 'invalid', reason: `unexpected "${rest.join(' ')}" after "${first}": the info string is just "sh ${first}"`}
    case 'hint':
      return hintRole(rest)
    case 'quiz':
      return rest.length === 0 ? {kind: 'quiz'} : {kind: 'invalid', reason: `unexpected "${rest.join(' ')}" after "quiz": the question, choices and answer go in the block as YAML`}
  }
  if (SHELLS.has(first) && rest.length > 0) return shellRole(first, rest)
  const lower = first.toLowerCase()
  if ((DIRECTIVE_WORDS as readonly string[]).includes(lower)) return {kind: 'invalid', reason: `directive words are lower-case: write "${lower}", not "${first}"`}
  const near = DIRECTIVE_WORDS.find((word) => word.length >= 4 && withinOneEdit(lower, word))
  if (near) return {kind: 'invalid', reason: `unknown directive "${first}" (did you mean "${near}"?); the directives are ${DIRECTIVE_WORDS.join(', ')}`}
  return {kind: 'code'}
}

function stepRole(rest: string[]): FenceRole {
  const [id, ...extra] = rest
  if (id === undefined) return {kind: 'invalid', reason: 'a step fence names its step: "step <step-id>"'}
  if (!STEP_ID.test(id)) return {kind: 'invalid', reason: `step id "${id}": use lower-case words joined by hyphens, e.g. "close-insecure-port"`}
  if (extra.length > 0) return {kind: 'invalid', reason: `unexpected "${extra.join(' ')}" after "step ${id}"`}
  return {kind: 'step', id}
}

function hintRole(options: string[]): FenceRole {
  let cost = DEFAULT_HINT_COST
  for (const option of options) {
    const match = /^cost=(\d+)$/.exec(option)
    if (!match) return {kind: 'invalid', reason: `unknown hint option "${option}": the only option is cost=<points>, e.g. "hint cost=20"`}
    cost = Number(match[1])
    if (cost < 1) return {kind: 'invalid', reason: 'a hint costs at least 1 point'}
  }
  return {kind: 'hint', cost}
}

function shellRole(shell: string, rest: string[]): FenceRole {
  const [word = '', ...extra] = rest
  if (word === 'try' || word === 'fix') {
    return extra.length === 0 ? {kind: word} : {kind: 'invalid', reason: `unexpected "${extra.join(' ')}" after "${shell} ${word}"`}
  }
  // Attributes such as ```sh {.line-numbers} or ```sh title=x are ordinary code.
  if (word.includes('=') || word.startsWith('{')) return {kind: 'code'}
  return {kind: 'invalid', reason: `unknown directive "${shell} ${word}": a shell block is "${shell} try" (run against the lab) or "${shell} fix" (changes the lab)`}
}

/** True when `a` becomes `b` by at most one insertion, deletion, substitution or swap of neighbours. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true
  if (Math.abs(a.length - b.length) > 1) return false
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  const tailA = a.slice(start + 1)
  const tailB = b.slice(start + 1)
  if (a.length === b.length) return tailA === tailB || (a[start] === b[start + 1] && a[start + 1] === b[start] && a.slice(start + 2) === b.slice(start + 2))
  return a.length > b.length ? tailA === b.slice(start) : a.slice(start) === tailB
}
