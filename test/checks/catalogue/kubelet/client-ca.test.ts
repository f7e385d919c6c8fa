import path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {kubeletClientCa} from '../../../../src/checks/catalogue/kubelet/client-ca.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'
import {kubeletServingCertificate, startKubeletFixture, type KubeletFixture, type KubeletFixtureOptions} from '../../../support/fixtures/kubelet-fixture.js'
import {auditOne, CLUSTER_CA, createKubeletLabPki, KUBELET_CONFIG, kubeletTarget, type KubeletLabPki} from '../../../support/fixtures/kubelet-lab.js'
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

async function temp(fixture: string, files: Record<string, string>, remove: string[] = []): Promise<TempNodeRoot> {
  const made = await tempNodeRoot(fixture, files, remove)
  temps.push(made)
  return made
}

const ADMIN_REQUEST = (port: number): string => `GET https://127.0.0.1:${port}/pods (kubeconfig admin.conf client certificate CN=kubernetes-admin)`

describe('kubelet-client-ca', () => {
  it('passes when the file names the cluster CA, the file is there, and the kubelet serves the admin while refusing strangers', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem, webhookAllowedUsers: ['kubernetes-admin']})
    const result = await auditOne(
      await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened'), kubeconfig: pki.adminKubeconfig}),
      kubeletClientCa,
    )

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration and wire agree.')
    expect(result.config).toEqual([
      {
        setting: 'authentication.x509.clientCAFile',
        value: CLUSTER_CA,
        source: 'config-file',
        file: KUBELET_CONFIG,
        line: await fixtureLine('kcheck-hardened', KUBELET_CONFIG, `clientCAFile: ${CLUSTER_CA}`),
        verdict: 'pass',
        note: `the kubelet verifies client certificates against CN=kubernetes from ${CLUSTER_CA}`,
      },
    ])
    expect(result.wire).toEqual([expect.objectContaining({request: ADMIN_REQUEST(fixture.port), status: 200, verdict: 'pass'})])
    expect(result.wire[0]?.note).toBe('the kubelet served kubernetes-admin while it refuses requests without credentials (401): it recognised the certificate through its client CA')
  })

  it('a 403 naming the certificate\'s user shows the certificate was recognised', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem})
    const result = await auditOne(await kubeletTarget({fixture, kubeconfig: pki.adminKubeconfig}), kubeletClientCa)

    expect(result.status).toBe('pass')
    expect(result.wire).toEqual([
      expect.objectContaining({status: 403, bodyExcerpt: 'Forbidden (user=kubernetes-admin, verb=get, resource=nodes, subresource=proxy)', verdict: 'pass'}),
    ])
  })

  it('fails on both sides without a client CA: the certificate is ignored and the request served as system:anonymous', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'Webhook', webhookAllowedUsers: ['kubernetes-admin']})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-all-open'), kubeconfig: pki.adminKubeconfig}), kubeletClientCa)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe(
      'The kubelet does not recognise certificates signed by the cluster CA: kube-apiserver cannot prove who it is to it with its kubelet client certificate.',
    )
    expect(result.config).toEqual([
      expect.objectContaining({
        setting: 'authentication.x509.clientCAFile / --client-ca-file',
        value: undefined,
        source: 'default',
        verdict: 'fail',
        note: expect.stringMatching(/^not set: the kubelet does not ask for client certificates/),
      }),
    ])
    expect(result.wire).toEqual([
      expect.objectContaining({request: ADMIN_REQUEST(fixture.port), status: 403, bodyExcerpt: expect.stringContaining('user=system:anonymous'), verdict: 'fail'}),
    ])
  })

  it('fails on a 401 when there is no client CA and anonymous auth is off', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', webhookAllowedUsers: ['kubernetes-admin']})
    const result = await auditOne(await kubeletTarget({fixture, kubeconfig: pki.adminKubeconfig}), kubeletClientCa)

    expect(result.status).toBe('fail')
    expect(result.wire).toEqual([expect.objectContaining({status: 401, verdict: 'fail', note: expect.stringMatching(/did not recognise a certificate the cluster CA signed/)})])
  })

  it('fails on a 401 when the kubelet trusts another CA, even with anonymous on: an unverified certificate never falls through to anonymous', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow', clientCaPem: pki.foreign.caCertificatePem})
    const result = await auditOne(await kubeletTarget({fixture, kubeconfig: pki.adminKubeconfig}), kubeletClientCa)

    expect(result.status).toBe('fail')
    expect(result.wire).toEqual([expect.objectContaining({status: 401, bodyExcerpt: 'Unauthorized', verdict: 'fail'})])
  })

  it('a 200 proves nothing when strangers get 200 too', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow', clientCaPem: pki.ca.certificatePem})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened'), kubeconfig: pki.adminKubeconfig}), kubeletClientCa)

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration (wire not observable).')
    expect(result.wire).toEqual([
      expect.objectContaining({status: 200, verdict: 'unknown', note: 'requests without credentials are served too, so this 200 does not show whether the certificate was checked'}),
    ])
    // The comparison reused the anonymous probe: one GET /pods without credentials, one with the certificate.
    expect(fixture.requests.map((request) => request.user)).toEqual(expect.arrayContaining(['kubernetes-admin', 'system:anonymous']))
    expect(fixture.requests).toHaveLength(2)
  })

  it('says "fixed in the configuration, still open on the wire" when the running kubelet has no client CA yet', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', webhookAllowedUsers: ['kubernetes-admin']})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened'), kubeconfig: pki.adminKubeconfig}), kubeletClientCa)

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('fails when the file it names does not exist on the node', async () => {
    const node = await temp('kcheck-hardened', {}, [CLUSTER_CA])
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletClientCa)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe("The kubelet has no usable client CA: it cannot recognise client certificates, kube-apiserver's included.")
    expect(result.config).toEqual([
      expect.objectContaining({value: CLUSTER_CA, verdict: 'fail', note: `${CLUSTER_CA} does not exist on the node: the kubelet refuses to start ("unable to load client CA file")`}),
    ])
  })

  it('fails when the file holds no certificate', async () => {
    const node = await temp('kcheck-hardened', {[CLUSTER_CA]: 'not a certificate\n'})
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletClientCa)

    expect(result.config).toEqual([expect.objectContaining({verdict: 'fail', note: expect.stringMatching(/holds no PEM certificate/)})])
  })

  it('without a kubeconfig the wire side has nothing to present and the configuration decides', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened')}), kubeletClientCa)

    expect(result).toMatchObject({status: 'pass', summary: 'Hardened: configuration (wire not observable).', wire: []})
    expect(fixture.requests).toHaveLength(0)
  })

  it("sends nothing when the kubeconfig's certificate is not signed by its own cluster CA", async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem})
    const mismatched = await pki.kubeconfig('mismatched.conf', pki.ca.certificatePem, pki.foreign)
    const result = await auditOne(await kubeletTarget({fixture, kubeconfig: mismatched}), kubeletClientCa)

    expect(result).toMatchObject({status: 'skip', config: []})
    expect(result.wire).toEqual([
      {
        request: `GET https://127.0.0.1:${fixture.port}/pods (kubeconfig client certificate; not sent)`,
        verdict: 'unknown',
        note: "kubeconfig mismatched.conf, user kubernetes-admin: the client certificate is not signed by the kubeconfig's cluster CA",
      },
    ])
    expect(fixture.requests).toHaveLength(0)
  })

  it('an unreadable kubeconfig is a wire error naming the file', async () => {
    const missing = path.join(pki.folder, 'missing.conf')
    const result = await auditOne(await kubeletTarget({kubeconfig: missing, node: fixtureNode('kcheck-hardened')}), kubeletClientCa)

    expect(result.status).toBe('error')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'error', error: expect.stringContaining(missing)})])
  })

  it('judges the configuration alone when nothing listens', async () => {
    const result = await auditOne(await kubeletTarget({node: fixtureNode('kcheck-hardened'), kubeconfig: pki.adminKubeconfig}), kubeletClientCa)

    expect(result.status).toBe('pass')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'unknown', error: 'connection refused (nothing listens on this port)'})])
  })

  it.each(['silent', 'garbage', 'reset'] as const)('a %s server on the kubelet port is an error, within the timeout', async (behaviour) => {
    const hostile = await startHostileServer(behaviour)
    servers.push(hostile)
    const started = Date.now()
    const result = await auditOne(await kubeletTarget({kubeletPort: hostile.port, kubeconfig: pki.adminKubeconfig, timeoutMs: 400}), kubeletClientCa)

    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'error'})])
  })
})
