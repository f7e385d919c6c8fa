import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import {leastPrivilegeCheck} from '../../../../src/checks/catalogue/rbac/least-privilege.js'
import {defaultState, startApiserverFixture, type ApiserverFixture} from '../../../support/fixtures/apiserver-fixture.js'
import {createApiserverPki, type ApiserverPki} from '../../../support/fixtures/apiserver-pki.js'
import {withDefaults, type FixtureBinding, type FixtureRole} from '../../../support/fixtures/apiserver-rbac.js'
import {apiTarget, runCheck} from '../../../support/fixtures/apiserver-target.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {freePort} from '../../../support/ports.js'

const SAR_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews'

/** scenarios/least-privilege.yaml: the ingress controller bound to cluster-admin. */
const INGRESS_ADMIN: FixtureBinding = {
  kind: 'ClusterRoleBinding',
  name: 'ingress-nginx',
  roleRef: {kind: 'ClusterRole', name: 'cluster-admin'},
  subjects: [{kind: 'ServiceAccount', name: 'ingress-nginx', namespace: 'ingress-nginx'}],
}

/** The fix the lesson asks for: read-only access to what an ingress controller reads. */
const INGRESS_READER: FixtureRole = {
  kind: 'ClusterRole',
  name: 'ingress-nginx',
  rules: [
    {apiGroups: [''], resources: ['services', 'endpoints', 'namespaces'], verbs: ['get', 'list', 'watch']},
    {apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: ['get', 'list', 'watch']},
  ],
}

interface ReviewBody {
  spec: {user?: string; groups?: string[]; resourceAttributes?: Record<string, string>}
}

describe('rbac-least-privilege', () => {
  let pki: ApiserverPki
  let api: ApiserverFixture
  let admin: string

  beforeAll(async () => {
    pki = await createApiserverPki()
    api = await startApiserverFixture(pki.tls)
    admin = await pki.kubeconfig(api.url, 'kubernetes-admin', ['kubeadm:cluster-admins'])
  })
  beforeEach(() => {
    api.configure(defaultState())
    api.requests.length = 0
  })
  afterAll(async () => {
    await api.close()
    await pki.cleanup()
  })

  const reviews = (): ReviewBody[] => api.requests.filter((request) => request.path === SAR_PATH).map((request) => JSON.parse(request.body ?? '{}') as ReviewBody)

  it('passes kubeadm’s defaults: cluster-admin only for system:masters and kubeadm:cluster-admins, wildcards only for controllers', async () => {
    const result = await runCheck(apiTarget({kubeconfig: admin}), leastPrivilegeCheck)
    expect(result.status).toBe('pass')
    expect(result.config).toEqual([expect.objectContaining({setting: 'RBAC bindings', source: 'api', verdict: 'pass', value: expect.stringMatching(/^8 bindings read as kubeconfig /)})])
    expect(result.wire).toEqual([])
    expect(reviews()).toEqual([])
  })

  it('fails the ingress controller bound to cluster-admin, and proves the grant live with a SubjectAccessReview', async () => {
    api.configure({rbac: withDefaults({bindings: [INGRESS_ADMIN]})})
    const result = await runCheck(apiTarget({kubeconfig: admin}), leastPrivilegeCheck)
    expect(result.status).toBe('fail')
    expect(result.config).toEqual([
      {
        setting: 'ClusterRoleBinding ingress-nginx',
        value: 'ServiceAccount ingress-nginx/ingress-nginx → ClusterRole cluster-admin',
        source: 'api',
        verdict: 'fail',
        note: expect.stringContaining('CIS 5.1.1'),
      },
    ])
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: expect.stringMatching(new RegExp(`^POST ${api.url}${SAR_PATH} \\(kubeconfig .*, user kubernetes-admin\\)$`)),
        status: 201,
        verdict: 'fail',
        note: expect.stringContaining(
          'asked whether system:serviceaccount:ingress-nginx:ingress-nginx may list secrets in all namespaces: allowed (RBAC: allowed by ClusterRoleBinding "ingress-nginx" of ClusterRole "cluster-admin" to ServiceAccount "ingress-nginx/ingress-nginx")',
        ),
      }),
    ])
    expect(reviews()).toEqual([
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          resourceAttributes: {namespace: '', verb: 'list', group: '', resource: 'secrets'},
          groups: ['system:serviceaccounts', 'system:serviceaccounts:ingress-nginx', 'system:authenticated'],
          user: 'system:serviceaccount:ingress-nginx:ingress-nginx',
        },
      },
    ])
    expect(result.summary).toMatch(/^ServiceAccount ingress-nginx\/ingress-nginx holds cluster-admin through ClusterRoleBinding ingress-nginx/)
  })

  it('passes once the binding points at a read-only role', async () => {
    api.configure({rbac: withDefaults({roles: [INGRESS_READER], bindings: [{...INGRESS_ADMIN, roleRef: {kind: 'ClusterRole', name: 'ingress-nginx'}}]})})
    const result = await runCheck(apiTarget({kubeconfig: admin}), leastPrivilegeCheck)
    expect(result.status).toBe('pass')
  })

  it('fails a namespaced wildcard role and asks about it in that namespace', async () => {
    api.configure({
      rbac: withDefaults({
        roles: [{kind: 'Role', name: 'deployer', namespace: 'shop', rules: [{apiGroups: ['apps'], resources: ['deployments'], verbs: ['*']}]}],
        bindings: [{kind: 'RoleBinding', name: 'ci-deployer', namespace: 'shop', roleRef: {kind: 'Role', name: 'deployer'}, subjects: [{kind: 'User', name: 'ci-bot'}]}],
      }),
    })
    const result = await runCheck(apiTarget({kubeconfig: admin}), leastPrivilegeCheck)
    expect(result.status).toBe('fail')
    expect(result.config[0]).toMatchObject({setting: 'RoleBinding shop/ci-deployer', value: 'User ci-bot → Role deployer', note: expect.stringContaining('* on deployments in API groups apps')})
    expect(result.wire[0]).toMatchObject({
      verdict: 'fail',
      note: expect.stringContaining('may * deployments.apps in namespace shop: allowed (RBAC: allowed by RoleBinding "ci-deployer/shop" of Role "deployer" to User "ci-bot")'),
    })
  })

  it('does not exempt a user workload in kube-system, nor the every-service-account group', async () => {
    api.configure({
      rbac: withDefaults({
        bindings: [
          {kind: 'ClusterRoleBinding', name: 'tiller', roleRef: {kind: 'ClusterRole', name: 'cluster-admin'}, subjects: [{kind: 'ServiceAccount', name: 'tiller', namespace: 'kube-system'}]},
          {kind: 'ClusterRoleBinding', name: 'permissive-binding', roleRef: {kind: 'ClusterRole', name: 'cluster-admin'}, subjects: [{kind: 'Group', name: 'system:serviceaccounts'}]},
        ],
      }),
    })
    const result = await runCheck(apiTarget({kubeconfig: admin}), leastPrivilegeCheck)
    expect(result.config.map((item) => item.value)).toEqual(['ServiceAccount kube-system/tiller → ClusterRole cluster-admin', 'Group system:serviceaccounts → ClusterRole cluster-admin'])
    expect(result.wire.map((item) => item.verdict)).toEqual(['fail', 'fail'])
    expect(reviews().map((review) => review.spec.groups)).toContainEqual(['system:serviceaccounts'])
  })

  it('reports a binding RBAC does not enforce (no RBAC authorizer) as weak in the configuration, closed on the wire', async () => {
    const superAdmin = await pki.kubeconfig(api.url, 'kubernetes-super-admin', ['system:masters'])
    api.configure({authorizationModes: ['Node'], rbac: withDefaults({bindings: [INGRESS_ADMIN]})})
    const result = await runCheck(apiTarget({kubeconfig: superAdmin}), leastPrivilegeCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({verdict: 'pass', note: expect.stringContaining('not allowed')})
    expect(result.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it('cannot prove the grant live when the kubeconfig user may not create SubjectAccessReviews', async () => {
    const auditorRole: FixtureRole = {
      kind: 'ClusterRole',
      name: 'rbac-auditor',
      rules: [{apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings', 'rolebindings', 'clusterroles', 'roles'], verbs: ['list']}],
    }
    const auditor = await pki.kubeconfig(api.url, 'auditor', [])
    api.configure({
      rbac: withDefaults({
        roles: [auditorRole],
        bindings: [INGRESS_ADMIN, {kind: 'ClusterRoleBinding', name: 'rbac-auditor', roleRef: {kind: 'ClusterRole', name: 'rbac-auditor'}, subjects: [{kind: 'User', name: 'auditor'}]}],
      }),
    })
    const result = await runCheck(apiTarget({kubeconfig: auditor}), leastPrivilegeCheck)
    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({status: 403, verdict: 'unknown', note: expect.stringContaining('may not create SubjectAccessReviews')})
  })

  it('skips without a kubeconfig, saying what it needs', async () => {
    const result = await runCheck(apiTarget({}), leastPrivilegeCheck)
    expect(result.status).toBe('skip')
    expect(result.summary).toMatch(/Needs a kubeconfig/)
  })

  it('says so when the kubeconfig’s API server is not reachable', async () => {
    const unreachable = await pki.kubeconfig(`https://127.0.0.1:${await freePort()}`, 'kubernetes-admin', ['kubeadm:cluster-admins'])
    const result = await runCheck(apiTarget({kubeconfig: unreachable}), leastPrivilegeCheck)
    expect(result.status).toBe('skip')
    expect(result.config).toEqual([expect.objectContaining({verdict: 'unknown', note: expect.stringContaining('not reachable (connection refused)')})])
  })

  it('turns a silent API server into an error within the timeout', async () => {
    const server = await startHostileServer('silent')
    try {
      const silent = await pki.kubeconfig(`https://127.0.0.1:${server.port}`, 'kubernetes-admin', ['kubeadm:cluster-admins'])
      const started = Date.now()
      const result = await runCheck(apiTarget({kubeconfig: silent, timeoutMs: 400}), leastPrivilegeCheck)
      expect(Date.now() - started).toBeLessThan(2000)
      expect(result.status).toBe('error')
      expect(result.summary).toContain('no answer within 400 ms')
    } finally {
      await server.close()
    }
  })
})
