import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdPeerTls} from '../../../../src/checks/catalogue/etcd/peer-tls.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {fixtureLine, fixtureNode} from '../../../support/node-roots.js'
import {auditOne, closedPorts, createEtcdPki, etcdTarget, type EtcdPki} from './helpers.js'

const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml'

describe('etcd-peer-tls', () => {
  let pki: EtcdPki
  let plaintextPeer: RunningEtcd
  let tlsPeer: RunningEtcd
  beforeAll(async () => {
    pki = await createEtcdPki()
    ;[plaintextPeer, tlsPeer] = await Promise.all([
      startEtcd({client: pki.tls({trustedCa: true, clientCertAuth: true})}),
      startEtcd({client: pki.tls({trustedCa: true, clientCertAuth: true}), peer: pki.tls({trustedCa: true, clientCertAuth: true})}),
    ])
  })
  afterAll(async () => {
    await Promise.all([plaintextPeer?.stop(), tlsPeer?.stop()])
    await pki?.remove()
  })
  const ports = (etcd: RunningEtcd) => ({client: etcd.clientPort, peer: etcd.peerPort})

  it('fails on both sides when the peer port speaks plain HTTP, and shows the member list it gives away', async () => {
    const result = await auditOne(etcdPeerTls, etcdTarget(ports(plaintextPeer), fixtureNode('etcd-peer-plaintext')))

    expect(result.status).toBe('fail')
    expect(result.summary).toBe(
      `etcd's peer port ${plaintextPeer.peerPort} answers plain HTTP: the raft traffic that carries every write travels unencrypted, and anyone can list the members.`,
    )
    expect(result.wire[0]).toMatchObject({request: `GET http://127.0.0.1:${plaintextPeer.peerPort}/members (no credentials)`, status: 200, verdict: 'fail'})
    // A member publishes its client URLs shortly after it starts; until then /members lists none.
    const clientUrls = `(-|${escapeRegExp(plaintextPeer.clientUrl)})`
    expect(result.wire[0]?.note).toMatch(
      new RegExp(
        `^the peer port answers plain HTTP with the member list \\(test: peer ${escapeRegExp(plaintextPeer.peerUrl)}, client ${clientUrls}\\): raft traffic, which carries every write, travels unencrypted$`,
      ),
    )
    expect(result.config).toEqual([
      {setting: '--peer-cert-file', value: undefined, source: 'default', verdict: 'fail', note: 'not set: etcd has no certificate for its peer port, so it cannot serve TLS there'},
      {setting: '--peer-key-file', value: undefined, source: 'default', verdict: 'fail', note: 'not set: etcd has no certificate for its peer port, so it cannot serve TLS there'},
      expect.objectContaining({
        setting: '--listen-peer-urls',
        value: 'http://192.168.122.10:2380',
        line: await fixtureLine('etcd-peer-plaintext', ETCD_MANIFEST, '- --listen-peer-urls=http://192.168.122.10:2380'),
        verdict: 'fail',
      }),
      expect.objectContaining({setting: '--initial-advertise-peer-urls', value: 'http://192.168.122.10:2380', verdict: 'fail'}),
    ])
  })

  it('passes kubeadm\'s peer TLS on both sides', async () => {
    const result = await auditOne(etcdPeerTls, etcdTarget(ports(tlsPeer), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('pass')
    expect(result.wire.map((item) => [item.request, item.verdict])).toEqual([
      [`GET http://127.0.0.1:${tlsPeer.peerPort}/members (no credentials)`, 'pass'],
      [`GET https://127.0.0.1:${tlsPeer.peerPort}/members (no client certificate)`, 'pass'],
    ])
    expect(result.wire[1]?.tls).toMatch(/^TLSv1\.3, server certificate CN=kube-etcd issued by CN=etcd-ca/)
  })

  it('says the manifest has peer TLS but the running etcd still serves plain HTTP to peers', async () => {
    const result = await auditOne(etcdPeerTls, etcdTarget(ports(plaintextPeer), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('judges the wire alone without node access, and the configuration alone without an endpoint', async () => {
    const wireOnly = await auditOne(etcdPeerTls, etcdTarget(ports(plaintextPeer)))
    const configOnly = await auditOne(etcdPeerTls, etcdTarget(await closedPorts(), fixtureNode('etcd-peer-plaintext')))

    expect(wireOnly).toMatchObject({status: 'fail', config: []})
    expect(configOnly).toMatchObject({status: 'fail', summary: 'Weak: the configuration shows the problem.'})
  })

  it('reports an error within the timeout when the peer port resets every connection', async () => {
    const server = await startHostileServer('reset')
    try {
      const result = await auditOne(etcdPeerTls, etcdTarget({client: server.port, peer: server.port}, undefined, 300))

      expect(result.status).toBe('error')
      expect(result.wire.map((item) => item.error)).toEqual(['the server closed the connection without answering', expect.any(String)])
    } finally {
      await server.close()
    }
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
