import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {kubeletAuthorizationMode} from '../../../../src/checks/catalogue/kubelet/authorization-mode.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'
import {kubeletServingCertificate, startKubeletFixture, type KubeletFixture, type KubeletFixtureOptions} from '../../../support/fixtures/kubelet-fixture.js'
import {auditOne, createKubeletLabPki, KUBEADM_FLAGS, KUBELET_CONFIG, kubeletTarget, type KubeletLabPki} from '../../../support/fixtures/kubelet-lab.js'
import {fixtureLine, fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'

let serving: CertificateAndKeyPem
let pki: KubeletLabPki
const servers: Array<KubeletFixture | HostileServer> = []
const temps: TempNodeRoot[] = []

beforeAll(async () => {
  ;[serving, pki] = await Promise.all([kubeletServingCertificate(), createKubeletLabPki()])
})
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.remove()))
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await pki.remove()
})

async function kubelet(options: KubeletFixtureOptions): Promise<KubeletFixture> {
  const fixture = await startKubeletFixture({serving, ...options})
  servers.push(fixture)
  return fixture
}

describe('kubelet-authorization-mode', () => {
  it('passes on both sides when the file says Webhook and the authorizer refuses the admin certificate', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem})
    const result = await auditOne(
      await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened'), kubeconfig: pki.adminKubeconfig}),
      kubeletAuthorizationMode,
    )

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration and wire agree.')
    expect(result.config).toEqual([
      {
        setting: 'authorization.mode',
        value: 'Webhook',
        source: 'config-file',
        file: KUBELET_CONFIG,
        line: await fixtureLine('kcheck-hardened', KUBELET_CONFIG, 'mode: Webhook'),
        verdict: 'pass',
        note: 'the kubelet asks the API server (SubjectAccessReview) whether each user may do what they ask',
      },
    ])
    expect(result.wire).toEqual([
      expect.objectContaining({request: `GET https://127.0.0.1:${fixture.port}/pods (no credentials)`, status: 401, verdict: 'unknown'}),
      expect.objectContaining({
        request: `GET https://127.0.0.1:${fixture.port}/pods (kubeconfig admin.conf client certificate CN=kubernetes-admin)`,
        status: 403,
        bodyExcerpt: 'Forbidden (user=kubernetes-admin, verb=get, resource=nodes, subresource=proxy)',
        verdict: 'pass',
      }),
    ])
  })

  it('an allowed admin certificate (200) does not tell Webhook from AlwaysAllow: the configuration decides', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem, webhookAllowedUsers: ['kubernetes-admin']})
    const result = await auditOne(
      await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened'), kubeconfig: pki.adminKubeconfig}),
      kubeletAuthorizationMode,
    )

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration (wire not observable).')
    expect(result.wire.map((item) => [item.status, item.verdict])).toEqual([
      [401, 'unknown'],
      [200, 'unknown'],
    ])
    expect(result.wire[1]?.note).toMatch(/does not tell them apart/)
  })

  it('passes on the wire when anonymous requests reach Webhook and it says 403', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture}), kubeletAuthorizationMode)

    expect(result).toMatchObject({status: 'pass', summary: 'Hardened: wire (configuration not readable).', config: []})
    expect(result.wire).toEqual([expect.objectContaining({status: 403, verdict: 'pass', note: 'an authorizer refused system:anonymous: the kubelet is not in AlwaysAllow mode'})])
  })

  it('fails on both sides with AlwaysAllow in the file and a kubelet serving strangers', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-all-open')}), kubeletAuthorizationMode)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe(
      `The kubelet on port ${fixture.port} served a request without credentials without asking anyone: nothing stands between a stranger and the pods' logs and commands.`,
    )
    expect(result.config).toEqual([expect.objectContaining({setting: 'authorization.mode', value: 'AlwaysAllow', source: 'config-file', verdict: 'fail'})])
    expect(result.wire).toEqual([expect.objectContaining({status: 200, verdict: 'fail'})])
  })

  it("shows kubeadm-flags.env's --authorization-mode=AlwaysAllow winning over the file's Webhook", async () => {
    const result = await auditOne(await kubeletTarget({node: fixtureNode('kcheck-flag-over-file')}), kubeletAuthorizationMode)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe('The kubelet is configured with authorization mode AlwaysAllow: every request it authenticates may read logs and run commands in pods.')
    expect(result.config).toEqual([
      {
        setting: '--authorization-mode',
        value: 'AlwaysAllow',
        source: 'flag',
        file: KUBEADM_FLAGS,
        line: 1,
        verdict: 'fail',
        note: `every request the kubelet authenticates is allowed, anonymous ones too when anonymous auth is on; the flag overrides authorization.mode: Webhook in /var/lib/kubelet/config.yaml line ${await fixtureLine('kcheck-flag-over-file', KUBELET_CONFIG, 'mode: Webhook')}, because the kubelet lets command-line flags win over its config file`,
      },
    ])
  })

  it('says "fixed in the configuration, still open on the wire" when the kubelet still runs AlwaysAllow', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened')}), kubeletAuthorizationMode)

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('judges the configuration alone when nothing listens', async () => {
    const result = await auditOne(await kubeletTarget({node: fixtureNode('kcheck-all-open')}), kubeletAuthorizationMode)

    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'unknown', error: 'connection refused (nothing listens on this port)'})])
  })

  it.each(['silent', 'garbage', 'reset'] as const)('a %s server on the kubelet port is an error, within the timeout', async (behaviour) => {
    const hostile = await startHostileServer(behaviour)
    servers.push(hostile)
    const started = Date.now()
    const result = await auditOne(await kubeletTarget({kubeletPort: hostile.port, timeoutMs: 400}), kubeletAuthorizationMode)

    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'error'})])
  })

  it('an authorization mode the kubelet does not know is an error', async () => {
    const node = await tempNodeRoot('kcheck-hardened', {[KUBEADM_FLAGS]: 'KUBELET_KUBEADM_ARGS="--authorization-mode=RBAC"\n'})
    temps.push(node)
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletAuthorizationMode)

    expect(result.status).toBe('error')
    expect(result.config).toEqual([expect.objectContaining({setting: '--authorization-mode', value: 'RBAC', verdict: 'error', note: expect.stringMatching(/unknown authorization mode "RBAC"/)})])
  })
})
