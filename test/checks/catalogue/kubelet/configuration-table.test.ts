import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {KUBELET_CHECKS} from '../../../../src/checks/catalogue/kubelet/index.js'
import {runAudit} from '../../../../src/checks/evaluate.js'
import {sideVerdict} from '../../../../src/checks/verdict.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {kubeletServingCertificate, startKubeletFixture, type KubeletFixture} from '../../../support/fixtures/kubelet-fixture.js'
import {CLUSTER_CA, createKubeletLabPki, KUBELET_CONFIG, kubeletConfigYaml, kubeletTarget, type KubeletLabPki} from '../../../support/fixtures/kubelet-lab.js'
import {fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'
import {COMBINATIONS, describeSettings, expectations} from '../../../support/fixtures/kubelet-table.js'

/** Every combination of the four kubelet settings, run by the fixture kubelet and audited with all five kubelet checks at once (expectations and their reasoning: test/support/fixtures/kubelet-table.ts). */
let pki: KubeletLabPki
let serving: CertificateAndKeyPem
let hardenedConfig: string
const fixtures: KubeletFixture[] = []
const nodes: TempNodeRoot[] = []

beforeAll(async () => {
  ;[pki, serving] = await Promise.all([createKubeletLabPki(), kubeletServingCertificate()])
  hardenedConfig = (await fixtureNode('kcheck-hardened').readFile(KUBELET_CONFIG)) ?? ''
})
afterAll(async () => {
  await Promise.all([...fixtures.map((fixture) => fixture.close()), ...nodes.map((node) => node.remove())])
  await pki.remove()
})

describe('the kubelet checks over every combination of settings', () => {
  it.each(COMBINATIONS.map((settings) => [describeSettings(settings), settings] as const))('%s', async (_label, settings) => {
    const fixture = await startKubeletFixture({
      serving,
      anonymousAuth: settings.anonymousAuth,
      authorizationMode: settings.authorizationMode,
      webhookAllowedUsers: ['kubernetes-admin'],
      readOnlyPort: settings.readOnlyPort,
      ...(settings.clientCa ? {clientCaPem: pki.ca.certificatePem} : {}),
    })
    fixtures.push(fixture)
    const node = await tempNodeRoot('kcheck-hardened', {[KUBELET_CONFIG]: kubeletConfigYaml(hardenedConfig, settings), [CLUSTER_CA]: pki.ca.certificatePem})
    nodes.push(node)

    const report = await runAudit(await kubeletTarget({fixture, node: node.node, kubeconfig: pki.adminKubeconfig}), KUBELET_CHECKS)

    const outcomes = Object.fromEntries(report.results.map((result) => [result.id, [result.status, sideVerdict(result.config), sideVerdict(result.wire)]]))
    expect(outcomes).toEqual(expectations(settings))
    // Both sides agree in every combination, so no result reports a disagreement.
    expect(report.results.filter((result) => result.disagreement !== undefined)).toEqual([])

    // Shared probes go out once per audit: GET /pods without and with the certificate, one POST /run.
    const secure = fixture.requests.filter((request) => request.port === 'secure').map((request) => `${request.method} ${request.path}`)
    expect(secure.sort()).toEqual(['GET /pods', 'GET /pods', 'POST /run/kubelab-probe/kubelab-probe/kubelab-probe'])
    expect(fixture.requests.filter((request) => request.port === 'read-only')).toHaveLength(settings.readOnlyPort ? 1 : 0)
  })
})
