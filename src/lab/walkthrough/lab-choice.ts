import {loadScenarios} from '../../scenario/load.js'
import type {Scenario} from '../../scenario/schema.js'
import type {Environment} from '../home.js'
import {isDone, readProgress} from '../progress.js'
import {listLabs, type Lab, type LabEntry} from '../registry.js'
import {loadScenarioArgument, shippedScenariosDir} from '../scenarios.js'
import {upLab, type UpOptions} from '../up.js'
import {LabNotReadyError} from './errors.js'
import type {Prompter} from './prompter.js'
import type {Screen} from './screen.js'

/** What `learn` passes on to `up` when it creates the lab (tests: random ports, a compiled sim). */
export type LearnUpOptions = Pick<UpOptions, 'runtime' | 'portPolicy' | 'runtimeOptions' | 'binDir' | 'scenariosDir'>

/** The scenario named on the command line, else the one the learner picks from the shipped list. */
export async function chooseScenario(argument: string | undefined, prompter: Prompter, home: string, scenariosDir = shippedScenariosDir()): Promise<Scenario> {
  if (argument !== undefined) return loadScenarioArgument(argument, scenariosDir)
  const scenarios = await loadScenarios(scenariosDir)
  const labs = await listLabs(home)
  const choices = await Promise.all(
    scenarios.map(async (scenario) => {
      const lab = labFor(scenario, labs)
      return {value: scenario, name: `${scenario.title} (${scenario.id})${lab ? ` — ${await labState(lab)}` : ''}`, description: scenario.summary}
    }),
  )
  return prompter.select('Which lab do you want to work on?', choices)
}

export interface LabForScenario {
  lab: Lab
  created: boolean
}

/**
 * The lab this scenario is learned on: an existing lab made from it (the one named after it first),
 * else a new one, created with one line per stage of `up` and the time since it began.
 */
export async function labForScenario(
  scenario: Scenario,
  options: {home: string; env: Environment; screen: Screen; signal?: AbortSignal; interruptedBy?: () => NodeJS.Signals | undefined; up?: LearnUpOptions},
): Promise<LabForScenario> {
  const existing = labFor(scenario, await listLabs(options.home))
  if (existing?.record) {
    if (existing.record.state !== 'ready') throw new LabNotReadyError(existing.name, existing.record.state)
    return {lab: {name: existing.name, dir: existing.dir, record: existing.record}, created: false}
  }
  const {screen} = options
  screen.line(`Creating lab ${scenario.id} for scenario ${scenario.id} (${scenario.title}). Ctrl-C stops and removes it.`)
  const started = Date.now()
  const outcome = await upLab({
    scenario: scenario.id,
    name: scenario.id,
    home: options.home,
    env: options.env,
    ...options.up,
    ...(options.signal ? {signal: options.signal} : {}),
    ...(options.interruptedBy ? {interruptedBy: options.interruptedBy} : {}),
    onProgress: (message) => screen.line(`  ${screen.style.dim(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`)} ${message}`),
  })
  screen.line(`Lab ${outcome.lab.name} is ready (${(outcome.timings.totalMs / 1000).toFixed(1)} s).`)
  return {lab: outcome.lab, created: true}
}

function labFor(scenario: Scenario, labs: readonly LabEntry[]): LabEntry | undefined {
  const fromScenario = labs.filter((lab) => lab.record?.scenario === scenario.id)
  return fromScenario.find((lab) => lab.name === scenario.id) ?? fromScenario[0]
}

async function labState(entry: LabEntry): Promise<string> {
  if (!entry.record) return `lab ${entry.name} is unreadable`
  if (entry.record.state !== 'ready') return `lab ${entry.name} is ${entry.record.state}`
  try {
    const lab = {name: entry.name, dir: entry.dir, record: entry.record}
    const progress = await readProgress(lab)
    const done = Object.values(progress.steps).filter((step) => isDone(step.status)).length
    return `lab ${entry.name}: ${done} step${done === 1 ? '' : 's'} done`
  } catch {
    return `lab ${entry.name}: progress unreadable`
  }
}
