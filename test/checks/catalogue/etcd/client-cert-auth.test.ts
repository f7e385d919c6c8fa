import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdClientCertAuth} from '../../../../src/checks/catalogue/etcd/client-cert-auth.js'
import {etcdClientTls} from '../../../../src/checks/catalogue/etcd/client-tls.js'
import {runAudit} from '../../../../src/checks/evaluate.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {fixtureLine, fixtureNode, tempNodeRoot} from '../../../support/node-roots.js'
import {auditOne, closedPorts, createEtcdPki, etcdTarget, type EtcdPki} from './helpers.js'

const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml'
const HANDSHAKE_ALERT = /^TLS alert from the server: (bad certificate|certificate required)$/

describe('etcd-client-cert-auth', () => {
  let pki: EtcdPki
  let plaintext: RunningEtcd
  let tlsOnly: RunningEtcd
  let mutualTls: RunningEtcd
  let trustedCaOnly: RunningEtcd
  let autoTls: RunningEtcd
  beforeAll(async () => {
    pki = await createEtcdPki()
    ;[plaintext, tlsOnly, mutualTls, trustedCaOnly, autoTls] = await Promise.all([
      startEtcd(),
      startEtcd({client: pki.tls()}),
      startEtcd({client: pki.tls({trustedCa: true, clientCertAuth: true})}),
      startEtcd({client: pki.tls({trustedCa: true, clientCertAuth: false})}),
      // An administrator's auto-TLS that keeps --client-cert-auth and --trusted-ca-file, as the etcd-auto-tls fixture does.
      startEtcd({client: {autoTls: true}, extraArgs: ['--client-cert-auth=true', `--trusted-ca-file=${pki.caFile}`]}),
    ])
  })
  afterAll(async () => {
    await Promise.all([plaintext, tlsOnly, mutualTls, trustedCaOnly, autoTls].map((etcd) => etcd?.stop()))
    await pki?.remove()
  })
  const ports = (etcd: RunningEtcd) => ({client: etcd.clientPort, peer: etcd.peerPort})

  it('fails a plaintext etcd: the range read is answered over plain HTTP', async () => {
    const result = await auditOne(etcdClientCertAuth, etcdTarget(ports(plaintext), fixtureNode('kubeadm-1.19-all-open')))

    expect(result.status).toBe('fail')
    expect(result.summary).toBe(
      `etcd serves clients without a certificate on port ${plaintext.clientPort}: anyone who reaches it reads and writes every Kubernetes object, Secrets included.`,
    )
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `POST http://127.0.0.1:${plaintext.clientPort}/v3/kv/range (no credentials)`,
        status: 200,
        verdict: 'fail',
        note: 'range read of /registry/ answered over plain HTTP with no credentials at all (0 keys)',
      }),
    ])
    expect(result.config.find((item) => item.setting === '--client-cert-auth')).toMatchObject({value: 'false', source: 'default', verdict: 'fail'})
    expect(result.config.find((item) => item.setting === '--listen-client-urls')).toMatchObject({verdict: 'fail'})
  })

  it('fails TLS without client authentication (the KSL etcd-noauth recipe), while etcd-client-tls passes', async () => {
    const report = await runAudit(etcdTarget(ports(tlsOnly), fixtureNode('etcd-noauth')), [etcdClientTls, etcdClientCertAuth])
    const [transport, clientAuth] = report.results

    expect(transport?.status).toBe('pass')
    expect(clientAuth?.status).toBe('fail')
    expect(clientAuth?.disagreement).toBeUndefined()
    expect(clientAuth?.wire).toEqual([
      expect.objectContaining({
        request: `POST https://127.0.0.1:${tlsOnly.clientPort}/v3/kv/range (no client certificate)`,
        status: 200,
        tls: expect.stringMatching(/^TLSv1\.3, server certificate CN=kube-etcd issued by CN=etcd-ca/),
        verdict: 'fail',
        note: 'range read of /registry/ answered without a client certificate (0 keys)',
      }),
    ])
    expect(clientAuth?.config).toEqual([
      {
        setting: '--client-cert-auth',
        value: 'false',
        source: 'flag',
        file: ETCD_MANIFEST,
        line: await fixtureLine('etcd-noauth', ETCD_MANIFEST, '- --client-cert-auth=false'),
        verdict: 'fail',
        note: 'client certificates are not asked for',
      },
      {
        setting: '--trusted-ca-file',
        value: '',
        source: 'flag',
        file: ETCD_MANIFEST,
        line: await fixtureLine('etcd-noauth', ETCD_MANIFEST, '- --trusted-ca-file='),
        verdict: 'fail',
        note: 'not set: etcd has no CA to check client certificates against',
      },
      expect.objectContaining({setting: '--listen-client-urls', verdict: 'pass'}),
    ])
  })

  it('passes kubeadm\'s mutual TLS: the read is refused at the handshake', async () => {
    const result = await auditOne(etcdClientCertAuth, etcdTarget(ports(mutualTls), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration and wire agree.')
    expect(result.wire).toHaveLength(1)
    expect(result.wire[0]).toMatchObject({request: `POST https://127.0.0.1:${mutualTls.clientPort}/v3/kv/range (no client certificate)`, verdict: 'pass'})
    expect(result.wire[0]?.error).toMatch(HANDSHAKE_ALERT)
    expect(result.wire[0]?.note).toMatch(/^refused at the TLS handshake \(TLS alert from the server: .+\): etcd demands a client certificate on its client port$/)
    expect(result.config.map((item) => [item.setting, item.value, item.verdict])).toEqual([
      ['--client-cert-auth', 'true', 'pass'],
      ['--trusted-ca-file', '/etc/kubernetes/pki/etcd/ca.crt', 'pass'],
      ['--listen-client-urls', 'https://127.0.0.1:2379,https://192.168.122.10:2379', 'pass'],
    ])
  })

  it('passes when only the trusted CA is set: real etcd demands client certificates whatever --client-cert-auth says', async () => {
    const result = await auditOne(etcdClientCertAuth, etcdTarget(ports(trustedCaOnly), fixtureNode('etcd-trusted-ca-only')))

    // The running etcd was started with --client-cert-auth=false and --trusted-ca-file, and still refuses.
    expect(trustedCaOnly.args).toContain('--client-cert-auth=false')
    expect(result.wire[0]?.error).toMatch(HANDSHAKE_ALERT)
    expect(result.wire[0]?.verdict).toBe('pass')
    expect(result.status).toBe('pass')
    expect(result.disagreement).toBeUndefined()
    expect(result.summary).toBe(
      'etcd demands client certificates on its client port because --trusted-ca-file is set, even though --client-cert-auth is false: its TLS server asks every client for a certificate once it has a trusted CA. kube-bench still fails this CIS check on the flag; set --client-cert-auth=true so the manifest says what etcd does.',
    )
    expect(result.config[0]).toMatchObject({
      setting: '--client-cert-auth',
      value: 'false',
      verdict: 'pass',
      note: 'false, but etcd still demands client certificates because --trusted-ca-file is set; kube-bench fails this CIS check on the flag alone, so set it to true',
    })
  })

  it('fails auto-TLS without a certificate: real etcd drops --client-cert-auth and --trusted-ca-file', async () => {
    const result = await auditOne(etcdClientCertAuth, etcdTarget(ports(autoTls), fixtureNode('etcd-auto-tls')))

    expect(autoTls.args).toEqual(expect.arrayContaining(['--auto-tls=true', '--client-cert-auth=true']))
    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail'})
    expect(result.wire[0]?.tls).toContain('server certificate O=etcd (self-signed)')
    expect(result.config.map((item) => [item.setting, item.value, item.verdict])).toEqual([
      ['--client-cert-auth', 'true', 'fail'],
      ['--trusted-ca-file', '/etc/kubernetes/pki/etcd/ca.crt', 'fail'],
      ['--auto-tls', 'true', 'fail'],
      ['--listen-client-urls', 'https://127.0.0.1:2379,https://192.168.122.10:2379', 'pass'],
    ])
  })

  it('says the manifest demands client certificates but the running etcd does not', async () => {
    const result = await auditOne(etcdClientCertAuth, etcdTarget(ports(tlsOnly), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('reads ETCD_* variables when the flags are absent', async () => {
    const result = await auditOne(etcdClientCertAuth, etcdTarget(await closedPorts(), fixtureNode('flag-forms')))

    expect(result.status).toBe('pass')
    expect(result.config.slice(0, 2).map((item) => [item.setting, item.value, item.source, item.verdict])).toEqual([
      ['ETCD_CLIENT_CERT_AUTH', 'true', 'environment', 'pass'],
      ['ETCD_TRUSTED_CA_FILE', '/etc/kubernetes/pki/etcd/ca.crt', 'environment', 'pass'],
    ])
  })

  it('reports command lines etcd refuses to start with: a stray boolean value, and a variable shadowed by its flag', async () => {
    const hardened = (await fixtureNode('kubeadm-1.34-hardened').readFile(ETCD_MANIFEST)) ?? ''
    const stray = hardened.replace('    - --client-cert-auth=true\n', '    - --client-cert-auth\n    - "true"\n')
    const shadowed = hardened.replace('    image: registry.k8s.io/etcd', '    env:\n    - name: ETCD_CLIENT_CERT_AUTH\n      value: "true"\n    image: registry.k8s.io/etcd')
    const closed = await closedPorts()

    for (const [manifest, expected] of [
      [stray, {setting: 'command line', value: 'true', source: 'flag', verdict: 'error'}],
      [shadowed, {setting: 'ETCD_CLIENT_CERT_AUTH', value: 'true', source: 'environment', verdict: 'error'}],
    ] as const) {
      const node = await tempNodeRoot('kubeadm-1.34-hardened', {[ETCD_MANIFEST]: manifest})
      try {
        const result = await auditOne(etcdClientCertAuth, etcdTarget(closed, node.node))

        expect(result.status).toBe('error')
        expect(result.config[0]).toMatchObject({...expected, file: ETCD_MANIFEST})
        expect(result.config[0]?.note).toMatch(/^etcd refuses to start: /)
        expect(result.summary).toContain('etcd refuses to start')
      } finally {
        await node.remove()
      }
    }
  })

  it('judges the wire alone without node access, and the configuration alone without an endpoint', async () => {
    const wireOnly = await auditOne(etcdClientCertAuth, etcdTarget(ports(tlsOnly)))
    const configOnly = await auditOne(etcdClientCertAuth, etcdTarget(await closedPorts(), fixtureNode('etcd-noauth')))

    expect(wireOnly).toMatchObject({status: 'fail', config: []})
    expect(configOnly.status).toBe('fail')
    expect(configOnly.wire.every((item) => item.verdict === 'unknown')).toBe(true)
  })

  it('reports an error within the timeout when the port never answers', async () => {
    const server = await startHostileServer('silent')
    try {
      const started = Date.now()
      const result = await auditOne(etcdClientCertAuth, etcdTarget({client: server.port, peer: server.port}, undefined, 300))

      expect(result.status).toBe('error')
      expect(result.wire.map((item) => item.error)).toEqual(['no answer within 300 ms', 'no answer within 300 ms'])
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await server.close()
    }
  })
})
