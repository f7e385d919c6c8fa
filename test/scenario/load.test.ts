import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {ScenarioError, UnknownScenarioError} from '../../src/scenario/errors.js'
import {findScenario, loadScenario, loadScenarios, parseScenario} from '../../src/scenario/load.js'

/** A valid scenario; line numbers below refer to this text. */
const VALID = [
  'id: sample', // 1
  'title: Sample', // 2
  'summary: A sample scenario.', // 3
  'kubernetesVersion: "1.34.1"', // 4
  'runtimes: [sim]', // 5
  'lesson: api-server', // 6
  'misconfigurations:', // 7
  '  apiserver:', // 8
  '    setFlags:', // 9
  '      anonymous-auth: "true"', // 10
  'steps:', // 11
  '  - id: first', // 12
  '    title: First', // 13
  '    checks: [api-anonymous-auth]', // 14
  '  - id: second', // 15
  '    title: Second', // 16
  '    checks:', // 17
  '      - api-authorization-mode', // 18
  '', //
].join('\n')

function scenarioError(action: () => unknown): ScenarioError {
  try {
    action()
  } catch (error) {
    if (error instanceof ScenarioError) return error
    throw error
  }
  throw new Error('expected a ScenarioError')
}

describe('parseScenario', () => {
  it('accepts a valid scenario and fills defaults', () => {
    const scenario = parseScenario(VALID, 'sample.yaml')
    expect(scenario.id).toBe('sample')
    expect(scenario.misconfigurations.apiserver).toEqual({setFlags: {'anonymous-auth': 'true'}, removeFlags: []})
    expect(scenario.misconfigurations.etcd).toEqual({setFlags: {}, removeFlags: []})
    expect(scenario.misconfigurations.kubelet).toEqual({config: {}, flags: {}})
    expect(scenario.steps.map((step) => step.checks)).toEqual([['api-anonymous-auth'], ['api-authorization-mode']])
  })

  it('names the file, the field path and the line of a misspelt check id', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('- api-authorization-mode', '- api-authorisation-mode'), 'typo.yaml'))
    expect(error.file).toBe('typo.yaml')
    expect(error.path).toBe('steps[1].checks[0]')
    expect(error.line).toBe(18)
    expect(error.message).toContain('typo.yaml:18')
    expect(error.message).toContain('unknown check id "api-authorisation-mode" (did you mean "api-authorization-mode"?)')
  })

  it('rejects an unknown key with its own line and suggests the intended one', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('lesson: api-server', 'lesosn: api-server'), 'keys.yaml'))
    const unknown = error.problems.find((problem) => problem.path === 'lesosn')
    expect(unknown).toMatchObject({line: 6, message: 'unknown field "lesosn" (did you mean "lesson"?)'})
    // the required field is then missing too
    expect(error.problems.some((problem) => problem.path === 'lesson')).toBe(true)
  })

  it('rejects a misspelt field nested in a step', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('    title: Second', '    titel: Second'), 'nested.yaml'))
    expect(error.problems.find((problem) => problem.path === 'steps[1].titel')).toMatchObject({
      line: 16,
      message: 'unknown field "titel" (did you mean "title"?)',
    })
  })

  it('rejects flags written with dashes', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('      anonymous-auth', '      --anonymous-auth'), 'dashes.yaml'))
    expect(error.path).toBe('misconfigurations.apiserver.setFlags["--anonymous-auth"]')
    expect(error.line).toBe(10)
    expect(error.message).toContain('without leading dashes')
  })

  it('rejects wildcard bind addresses', () => {
    const text = VALID.replace('"1.34.1"', '"1.19.16"').replace('      anonymous-auth: "true"', '      insecure-bind-address: 0.0.0.0')
    const error = scenarioError(() => parseScenario(text, 'wild.yaml'))
    expect(error.path).toBe('misconfigurations.apiserver.setFlags.insecure-bind-address')
    expect(error.line).toBe(10)
    expect(error.message).toContain('127.0.0.1')
  })

  it('rejects an insecure port on a Kubernetes release that no longer has one', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('      anonymous-auth: "true"', '      insecure-port: 8080'), 'modern.yaml'))
    expect(error.path).toBe('misconfigurations.apiserver.setFlags.insecure-port')
    expect(error.message).toContain('1.24 removed --insecure-port')
  })

  it('checks kubelet config fields and values', () => {
    const text = VALID.replace(
      '      anonymous-auth: "true"\n',
      '      anonymous-auth: "true"\n  kubelet:\n    config:\n      authentication.anonymous.enabeld: true\n      authorization:\n        mode: AllowAll\n      readOnlyPrt: 10255\n',
    )
    const error = scenarioError(() => parseScenario(text, 'kubelet.yaml'))
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: 'misconfigurations.kubelet.config["authentication.anonymous.enabeld"]',
        line: 13,
        message: expect.stringContaining('did you mean "authentication.anonymous.enabled"'),
      }),
      expect.objectContaining({path: 'misconfigurations.kubelet.config.authorization.mode', line: 15, message: expect.stringContaining('AlwaysAllow, Webhook')}),
      expect.objectContaining({path: 'misconfigurations.kubelet.config.readOnlyPrt', line: 16, message: expect.stringContaining('did you mean "readOnlyPort"')}),
    ])
  })

  it('turns dotted and nested kubelet settings into one merge patch', () => {
    const text = VALID.replace(
      '      anonymous-auth: "true"\n',
      '      anonymous-auth: "true"\n  kubelet:\n    config:\n      authentication.anonymous.enabled: true\n      authentication:\n        x509:\n          clientCAFile: null\n      evictionHard.nodefs.available: "5%"\n      readOnlyPort: 10255\n',
    )
    expect(parseScenario(text, 'patch.yaml').misconfigurations.kubelet.config).toEqual({
      authentication: {anonymous: {enabled: true}, x509: {clientCAFile: null}},
      evictionHard: {'nodefs.available': '5%'},
      readOnlyPort: 10255,
    })
  })

  it('rejects references to objects that are not seeded', () => {
    const text = VALID.replace(
      'steps:',
      [
        '  rbac:',
        '    - apiVersion: rbac.authorization.k8s.io/v1',
        '      kind: ClusterRoleBinding',
        '      metadata: {name: ingress}',
        '      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admn}',
        '      subjects: [{kind: ServiceAccount, name: ingress, namespace: ingress-nginx}]',
        '  seed:',
        '    pods:',
        '      - name: web',
        '        image: nginx',
        '        serviceAccountName: missing',
        'steps:',
      ].join('\n'),
    )
    const error = scenarioError(() => parseScenario(text, 'refs.yaml'))
    const byPath = new Map(error.problems.map((problem) => [problem.path, problem]))
    expect(byPath.get('misconfigurations.rbac[0].roleRef.name')?.message).toContain('did you mean "cluster-admin"')
    expect(byPath.get('misconfigurations.rbac[0].subjects[0].namespace')?.message).toContain('namespace "ingress-nginx"')
    expect(byPath.get('misconfigurations.seed.pods[0].serviceAccountName')).toMatchObject({line: 21})
  })

  it('rejects RBAC objects that Kubernetes would refuse', () => {
    const text = VALID.replace(
      'steps:',
      [
        '  rbac:',
        '    - apiVersion: rbac.authorization.k8s.io/v1',
        '      kind: RoleBinding',
        '      metadata: {name: reader}',
        '      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
        '    - apiVersion: rbac.authorization.k8s.io/v1',
        '      kind: ClusterRol',
        '      metadata: {name: x}',
        'steps:',
      ].join('\n'),
    )
    const error = scenarioError(() => parseScenario(text, 'rbac.yaml'))
    const paths = error.problems.map((problem) => problem.path)
    expect(paths).toContain('misconfigurations.rbac[0].metadata.namespace')
    expect(error.problems.find((problem) => problem.path === 'misconfigurations.rbac[1].kind')?.message).toContain('ClusterRole')
  })

  it('suggests field names inside RBAC objects', () => {
    const text = VALID.replace(
      'steps:',
      [
        '  rbac:',
        '    - apiVersion: rbac.authorization.k8s.io/v1',
        '      kind: ClusterRoleBinding',
        '      metadata: {name: reader}',
        '      roleref: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
        'steps:',
      ].join('\n'),
    )
    const error = scenarioError(() => parseScenario(text, 'roleref.yaml'))
    expect(error.problems.find((problem) => problem.path === 'misconfigurations.rbac[0].roleref')).toMatchObject({
      line: 15,
      message: 'unknown field "roleref" (did you mean "roleRef"?)',
    })
  })

  it('rejects an unknown runtime', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('runtimes: [sim]', 'runtimes: [sim, docker]'), 'runtime.yaml'))
    expect(error).toMatchObject({path: 'runtimes[1]', line: 5})
  })

  it('reports YAML syntax errors with their line', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('title: Sample', 'title: [Sample'), 'syntax.yaml'))
    expect(error.path).toBe('')
    expect(error.line).toBeGreaterThanOrEqual(2)
    expect(error.message).toMatch(/^syntax\.yaml:\d+:\d+ YAML syntax: /)
    expect(error.message).not.toContain('at line')
  })

  it('points a missing required field at the mapping that lacks it', () => {
    const error = scenarioError(() => parseScenario(VALID.replace('summary: A sample scenario.\n', ''), 'missing.yaml'))
    expect(error.path).toBe('summary')
    expect(error.line).toBe(1)
  })

  it('rejects a flag that is both set and removed', () => {
    const text = VALID.replace('      anonymous-auth: "true"\n', '      anonymous-auth: "true"\n    removeFlags: [anonymous-auth]\n')
    const error = scenarioError(() => parseScenario(text, 'both.yaml'))
    expect(error).toMatchObject({path: 'misconfigurations.apiserver.removeFlags[0]', line: 11})
  })
})

describe('loading scenario folders', () => {
  let folder: string

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'kubelab-scenarios-'))
  })

  afterAll(async () => {
    await rm(folder, {recursive: true, force: true})
  })

  it('loads one file and names it in errors', async () => {
    const file = path.join(folder, 'one.yaml')
    await writeFile(file, VALID)
    expect((await loadScenario(file)).id).toBe('sample')
    await expect(loadScenario(path.join(folder, 'absent.yaml'))).rejects.toMatchObject({name: 'ScenarioError', file: path.join(folder, 'absent.yaml')})
  })

  it('rejects two files with one id, naming both', async () => {
    const dir = await mkdtemp(path.join(folder, 'dup-'))
    await writeFile(path.join(dir, 'a.yaml'), VALID)
    await writeFile(path.join(dir, 'b.yaml'), `# same id again\n${VALID}`)
    const error = await loadScenarios(dir).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ScenarioError)
    expect(error).toMatchObject({file: path.join(dir, 'b.yaml'), path: 'id', line: 2})
    expect((error as Error).message).toContain(`already defined in ${path.join(dir, 'a.yaml')}:1`)
  })

  it('finds a scenario by id and lists the known ids for an unknown one', async () => {
    const dir = await mkdtemp(path.join(folder, 'find-'))
    await writeFile(path.join(dir, 'sample.yaml'), VALID)
    await writeFile(path.join(dir, 'notes.txt'), 'not a scenario')
    expect((await findScenario(dir, 'sample')).title).toBe('Sample')
    const error = await findScenario(dir, 'sampel').then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(UnknownScenarioError)
    expect(error).toMatchObject({id: 'sampel', knownIds: ['sample']})
    expect((error as Error).message).toContain('did you mean "sample"')
  })
})
