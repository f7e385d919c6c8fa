import {useApiserverSuite} from '../../../support/fixtures/apiserver-suite.js'
import {describe, expect, it} from '@jest/globals'
import {profilingCheck} from '../../../../src/checks/catalogue/apiserver/profiling.js'
import {withDefaults} from '../../../support/fixtures/apiserver-rbac.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'

describe('api-profiling', () => {
  const suite = useApiserverSuite()

  it('passes --profiling=false when the suite.admin gets a 404 and anonymous users a 403', async () => {
    suite.api.configure({profiling: false})
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), profilingCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({setting: '--profiling', value: 'false', source: 'flag', line: 30, verdict: 'pass'})])
    expect(result.wire).toEqual([
      expect.objectContaining({request: `GET ${suite.api.url}/debug/pprof/ (kubeconfig ${suite.admin.split('/').pop()}, user kubernetes-admin)`, status: 404, verdict: 'pass'}),
      expect.objectContaining({request: `GET https://127.0.0.1:${suite.api.port}/debug/pprof/ (no credentials)`, status: 403, verdict: 'unknown'}),
    ])
  })

  it('fails on both sides when profiling is on and the suite.admin downloads the pprof index', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), profilingCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.config[0]).toMatchObject({value: 'true', source: 'flag', verdict: 'fail'})
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail', bodyExcerpt: expect.stringContaining('/debug/pprof/')})
  })

  it('applies the default true when the flag is absent', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.19-defaults', ports: {apiserverSecure: suite.closedPort}}), profilingCheck)
    expect(result.status).toBe('fail')
    expect(result.config[0]).toMatchObject({value: 'true', source: 'default', verdict: 'fail'})
  })

  it('says the API server still profiles after the manifest was fixed', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), profilingCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('fails when anonymous users can read the profiles (cluster-admin bound to system:unauthenticated), with no kubeconfig', async () => {
    suite.api.configure({
      rbac: withDefaults({
        bindings: [{kind: 'ClusterRoleBinding', name: 'anonymous-admin', roleRef: {kind: 'ClusterRole', name: 'cluster-admin'}, subjects: [{kind: 'Group', name: 'system:unauthenticated'}]}],
      }),
    })
    const result = await runCheck(apiTarget({ports: {apiserverSecure: suite.api.port}}), profilingCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([])
    expect(result.wire).toEqual([
      expect.objectContaining({status: 200, verdict: 'fail', note: expect.stringContaining('without credentials'), bodyExcerpt: expect.stringContaining('/debug/pprof/')}),
    ])
  })

  it('cannot tell anonymously under AlwaysAllow either: the API server turned anonymous auth off, so the probe gets a 401', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({ports: {apiserverSecure: suite.api.port}}), profilingCheck)
    expect(result.status).toBe('skip')
    expect(result.wire).toEqual([expect.objectContaining({status: 401, verdict: 'unknown', note: expect.stringContaining('does not show whether profiling is on')})])
  })

  it('cannot tell anonymously when authorization stops the request, and skips without configuration', async () => {
    const result = await runCheck(apiTarget({ports: {apiserverSecure: suite.api.port}}), profilingCheck)
    expect(result.status).toBe('skip')
    expect(result.wire).toEqual([expect.objectContaining({status: 403, verdict: 'unknown'})])
  })

  it('cannot tell with a kubeconfig user who may not read the path', async () => {
    const jane = await suite.pki.kubeconfig(suite.api.url, 'jane', ['developers'])
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', kubeconfig: jane, ports: {apiserverSecure: suite.api.port}}), profilingCheck)
    expect(result.status).toBe('pass')
    expect(result.wire[0]).toMatchObject({status: 403, verdict: 'unknown', note: expect.stringContaining("kubeconfig's user may not read")})
  })

  it('judges the configuration alone when the API server is not reachable', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', ports: {apiserverSecure: suite.closedPort}}), profilingCheck)
    expect(result.status).toBe('pass')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'unknown', error: expect.stringContaining('refused')})])
  })

  it.each(['silent', 'garbage'] as const)('turns a %s server on the secure port into an error within the timeout', async (behaviour) => {
    const server: HostileServer = await startHostileServer(behaviour)
    suite.cleanups.push(() => server.close())
    const started = Date.now()
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', ports: {apiserverSecure: server.port}, timeoutMs: 400}), profilingCheck)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
  })
})
