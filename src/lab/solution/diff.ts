import {createTwoFilesPatch} from 'diff'
import {stringify} from 'yaml'
import {apiClientFromKubeconfig} from '../../runtimes/shared/api-client.js'
import type {Scenario} from '../../scenario/schema.js'
import type {RbacReference} from '../../scenario/solution-schema.js'
import {labNode} from '../node-files.js'
import type {Lab} from '../registry.js'
import {loadScenarioSolution, solutionStep, type SolutionOptions} from './apply.js'
import {readBaselineFile} from './baseline.js'
import {authoredView, describeReference, getRbacObject, referenceOf} from './kube-api.js'
import {fileOf, operationFor} from './operations.js'

/** One changed piece of configuration: a node file, or an RBAC object. */
export interface ConfigDiff {
  /** The node path, or e.g. "ClusterRoleBinding ingress-nginx". */
  title: string
  /** A unified diff (---/+++ headers, @@ hunks), baseline first. */
  unified: string
}

/**
 * Before and after for the configuration a step concerns: for each node file its reference
 * solution edits, the baseline (as `up` wrote it) against the file now; for each RBAC object it
 * touches, the scenario's object against the live one, as YAML without the fields the API server
 * adds. Unchanged files and objects are left out.
 */
export async function stepConfigDiff(lab: Lab, scenario: Scenario, stepId: string, options: Pick<SolutionOptions, 'scenariosDir'> = {}): Promise<ConfigDiff[]> {
  const entry = solutionStep(await loadScenarioSolution(scenario, options.scenariosDir), scenario, stepId)
  const operations = entry.actions.map((action) => operationFor(lab, action))
  const diffs: ConfigDiff[] = []
  const files = [...new Set(operations.map(fileOf).filter((nodePath): nodePath is string => nodePath !== undefined))]
  const node = labNode(lab)
  for (const nodePath of files) {
    const [before, after] = await Promise.all([readBaselineFile(lab, nodePath), node.readFile(nodePath)])
    if ((before ?? '') === (after ?? '')) continue
    diffs.push({title: nodePath, unified: createTwoFilesPatch(nodePath, nodePath, before ?? '', after ?? '', 'baseline (kubelab up)', 'now')})
  }

  const references: RbacReference[] = []
  for (const operation of operations) {
    if (operation.kind !== 'rbac') continue
    for (const reference of [...operation.delete, ...operation.apply.map(referenceOf)]) {
      if (!references.some((known) => describeReference(known) === describeReference(reference))) references.push(reference)
    }
  }
  if (references.length === 0) return diffs
  const admin = await apiClientFromKubeconfig(lab.record.kubeconfig)
  for (const reference of references) {
    const original = scenario.misconfigurations.rbac.find((object) => describeReference(referenceOf(object)) === describeReference(reference))
    const live = await getRbacObject(admin, reference)
    const before = original === undefined ? '' : stringify(original)
    const after = live === undefined ? '' : stringify(authoredView(live))
    if (before === after) continue
    const title = describeReference(reference)
    diffs.push({title, unified: createTwoFilesPatch(title, title, before, after, original === undefined ? 'absent in the scenario' : 'scenario', live === undefined ? 'absent now' : 'now')})
  }
  return diffs
}
