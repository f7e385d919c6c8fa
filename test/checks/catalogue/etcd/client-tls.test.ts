import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdClientTls} from '../../../../src/checks/catalogue/etcd/client-tls.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer, type HostileBehaviour} from '../../../support/hostile-servers.js'
import {fixtureLine, fixtureNode} from '../../../support/node-roots.js'
import {auditOne, closedPorts, createEtcdPki, etcdTarget, startEtcdWithArgs, type CustomEtcd, type EtcdPki} from './helpers.js'

const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml'

describe('etcd-client-tls', () => {
  let pki: EtcdPki
  let plaintext: RunningEtcd
  let tls: RunningEtcd
  beforeAll(async () => {
    pki = await createEtcdPki()
    ;[plaintext, tls] = await Promise.all([startEtcd(), startEtcd({client: pki.tls({trustedCa: true, clientCertAuth: true})})])
  })
  afterAll(async () => {
    await Promise.all([plaintext?.stop(), tls?.stop()])
    await pki?.remove()
  })
  const ports = (etcd: RunningEtcd) => ({client: etcd.clientPort, peer: etcd.peerPort})

  it('fails on both sides for a plaintext etcd started from a manifest without TLS', async () => {
    const result = await auditOne(etcdClientTls, etcdTarget(ports(plaintext), fixtureNode('kubeadm-1.19-all-open')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.summary).toBe(
      `etcd answers plain HTTP on its client port ${plaintext.clientPort}: anyone on the network reads the cluster's data, Secrets included, as it travels.`,
    )
    expect(result.wire[0]).toMatchObject({
      request: `GET http://127.0.0.1:${plaintext.clientPort}/version (no credentials)`,
      status: 200,
      verdict: 'fail',
    })
    // Until the new member has decided the cluster version, etcd reports it as "not_decided".
    expect(result.wire[0]?.bodyExcerpt).toMatch(/^\{"etcdserver":"3\.4\.23","etcdcluster":"(3\.4\.0|not_decided)"\}$/)
    expect(result.wire[0]?.note).toContain('etcd 3.4.23 answers plain HTTP')
    expect(result.wire[1]).toMatchObject({request: `GET https://127.0.0.1:${plaintext.clientPort}/version (no client certificate)`, verdict: 'fail'})

    const listenLine = await fixtureLine('kubeadm-1.19-all-open', ETCD_MANIFEST, '- --listen-client-urls=http://127.0.0.1:2379,http://192.168.122.20:2379')
    expect(result.config).toEqual([
      {setting: '--cert-file', value: undefined, source: 'default', verdict: 'fail', note: 'not set: etcd has no certificate for its client port, so it cannot serve TLS there'},
      {setting: '--key-file', value: undefined, source: 'default', verdict: 'fail', note: 'not set: etcd has no certificate for its client port, so it cannot serve TLS there'},
      expect.objectContaining({setting: '--listen-client-urls', source: 'flag', file: ETCD_MANIFEST, line: listenLine, verdict: 'fail'}),
      expect.objectContaining({setting: '--advertise-client-urls', value: 'http://192.168.122.20:2379', verdict: 'fail'}),
    ])
  })

  it('passes on both sides for kubeadm\'s TLS etcd, with the TLS details on the wire', async () => {
    const result = await auditOne(etcdClientTls, etcdTarget(ports(tls), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('pass')
    expect(result.summary).toBe('Hardened: configuration and wire agree.')
    const handshake = result.wire.find((item) => item.request.startsWith('GET https://'))
    expect(handshake).toMatchObject({verdict: 'pass', note: 'the client port speaks TLS'})
    // The auditor has no copy of the etcd CA, so it reads the certificate without verifying it.
    expect(handshake?.tls).toBe('TLSv1.3, server certificate CN=kube-etcd issued by CN=etcd-ca, not verified: UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    // kubeadm's etcd demands a client certificate: the handshake completes, then the alert arrives.
    expect(handshake?.error).toMatch(/TLS alert from the server: (bad certificate|certificate required)/)
    expect(result.wire.find((item) => item.request.startsWith('GET http://'))).toMatchObject({
      verdict: 'pass',
      error: 'the server closed the connection without answering',
      note: 'plain HTTP gets no answer: etcd drops connections that do not start with a TLS handshake',
    })
    expect(result.config.map((item) => [item.setting, item.verdict])).toEqual([
      ['--cert-file', 'pass'],
      ['--key-file', 'pass'],
      ['--listen-client-urls', 'pass'],
      ['--advertise-client-urls', 'pass'],
    ])
  })

  it('says the fix is in the manifest but the running etcd still serves plain HTTP', async () => {
    const result = await auditOne(etcdClientTls, etcdTarget(ports(plaintext), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
    expect(result.config.every((item) => item.verdict === 'pass')).toBe(true)
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail'})
  })

  it('judges the wire alone without node access', async () => {
    const result = await auditOne(etcdClientTls, etcdTarget(ports(plaintext)))

    expect(result.status).toBe('fail')
    expect(result.config).toEqual([])
    expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail'})
  })

  it('judges the configuration alone when nothing listens', async () => {
    const closed = await closedPorts()
    const open = await auditOne(etcdClientTls, etcdTarget(closed, fixtureNode('kubeadm-1.19-all-open')))
    const hardened = await auditOne(etcdClientTls, etcdTarget(closed, fixtureNode('kubeadm-1.34-hardened')))

    expect(open.status).toBe('fail')
    expect(open.summary).toBe('Weak: the configuration shows the problem.')
    expect(open.wire.map((item) => [item.verdict, item.error])).toEqual([
      ['unknown', 'connection refused (nothing listens on this port)'],
      ['unknown', 'connection refused (nothing listens on this port)'],
    ])
    expect(hardened).toMatchObject({status: 'pass', summary: 'Hardened: configuration (wire not observable).'})
  })

  it('fails the configuration when the listen URLs are http:// although certificates are set, and the wire agrees', async () => {
    // The measured behaviour behind the fixture: etcd 3.4.23 with --cert-file/--key-file/--trusted-ca-file
    // and --client-cert-auth on an http:// listener logs "serving insecure client requests" and answers plain HTTP.
    let etcd: CustomEtcd | undefined
    try {
      etcd = await startEtcdWithArgs(({client, peer}) => [
        `--listen-client-urls=http://127.0.0.1:${client}`,
        `--advertise-client-urls=http://127.0.0.1:${client}`,
        `--listen-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-cluster=test=http://127.0.0.1:${peer}`,
        `--cert-file=${pki.certFile}`,
        `--key-file=${pki.keyFile}`,
        `--trusted-ca-file=${pki.caFile}`,
        '--client-cert-auth=true',
      ])
      const result = await auditOne(etcdClientTls, etcdTarget({client: etcd.clientPort, peer: etcd.peerPort}, fixtureNode('etcd-http-listen')))

      expect(result.status).toBe('fail')
      expect(result.config.map((item) => [item.setting, item.verdict])).toEqual([
        ['--cert-file', 'pass'],
        ['--key-file', 'pass'],
        ['--listen-client-urls', 'fail'],
        ['--advertise-client-urls', 'fail'],
      ])
      expect(result.config[2]?.note).toBe('http://127.0.0.1:2379, http://192.168.122.10:2379 serve plain HTTP, whatever certificate flags are set')
      expect(result.wire[0]).toMatchObject({status: 200, verdict: 'fail'})
    } finally {
      await etcd?.stop()
    }
  })

  it.each<HostileBehaviour>(['silent', 'garbage', 'reset'])('reports an error, within the timeout, when a %s server holds the port', async (behaviour) => {
    const server = await startHostileServer(behaviour)
    try {
      const started = Date.now()
      const result = await auditOne(etcdClientTls, etcdTarget({client: server.port, peer: server.port}, undefined, 300))

      expect(result.status).toBe('error')
      expect(result.wire.map((item) => item.verdict)).toEqual(['error', 'error'])
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await server.close()
    }
  })
})
