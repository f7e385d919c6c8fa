import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {kubeletAnonymousAuth} from '../../../../src/checks/catalogue/kubelet/anonymous-auth.js'
import type {CertificateAndKeyPem} from '../../../../src/pki/certificates.js'
import {startHostileServer, type HostileServer} from '../../../support/hostile-servers.js'
import {kubeletServingCertificate, startKubeletFixture, type KubeletFixture, type KubeletFixtureOptions} from '../../../support/fixtures/kubelet-fixture.js'
import {auditOne, KUBEADM_FLAGS, KUBELET_CONFIG, kubeletTarget} from '../../../support/fixtures/kubelet-lab.js'
import {fixtureLine, fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'

const DROP_IN = '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf'

let serving: CertificateAndKeyPem
const servers: Array<KubeletFixture | HostileServer> = []
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

async function kubelet(options: KubeletFixtureOptions): Promise<KubeletFixture> {
  const fixture = await startKubeletFixture({serving, ...options})
  servers.push(fixture)
  return fixture
}

async function temp(files: Record<string, string>, remove: string[] = []): Promise<TempNodeRoot> {
  const made = await tempNodeRoot('kcheck-hardened', files, remove)
  temps.push(made)
  return made
}

describe('kubelet-anonymous-auth', () => {
  it('passes when config.yaml turns anonymous off and the kubelet answers 401', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened')}), kubeletAnonymousAuth)

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration and wire agree.')
    expect(result.config).toEqual([
      {
        setting: 'authentication.anonymous.enabled',
        value: 'false',
        source: 'config-file',
        file: KUBELET_CONFIG,
        line: await fixtureLine('kcheck-hardened', KUBELET_CONFIG, 'enabled: false'),
        verdict: 'pass',
        note: 'requests without credentials get 401 Unauthorized',
      },
    ])
    expect(result.wire).toEqual([
      expect.objectContaining({request: `GET https://127.0.0.1:${fixture.port}/pods (no credentials)`, status: 401, bodyExcerpt: 'Unauthorized', verdict: 'pass'}),
    ])
    expect(result.wire[0]?.tls).toMatch(/^TLSv1\.3, server certificate CN=127\.0\.0\.1@\d+ issued by CN=127\.0\.0\.1-ca@\d+/)
    expect(result.cis).toEqual([{benchmark: 'cis-1.12', id: '4.2.1', title: 'Ensure that the --anonymous-auth argument is set to false (Automated)'}])
  })

  it('fails on both sides when the file enables anonymous auth and the kubelet serves the PodList to a stranger', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-all-open')}), kubeletAnonymousAuth)

    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.summary).toBe(`Anyone who can reach port ${fixture.port} can list this node's pods without credentials, and the kubelet serves them as system:anonymous.`)
    expect(result.config).toEqual([expect.objectContaining({setting: 'authentication.anonymous.enabled', value: 'true', source: 'config-file', line: 4, verdict: 'fail'})])
    expect(result.wire).toEqual([expect.objectContaining({status: 200, verdict: 'fail'})])
    expect(result.wire[0]?.note).toBe(
      "a stranger read the node's PodList: 2 pods (kube-system/etcd-control-plane, default/payments), 2 environment variables, 1 privileged container (KHV044) (KHV036, KHV052)",
    )
  })

  it('fails on a 403 naming system:anonymous: anonymous auth is on and only Webhook said no', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture}), kubeletAnonymousAuth)

    expect(result.status).toBe('fail')
    expect(result.wire).toEqual([
      expect.objectContaining({status: 403, bodyExcerpt: 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)', verdict: 'fail'}),
    ])
    expect(result.summary).toMatch(/lets requests without credentials in as system:anonymous; only its authorizer stands between/)
  })

  it("shows kubeadm-flags.env's --anonymous-auth=true winning over config.yaml's enabled: false", async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-flag-over-file')}), kubeletAnonymousAuth)

    expect(result.status).toBe('fail')
    expect(result.config).toEqual([
      {
        setting: '--anonymous-auth',
        value: 'true',
        source: 'flag',
        file: KUBEADM_FLAGS,
        line: 1,
        verdict: 'fail',
        note:
          'requests without credentials are let in as system:anonymous (group system:unauthenticated); the flag overrides authentication.anonymous.enabled: false in /var/lib/kubelet/config.yaml line 4, because the kubelet lets command-line flags win over its config file',
      },
    ])
  })

  it('says "fixed in the configuration, still open on the wire" when the kubelet has not restarted', async () => {
    const fixture = await kubelet({anonymousAuth: true, authorizationMode: 'AlwaysAllow'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-hardened')}), kubeletAnonymousAuth)

    expect(result.status).toBe('fail')
    expect(result.config[0]?.verdict).toBe('pass')
    expect(result.wire[0]?.verdict).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire: the component has not restarted/)
  })

  it('says "weak in the configuration, closed on the wire" when the running kubelet still refuses strangers', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture, node: fixtureNode('kcheck-all-open')}), kubeletAnonymousAuth)

    expect(result.status).toBe('fail')
    expect(result.summary).toBe('The kubelet is configured to let requests without credentials in as system:anonymous.')
    expect(result.disagreement).toMatch(/^Weak in the configuration, closed on the wire/)
  })

  it('judges the wire alone without node access', async () => {
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture}), kubeletAnonymousAuth)

    expect(result).toMatchObject({status: 'pass', summary: 'Hardened: wire (configuration not readable).', config: []})
  })

  it('judges the configuration alone when nothing listens on the kubelet port', async () => {
    const target = await kubeletTarget({node: fixtureNode('kcheck-hardened')})
    const result = await auditOne(target, kubeletAnonymousAuth)

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration (wire not observable).')
    expect(result.wire).toEqual([
      expect.objectContaining({
        verdict: 'unknown',
        error: 'connection refused (nothing listens on this port)',
        note: `nothing listens on port ${target.endpoints.ports.kubelet}: the kubelet is not reachable from here, so the wire cannot tell`,
      }),
    ])
  })

  it.each(['silent', 'garbage', 'reset'] as const)('a %s server on the kubelet port is an error, within the timeout', async (behaviour) => {
    const hostile = await startHostileServer(behaviour)
    servers.push(hostile)
    const started = Date.now()
    const result = await auditOne(await kubeletTarget({kubeletPort: hostile.port, node: fixtureNode('kcheck-hardened'), timeoutMs: 400}), kubeletAnonymousAuth)

    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.status).toBe('error')
    expect(result.wire).toEqual([expect.objectContaining({verdict: 'error', error: expect.any(String)})])
    expect(result.summary).toMatch(/^Could not evaluate: /)
  })

  it('a config file the kubelet would refuse is an error naming file and line', async () => {
    const hardened = (await fixtureNode('kcheck-hardened').readFile(KUBELET_CONFIG)) ?? ''
    const node = await temp({[KUBELET_CONFIG]: hardened.replace('    enabled: false', '    enabled: "false"')})
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletAnonymousAuth)

    expect(result.status).toBe('error')
    expect(result.config).toEqual([
      expect.objectContaining({setting: 'authentication.anonymous.enabled', file: KUBELET_CONFIG, line: 4, verdict: 'error', note: expect.stringMatching(/expected a boolean/)}),
    ])
  })

  it('without --config the kubelet keeps the command-line default: anonymous on', async () => {
    const dropIn = (await fixtureNode('kcheck-hardened').readFile(DROP_IN)) ?? ''
    const node = await temp({[DROP_IN]: dropIn.replace('Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n', '')})
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletAnonymousAuth)

    expect(result.status).toBe('fail')
    expect(result.config).toEqual([
      expect.objectContaining({setting: 'authentication.anonymous.enabled / --anonymous-auth', value: 'true', source: 'default', verdict: 'fail'}),
    ])
    expect(result.config[0]?.note).toMatch(/^requests without credentials are let in as system:anonymous .*; kubelet command-line default: no --config/)
  })

  it('a --config file that does not exist leaves the configuration side unknown', async () => {
    const node = await temp({}, [KUBELET_CONFIG])
    const fixture = await kubelet({anonymousAuth: false, authorizationMode: 'Webhook'})
    const result = await auditOne(await kubeletTarget({fixture, node: node.node}), kubeletAnonymousAuth)

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: wire (configuration not readable).')
    expect(result.config).toEqual([expect.objectContaining({source: 'default', verdict: 'unknown', note: expect.stringMatching(/does not exist on the node: the kubelet does not start without it/)})])
  })

  it('a value Go cannot parse is an error: the kubelet would not start', async () => {
    const node = await temp({[KUBEADM_FLAGS]: 'KUBELET_KUBEADM_ARGS="--anonymous-auth=yes"\n'})
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletAnonymousAuth)

    expect(result.status).toBe('error')
    expect(result.config).toEqual([
      expect.objectContaining({setting: '--anonymous-auth', value: 'yes', source: 'flag', file: KUBEADM_FLAGS, line: 1, verdict: 'error'}),
    ])
    expect(result.config[0]?.note).toMatch(/strconv\.ParseBool: parsing "yes": invalid syntax/)
  })

  it('`--anonymous-auth false` sets the flag to true and leaves a stray argument the kubelet refuses', async () => {
    const node = await temp({[KUBEADM_FLAGS]: 'KUBELET_KUBEADM_ARGS="--anonymous-auth false"\n'})
    const result = await auditOne(await kubeletTarget({node: node.node}), kubeletAnonymousAuth)

    expect(result.status).toBe('fail')
    expect(result.config).toEqual([
      expect.objectContaining({setting: 'kubelet command line', value: 'false', file: KUBEADM_FLAGS, line: 1, verdict: 'error'}),
      expect.objectContaining({setting: '--anonymous-auth', value: 'true', verdict: 'fail'}),
    ])
  })
})
