import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {kubeletExecUnauthenticated} from '../../../../src/checks/catalogue/kubelet/exec-unauthenticated.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'
import {kubeletServingCertificate, startKubeletFixture, type KubeletFixture, type KubeletFixtureOptions} from '../../../support/fixtures/kubelet-fixture.js'
import {auditOne, KUBEADM_FLAGS, KUBELET_CONFIG, kubeletTarget, nodeWithSettings} from '../../../support/fixtures/kubelet-lab.js'
import {fixtureNode, type TempNodeRoot} from '../../../support/node-roots.js'

const RUN_PATH = '/run/kubelab-probe/kubelab-probe/kubelab-probe'

let serving: CertificateAndKeyPem
let hardenedConfig: string
const servers: Array<KubeletFixture | HostileServer> = []
const temps: TempNodeRoot[] = []

beforeAll(async () => {
  serving = await kubeletServingCertificate()
  hardenedConfig = (await fixtureNode('kcheck-hardened').readFile(KUBELET_CONFIG)) ?? ''
})
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.remove()))
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

async function kubelet(options: KubeletFixtureOptions): Promise<KubeletFixture> {
  const fixture = await startKubeletFixture({serving, ...options})
  servers.push(fixture)
  return fixture
}

describe('kubelet-exec-unauthenticated', () => {
  it('passes when anonymous is off: the anonymous POST to /run gets 401', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened')}), kubeletExecUnauthenticated)

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration and wire agree.')
    expect(result.config.map((item) => [item.setting, item.value, item.verdict])).toEqual([
      ['authentication.anonymous.enabled', 'false', 'pass'],
      ['authorization.mode', 'Webhook', 'pass'],
    ])
    expect(result.wire).toEqual([
      expect.objectContaining({request: `POST https://127.0.0.1:${fixture.port}${RUN_PATH} (no credentials)`, status: 401, verdict: 'pass'}),
    ])
  })

  it('fails on both sides with anonymous on and AlwaysAllow: the made-up pod gets 404 and nothing runs', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-all-open')}), kubeletExecUnauthenticated)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe(
      `Anyone who can reach port ${fixture.port} can run commands in this node's containers: an anonymous POST to /run got past authentication and authorization.`,
    )
    expect(result.config.map((item) => [item.setting, item.value, item.verdict])).toEqual([
      ['authentication.anonymous.enabled', 'true', 'fail'],
      ['authorization.mode', 'AlwaysAllow', 'fail'],
    ])
    expect(result.wire).toEqual([expect.objectContaining({status: 404, bodyExcerpt: 'pod does not exist', verdict: 'fail'})])
    expect(result.wire[0]?.note).toMatch(/only the made-up pod name "kubelab-probe" stopped it .*\(KHV040\)$/)
    expect(fixture.requests).toEqual([{port: 'secure', method: 'POST', path: RUN_PATH, body: 'cmd=id', user: 'system:anonymous'}])
  })

  it('passes with anonymous on under Webhook: the authorizer refuses, and the note points at kubelet-anonymous-auth', async () => {
    const node = await nodeWithSettings(hardenedConfig, {anonymousAuth: true, authorizationMode: 'Webhook', readOnlyPort: false, clientCa: true})
    temps.push(node)
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture, node: node.node}), kubeletExecUnauthenticated)

    expect(result.status).toBe('pass')
    expect(result.config[0]).toMatchObject({value: 'true', verdict: 'pass', note: 'anonymous requests are let in, but Webhook authorization still has to allow them (kubelet-anonymous-auth fails on this)'})
    expect(result.wire).toEqual([
      expect.objectContaining({status: 403, bodyExcerpt: 'Forbidden (user=system:anonymous, verb=create, resource=nodes, subresource=proxy)', verdict: 'pass'}),
    ])
  })

  it('passes with AlwaysAllow but anonymous off, and the note points at kubelet-authorization-mode', async () => {
    const node = await nodeWithSettings(hardenedConfig, {anonymousAuth: false, authorizationMode: 'AlwaysAllow', readOnlyPort: false, clientCa: true})
    temps.push(node)
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: node.node}), kubeletExecUnauthenticated)

    expect(result.status).toBe('pass')
    expect(result.config[1]).toMatchObject({value: 'AlwaysAllow', verdict: 'pass', note: expect.stringMatching(/kubelet-authorization-mode fails on this/)})
  })

  it('reads both weaknesses from kubeadm-flags.env over a hardened config.yaml', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-flag-over-file')}), kubeletExecUnauthenticated)

    expect(result.status).toBe('fail')
    expect(result.config.map((item) => [item.setting, item.source, item.file, item.line, item.verdict])).toEqual([
      ['--anonymous-auth', 'flag', KUBEADM_FLAGS, 1, 'fail'],
      ['--authorization-mode', 'flag', KUBEADM_FLAGS, 1, 'fail'],
    ])
  })

  it('says "fixed in the configuration, still open on the wire" when the kubelet has not restarted', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened')}), kubeletExecUnauthenticated)

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('passes when the debugging handlers are off, even though authorization let the request through', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow', debuggingHandlers: false})
    const result = await auditOne(await kubeletTarget({fixture}), kubeletExecUnauthenticated)

    expect(result.status).toBe('pass')
    expect(result.wire).toEqual([expect.objectContaining({status: 405, verdict: 'pass', note: expect.stringMatching(/debugging handlers are off/)})])
  })

  it('judges the configuration alone when nothing listens', async () => {
    const result = await auditOne(await kubeletTarget({node: fixtureNode('kcheck-all-open')}), kubeletExecUnauthenticated)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe('The kubelet is configured to let anonymous requests in and to allow everything: anyone who can reach it can run commands in its containers.')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'unknown', error: 'connection refused (nothing listens on this port)'})])
  })

  it('judges the wire alone without node access', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture}), kubeletExecUnauthenticated)

    expect(result).toMatchObject({status: 'fail', config: []})
  })

  it.each(['silent', 'garbage', 'reset'] as const)('a %s server on the kubelet port is an error, within the timeout', async (behaviour) => {
    const hostile = await startHostileServer(behaviour)
    servers.push(hostile)
    const started = Date.now()
    const result = await auditOne(await kubeletTarget({kubeletPort: hostile.port, node: fixtureNode('kcheck-hardened'), timeoutMs: 400}), kubeletExecUnauthenticated)

    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'error'})])
  })
})
