import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdAutoTls} from '../../../../src/checks/catalogue/etcd/auto-tls.js'
import {createSelfSignedCertificate} from '../../../../src/pki/index.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {fixtureLine, fixtureNode, tempNodeRoot} from '../../../support/node-roots.js'
import {auditOne, createEtcdPki, etcdTarget, type EtcdPki} from './helpers.js'

const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml'

describe('etcd-auto-tls', () => {
  let pki: EtcdPki
  let autoTls: RunningEtcd
  let caIssued: RunningEtcd
  let plaintext: RunningEtcd
  beforeAll(async () => {
    pki = await createEtcdPki()
    ;[autoTls, caIssued, plaintext] = await Promise.all([
      startEtcd({client: {autoTls: true}}),
      startEtcd({client: pki.tls({trustedCa: true, clientCertAuth: true})}),
      startEtcd(),
    ])
  })
  afterAll(async () => {
    await Promise.all([autoTls, caIssued, plaintext].map((etcd) => etcd?.stop()))
    await pki?.remove()
  })
  const ports = (etcd: RunningEtcd) => ({client: etcd.clientPort, peer: etcd.peerPort})

  it('fails on both sides when etcd generates its own certificate', async () => {
    const result = await auditOne(etcdAutoTls, etcdTarget(ports(autoTls), fixtureNode('etcd-auto-tls')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toBeUndefined()
    expect(result.summary).toBe(
      "etcd's client port serves a self-signed certificate: no client can verify that it talks to etcd, so clients skip verification and anyone on the path can pose as etcd.",
    )
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `GET https://127.0.0.1:${autoTls.clientPort}/version (no client certificate)`,
        status: 200,
        verdict: 'fail',
        note: "the server certificate (O=etcd) is self-signed, as etcd's auto-TLS makes it: no CA vouches for it",
      }),
    ])
    expect(result.wire[0]?.tls).toMatch(/^TLSv1\.3, server certificate O=etcd \(self-signed\)/)
    expect(result.config).toEqual([
      {
        setting: '--auto-tls',
        value: 'true',
        source: 'flag',
        file: ETCD_MANIFEST,
        line: await fixtureLine('etcd-auto-tls', ETCD_MANIFEST, '- --auto-tls=true'),
        verdict: 'fail',
        note: 'etcd generates a self-signed certificate under <data-dir>/fixtures/client and serves it on its client port',
      },
    ])
  })

  it('passes a CA-issued certificate', async () => {
    const result = await auditOne(etcdAutoTls, etcdTarget(ports(caIssued), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('pass')
    expect(result.wire[0]).toMatchObject({verdict: 'pass', note: 'the server certificate (CN=kube-etcd) is issued by CN=etcd-ca'})
    expect(result.config).toEqual([{setting: '--auto-tls', value: 'false', source: 'default', verdict: 'pass'}])
  })

  it('cannot judge a certificate on a plaintext port and leaves that to etcd-client-tls', async () => {
    const result = await auditOne(etcdAutoTls, etcdTarget(ports(plaintext), fixtureNode('kubeadm-1.19-all-open')))

    expect(result.wire).toEqual([
      expect.objectContaining({status: 200, verdict: 'unknown', note: 'plain HTTP: no certificate to judge (etcd-client-tls fails on the missing TLS)'}),
    ])
    expect(result).toMatchObject({status: 'pass', summary: 'Hardened: configuration (wire not observable).'})
  })

  it('notes that --auto-tls is ignored when a certificate is given, as the real etcd does', async () => {
    const node = await tempNodeRoot('kubeadm-1.34-hardened')
    let etcd: RunningEtcd | undefined
    try {
      const manifest = (await node.node.readFile(ETCD_MANIFEST)) ?? ''
      await writeFile(node.node.resolve(ETCD_MANIFEST), manifest.replace('    - --cert-file=', '    - --auto-tls=true\n    - --cert-file='))
      etcd = await startEtcd({client: pki.tls(), extraArgs: ['--auto-tls=true']})

      const result = await auditOne(etcdAutoTls, etcdTarget(ports(etcd), node.node))

      expect(result.status).toBe('pass')
      expect(result.wire[0]?.note).toBe('the server certificate (CN=kube-etcd) is issued by CN=etcd-ca')
      expect(result.config[0]).toMatchObject({setting: '--auto-tls', value: 'true', verdict: 'pass'})
      expect(result.config[0]?.note).toContain('ignored because --cert-file and --key-file are given')
    } finally {
      await etcd?.stop()
      await node.remove()
    }
  })

  it('says the manifest no longer asks for auto-TLS but the running etcd still serves its own certificate', async () => {
    const result = await auditOne(etcdAutoTls, etcdTarget(ports(autoTls), fixtureNode('kubeadm-1.34-hardened')))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('fails any self-signed serving certificate on the wire, not only auto-TLS\'s', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-self-signed-'))
    let etcd: RunningEtcd | undefined
    try {
      const selfSigned = await createSelfSignedCertificate({commonName: 'etcd-by-hand', usage: 'server', ipAddresses: ['127.0.0.1'], encryptionAlgorithm: 'ECDSA-P256'})
      await writeFile(path.join(dir, 'server.crt'), selfSigned.certificatePem)
      await writeFile(path.join(dir, 'server.key'), selfSigned.privateKeyPem)
      etcd = await startEtcd({client: {certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key')}})

      const result = await auditOne(etcdAutoTls, etcdTarget(ports(etcd)))

      expect(result.status).toBe('fail')
      expect(result.wire[0]?.note).toBe("the server certificate (CN=etcd-by-hand) is self-signed, as etcd's auto-TLS makes it: no CA vouches for it")
    } finally {
      await etcd?.stop()
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('reports a value etcd refuses to start with as an error', async () => {
    const node = await tempNodeRoot('kubeadm-1.34-hardened')
    try {
      const manifest = (await node.node.readFile(ETCD_MANIFEST)) ?? ''
      await writeFile(node.node.resolve(ETCD_MANIFEST), manifest.replace('    - --cert-file=', '    - --auto-tls=yes\n    - --cert-file='))

      const result = await auditOne(etcdAutoTls, etcdTarget(ports(caIssued), node.node))

      expect(result.config[0]).toMatchObject({setting: '--auto-tls', value: 'yes', verdict: 'error', note: 'etcd refuses to start: "yes" is not a boolean for --auto-tls (use true or false)'})
      expect(result.status).toBe('error')
    } finally {
      await node.remove()
    }
  })

  it('reports an error within the timeout when the port answers garbage', async () => {
    const server = await startHostileServer('garbage')
    try {
      const result = await auditOne(etcdAutoTls, etcdTarget({client: server.port, peer: server.port}, undefined, 300))

      expect(result.status).toBe('error')
      expect(result.wire.map((item) => item.verdict)).toEqual(['error', 'error'])
    } finally {
      await server.close()
    }
  })
})
