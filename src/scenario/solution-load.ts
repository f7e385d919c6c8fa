import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {LineCounter, parseDocument} from 'yaml'
import {ScenarioError, type ScenarioProblem} from './errors.js'
import type {Scenario} from './schema.js'
import {byPosition, locatedProblem, schemaProblems} from './schema-problems.js'
import {solutionSchema, type Solution} from './solution-schema.js'
import {didYouMean} from './suggest.js'

/** A reference solution file that cannot be used; names the file, the field and its line. */
export class SolutionError extends ScenarioError {
  constructor(file: string, problems: readonly [ScenarioProblem, ...ScenarioProblem[]]) {
    super(file, problems)
    this.name = 'SolutionError'
  }
}

/** The scenario has no reference solution file. */
export class NoSolutionError extends ScenarioError {
  constructor(
    readonly scenarioId: string,
    file: string,
  ) {
    super(file, [{path: '', message: `scenario ${scenarioId} has no reference solution: the file is missing`}])
    this.name = 'NoSolutionError'
  }
}

/** scenarios/solutions/<scenario id>.yaml */
export function solutionFileFor(scenariosDir: string, scenarioId: string): string {
  return path.join(scenariosDir, 'solutions', `${scenarioId}.yaml`)
}

/**
 * Parses and validates a solution, and checks it against its scenario: the same scenario id, one
 * entry per step (every step, none unknown), and a `restart: kubelet` after any change to the
 * kubelet's files in the same step, since the kubelet reads them only when it starts.
 */
export function parseSolution(text: string, file: string, scenario: Scenario): Solution {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {lineCounter})
  const syntax = document.errors.map((error): ScenarioProblem => {
    const position = error.linePos?.[0]
    return {path: '', message: `YAML syntax: ${error.message.split('\n')[0] ?? error.message}`, ...(position ? {line: position.line, column: position.col} : {})}
  })
  throwIfAny(file, syntax)
  const parsed = solutionSchema.safeParse(document.toJS())
  if (!parsed.success) {
    throwIfAny(file, parsed.error.issues.flatMap((issue) => schemaProblems(solutionSchema, issue, document, lineCounter)).sort(byPosition))
    throw new SolutionError(file, [{path: '', message: parsed.error.message}])
  }
  const located = (issuePath: ReadonlyArray<string | number>, message: string): ScenarioProblem => locatedProblem(issuePath, message, document, lineCounter)
  throwIfAny(file, crossCheck(parsed.data, scenario).map(({path: issuePath, message}) => located(issuePath, message)).sort(byPosition))
  return parsed.data
}

/** Reads scenarios/solutions/<id>.yaml for the scenario. */
export async function loadSolution(scenariosDir: string, scenario: Scenario): Promise<Solution> {
  const file = solutionFileFor(scenariosDir, scenario.id)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NoSolutionError(scenario.id, file)
    throw new SolutionError(file, [{path: '', message: `cannot read the file: ${(error as Error).message}`}])
  }
  return parseSolution(text, file, scenario)
}

function crossCheck(solution: Solution, scenario: Scenario): Array<{path: Array<string | number>; message: string}> {
  const problems: Array<{path: Array<string | number>; message: string}> = []
  if (solution.scenario !== scenario.id) problems.push({path: ['scenario'], message: `this file solves "${solution.scenario}", not scenario "${scenario.id}"`})
  const stepIds = scenario.steps.map((step) => step.id)
  const seen = new Set<string>()
  solution.steps.forEach((entry, index) => {
    if (!stepIds.includes(entry.step)) {
      problems.push({path: ['steps', index, 'step'], message: `scenario ${scenario.id} has no step "${entry.step}"${didYouMean(entry.step, stepIds)}; its steps: ${stepIds.join(', ')}`})
    }
    if (seen.has(entry.step)) problems.push({path: ['steps', index, 'step'], message: `step "${entry.step}" is solved twice`})
    seen.add(entry.step)
    entry.actions.forEach((action, actionIndex) => {
      if (action.kind !== 'kubeletConfig' && action.kind !== 'kubeletFlags') return
      const restarted = entry.actions.slice(actionIndex + 1).some((later) => later.kind === 'restart' && later.component === 'kubelet')
      if (!restarted) {
        problems.push({
          path: ['steps', index, 'actions', actionIndex, action.kind],
          message: 'the kubelet reads its config and flags only when it starts: add `- restart: kubelet` after this action',
        })
      }
    })
  })
  const missing = stepIds.filter((id) => !seen.has(id))
  if (missing.length > 0) problems.push({path: ['steps'], message: `no solution for step${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`})
  return problems
}

function throwIfAny(file: string, problems: ScenarioProblem[]): void {
  const [first, ...rest] = problems
  if (first) throw new SolutionError(file, [first, ...rest])
}
