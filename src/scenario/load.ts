import {readFile, readdir} from 'node:fs/promises'
import path from 'node:path'
import {LineCounter, parseDocument} from 'yaml'
import {ScenarioError, UnknownScenarioError, type ScenarioProblem} from './errors.js'
import {scenarioSchema, type Scenario} from './schema.js'
import {byPosition, schemaProblems} from './schema-problems.js'
import {didYouMean} from './suggest.js'
import {positionOf} from './yaml-position.js'

/** A parsed scenario and the file it came from. */
export interface ScenarioSource {
  scenario: Scenario
  file: string
  /** Line of the `id` field. */
  idLine: number | undefined
}

/** Parses and validates scenario YAML; `file` is only used in error messages. */
export function parseScenarioSource(text: string, file: string): ScenarioSource {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {lineCounter})
  const syntaxProblems = document.errors.map((error): ScenarioProblem => {
    const position = error.linePos?.[0]
    const problem: ScenarioProblem = {path: '', message: `YAML syntax: ${syntaxReason(error.message)}`}
    if (position) {
      problem.line = position.line
      problem.column = position.col
    }
    return problem
  })
  throwIfAny(file, syntaxProblems)

  const parsed = scenarioSchema.safeParse(document.toJS())
  if (!parsed.success) {
    throwIfAny(file, parsed.error.issues.flatMap((issue) => schemaProblems(scenarioSchema, issue, document, lineCounter)).sort(byPosition))
    throw new ScenarioError(file, [{path: '', message: parsed.error.message}])
  }
  return {scenario: parsed.data, file, idLine: positionOf(document, lineCounter, ['id'])?.line}
}

/** Parses and validates scenario YAML text. */
export function parseScenario(text: string, file: string): Scenario {
  return parseScenarioSource(text, file).scenario
}

/** Reads one scenario file. Every problem is a ScenarioError naming the file, the field and its line. */
export async function loadScenario(file: string): Promise<Scenario> {
  return (await loadScenarioSource(file)).scenario
}

async function loadScenarioSource(file: string): Promise<ScenarioSource> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ScenarioError(file, [{path: '', message: `cannot read the file: ${(error as Error).message}`}])
  }
  return parseScenarioSource(text, file)
}

/** Reads every *.yaml / *.yml scenario in a folder, in file-name order. Two files with one id are an error. */
export async function loadScenarios(folder: string): Promise<Scenario[]> {
  return (await loadScenarioSources(folder)).map((source) => source.scenario)
}

export async function loadScenarioSources(folder: string): Promise<ScenarioSource[]> {
  let names: string[]
  try {
    names = await readdir(folder)
  } catch (error) {
    throw new ScenarioError(folder, [{path: '', message: `cannot read the scenario folder: ${(error as Error).message}`}])
  }
  const files = names.filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => path.join(folder, name))
  const sources: ScenarioSource[] = []
  const byId = new Map<string, ScenarioSource>()
  for (const file of files) {
    const source = await loadScenarioSource(file)
    const earlier = byId.get(source.scenario.id)
    if (earlier) {
      const at = earlier.idLine === undefined ? earlier.file : `${earlier.file}:${earlier.idLine}`
      const problem: ScenarioProblem = {path: 'id', message: `scenario id "${source.scenario.id}" is already defined in ${at}`}
      if (source.idLine !== undefined) problem.line = source.idLine
      throw new ScenarioError(file, [problem])
    }
    byId.set(source.scenario.id, source)
    sources.push(source)
  }
  return sources
}

/** The scenario with this id; UnknownScenarioError lists the ids that do exist. */
export async function findScenario(folder: string, id: string): Promise<Scenario> {
  const scenarios = await loadScenarios(folder)
  const found = scenarios.find((scenario) => scenario.id === id)
  if (found) return found
  const known = scenarios.map((scenario) => scenario.id)
  throw new UnknownScenarioError(id, folder, known, didYouMean(id, known))
}

/** The yaml package appends "at line N, column M:" and an excerpt; the position is reported separately. */
function syntaxReason(message: string): string {
  const firstLine = message.split('\n')[0] ?? message
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim()
}

function throwIfAny(file: string, problems: ScenarioProblem[]): void {
  const [first, ...rest] = problems
  if (first) throw new ScenarioError(file, [first, ...rest])
}
