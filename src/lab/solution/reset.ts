import type {Scenario} from '../../scenario/schema.js'
import {EDITABLE_FILES} from '../edit.js'
import type {RbacReference, SolutionRbacObject, SolutionStep} from '../../scenario/solution-schema.js'
import {NODE_FILE_PATHS} from '../../runtimes/sim/node-files/types.js'
import {STATIC_POD_COMPONENTS} from '../../runtimes/types.js'
import {labNode} from '../node-files.js'
import type {Lab} from '../registry.js'
import {restartComponent} from '../restart.js'
import {loadScenarioSolution, solutionStep, type SolutionOptions} from './apply.js'
import {BASELINE_FILES, readBaselineFile} from './baseline.js'
import {kubeletConfigValue, kubeletEnvFlagValues, manifestFlagValues} from './edit-text.js'
import {referenceOf} from './kube-api.js'
import {fileOf, operationFor, runOperations, type Operation} from './operations.js'
import {waitUntilLive} from './settle.js'

export interface ResetOutcome {
  /** The steps whose misconfiguration is back. */
  stepIds: string[]
  /** One line per change made. */
  changes: string[]
  durationMs: number
}

const sameReference = (a: RbacReference, b: RbacReference): boolean => a.kind === b.kind && a.name === b.name && a.namespace === b.namespace

/**
 * Puts back the misconfiguration of one step and keeps everything else: each flag, kubelet setting
 * and RBAC object the step's reference solution touches gets its value from the lab's baseline (the
 * configuration right after `up`), or is removed when the baseline did not have it; every other
 * line stays as the learner has it. Components are restarted as the solution restarts them.
 */
export async function resetStep(lab: Lab, scenario: Scenario, stepId: string, options: SolutionOptions = {}): Promise<ResetOutcome> {
  const started = Date.now()
  const solution = await loadScenarioSolution(scenario, options.scenariosDir)
  const operations = await restoreOperations(lab, scenario, solutionStep(solution, scenario, stepId))
  const changes = await runOperations(lab, operations, options)
  return {stepIds: [stepId], changes, durationMs: Date.now() - started}
}

/**
 * `kubelab reset` without a step: every baseline file back as `up` wrote it, the kubelet restarted
 * when its files changed, the scenario's RBAC objects as the scenario has them, and objects the
 * solutions create but the scenario does not, deleted.
 */
export async function resetLab(lab: Lab, scenario: Scenario, options: SolutionOptions = {}): Promise<ResetOutcome> {
  const started = Date.now()
  const node = labNode(lab)
  const changes: string[] = []
  const report = (line: string): void => {
    changes.push(line)
    options.onProgress?.(line)
  }
  let kubeletFilesChanged = false
  const changedPods: Array<(typeof STATIC_POD_COMPONENTS)[number]> = []
  for (const nodePath of BASELINE_FILES) {
    const baseline = await readBaselineFile(lab, nodePath)
    if (baseline === undefined) continue
    if ((await node.readFile(nodePath)) === baseline) continue
    await node.writeFile(nodePath, baseline)
    report(`${nodePath}: restored as \`kubelab up\` wrote it`)
    if (nodePath === NODE_FILE_PATHS.kubeletConfig || nodePath === NODE_FILE_PATHS.kubeletFlagsEnv) kubeletFilesChanged = true
    const pod = STATIC_POD_COMPONENTS.find((component) => EDITABLE_FILES[component] === nodePath)
    if (pod) changedPods.push(pod)
  }
  // etcd first: the API server of the baseline needs the etcd of the baseline.
  const order = [...changedPods].sort((a, b) => Number(b === 'etcd') - Number(a === 'etcd'))
  await waitUntilLive(lab, order, options)
  if (kubeletFilesChanged) {
    const outcome = await restartComponent(lab, 'kubelet', options.simDir === undefined ? {} : {simDir: options.simDir})
    await waitUntilLive(lab, ['kubelet'], options)
    report(`restarted kubelet (pid ${outcome.stoppedPid ?? 'none'} → pid ${outcome.pid})`)
  }

  const solution = await loadScenarioSolution(scenario, options.scenariosDir)
  const touched = solution.steps.flatMap((entry) => rbacTouched(entry))
  const rbac = rbacRestore(scenario, touched)
  const scenarioObjects = scenario.misconfigurations.rbac.filter((object) => !rbac.apply.some((queued) => sameReference(referenceOf(queued), referenceOf(object))))
  changes.push(...(await runOperations(lab, [{kind: 'rbac', delete: rbac.delete, apply: [...rbac.apply, ...scenarioObjects]}], options)))
  return {stepIds: scenario.steps.map((step) => step.id), changes, durationMs: Date.now() - started}
}

/** The operations that undo one step's solution, from the baseline. */
export async function restoreOperations(lab: Lab, scenario: Scenario, entry: SolutionStep): Promise<Operation[]> {
  const operations: Operation[] = []
  for (const action of entry.actions) {
    const operation = operationFor(lab, action)
    const nodePath = fileOf(operation)
    if (operation.kind === 'manifest' || operation.kind === 'kubeletFlags') {
      const baseline = (await readBaselineFile(lab, nodePath as string)) ?? ''
      const values = operation.kind === 'manifest' ? manifestFlagValues(baseline, nodePath as string) : kubeletEnvFlagValues(baseline)
      const edit: {set: Record<string, string>; remove: string[]} = {set: {}, remove: []}
      for (const name of [...Object.keys(operation.edit.set), ...operation.edit.remove]) {
        const value = values.get(name)
        if (value === undefined) edit.remove.push(name)
        else edit.set[name] = value
      }
      operations.push(operation.kind === 'manifest' ? {kind: 'manifest', component: operation.component, edit} : {kind: 'kubeletFlags', edit})
    } else if (operation.kind === 'kubeletConfig') {
      const baseline = await readBaselineFile(lab, NODE_FILE_PATHS.kubeletConfig)
      operations.push({kind: 'kubeletConfig', leaves: operation.leaves.map((leaf) => ({path: leaf.path, value: kubeletConfigValue(baseline, leaf.path)}))})
    } else if (operation.kind === 'restart') {
      operations.push(operation)
    } else {
      operations.push({kind: 'rbac', ...rbacRestore(scenario, rbacTouched(entry))})
    }
  }
  // An rbac action appears once per step at most in effect: merge duplicates made above.
  return dedupeRbac(operations)
}

function rbacTouched(entry: SolutionStep): RbacReference[] {
  const references: RbacReference[] = []
  for (const action of entry.actions) {
    if (action.kind !== 'rbac') continue
    for (const reference of [...action.delete, ...action.apply.map(referenceOf)]) {
      if (!references.some((known) => sameReference(known, reference))) references.push(reference)
    }
  }
  return references
}

/** Each touched object as the scenario has it, or deleted when the scenario does not have it. */
function rbacRestore(scenario: Scenario, touched: readonly RbacReference[]): {delete: RbacReference[]; apply: SolutionRbacObject[]} {
  const apply: SolutionRbacObject[] = []
  const remove: RbacReference[] = []
  for (const reference of touched) {
    const original = scenario.misconfigurations.rbac.find((object) => sameReference(referenceOf(object), reference))
    if (original) apply.push(original)
    else remove.push(reference)
  }
  return {delete: remove, apply}
}

function dedupeRbac(operations: Operation[]): Operation[] {
  let seen = false
  return operations.filter((operation) => {
    if (operation.kind !== 'rbac') return true
    if (seen) return false
    seen = true
    return true
  })
}
