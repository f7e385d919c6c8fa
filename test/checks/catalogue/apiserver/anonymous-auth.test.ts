import {useApiserverSuite} from '../../../support/fixtures/apiserver-suite.js'
import {describe, expect, it} from '@jest/globals'
import {anonymousAuthCheck} from '../../../../src/checks/catalogue/apiserver/anonymous-auth.js'
import {writeApiserverNodeRoot} from '../../../support/fixtures/apiserver-node-root.js'
import {withDefaults} from '../../../support/fixtures/apiserver-rbac.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'

/** The anonymous-api scenario's grant: read everything, to anonymous users. */
const READ_EVERYTHING = withDefaults({
  roles: [{kind: 'ClusterRole', name: 'read-everything', rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch']}]}],
  bindings: [
    {
      kind: 'ClusterRoleBinding',
      name: 'anonymous-read-everything',
      roleRef: {kind: 'ClusterRole', name: 'read-everything'},
      subjects: [
        {kind: 'User', name: 'system:anonymous'},
        {kind: 'Group', name: 'system:unauthenticated'},
      ],
    },
  ],
})

describe('api-anonymous-auth', () => {
  const suite = useApiserverSuite()

  it('passes when the flag is false and anonymous requests get 401', async () => {
    suite.api.configure({anonymousAuth: false})
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', ports: {apiserverSecure: suite.api.port}}), anonymousAuthCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({setting: '--anonymous-auth', value: 'false', source: 'flag', line: 17, verdict: 'pass'})])
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `GET https://127.0.0.1:${suite.api.port}/api (no credentials)`,
        status: 401,
        verdict: 'pass',
        bodyExcerpt: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
      }),
    ])
  })

  it('warns on kubeadm’s default (anonymous on) while RBAC gives anonymous users nothing', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: suite.api.port}, kubeconfig: suite.admin}), anonymousAuthCheck)
    expect(result.status).toBe('warn')
    expect(result.config[0]).toMatchObject({value: 'true', source: 'default', verdict: 'fail', note: expect.stringMatching(/^not set, so the default true applies/)})
    expect(result.wire[0]).toMatchObject({status: 403, verdict: 'fail', bodyExcerpt: expect.stringContaining('forbidden: User \\"system:anonymous\\" cannot get path \\"/api\\"')})
    expect(result.summary).toMatch(/CIS 1\.2\.1 is a Manual control/)
  })

  it('fails outright when RBAC grants anonymous users more (the anonymous-api scenario)', async () => {
    suite.api.configure({rbac: READ_EVERYTHING})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: suite.api.port}, kubeconfig: suite.admin}), anonymousAuthCheck)
    expect(result.status).toBe('fail')
    expect(result.summary).toContain('ClusterRoleBinding anonymous-read-everything')
  })

  it('passes with AlwaysAllow, because the API server then resets anonymous auth to false itself', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverSecure: suite.api.port}}), anonymousAuthCheck)
    expect(result.status).toBe('pass')
    expect(result.config[0]).toMatchObject({value: 'true', source: 'flag', verdict: 'pass', note: expect.stringMatching(/^in effect false: .*AlwaysAllow/)})
    expect(result.wire[0]).toMatchObject({status: 401, verdict: 'pass'})
    expect(result.disagreement).toBeUndefined()
  })

  it('says the API server has not picked up --anonymous-auth=false yet', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', ports: {apiserverSecure: suite.api.port}}), anonymousAuthCheck)
    expect(result.status).toBe('warn')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('judges the wire alone without node access', async () => {
    suite.api.configure({anonymousAuth: false})
    const result = await runCheck(apiTarget({ports: {apiserverSecure: suite.api.port}}), anonymousAuthCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([])
  })

  it('judges the configuration alone when the API server is not reachable', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: suite.closedPort}}), anonymousAuthCheck)
    expect(result.status).toBe('warn')
    expect(result.wire[0]).toMatchObject({verdict: 'unknown', error: expect.stringContaining('refused')})
  })

  it('leaves the decision to the AuthenticationConfiguration file when one replaces the flag', async () => {
    suite.api.configure({anonymousAuth: false})
    const result = await runCheck(apiTarget({node: 'api-1.34-structured-config', ports: {apiserverSecure: suite.api.port}}), anonymousAuthCheck)
    expect(result.config[0]).toMatchObject({setting: '--anonymous-auth', verdict: 'unknown', note: expect.stringContaining('/etc/kubernetes/authentication-config.yaml')})
    expect(result.status).toBe('pass')
  })

  it('reports a value Go cannot parse as the error kube-apiserver starts with', async () => {
    const node = await writeApiserverNodeRoot('1.34.1', ['--anonymous-auth=yes', '--authorization-mode=Node,RBAC'])
    suite.cleanups.push(node.cleanup)
    suite.api.configure({anonymousAuth: false})
    const result = await runCheck(apiTarget({node: node.root, ports: {apiserverSecure: suite.api.port}}), anonymousAuthCheck)
    expect(result.status).toBe('error')
    expect(result.config[0]).toMatchObject({value: 'yes', verdict: 'error', note: expect.stringContaining('strconv.ParseBool: parsing "yes": invalid syntax')})
  })

  it.each(['silent', 'garbage', 'reset'] as const)('turns a %s server on the secure port into an error within the timeout', async (behaviour) => {
    const server: HostileServer = await startHostileServer(behaviour)
    suite.cleanups.push(() => server.close())
    const started = Date.now()
    const result = await runCheck(apiTarget({node: 'api-1.34-locked-down', ports: {apiserverSecure: server.port}, timeoutMs: 400}), anonymousAuthCheck)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
    expect(result.wire[0]).toMatchObject({verdict: 'error'})
  })
})
