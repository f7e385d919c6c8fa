import type {Scenario, Step} from '../scenario/schema.js'
import {LabUsageError} from './errors.js'
import {currentStep, type Progress} from './progress.js'
import type {Lab} from './registry.js'
import {loadScenarioArgument} from './scenarios.js'

/** A step as the learner sees it: "step 3 of 5". */
export interface NumberedStep {
  step: Step
  /** 1-based. */
  number: number
  total: number
}

export class StepArgumentError extends LabUsageError {
  constructor(message: string) {
    super(message)
    this.name = 'StepArgumentError'
  }
}

/** The scenario the lab was made from. */
export function loadLabScenario(lab: Lab): Promise<Scenario> {
  return loadScenarioArgument(lab.record.scenario)
}

export function numbered(scenario: Scenario, step: Step): NumberedStep {
  return {step, number: scenario.steps.indexOf(step) + 1, total: scenario.steps.length}
}

/**
 * The step a command acts on: STEP as an id or a 1-based number, else the current step (the first
 * one not done). With every step done and none named there is nothing to guess, so it asks.
 */
export function resolveStep(scenario: Scenario, argument: string | undefined, progress: Progress): NumberedStep {
  const list = (): string => scenario.steps.map((step, index) => `${index + 1} ${step.id}`).join(', ')
  if (argument === undefined || argument === '') {
    const current = currentStep(scenario, progress)
    if (!current) throw new StepArgumentError(`every step of ${scenario.id} is done; name the step to act on (${list()}).`)
    return numbered(scenario, current)
  }
  if (/^\d+$/.test(argument)) {
    const step = scenario.steps[Number(argument) - 1]
    if (!step) throw new StepArgumentError(`step ${argument}: ${scenario.id} has steps 1 to ${scenario.steps.length} (${list()}).`)
    return numbered(scenario, step)
  }
  const step = scenario.steps.find((candidate) => candidate.id === argument)
  if (!step) throw new StepArgumentError(`no step "${argument}" in scenario ${scenario.id}; its steps: ${list()}.`)
  return numbered(scenario, step)
}
