import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import {authorizationModeCheck} from '../../../../src/checks/catalogue/apiserver/authorization-mode.js'
import {defaultState, startApiserverFixture, type ApiserverFixture} from '../../../support/fixtures/apiserver-fixture.js'
import {writeApiserverNodeRoot} from '../../../support/fixtures/apiserver-node-root.js'
import {createApiserverPki, type ApiserverPki} from '../../../support/fixtures/apiserver-pki.js'
import {withDefaults} from '../../../support/fixtures/apiserver-rbac.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'
import {freePort} from '../../../support/ports.js'

describe('api-authorization-mode', () => {
  let pki: ApiserverPki
  let api: ApiserverFixture
  let closedPort: number
  const cleanups: Array<() => Promise<void>> = []

  beforeAll(async () => {
    pki = await createApiserverPki()
    api = await startApiserverFixture(pki.tls)
    closedPort = await freePort()
  })
  beforeEach(() => api.configure(defaultState()))
  afterAll(async () => {
    await api.close()
    await Promise.all(cleanups.map((cleanup) => cleanup()))
    await pki.cleanup()
  })

  it('passes Node,RBAC when the anonymous list of namespaces is forbidden', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({setting: '--authorization-mode', value: 'Node,RBAC', source: 'flag', line: 17, verdict: 'pass'})])
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `GET https://127.0.0.1:${api.port}/api/v1/namespaces (no credentials)`,
        status: 403,
        verdict: 'pass',
        bodyExcerpt: expect.stringContaining('"message":"namespaces is forbidden: User \\"system:anonymous\\" cannot list resource \\"namespaces\\" in API group'),
      }),
    ])
  })

  it('fails AlwaysAllow on both sides, naming every CIS control it breaks', async () => {
    api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    const note = result.config[0]?.note ?? ''
    expect(note).toContain('CIS 1.2.6')
    expect(note).toContain('CIS 1.2.7')
    expect(note).toContain('CIS 1.2.8')
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail', bodyExcerpt: expect.stringContaining('"kind":"NamespaceList"')})
    expect(result.summary).toMatch(/lets every request through/)
  })

  it('applies the default AlwaysAllow when the flag is absent', async () => {
    api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'api-1.19-defaults', ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.config[0]).toMatchObject({value: 'AlwaysAllow', source: 'default', verdict: 'fail', note: expect.stringMatching(/^not set, so the default AlwaysAllow applies/)})
  })

  it('fails a chain without Node as incomplete', async () => {
    const node = await writeApiserverNodeRoot('1.34.1', ['--authorization-mode=RBAC'])
    cleanups.push(node.cleanup)
    const result = await runCheck(apiTarget({node: node.root, ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.config[0]?.note).toMatch(/^lacks Node/)
    expect(result.summary).toMatch(/incomplete/)
    expect(result.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it('says the API server still runs AlwaysAllow after the manifest was fixed', async () => {
    api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('does not blame the mode when an RBAC grant lets anonymous users list namespaces', async () => {
    api.configure({
      rbac: withDefaults({
        roles: [{kind: 'ClusterRole', name: 'namespace-reader', rules: [{apiGroups: [''], resources: ['namespaces'], verbs: ['list']}]}],
        bindings: [{kind: 'ClusterRoleBinding', name: 'anonymous-namespaces', roleRef: {kind: 'ClusterRole', name: 'namespace-reader'}, subjects: [{kind: 'User', name: 'system:anonymous'}]}],
      }),
    })
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.status).toBe('pass')
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'unknown', note: expect.stringContaining('api-anonymous-rbac')})
  })

  it('cannot see the authorizer when anonymous requests are rejected, and lets the configuration decide', async () => {
    api.configure({anonymousAuth: false, authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({status: 401, verdict: 'unknown', note: expect.stringContaining('SelfSubjectAccessReview')})
  })

  it('judges the wire alone without node access', async () => {
    api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([])
  })

  it('judges the configuration alone when the API server is not reachable', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: closedPort}}), authorizationModeCheck)
    expect(result.status).toBe('pass')
    expect(result.wire[0]).toMatchObject({verdict: 'unknown'})
  })

  it('does not guess the mode when an AuthorizationConfiguration file replaces the flag', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-structured-config', ports: {apiserverSecure: api.port}}), authorizationModeCheck)
    expect(result.config[0]).toMatchObject({verdict: 'unknown', note: expect.stringContaining('/etc/kubernetes/authorization-config.yaml')})
    expect(result.status).toBe('pass')
    expect(result.summary).toMatch(/could not be read/)
  })

  it.each(['silent', 'reset'] as const)('turns a %s server on the secure port into an error within the timeout', async (behaviour) => {
    const server: HostileServer = await startHostileServer(behaviour)
    cleanups.push(() => server.close())
    const started = Date.now()
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: server.port}, timeoutMs: 400}), authorizationModeCheck)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
  })
})
