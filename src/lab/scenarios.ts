import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {findScenario, loadScenario} from '../scenario/load.js'
import type {Scenario} from '../scenario/schema.js'

/** The scenario `kubelab up` starts when none is named: the article's cluster, every layer open. */
export const DEFAULT_SCENARIO = 'all-open'

/** The shipped scenarios: <package>/scenarios, two folders up from this module in src/ and in dist/. */
export function shippedScenariosDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios')
}

/** A scenario id from the scenarios folder, or the path of a scenario file (it has a "/" or ends in .yaml). */
export async function loadScenarioArgument(argument: string, scenariosDir = shippedScenariosDir()): Promise<Scenario> {
  if (argument.includes('/') || /\.ya?ml$/.test(argument)) return loadScenario(path.resolve(argument))
  // Shipped scenarios live in <id>.yaml: read that one file, and the whole folder only when it is not there.
  const named = path.join(scenariosDir, `${argument}.yaml`)
  if (existsSync(named)) {
    const scenario = await loadScenario(named)
    if (scenario.id === argument) return scenario
  }
  return findScenario(scenariosDir, argument)
}
