import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdPeerAutoTls} from '../../../../src/checks/catalogue/etcd/peer-auto-tls.js'
import {etcdPeerClientCertAuth} from '../../../../src/checks/catalogue/etcd/peer-client-cert-auth.js'
import {runAudit} from '../../../../src/checks/evaluate.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {fixtureLine, fixtureNode} from '../../../support/node-roots.js'
import {auditOne, closedPorts, createEtcdPki, etcdTarget, type EtcdPki} from './helpers.js'

const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml'

describe('etcd-peer-auto-tls', () => {
  let pki: EtcdPki
  let autoTlsPeer: RunningEtcd
  let caIssuedPeer: RunningEtcd
  beforeAll(async () => {
    pki = await createEtcdPki()
    const client = pki.tls({trustedCa: true, clientCertAuth: true})
    ;[autoTlsPeer, caIssuedPeer] = await Promise.all([
      // As the etcd-auto-tls fixture: --peer-client-cert-auth and the peer CA kept, no peer certificate.
      startEtcd({client, peer: {autoTls: true}, extraArgs: ['--peer-client-cert-auth=true', `--peer-trusted-ca-file=${pki.caFile}`]}),
      startEtcd({client, peer: pki.tls({trustedCa: true, clientCertAuth: true})}),
    ])
  })
  afterAll(async () => {
    await Promise.all([autoTlsPeer?.stop(), caIssuedPeer?.stop()])
    await pki?.remove()
  })
  const ports = (etcd: RunningEtcd) => ({client: etcd.clientPort, peer: etcd.peerPort})

  it('fails on both sides when etcd generates its own peer certificate, which also switches peer authentication off', async () => {
    const report = await runAudit(etcdTarget(ports(autoTlsPeer), fixtureNode('etcd-auto-tls')), [etcdPeerAutoTls, etcdPeerClientCertAuth])
    const [autoTls, clientAuth] = report.results

    expect(autoTls?.status).toBe('fail')
    expect(autoTls?.disagreement).toBeUndefined()
    expect(autoTls?.wire[0]).toMatchObject({request: `GET https://127.0.0.1:${autoTlsPeer.peerPort}/members (no client certificate)`, verdict: 'fail'})
    expect(autoTls?.wire[0]?.tls).toMatch(/^TLSv1\.3, server certificate O=etcd \(self-signed\)/)
    expect(autoTls?.config).toEqual([
      {
        setting: '--peer-auto-tls',
        value: 'true',
        source: 'flag',
        file: ETCD_MANIFEST,
        line: await fixtureLine('etcd-auto-tls', ETCD_MANIFEST, '- --peer-auto-tls=true'),
        verdict: 'fail',
        note: 'etcd generates a self-signed certificate under <data-dir>/fixtures/peer and serves it on its peer port',
      },
    ])
    // etcd 3.4.23 with --peer-auto-tls and --peer-client-cert-auth=true answers a peer without a certificate.
    expect(clientAuth?.status).toBe('fail')
    expect(clientAuth?.wire[0]).toMatchObject({status: 200, verdict: 'fail'})
    expect(clientAuth?.config.find((item) => item.setting === '--peer-client-cert-auth')).toMatchObject({value: 'true', verdict: 'fail'})
  })

  it('passes a CA-issued peer certificate', async () => {
    const result = await auditOne(etcdPeerAutoTls, etcdTarget(ports(caIssuedPeer), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('pass')
    expect(result.wire[0]?.note).toBe('the server certificate (CN=kube-etcd) is issued by CN=etcd-ca')
  })

  it('fails a bare --peer-auto-tls without a peer certificate in the configuration', async () => {
    const result = await auditOne(etcdPeerAutoTls, etcdTarget(await closedPorts(), fixtureNode('flag-forms')))

    expect(result.status).toBe('fail')
    expect(result.config[0]).toMatchObject({setting: '--peer-auto-tls', value: 'true', verdict: 'fail'})
  })

  it('says the manifest no longer asks for peer auto-TLS but the running etcd still serves its own certificate', async () => {
    const result = await auditOne(etcdPeerAutoTls, etcdTarget(ports(autoTlsPeer), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('reports an error within the timeout when the peer port answers garbage', async () => {
    const server = await startHostileServer('garbage')
    try {
      const result = await auditOne(etcdPeerAutoTls, etcdTarget({client: server.port, peer: server.port}, undefined, 300))

      expect(result.status).toBe('error')
    } finally {
      await server.close()
    }
  })
})
