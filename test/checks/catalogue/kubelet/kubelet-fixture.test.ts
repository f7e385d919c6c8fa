import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {httpProbe} from '../../../../src/probes/http.js'
import type {HttpProbeRequest, HttpProbeResult} from '../../../../src/probes/types.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {
  KubeletFixtureConfigError,
  kubeletServingCertificate,
  startKubeletFixture,
  type KubeletFixture,
  type KubeletFixtureOptions,
} from '../../../support/fixtures/kubelet-fixture.js'
import {createKubeletLabPki, selfSignedClient, type KubeletLabPki} from '../../../support/fixtures/kubelet-lab.js'

const ANONYMOUS_FORBIDDEN = 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)'

let pki: KubeletLabPki
let serving: CertificateAndKeyPem
const fixtures: KubeletFixture[] = []

beforeAll(async () => {
  ;[pki, serving] = await Promise.all([createKubeletLabPki(), kubeletServingCertificate()])
})
afterAll(async () => {
  await Promise.all(fixtures.map((fixture) => fixture.close()))
  await pki.remove()
})

async function kubelet(options: KubeletFixtureOptions): Promise<KubeletFixture> {
  const fixture = await startKubeletFixture({serving, ...options})
  fixtures.push(fixture)
  return fixture
}

function get(fixture: KubeletFixture, path: string, extra: Partial<HttpProbeRequest> = {}): Promise<HttpProbeResult> {
  return httpProbe({url: `https://127.0.0.1:${fixture.port}${path}`, timeoutMs: 3000, ...extra})
}

function answer(result: HttpProbeResult): {status: number; body: string; type: string | undefined} {
  if (!result.ok) throw new Error(`no answer: ${result.message}`)
  const type = result.headers['content-type']
  return {status: result.status, body: result.body, type: Array.isArray(type) ? type[0] : type}
}

describe('the kubelet fixture answers as the real kubelet does', () => {
  it('anonymous off: 401 plain-text Unauthorized, as InstallAuthFilter writes it', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook'})
    expect(answer(await get(fixture, '/pods'))).toEqual({status: 401, body: 'Unauthorized', type: 'text/plain; charset=utf-8'})
    expect(fixture.requests).toEqual([{port: 'secure', method: 'GET', path: '/pods', body: ''}])
  })

  it('anonymous on, Webhook denying: 403 naming system:anonymous, verb get, nodes/proxy', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'Webhook'})
    expect(answer(await get(fixture, '/pods'))).toMatchObject({status: 403, body: ANONYMOUS_FORBIDDEN})
    // POST maps to create; stats paths to their own subresource.
    expect(answer(await get(fixture, '/run/a/b/c', {method: 'POST', body: 'cmd=id'})).body).toBe(
      'Forbidden (user=system:anonymous, verb=create, resource=nodes, subresource=proxy)',
    )
    expect(answer(await get(fixture, '/stats/summary')).body).toBe('Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=stats)')
  })

  it('anonymous on, AlwaysAllow: the PodList, and 404 "pod does not exist" for /run on an unknown pod', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const pods = answer(await get(fixture, '/pods'))
    expect(pods.status).toBe(200)
    expect(pods.type).toBe('application/json')
    const list = JSON.parse(pods.body) as {kind: string; apiVersion: string; items: Array<{metadata: {name: string}}>}
    expect(list).toMatchObject({kind: 'PodList', apiVersion: 'v1'})
    expect(list.items.map((pod) => pod.metadata.name)).toEqual(['etcd-control-plane', 'payments'])

    const run = answer(await get(fixture, '/run/kubelab-probe/kubelab-probe/kubelab-probe', {method: 'POST', body: 'cmd=id', headers: {'content-type': 'application/x-www-form-urlencoded'}}))
    expect(run).toMatchObject({status: 404, body: 'pod does not exist'})
    expect(fixture.requests.at(-1)).toEqual({port: 'secure', method: 'POST', path: '/run/kubelab-probe/kubelab-probe/kubelab-probe', body: 'cmd=id', user: 'system:anonymous'})
  })

  it('debugging handlers off: 405 "Debug endpoints are disabled." once auth has passed', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow', debuggingHandlers: false})
    expect(answer(await get(fixture, '/run/x/y/z', {method: 'POST'}))).toMatchObject({status: 405, body: 'Debug endpoints are disabled.\n'})
  })

  it('serves the self-signed certificate a kubelet makes for itself', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook'})
    const result = await get(fixture, '/pods')
    expect(result.tls?.peer?.subject).toMatch(/^CN=127\.0\.0\.1@\d+$/)
    expect(result.tls?.peer?.issuer).toMatch(/^CN=127\.0\.0\.1-ca@\d+$/)
    expect(result.tls?.verified).toBe(false)
  })

  describe('x509 client certificates (union of x509 and anonymous, as k8s.io/apiserver builds it)', () => {
    const withCertificate = (pem: {certificatePem: string; privateKeyPem: string}): Partial<HttpProbeRequest> => ({
      tls: {cert: pem.certificatePem, key: pem.privateKeyPem},
    })

    it('with a client CA, a certificate it signed is the user CN, which Webhook then allows or denies', async () => {
      const allowing = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem, webhookAllowedUsers: ['kubernetes-admin']})
      expect(answer(await get(allowing, '/pods', withCertificate(pki.admin))).status).toBe(200)
      expect(allowing.requests.at(-1)?.user).toBe('kubernetes-admin')

      const denying = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', clientCaPem: pki.ca.certificatePem})
      expect(answer(await get(denying, '/pods', withCertificate(pki.admin))).body).toBe(
        'Forbidden (user=kubernetes-admin, verb=get, resource=nodes, subresource=proxy)',
      )
    })

    it('with a client CA, a certificate it did not sign is 401 even with anonymous on: the x509 error short-circuits NewFailOnError', async () => {
      const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow', clientCaPem: pki.ca.certificatePem})
      expect(answer(await get(fixture, '/pods', withCertificate(pki.foreign)))).toMatchObject({status: 401, body: 'Unauthorized'})
      expect(answer(await get(fixture, '/pods', withCertificate(await selfSignedClient('mallory'))))).toMatchObject({status: 401})
      // No certificate at all is "no credentials of my kind": anonymous.
      expect(answer(await get(fixture, '/pods')).status).toBe(200)
      expect(fixture.requests.at(-1)?.user).toBe('system:anonymous')
    })

    it('without a client CA no certificate is asked for, so even a cluster-CA-signed one is anonymous (or 401)', async () => {
      const open = await kubelet({anonymousAuth: true, authorizationMode: 'Webhook', webhookAllowedUsers: ['kubernetes-admin']})
      expect(answer(await get(open, '/pods', withCertificate(pki.admin))).body).toBe(ANONYMOUS_FORBIDDEN)

      const closed = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', webhookAllowedUsers: ['kubernetes-admin']})
      expect(answer(await get(closed, '/pods', withCertificate(pki.admin))).status).toBe(401)
    })
  })

  it('the read-only port serves /pods over plain HTTP with no authentication, and no debugging handlers', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook', readOnlyPort: true})
    expect(fixture.readOnlyPort).toEqual(expect.any(Number))
    const pods = await httpProbe({url: `http://127.0.0.1:${fixture.readOnlyPort}/pods`, timeoutMs: 3000})
    expect(answer(pods).status).toBe(200)
    expect(JSON.parse(answer(pods).body)).toMatchObject({kind: 'PodList'})
    const run = await httpProbe({url: `http://127.0.0.1:${fixture.readOnlyPort}/run/a/b/c`, method: 'POST', timeoutMs: 3000})
    expect(answer(run)).toMatchObject({status: 405, body: 'Debug endpoints are disabled.\n'})
  })

  it('refuses to start with no authentication method at all, as the kubelet does', async () => {
    await expect(startKubeletFixture({anonymousAuth: false, authorizationMode: 'Webhook', webhookAuthentication: false})).rejects.toThrow(KubeletFixtureConfigError)
    await expect(startKubeletFixture({anonymousAuth: false, authorizationMode: 'Webhook', webhookAuthentication: false})).rejects.toThrow(
      'no authentication method configured',
    )
  })
})
