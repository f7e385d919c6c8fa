import {useApiserverSuite} from '../../../support/fixtures/apiserver-suite.js'
import {describe, expect, it} from '@jest/globals'
import {authorizationModeCheck, UNGRANTED_USER} from '../../../../src/checks/catalogue/apiserver/authorization-mode.js'
import {writeApiserverNodeRoot} from '../../../support/fixtures/apiserver-node-root.js'
import {withDefaults, type RbacObjects} from '../../../support/fixtures/apiserver-rbac.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'

/** How anonymous users really get to read everything: a binding, not AlwaysAllow (which turns anonymous auth off). */
const ANONYMOUS_CLUSTER_ADMIN: RbacObjects = withDefaults({
  bindings: [{kind: 'ClusterRoleBinding', name: 'anonymous-admin', roleRef: {kind: 'ClusterRole', name: 'cluster-admin'}, subjects: [{kind: 'Group', name: 'system:unauthenticated'}]}],
})

describe('api-authorization-mode', () => {
  const suite = useApiserverSuite()

  it('passes Node,RBAC when the anonymous list of namespaces is forbidden', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({setting: '--authorization-mode', value: 'Node,RBAC', source: 'flag', line: 17, verdict: 'pass'})])
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `GET https://127.0.0.1:${suite.api.port}/api/v1/namespaces (no credentials)`,
        status: 403,
        verdict: 'pass',
        bodyExcerpt: expect.stringContaining('"message":"namespaces is forbidden: User \\"system:anonymous\\" cannot list resource \\"namespaces\\" in API group'),
      }),
    ])
  })

  it('fails AlwaysAllow from the configuration alone when only anonymous probes are possible: they get a 401', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    const note = result.config[0]?.note ?? ''
    expect(note).toContain('CIS 1.2.6')
    expect(note).toContain('CIS 1.2.7')
    expect(note).toContain('CIS 1.2.8')
    expect(result.config[0]).toMatchObject({value: 'AlwaysAllow', verdict: 'fail'})
    // kube-apiserver resets anonymous auth to false under AlwaysAllow, so the anonymous probe never reaches the authorizer.
    expect(result.wire).toEqual([
      expect.objectContaining({status: 401, verdict: 'unknown', note: expect.stringContaining('AlwaysAllow itself makes the API server turn anonymous auth off')}),
    ])
    expect(result.summary).toMatch(/lets every request through/)
  })

  it('fails AlwaysAllow on both sides with a kubeconfig: a user nobody granted anything is allowed to list Secrets', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.wire).toEqual([
      expect.objectContaining({status: 401, verdict: 'unknown'}),
      expect.objectContaining({
        request: expect.stringMatching(/^POST https:\/\/127\.0\.0\.1:\d+\/apis\/authorization\.k8s\.io\/v1\/subjectaccessreviews \(kubeconfig .*user kubernetes-admin\)$/),
        status: 201,
        verdict: 'fail',
        note: `asked whether ${UNGRANTED_USER}, a user with no groups whom no binding names, may list secrets in namespace kube-system: allowed — the authorizer allows every request (AlwaysAllow)`,
      }),
    ])
    const review = suite.api.requests.find((request) => request.path === '/apis/authorization.k8s.io/v1/subjectaccessreviews')
    expect(review?.user).toBe('kubernetes-admin')
    expect(JSON.parse(review?.body ?? '{}')).toMatchObject({kind: 'SubjectAccessReview', spec: {user: UNGRANTED_USER, groups: [], resourceAttributes: {verb: 'list', resource: 'secrets', namespace: 'kube-system'}}})
    expect(result.summary).toMatch(/lets every request through/)
  })

  it('applies the default AlwaysAllow when the flag is absent', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'api-1.19-defaults', ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.config[0]).toMatchObject({value: 'AlwaysAllow', source: 'default', verdict: 'fail', note: expect.stringMatching(/^not set, so the default AlwaysAllow applies/)})
  })

  it('fails a chain without Node as incomplete', async () => {
    const node = await writeApiserverNodeRoot('1.34.1', ['--authorization-mode=RBAC'])
    suite.cleanups.push(node.cleanup)
    const result = await runCheck(apiTarget({node: node.root, ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.config[0]?.note).toMatch(/^lacks Node/)
    expect(result.summary).toMatch(/incomplete/)
    expect(result.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it('says the API server still runs AlwaysAllow after the manifest was fixed (seen through the kubeconfig, not anonymously)', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.config[0]).toMatchObject({value: 'Node,RBAC', verdict: 'pass'})
    expect(result.wire.map((item) => [item.status, item.verdict])).toEqual([
      [401, 'unknown'],
      [201, 'fail'],
    ])
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('says the running API server has not picked up the manifest’s AlwaysAllow yet: its authorizers still refuse', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.config[0]).toMatchObject({value: 'AlwaysAllow', verdict: 'fail'})
    expect(result.wire).toEqual([
      expect.objectContaining({status: 403, verdict: 'pass'}),
      expect.objectContaining({status: 201, verdict: 'pass', note: expect.stringMatching(/: not allowed — the running authorizer chain is not AlwaysAllow$/)}),
    ])
    expect(result.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it('does not blame the mode when an RBAC grant lets anonymous users list namespaces', async () => {
    suite.api.configure({
      rbac: withDefaults({
        roles: [{kind: 'ClusterRole', name: 'namespace-reader', rules: [{apiGroups: [''], resources: ['namespaces'], verbs: ['list']}]}],
        bindings: [{kind: 'ClusterRoleBinding', name: 'anonymous-namespaces', roleRef: {kind: 'ClusterRole', name: 'namespace-reader'}, subjects: [{kind: 'User', name: 'system:anonymous'}]}],
      }),
    })
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('pass')
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'unknown', note: expect.stringContaining('api-anonymous-rbac')})
  })

  it('does not blame the mode when cluster-admin is bound to system:unauthenticated, although anonymous users may do anything', async () => {
    suite.api.configure({rbac: ANONYMOUS_CLUSTER_ADMIN})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('pass')
    expect(result.wire).toEqual([
      expect.objectContaining({status: 200, verdict: 'unknown', bodyExcerpt: expect.stringContaining('"kind":"NamespaceList"'), note: expect.stringContaining('api-anonymous-rbac')}),
      expect.objectContaining({status: 201, verdict: 'pass'}),
    ])
  })

  it('cannot see the authorizer when anonymous requests are rejected, and lets the configuration decide', async () => {
    suite.api.configure({anonymousAuth: false, authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({status: 401, verdict: 'unknown', note: expect.stringContaining('SelfSubjectAccessReview')})
  })

  it('judges the wire alone without node access, through the kubeconfig', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([])
    expect(result.wire.map((item) => [item.status, item.verdict])).toEqual([
      [401, 'unknown'],
      [201, 'fail'],
    ])
    expect(result.summary).toMatch(/lets every request through/)
  })

  it('cannot tell AlwaysAllow without node access or kubeconfig: the anonymous probe only gets a 401', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('skip')
    expect(result.wire).toEqual([expect.objectContaining({status: 401, verdict: 'unknown'})])
  })

  it('cannot ask about the authorizer as a kubeconfig user whom RBAC does not let create SubjectAccessReviews', async () => {
    const jane = await suite.pki.kubeconfig(suite.api.url, 'jane', ['developers'])
    const result = await runCheck(apiTarget({node: 'kubeadm-1.19-all-open', kubeconfig: jane, ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[1]).toMatchObject({status: 403, verdict: 'unknown', note: expect.stringContaining("the kubeconfig's user may not create SubjectAccessReviews")})
  })

  it('judges the configuration alone when the API server is not reachable', async () => {
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: suite.closedPort}}), authorizationModeCheck)
    expect(result.status).toBe('pass')
    expect(result.wire[0]).toMatchObject({verdict: 'unknown'})
  })

  it('does not guess the mode when an AuthorizationConfiguration file replaces the flag', async () => {
    const result = await runCheck(apiTarget({node: 'api-1.34-structured-config', ports: {apiserverSecure: suite.api.port}}), authorizationModeCheck)
    expect(result.config[0]).toMatchObject({verdict: 'unknown', note: expect.stringContaining('/etc/kubernetes/authorization-config.yaml')})
    expect(result.status).toBe('pass')
    expect(result.summary).toMatch(/could not be read/)
  })

  it.each(['silent', 'reset'] as const)('turns a %s server on the secure port into an error within the timeout', async (behaviour) => {
    const server: HostileServer = await startHostileServer(behaviour)
    suite.cleanups.push(() => server.close())
    const started = Date.now()
    const result = await runCheck(apiTarget({node: 'kubeadm-1.34-hardened', ports: {apiserverSecure: server.port}, timeoutMs: 400}), authorizationModeCheck)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
  })
})
