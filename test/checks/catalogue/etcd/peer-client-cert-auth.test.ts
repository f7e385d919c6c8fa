import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdPeerClientCertAuth} from '../../../../src/checks/catalogue/etcd/peer-client-cert-auth.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {fixtureNode} from '../../../support/node-roots.js'
import {auditOne, closedPorts, createEtcdPki, etcdTarget, type EtcdPki} from './helpers.js'

const HANDSHAKE_ALERT = /^TLS alert from the server: (bad certificate|certificate required)$/

describe('etcd-peer-client-cert-auth', () => {
  let pki: EtcdPki
  let plaintextPeer: RunningEtcd
  let tlsPeer: RunningEtcd
  let mutualTlsPeer: RunningEtcd
  let trustedCaOnlyPeer: RunningEtcd
  beforeAll(async () => {
    pki = await createEtcdPki()
    const client = pki.tls({trustedCa: true, clientCertAuth: true})
    ;[plaintextPeer, tlsPeer, mutualTlsPeer, trustedCaOnlyPeer] = await Promise.all([
      startEtcd({client}),
      startEtcd({client, peer: pki.tls()}),
      startEtcd({client, peer: pki.tls({trustedCa: true, clientCertAuth: true})}),
      startEtcd({client, peer: pki.tls({trustedCa: true, clientCertAuth: false})}),
    ])
  })
  afterAll(async () => {
    await Promise.all([plaintextPeer, tlsPeer, mutualTlsPeer, trustedCaOnlyPeer].map((etcd) => etcd?.stop()))
    await pki?.remove()
  })
  const ports = (etcd: RunningEtcd) => ({client: etcd.clientPort, peer: etcd.peerPort})

  it('fails peer TLS that accepts connections without a certificate', async () => {
    const result = await auditOne(etcdPeerClientCertAuth, etcdTarget(ports(tlsPeer), fixtureNode('etcd-peer-no-client-auth')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.summary).toBe(
      `etcd's peer port ${tlsPeer.peerPort} accepts connections without a client certificate: anyone who reaches it can talk to this member as if it were one of its peers.`,
    )
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `GET https://127.0.0.1:${tlsPeer.peerPort}/members (no client certificate)`,
        status: 200,
        verdict: 'fail',
        note: 'accepted over TLS without a client certificate (HTTP 200)',
      }),
    ])
    expect(result.config.map((item) => [item.setting, item.value, item.verdict])).toEqual([
      ['--peer-client-cert-auth', 'false', 'fail'],
      ['--peer-trusted-ca-file', '', 'fail'],
      ['--listen-peer-urls', 'https://192.168.122.10:2380', 'pass'],
    ])
  })

  it('passes peer mutual TLS: the connection is refused at the handshake', async () => {
    const result = await auditOne(etcdPeerClientCertAuth, etcdTarget(ports(mutualTlsPeer), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('pass')
    expect(result.wire[0]?.error).toMatch(HANDSHAKE_ALERT)
    expect(result.wire[0]?.note).toMatch(/: etcd demands a client certificate on its peer port$/)
  })

  it('passes a peer trusted CA without --peer-client-cert-auth, because real etcd then demands certificates too', async () => {
    const result = await auditOne(etcdPeerClientCertAuth, etcdTarget(ports(trustedCaOnlyPeer)))

    expect(trustedCaOnlyPeer.args).toContain('--peer-client-cert-auth=false')
    expect(result.status).toBe('pass')
    expect(result.wire[0]?.error).toMatch(HANDSHAKE_ALERT)
  })

  it('fails a plaintext peer port: no TLS means no client certificates', async () => {
    const result = await auditOne(etcdPeerClientCertAuth, etcdTarget(ports(plaintextPeer), fixtureNode('etcd-peer-plaintext')))

    expect(result.status).toBe('fail')
    expect(result.wire[0]).toMatchObject({request: `GET http://127.0.0.1:${plaintextPeer.peerPort}/members (no credentials)`, status: 200, verdict: 'fail'})
    expect(result.wire[0]?.note).toMatch(/^no TLS, so no client certificates either: the peer port answers plain HTTP with the member list/)
  })

  it('says the manifest demands peer certificates but the running etcd does not', async () => {
    const result = await auditOne(etcdPeerClientCertAuth, etcdTarget(ports(tlsPeer), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('judges the configuration alone without an endpoint and the wire alone without node access', async () => {
    const configOnly = await auditOne(etcdPeerClientCertAuth, etcdTarget(await closedPorts(), fixtureNode('etcd-peer-no-client-auth')))
    const wireOnly = await auditOne(etcdPeerClientCertAuth, etcdTarget(ports(mutualTlsPeer)))

    expect(configOnly.status).toBe('fail')
    expect(wireOnly).toMatchObject({status: 'pass', summary: 'Hardened: wire (configuration not readable).'})
  })

  it('reports an error within the timeout when the peer port never answers', async () => {
    const server = await startHostileServer('silent')
    try {
      const started = Date.now()
      const result = await auditOne(etcdPeerClientCertAuth, etcdTarget({client: server.port, peer: server.port}, undefined, 300))

      expect(result.status).toBe('error')
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await server.close()
    }
  })
})
