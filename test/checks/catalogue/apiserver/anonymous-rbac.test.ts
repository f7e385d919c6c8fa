import {useApiserverSuite} from '../../../support/fixtures/apiserver-suite.js'
import {describe, expect, it} from '@jest/globals'
import {anonymousRbacCheck} from '../../../../src/checks/catalogue/apiserver/anonymous-rbac.js'
import {DEFAULT_RBAC, withDefaults, type RbacObjects} from '../../../support/fixtures/apiserver-rbac.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'

/** scenarios/anonymous-api.yaml's misconfiguration. */
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

/** Only the default bindings, but the default system:public-info-viewer role was edited to list Secrets too. */
const WIDENED_PUBLIC_INFO_VIEWER: RbacObjects = {
  bindings: DEFAULT_RBAC.bindings,
  roles: DEFAULT_RBAC.roles.map((role) =>
    role.name === 'system:public-info-viewer' ? {...role, rules: [...role.rules, {apiGroups: [''], resources: ['secrets'], verbs: ['list']}]} : role,
  ),
}

describe('api-anonymous-rbac', () => {
  const suite = useApiserverSuite()

  it('passes a cluster with only the default grants (public-info-viewer, kubeadm’s cluster-info reader)', async () => {
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({value: 'only the defaults', source: 'api', verdict: 'pass', note: expect.stringContaining('user kubernetes-admin')})])
    expect(result.wire).toEqual([expect.objectContaining({request: `GET https://127.0.0.1:${suite.api.port}/api/v1/namespaces/kube-system/secrets (no credentials)`, status: 403, verdict: 'pass'})])
    const listed = suite.api.requests.filter((request) => request.path.startsWith('/apis/rbac.authorization.k8s.io/v1/')).map((request) => `${request.path} as ${request.user}`)
    expect(listed.sort()).toEqual(
      ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'].map((resource) => `/apis/rbac.authorization.k8s.io/v1/${resource} as kubernetes-admin`),
    )
  })

  it('fails on both sides when anonymous users may read everything (the anonymous-api scenario)', async () => {
    suite.api.configure({rbac: READ_EVERYTHING})
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([
      {
        setting: 'ClusterRoleBinding anonymous-read-everything',
        value: 'User system:anonymous, Group system:unauthenticated → ClusterRole read-everything',
        source: 'api',
        verdict: 'fail',
        note: 'grants get, list, watch on * in API groups *',
      },
    ])
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail', bodyExcerpt: expect.stringContaining('"kind":"SecretList"')})
    expect(result.summary).toMatch(/reads kube-system’s Secrets without credentials/)
  })

  it('flags cluster-admin for system:authenticated, which an anonymous request cannot show', async () => {
    suite.api.configure({
      rbac: withDefaults({bindings: [{kind: 'ClusterRoleBinding', name: 'everyone-admin', roleRef: {kind: 'ClusterRole', name: 'cluster-admin'}, subjects: [{kind: 'Group', name: 'system:authenticated'}]}]}),
    })
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.config[0]).toMatchObject({setting: 'ClusterRoleBinding everyone-admin', value: 'Group system:authenticated → ClusterRole cluster-admin'})
    expect(result.wire[0]).toMatchObject({status: 403, verdict: 'unknown'})
  })

  it('calls the grants dormant while anonymous auth is off, and still fails', async () => {
    suite.api.configure({rbac: READ_EVERYTHING, anonymousAuth: false})
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({status: 401, verdict: 'unknown', note: expect.stringContaining('dormant')})
  })

  it('passes AlwaysAllow with the default bindings: the API server turns anonymous auth off, so the anonymous read gets a 401', async () => {
    suite.api.configure({authorizationModes: ['AlwaysAllow']})
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({value: 'only the defaults', verdict: 'pass'})])
    expect(result.wire).toEqual([expect.objectContaining({status: 401, verdict: 'pass', note: expect.stringContaining('rejected (401)')})])
  })

  it('fails on the wire when anonymous users read Secrets although no binding beyond the defaults grants it (a widened default role)', async () => {
    suite.api.configure({rbac: WIDENED_PUBLIC_INFO_VIEWER})
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([expect.objectContaining({value: 'only the defaults', verdict: 'pass'})])
    expect(result.wire[0]).toMatchObject({
      status: 200,
      verdict: 'fail',
      note: expect.stringContaining('No binding beyond the defaults explains it: a default role was widened (system:public-info-viewer'),
    })
    expect(result.disagreement).toMatch(/^The bindings hold only the defaults, yet anonymous users read Secrets: a default role was widened/)
    expect(result.summary).toMatch(/reads kube-system’s Secrets without credentials/)
  })

  it('judges the wire alone without a kubeconfig, without claiming what the unread bindings hold', async () => {
    suite.api.configure({rbac: READ_EVERYTHING})
    const result = await runCheck(apiTarget({ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([])
    expect(result.wire).toEqual([expect.objectContaining({status: 200, verdict: 'fail', note: expect.not.stringContaining('No binding')})])
    expect(result.disagreement).toBeUndefined()
  })

  it('judges the bindings alone when the anonymous probe cannot reach the API server', async () => {
    suite.api.configure({rbac: READ_EVERYTHING})
    const result = await runCheck(apiTarget({kubeconfig: suite.admin, ports: {apiserverSecure: suite.closedPort}}), anonymousRbacCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({verdict: 'unknown', error: expect.stringContaining('refused')})
  })

  it('cannot read the bindings with a certificate the API server does not trust', async () => {
    const untrusted = await suite.pki.untrustedKubeconfig(suite.api.url, 'mallory')
    const result = await runCheck(apiTarget({kubeconfig: untrusted, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.config).toEqual([expect.objectContaining({verdict: 'unknown', note: expect.stringContaining("rejected the kubeconfig's credentials (401 Unauthorized)")})])
    expect(result.status).toBe('pass')
  })

  it('cannot read the bindings as a user without RBAC rights', async () => {
    const nobody = await suite.pki.kubeconfig(suite.api.url, 'jane', ['developers'])
    const result = await runCheck(apiTarget({kubeconfig: nobody, ports: {apiserverSecure: suite.api.port}}), anonymousRbacCheck)
    expect(result.config[0]).toMatchObject({
      verdict: 'unknown',
      note: expect.stringContaining('may not list clusterrolebindings: clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "jane" cannot list resource "clusterrolebindings"'),
    })
  })

  it.each(['silent', 'reset'] as const)('turns a %s server on the secure port into an error within the timeout', async (behaviour) => {
    const server: HostileServer = await startHostileServer(behaviour)
    suite.cleanups.push(() => server.close())
    const started = Date.now()
    const result = await runCheck(apiTarget({ports: {apiserverSecure: server.port}, timeoutMs: 400}), anonymousRbacCheck)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
  })
})
