import {describe, expect, it} from '@jest/globals'
import path from 'node:path'
import {ScenarioError} from '../../src/scenario/errors.js'
import {loadScenarios, parseScenario} from '../../src/scenario/load.js'
import {loadSolution, NoSolutionError, parseSolution, SolutionError} from '../../src/scenario/solution-load.js'

const SCENARIO = parseScenario(
  [
    'id: sample',
    'title: Sample',
    'summary: A sample.',
    'kubernetesVersion: "1.34.1"',
    'runtimes: [sim]',
    'lesson: kubelet',
    'steps:',
    '  - id: first',
    '    title: First',
    '    checks: [kubelet-read-only-port]',
    '  - id: second',
    '    title: Second',
    '    checks: [api-anonymous-auth]',
    '',
  ].join('\n'),
  'sample.yaml',
)

/** A valid solution; line numbers in the tests refer to this text. */
const VALID = [
  'scenario: sample', // 1
  'steps:', // 2
  '  - step: first', // 3
  '    actions:', // 4
  '      - kubeletConfig:', // 5
  '          set:', // 6
  '            readOnlyPort: 0', // 7
  '      - restart: kubelet', // 8
  '  - step: second', // 9
  '    actions:', // 10
  '      - manifest:', // 11
  '          component: kube-apiserver', // 12
  '          setFlags: {anonymous-auth: false}', // 13
  '',
].join('\n')

function solutionError(text: string): SolutionError {
  try {
    parseSolution(text, 'solutions/sample.yaml', SCENARIO)
  } catch (error) {
    if (error instanceof SolutionError) return error
    throw error
  }
  throw new Error('expected a SolutionError')
}

describe('reference solution files', () => {
  it('parses actions into the form the lab applies, flag values as strings', () => {
    const solution = parseSolution(VALID, 'solutions/sample.yaml', SCENARIO)
    expect(solution.steps.map((step) => step.actions)).toEqual([
      [{kind: 'kubeletConfig', patch: {readOnlyPort: 0}}, {kind: 'restart', component: 'kubelet'}],
      [{kind: 'manifest', component: 'kube-apiserver', setFlags: {'anonymous-auth': 'false'}, removeFlags: []}],
    ])
  })

  it('names the file, field and line of a misspelt field, with a suggestion', () => {
    const error = solutionError(VALID.replace('          component: kube-apiserver', '          componnet: kube-apiserver'))
    expect(error).toBeInstanceOf(ScenarioError)
    expect(error.message).toContain('solutions/sample.yaml:12')
    expect(error.problems.some((problem) => problem.message.includes('unknown field "componnet" (did you mean "component"?)'))).toBe(true)
  })

  it('refuses an unknown kubelet setting at its line', () => {
    const error = solutionError(VALID.replace('readOnlyPort: 0', 'readOnlyPrt: 0'))
    expect(error.line).toBe(7)
    expect(error.message).toMatch(/unknown KubeletConfiguration field "readOnlyPrt" \(did you mean "readOnlyPort"\?\)/)
  })

  it('wants a kubelet restart after a change to the kubelet files', () => {
    const error = solutionError(VALID.replace('      - restart: kubelet\n', ''))
    expect(error.path).toBe('steps[0].actions[0].kubeletConfig')
    expect(error.line).toBe(5)
    expect(error.message).toContain('restart: kubelet')
  })

  it('names a step the scenario does not have, and a step left without a solution', () => {
    const error = solutionError(VALID.replace('  - step: second', '  - step: secnd'))
    expect(error.problems.map((problem) => [problem.path, problem.line])).toEqual([
      ['steps', 2],
      ['steps[1].step', 9],
    ])
    expect(error.message).toContain('did you mean "second"?')
    expect(error.message).toContain('no solution for step second')
  })

  it('refuses an action with two kinds, and a wildcard address', () => {
    expect(solutionError(VALID.replace('      - restart: kubelet', '      - restart: kubelet\n        rbac: {delete: [{kind: ClusterRole, name: x}]}')).message).toContain(
      'one action per list item; this one has restart and rbac',
    )
    expect(solutionError(VALID.replace('{anonymous-auth: false}', '{bind-address: 0.0.0.0}')).message).toContain('wildcard address')
  })

  it('says which file is missing', async () => {
    await expect(loadSolution('/nonexistent', SCENARIO)).rejects.toThrow(NoSolutionError)
    await expect(loadSolution('/nonexistent', SCENARIO)).rejects.toThrow('/nonexistent/solutions/sample.yaml')
  })

  it('ships a valid solution for every shipped scenario', async () => {
    const folder = path.resolve('scenarios')
    for (const scenario of await loadScenarios(folder)) {
      const solution = await loadSolution(folder, scenario)
      expect(solution.steps.map((step) => step.step)).toEqual(scenario.steps.map((step) => step.id))
    }
  })
})
