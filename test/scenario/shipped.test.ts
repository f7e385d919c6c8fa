import {beforeAll, describe, expect, it} from '@jest/globals'
import path from 'node:path'
import {CHECK_IDS} from '../../src/scenario/check-ids.js'
import {loadScenarios} from '../../src/scenario/load.js'
import type {Scenario} from '../../src/scenario/schema.js'

const SCENARIOS = path.resolve('scenarios')

describe('shipped scenarios', () => {
  let scenarios: Map<string, Scenario>

  beforeAll(async () => {
    scenarios = new Map((await loadScenarios(SCENARIOS)).map((scenario) => [scenario.id, scenario]))
  })

  const get = (id: string): Scenario => {
    const scenario = scenarios.get(id)
    if (!scenario) throw new Error(`scenario ${id} not shipped`)
    return scenario
  }

  it('ships all-open and one scenario per topic', () => {
    expect([...scenarios.keys()].sort()).toEqual([
      'all-open',
      'anonymous-api',
      'attack-surface',
      'etcd-no-client-auth',
      'etcd-plaintext',
      'insecure-port',
      'kubelet-anonymous',
      'kubelet-read-only',
      'least-privilege',
    ])
  })

  it('only names catalogue checks in steps', () => {
    for (const scenario of scenarios.values()) {
      for (const step of scenario.steps) {
        for (const check of step.checks) expect(CHECK_IDS).toContain(check)
      }
    }
  })

  it('pins the insecure-port scenarios to Kubernetes 1.19.16 and the others to 1.34', () => {
    expect(get('all-open').kubernetesVersion).toBe('1.19.16')
    expect(get('insecure-port').kubernetesVersion).toBe('1.19.16')
    for (const id of ['anonymous-api', 'attack-surface', 'kubelet-anonymous', 'kubelet-read-only', 'etcd-plaintext', 'etcd-no-client-auth', 'least-privilege']) {
      expect(get(id).kubernetesVersion).toMatch(/^1\.34\.\d+$/)
    }
  })

  it('opens every layer in all-open', () => {
    const {misconfigurations, steps} = get('all-open')
    expect(misconfigurations.apiserver.setFlags).toMatchObject({
      'insecure-port': '8080',
      'insecure-bind-address': '127.0.0.1',
      'anonymous-auth': 'true',
      'authorization-mode': 'AlwaysAllow',
      'etcd-servers': 'http://127.0.0.1:2379',
    })
    expect(misconfigurations.kubelet.config).toEqual({
      authentication: {anonymous: {enabled: true}},
      authorization: {mode: 'AlwaysAllow'},
      readOnlyPort: 10255,
    })
    expect(misconfigurations.etcd.setFlags['listen-client-urls']).toBe('http://127.0.0.1:2379')
    expect(misconfigurations.etcd.removeFlags).toEqual(expect.arrayContaining(['cert-file', 'key-file', 'trusted-ca-file', 'client-cert-auth']))

    const binding = misconfigurations.rbac.find((object) => object.kind === 'ClusterRoleBinding')
    expect(binding).toMatchObject({
      roleRef: {kind: 'ClusterRole', name: 'cluster-admin'},
      subjects: [{kind: 'ServiceAccount', name: 'ingress-nginx', namespace: 'ingress-nginx'}],
    })
    const controller = misconfigurations.seed.pods.find((pod) => pod.name === 'ingress-nginx-controller')
    expect(controller).toMatchObject({namespace: 'ingress-nginx', serviceAccountName: 'ingress-nginx'})
    expect(controller?.volumes?.[0]?.secret?.secretName).toBe('ingress-nginx-token')
    expect(misconfigurations.seed.secrets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({name: 'ingress-nginx-token', type: 'kubernetes.io/service-account-token', serviceAccountName: 'ingress-nginx'}),
        expect.objectContaining({namespace: 'default', stringData: expect.objectContaining({DB_PASSWORD: expect.any(String)})}),
      ]),
    )
    expect(steps.flatMap((step) => step.checks)).toEqual(
      expect.arrayContaining(['api-insecure-port', 'kubelet-anonymous-auth', 'kubelet-read-only-port', 'etcd-client-tls', 'rbac-least-privilege']),
    )
  })

  it('keeps TLS but drops both client-certificate settings in etcd-no-client-auth', () => {
    const {etcd} = get('etcd-no-client-auth').misconfigurations
    expect(etcd.setFlags).toEqual({'client-cert-auth': 'false'})
    expect(etcd.removeFlags).toEqual(['trusted-ca-file'])
  })

  it('grants anonymous users broad read in anonymous-api', () => {
    const {rbac, apiserver} = get('anonymous-api').misconfigurations
    expect(apiserver.setFlags['anonymous-auth']).toBe('true')
    const binding = rbac.find((object) => object.kind === 'ClusterRoleBinding')
    expect(binding && 'subjects' in binding ? binding.subjects.map((subject) => subject.name) : []).toEqual(['system:anonymous', 'system:unauthenticated'])
  })

  it('opens only unused exposure in attack-surface: the read-only port and the profiler', () => {
    const {misconfigurations, steps} = get('attack-surface')
    expect(misconfigurations.apiserver.setFlags).toEqual({profiling: 'true'})
    expect(misconfigurations.kubelet.config).toEqual({readOnlyPort: 10255})
    expect(steps.map((step) => step.checks)).toEqual([['kubelet-read-only-port'], ['api-profiling']])
  })

  it('binds the ingress controller to cluster-admin in least-privilege', () => {
    const {rbac} = get('least-privilege').misconfigurations
    expect(rbac).toEqual([
      expect.objectContaining({kind: 'ClusterRoleBinding', roleRef: expect.objectContaining({name: 'cluster-admin'})}),
    ])
  })
})
