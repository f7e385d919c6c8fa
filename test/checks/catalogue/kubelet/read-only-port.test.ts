import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {kubeletReadOnlyPort} from '../../../../src/checks/catalogue/kubelet/read-only-port.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'
import {kubeletServingCertificate, startKubeletFixture, type KubeletFixture, type KubeletFixtureOptions} from '../../../support/fixtures/kubelet-fixture.js'
import {auditOne, KUBEADM_FLAGS, KUBELET_CONFIG, kubeletTarget} from '../../../support/fixtures/kubelet-lab.js'
import {fixtureLine, fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'

const DROP_IN = '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf'

let serving: CertificateAndKeyPem
const servers: Array<KubeletFixture | HostileServer | {close(): Promise<void>}> = []
const temps: TempNodeRoot[] = []

beforeAll(async () => {
  serving = await kubeletServingCertificate()
})
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.remove()))
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

async function kubelet(options: Partial<KubeletFixtureOptions>): Promise<KubeletFixture> {
  const fixture = await startKubeletFixture({serving, anonymousAuth: false, authorizationMode: 'Webhook', ...options})
  servers.push(fixture)
  return fixture
}

describe('kubelet-read-only-port', () => {
  it('passes when the file leaves the port at its default 0 and nothing listens on 10255', async () => {
    const target = await kubeletTarget({node: fixtureNode('kcheck-hardened')})
    const result = await auditOne(target, kubeletReadOnlyPort)

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration and wire agree.')
    expect(result.config).toEqual([
      expect.objectContaining({setting: 'readOnlyPort / --read-only-port', value: '0', source: 'default', verdict: 'pass'}),
    ])
    expect(result.config[0]?.note).toMatch(/^the read-only port is off; KubeletConfiguration default/)
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `GET http://127.0.0.1:${target.endpoints.ports.kubeletReadOnly}/pods (no credentials)`,
        error: 'connection refused (nothing listens on this port)',
        verdict: 'pass',
      }),
    ])
    expect(result.cis).toEqual([{benchmark: 'cis-1.12', id: '4.2.4', title: 'Verify that if defined, the --read-only-port argument is set to 0 (Manual)', manual: true}])
  })

  it('fails (not just warns) when the port is open in the file and serves pods on the wire', async () => {
    const fixture = await kubelet({readOnlyPort: true})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-all-open')}), kubeletReadOnlyPort)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe(
      `Anyone who can reach port ${fixture.readOnlyPort} reads this node's pod specs — environment variables, volumes, images — over plain HTTP, with no credentials at all.`,
    )
    expect(result.config).toEqual([
      expect.objectContaining({
        setting: 'readOnlyPort',
        value: '10255',
        source: 'config-file',
        file: KUBELET_CONFIG,
        line: await fixtureLine('kcheck-all-open', KUBELET_CONFIG, 'readOnlyPort: 10255'),
        verdict: 'fail',
      }),
    ])
    expect(result.wire).toEqual([
      expect.objectContaining({
        status: 200,
        verdict: 'fail',
        note: 'plain HTTP, no credentials: the read-only port gave away 2 pods (kube-system/etcd-control-plane, default/payments), 2 environment variables, 1 privileged container (KHV044) (KHV052)',
      }),
    ])
    expect(result.wire[0]?.tls).toBeUndefined()
  })

  it('only warns, as kube-bench does for this Manual control, when the file opens the port but nothing listens yet', async () => {
    const result = await auditOne(await kubeletTarget({node: fixtureNode('kcheck-all-open')}), kubeletReadOnlyPort)

    expect(result.status).toBe('warn')
    expect(result.summary).toBe('The kubelet is configured to open its unauthenticated plain-HTTP read-only port.')
    expect(result.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it("shows kubeadm-flags.env's --read-only-port=10255 winning over the file's readOnlyPort: 0", async () => {
    const result = await auditOne(await kubeletTarget({node: fixtureNode('kcheck-flag-over-file')}), kubeletReadOnlyPort)

    expect(result.config).toEqual([
      {
        setting: '--read-only-port',
        value: '10255',
        source: 'flag',
        file: KUBEADM_FLAGS,
        line: 1,
        verdict: 'fail',
        note: `the kubelet serves /pods, /stats and /metrics on plain HTTP port 10255 with no authentication; the flag overrides readOnlyPort: 0 in /var/lib/kubelet/config.yaml line ${await fixtureLine('kcheck-flag-over-file', KUBELET_CONFIG, 'readOnlyPort: 0')}, because the kubelet lets command-line flags win over its config file`,
      },
    ])
  })

  it('without --config the legacy default opens 10255, which kube-bench\'s "if defined" test misses', async () => {
    const dropIn = (await fixtureNode('kcheck-hardened').readFile(DROP_IN)) ?? ''
    const node = await tempNodeRoot('kcheck-hardened', {[DROP_IN]: dropIn.replace('Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n', '')})
    temps.push(node)
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletReadOnlyPort)

    expect(result.status).toBe('warn')
    expect(result.config).toEqual([expect.objectContaining({value: '10255', source: 'default', verdict: 'fail', note: expect.stringMatching(/command-line default/)})])
  })

  it('says "fixed in the configuration, still open on the wire" when the kubelet still serves 10255', async () => {
    const fixture = await kubelet({readOnlyPort: true})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened')}), kubeletReadOnlyPort)

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('judges the wire alone without node access', async () => {
    const fixture = await kubelet({readOnlyPort: true})
    const result = await auditOne(await kubeletTarget({fixture}), kubeletReadOnlyPort)

    expect(result).toMatchObject({status: 'fail', config: []})
    expect(fixture.requests).toEqual([{port: 'read-only', method: 'GET', path: '/pods', body: ''}])
  })

  it('an answer that is not the kubelet\'s /pods does not decide the wire', async () => {
    // Some other plain-HTTP service on the port, answering as Go's default mux does.
    const other = http.createServer((_req, res) => {
      res.writeHead(404, {'content-type': 'text/plain; charset=utf-8'})
      res.end('404 page not found\n')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    servers.push({close: () => new Promise<void>((resolve) => other.close(() => resolve()))})
    const port = (other.address() as AddressInfo).port
    const result = await auditOne(await kubeletTarget({readOnlyPort: port, node: fixtureNode('kcheck-hardened')}), kubeletReadOnlyPort)

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration (wire not observable).')
    expect(result.wire).toEqual([expect.objectContaining({status: 404, verdict: 'unknown'})])
  })

  it.each(['silent', 'garbage', 'reset'] as const)('a %s server on the read-only port is an error, within the timeout', async (behaviour) => {
    const hostile = await startHostileServer(behaviour)
    servers.push(hostile)
    const started = Date.now()
    const result = await auditOne(await kubeletTarget({readOnlyPort: hostile.port, node: fixtureNode('kcheck-hardened'), timeoutMs: 400}), kubeletReadOnlyPort)

    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'error'})])
  })
})
