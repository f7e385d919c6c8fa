/**
 * The auditor's own kubelet checks (KUBELET_CHECKS through runAudit) against the sim kubelet, for every combination
 * of anonymous on/off × AlwaysAllow/Webhook × read-only port on/off × client CA set/unset — and, in the same test,
 * against the kubelet fixture that copies the real kubelet's answers (test/support/fixtures/kubelet-fixture.ts) with
 * the same settings. Each check must reach the same status and the same verdict on each side on both, and those
 * must be the expected ones (test/support/fixtures/kubelet-table.ts states them and why). Webhook authorization asks the sim apiserver, where RBAC allows the audit's admin.conf user
 * (kubernetes-admin, system:masters) and nobody else; the fixture is told to allow kubernetes-admin only.
 */
import {writeFile} from 'node:fs/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {KUBELET_CHECKS} from '../../../../src/checks/catalogue/kubelet/index.js'
import {runAudit} from '../../../../src/checks/evaluate.js'
import {sideVerdict} from '../../../../src/checks/verdict.js'
import type {RunningKubeletApi} from '../../../../src/runtimes/sim/kubelet/api/kubelet-api.js'
import {startKubeletFixture, type KubeletFixture} from '../../../support/fixtures/kubelet-fixture.js'
import {kubeletTarget} from '../../../support/fixtures/kubelet-lab.js'
import type {TempNodeRoot} from '../../../support/node-roots.js'
import {COMBINATIONS, describeSettings, expectations, type Expected} from '../../../support/fixtures/kubelet-table.js'
import {ADMIN_CONF, configYaml, kubeletPorts, simNodeRoot, startKubelet, startSimCluster, type SimCluster} from './sim-node.js'

let cluster: SimCluster
const nodes: TempNodeRoot[] = []
const kubelets: RunningKubeletApi[] = []
const fixtures: KubeletFixture[] = []

beforeAll(async () => {
  cluster = await startSimCluster()
}, 60_000)

afterAll(async () => {
  for (const kubelet of kubelets) await kubelet.stop()
  await Promise.all(fixtures.map((fixture) => fixture.close()))
  for (const node of nodes) await node.remove()
  await cluster?.stop()
})

describe('the auditor\'s kubelet checks on the sim kubelet and on the fixture', () => {
  it.each(COMBINATIONS.map((settings) => [describeSettings(settings), settings] as const))('%s', async (_label, settings) => {
    const ports = await kubeletPorts()
    const node = await simNodeRoot(cluster, configYaml(cluster, {...settings, ...ports}))
    nodes.push(node)
    const kubeconfig = node.node.resolve(ADMIN_CONF)
    await writeFile(kubeconfig, (await node.node.readFile(ADMIN_CONF)) ?? '')

    const kubelet = await startKubelet(node)
    kubelets.push(kubelet)
    const onSim = await runAudit(
      await kubeletTarget({kubeletPort: kubelet.ports.secure, ...(kubelet.ports.readOnly === undefined ? {} : {readOnlyPort: kubelet.ports.readOnly}), node: node.node, kubeconfig}),
      KUBELET_CHECKS,
    )

    const fixture = await startKubeletFixture({
      serving: cluster.serving,
      anonymousAuth: settings.anonymousAuth,
      authorizationMode: settings.authorizationMode,
      webhookAllowedUsers: ['kubernetes-admin'],
      readOnlyPort: settings.readOnlyPort,
      ...(settings.clientCa ? {clientCaPem: cluster.pki.caPem} : {}),
    })
    fixtures.push(fixture)
    const onFixture = await runAudit(await kubeletTarget({fixture, node: node.node, kubeconfig}), KUBELET_CHECKS)

    const outcomes = (report: typeof onSim): Record<string, Expected> =>
      Object.fromEntries(report.results.map((result) => [result.id, [result.status, sideVerdict(result.config), sideVerdict(result.wire)]]))
    expect(outcomes(onSim)).toEqual(outcomes(onFixture))
    expect(outcomes(onSim)).toEqual(expectations(settings))
    expect(onSim.results.filter((result) => result.disagreement !== undefined)).toEqual([])
  })
})
