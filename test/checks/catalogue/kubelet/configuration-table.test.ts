import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {KUBELET_CHECKS} from '../../../../src/checks/catalogue/kubelet/index.js'
import {runAudit} from '../../../../src/checks/evaluate.js'
import type {SideVerdict, Status} from '../../../../src/checks/model.js'
import {sideVerdict} from '../../../../src/checks/verdict.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {kubeletServingCertificate, startKubeletFixture, type KubeletFixture} from '../../../support/fixtures/kubelet-fixture.js'
import {CLUSTER_CA, createKubeletLabPki, KUBELET_CONFIG, kubeletConfigYaml, kubeletTarget, type KubeletFileSettings, type KubeletLabPki} from '../../../support/fixtures/kubelet-lab.js'
import {fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'

/**
 * Every combination of the four kubelet settings, written to config.yaml and run by the fixture
 * kubelet alike, audited with all five kubelet checks at once. Webhook allows kubernetes-admin (as
 * RBAC does for kubeadm's admin.conf) and nobody else; the audit presents admin.conf.
 *
 * Expected outcomes, per check, as [status, configuration side, wire side]:
 * - anonymous-auth: anonymous on fails both sides (200 with AlwaysAllow, 403 naming system:anonymous
 *   with Webhook); off passes both (401).
 * - authorization-mode: the file decides the status. The wire fails when a stranger gets 200
 *   (anonymous + AlwaysAllow), passes on a 403 (anonymous + Webhook), and cannot tell when
 *   anonymous is off (401) — the admin's certificate gets 200 under both modes, or 401 without a client CA.
 * - client-ca: the file decides the status. With a client CA the admin is served while strangers
 *   are refused (pass), except when strangers are served too (unknown). Without one the certificate
 *   is never asked for: 403 system:anonymous or 401 (fail), or 200 like everyone else (unknown).
 * - read-only-port: open fails both sides (pods over plain HTTP), closed passes both (refused).
 * - exec-unauthenticated: fails both sides only for anonymous + AlwaysAllow (404 on the made-up pod).
 */
type Expected = [Status, SideVerdict, SideVerdict]

function expectations(settings: KubeletFileSettings): Record<string, Expected> {
  const {anonymousAuth: anonymous, clientCa} = settings
  const alwaysAllow = settings.authorizationMode === 'AlwaysAllow'
  const strangersServed = anonymous && alwaysAllow
  return {
    'kubelet-anonymous-auth': anonymous ? ['fail', 'fail', 'fail'] : ['pass', 'pass', 'pass'],
    'kubelet-authorization-mode': [alwaysAllow ? 'fail' : 'pass', alwaysAllow ? 'fail' : 'pass', strangersServed ? 'fail' : anonymous ? 'pass' : 'unknown'],
    'kubelet-client-ca': clientCa ? ['pass', 'pass', strangersServed ? 'unknown' : 'pass'] : ['fail', 'fail', strangersServed ? 'unknown' : 'fail'],
    'kubelet-read-only-port': settings.readOnlyPort ? ['fail', 'fail', 'fail'] : ['pass', 'pass', 'pass'],
    'kubelet-exec-unauthenticated': strangersServed ? ['fail', 'fail', 'fail'] : ['pass', 'pass', 'pass'],
  }
}

const COMBINATIONS: KubeletFileSettings[] = []
for (const anonymousAuth of [false, true]) {
  for (const authorizationMode of ['Webhook', 'AlwaysAllow'] as const) {
    for (const readOnlyPort of [false, true]) {
      for (const clientCa of [true, false]) COMBINATIONS.push({anonymousAuth, authorizationMode, readOnlyPort, clientCa})
    }
  }
}

function describeSettings(settings: KubeletFileSettings): string {
  return [
    `anonymous ${settings.anonymousAuth ? 'on' : 'off'}`,
    settings.authorizationMode,
    `read-only port ${settings.readOnlyPort ? 'on' : 'off'}`,
    `client CA ${settings.clientCa ? 'set' : 'unset'}`,
  ].join(', ')
}

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
