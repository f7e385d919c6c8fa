import {loadSolution} from '../../scenario/solution-load.js'
import type {Scenario} from '../../scenario/schema.js'
import type {Solution, SolutionStep} from '../../scenario/solution-schema.js'
import {LabUsageError} from '../errors.js'
import type {Lab} from '../registry.js'
import {shippedScenariosDir} from '../scenarios.js'
import {operationFor, runOperations, type RunOptions} from './operations.js'

export interface SolutionOptions extends RunOptions {
  /** Where scenarios/solutions/ lives. Default: the shipped scenarios folder. */
  scenariosDir?: string
}

export interface StepSolutionOutcome {
  stepId: string
  /** The solution's note on what it does. */
  note?: string
  /** One line per change made, e.g. "/etc/kubernetes/manifests/kube-apiserver.yaml: --insecure-port=0 (was 8080)". */
  changes: string[]
  durationMs: number
}

export class UnknownSolutionStepError extends LabUsageError {
  constructor(
    readonly scenarioId: string,
    readonly stepId: string,
    known: readonly string[],
  ) {
    super(`scenario ${scenarioId} has no step "${stepId}"; its steps: ${known.join(', ')}.`)
    this.name = 'UnknownSolutionStepError'
  }
}

/** The scenario's reference solution (scenarios/solutions/<id>.yaml), checked against the scenario. */
export function loadScenarioSolution(scenario: Scenario, scenariosDir: string = shippedScenariosDir()): Promise<Solution> {
  return loadSolution(scenariosDir, scenario)
}

export function solutionStep(solution: Solution, scenario: Scenario, stepId: string): SolutionStep {
  const entry = solution.steps.find((candidate) => candidate.step === stepId)
  if (!entry) throw new UnknownSolutionStepError(scenario.id, stepId, scenario.steps.map((step) => step.id))
  return entry
}

/**
 * Applies the reference solution of one step to the lab and waits until what it changed is live
 * (restarted static pods serving, the kubelet restarted and answering), so the step's checks judge
 * the running cluster. Safe to run twice: settings already as wanted are left alone.
 */
export async function applyStepSolution(lab: Lab, scenario: Scenario, stepId: string, options: SolutionOptions = {}): Promise<StepSolutionOutcome> {
  const started = Date.now()
  const solution = await loadScenarioSolution(scenario, options.scenariosDir)
  const entry = solutionStep(solution, scenario, stepId)
  const changes = await runOperations(
    lab,
    entry.actions.map((action) => operationFor(lab, action)),
    options,
  )
  return {stepId, ...(entry.note === undefined ? {} : {note: entry.note}), changes, durationMs: Date.now() - started}
}
