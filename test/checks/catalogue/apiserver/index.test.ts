import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {APISERVER_CHECKS} from '../../../../src/checks/catalogue/apiserver/index.js'
import {RBAC_CHECKS} from '../../../../src/checks/catalogue/rbac/index.js'
import {runAudit} from '../../../../src/checks/evaluate.js'
import {CHECK_IDS} from '../../../../src/scenario/check-ids.js'
import {startApiserverFixture, type ApiserverFixture} from '../../../support/fixtures/apiserver-fixture.js'
import {startInsecurePortFixture, type InsecurePortFixture} from '../../../support/fixtures/apiserver-insecure-port.js'
import {writeApiserverNodeRoot, type ApiserverNodeRoot} from '../../../support/fixtures/apiserver-node-root.js'
import {createApiserverPki, type ApiserverPki} from '../../../support/fixtures/apiserver-pki.js'
import {apiTarget} from '../../../support/fixtures/apiserver-target.js'
import {freePort} from '../../../support/ports.js'

const statuses = (results: ReadonlyArray<{id: string; status: string}>): Record<string, string> => Object.fromEntries(results.map((result) => [result.id, result.status]))

describe('the API-server and RBAC checks together', () => {
  let pki: ApiserverPki
  let lockedDown: ApiserverFixture
  let allOpen: ApiserverFixture
  let insecure: InsecurePortFixture
  let openNode: ApiserverNodeRoot
  let closedPort: number

  beforeAll(async () => {
    pki = await createApiserverPki()
    ;[lockedDown, allOpen, insecure, closedPort] = await Promise.all([
      startApiserverFixture(pki.tls, {anonymousAuth: false, profiling: false}),
      startApiserverFixture(pki.tls, {authorizationModes: ['AlwaysAllow']}),
      startInsecurePortFixture(),
      freePort(),
    ])
    // kubeadm-1.19-all-open's flags, with etcd on a closed port instead of the well-known 2379.
    openNode = await writeApiserverNodeRoot('1.19.16', [
      '--anonymous-auth=true',
      '--authorization-mode=AlwaysAllow',
      `--etcd-servers=http://127.0.0.1:${closedPort}`,
      '--insecure-bind-address=127.0.0.1',
      '--insecure-port=8080',
      '--profiling=true',
    ])
  })
  afterAll(async () => {
    await Promise.all([lockedDown.close(), allOpen.close(), insecure.close(), openNode.cleanup()])
    await pki.cleanup()
  })

  it('registers the ids scenarios name, each once, with the CIS controls verified in kube-bench’s cfg', () => {
    const checks = [...APISERVER_CHECKS, ...RBAC_CHECKS]
    const ids = checks.map((check) => check.id)
    expect(ids).toEqual(['api-insecure-port', 'api-anonymous-auth', 'api-authorization-mode', 'api-anonymous-rbac', 'api-kubelet-tls', 'api-etcd-tls', 'api-profiling', 'rbac-least-privilege'])
    expect(ids.every((id) => (CHECK_IDS as readonly string[]).includes(id))).toBe(true)
    expect(Object.fromEntries(checks.map((check) => [check.id, check.cis.map((reference) => `${reference.benchmark} ${reference.id}${reference.manual ? ' (Manual)' : ''}`)]))).toEqual({
      'api-insecure-port': ['cis-1.20 1.2.18', 'cis-1.20 1.2.17'],
      'api-anonymous-auth': ['cis-1.12 1.2.1 (Manual)'],
      'api-authorization-mode': ['cis-1.12 1.2.6', 'cis-1.12 1.2.7', 'cis-1.12 1.2.8'],
      'api-anonymous-rbac': [],
      'api-kubelet-tls': ['cis-1.12 1.2.4', 'cis-1.12 1.2.5'],
      'api-etcd-tls': ['cis-1.12 1.2.23', 'cis-1.12 1.2.26'],
      'api-profiling': ['cis-1.12 1.2.15'],
      'rbac-least-privilege': ['cis-1.12 5.1.1 (Manual)', 'cis-1.12 5.1.3 (Manual)'],
    })
    expect(APISERVER_CHECKS.every((check) => check.component === 'apiserver')).toBe(true)
    expect(RBAC_CHECKS.every((check) => check.component === 'rbac')).toBe(true)
  })

  it('passes every check on a locked-down 1.34 control plane', async () => {
    const admin = await pki.kubeconfig(lockedDown.url, 'kubernetes-admin', ['kubeadm:cluster-admins'])
    const target = apiTarget({node: 'api-1.34-locked-down', kubeconfig: admin, ports: {apiserverSecure: lockedDown.port, apiserverInsecure: closedPort}})
    const report = await runAudit(target, [...APISERVER_CHECKS, ...RBAC_CHECKS])
    expect(statuses(report.results)).toEqual({
      'api-insecure-port': 'pass',
      'api-anonymous-auth': 'pass',
      'api-authorization-mode': 'pass',
      'api-anonymous-rbac': 'pass',
      'api-kubelet-tls': 'pass',
      'api-etcd-tls': 'pass',
      'api-profiling': 'pass',
      'rbac-least-privilege': 'pass',
    })
    // Reads shared between checks go out once per audit.
    const count = (path: string, user?: string): number => lockedDown.requests.filter((request) => request.path === path && request.user === user).length
    expect(count('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 'kubernetes-admin')).toBe(1)
  })

  // The all-open scenario's API server: AlwaysAllow with --anonymous-auth=true, and no grant to anonymous users.
  // kube-apiserver resets anonymous auth to false under AlwaysAllow, so the anonymous doors are shut by the
  // server itself until a learner removes AlwaysAllow; every other door is open.
  it('fails every door of a wide-open 1.19 control plane but anonymous access, which AlwaysAllow turns off, sending no probe twice', async () => {
    const admin = await pki.kubeconfig(allOpen.url, 'kubernetes-admin', ['system:masters'])
    const target = apiTarget({node: openNode.root, kubeconfig: admin, ports: {apiserverSecure: allOpen.port, apiserverInsecure: insecure.port}})
    const report = await runAudit(target, APISERVER_CHECKS)
    expect(statuses(report.results)).toEqual({
      'api-insecure-port': 'fail',
      'api-anonymous-auth': 'pass',
      'api-authorization-mode': 'fail',
      'api-anonymous-rbac': 'pass',
      'api-kubelet-tls': 'fail',
      'api-etcd-tls': 'fail',
      'api-profiling': 'fail',
    })
    const result = (id: string) => report.results.find((candidate) => candidate.id === id)
    expect(result('api-anonymous-auth')?.config[0]).toMatchObject({value: 'true', verdict: 'pass', note: expect.stringMatching(/^in effect false: /)})
    expect(result('api-authorization-mode')?.wire.map((item) => [item.status, item.verdict])).toEqual([
      [401, 'unknown'],
      [201, 'fail'],
    ])
    expect(result('api-anonymous-rbac')?.wire[0]).toMatchObject({status: 401, verdict: 'pass'})
    // Every request without credentials got a 401, and none went out twice.
    expect(allOpen.requests.filter((request) => request.user === undefined).map((request) => request.path).sort()).toEqual([
      '/api',
      '/api/v1/namespaces',
      '/api/v1/namespaces/kube-system/secrets',
      '/debug/pprof/',
    ])
    const sent = allOpen.requests.map((request) => `${request.method} ${request.path} ${request.user ?? '-'} ${request.body ?? ''}`)
    expect(new Set(sent).size).toBe(sent.length)
  })
})
