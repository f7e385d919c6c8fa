import {chmod, mkdir} from 'node:fs/promises'
import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdDataExposed} from '../../../../src/checks/catalogue/etcd/data-exposed.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {startHostileServer} from '../../../support/hostile-servers.js'
import {fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'
import {auditOne, closedPorts, createEtcdPki, etcdTarget, putKeys, type EtcdPki} from './helpers.js'

/** What kube-apiserver would have written; the values must never reach a report. */
const SEED: Record<string, string> = {
  '/registry/secrets/default/db-password': 'hunter2-value',
  '/registry/secrets/kube-system/bootstrap-token-abcdef': 'token-value-0123',
  '/registry/namespaces/default': 'namespace-value',
  '/registry/pods/default/web': 'pod-value',
  '/registry/configmaps/default/settings': 'configmap-value',
  '/registry/serviceaccounts/default/default': 'serviceaccount-value',
}
const SORTED_KEYS = Object.keys(SEED).sort()

describe('etcd-data-exposed', () => {
  let pki: EtcdPki
  let plaintext: RunningEtcd
  let tlsOnly: RunningEtcd
  let mutualTls: RunningEtcd
  let empty: RunningEtcd
  let node: TempNodeRoot | undefined
  beforeAll(async () => {
    pki = await createEtcdPki()
    ;[plaintext, tlsOnly, mutualTls, empty] = await Promise.all([
      startEtcd(),
      startEtcd({client: pki.tls()}),
      startEtcd({client: pki.tls({trustedCa: true, clientCertAuth: true})}),
      startEtcd(),
    ])
    await Promise.all([
      putKeys(plaintext.clientUrl, SEED),
      putKeys(tlsOnly.clientUrl, SEED),
      putKeys(mutualTls.clientUrl, SEED, {certFile: pki.clientCertFile, keyFile: pki.clientKeyFile}),
    ])
  })
  afterAll(async () => {
    await Promise.all([plaintext, tlsOnly, mutualTls, empty].map((etcd) => etcd?.stop()))
    await pki?.remove()
  })
  afterEach(async () => {
    await node?.remove()
    node = undefined
  })
  const ports = (etcd: RunningEtcd) => ({client: etcd.clientPort, peer: etcd.peerPort})
  /** A copy of a fixture node with the data directory created at the given mode. */
  const nodeWithDataDir = async (fixture: string, mode: number | undefined) => {
    node = await tempNodeRoot(fixture)
    if (mode !== undefined) {
      const dataDir = node.node.resolve('/var/lib/etcd')
      await mkdir(dataDir, {recursive: true})
      await chmod(dataDir, mode)
    }
    return node.node
  }
  const expectNoValues = (report: unknown) => {
    const text = JSON.stringify(report)
    for (const value of Object.values(SEED)) {
      expect(text).not.toContain(value)
      expect(text).not.toContain(Buffer.from(value).toString('base64'))
    }
  }

  it('fails when a plaintext etcd hands out its keys, showing how many and a few names but no values', async () => {
    const result = await auditOne(etcdDataExposed, etcdTarget(ports(plaintext), await nodeWithDataDir('kubeadm-1.19-all-open', 0o755)))

    expect(result.status).toBe('fail')
    expect(result.summary).toBe(
      `Anyone who reaches etcd's client port ${plaintext.clientPort} reads the cluster's data without credentials: 6 keys under /registry/, such as ${SORTED_KEYS[0]}, Secrets included, and can write them as well.`,
    )
    expect(result.wire).toEqual([
      expect.objectContaining({
        request: `POST http://127.0.0.1:${plaintext.clientPort}/v3/kv/range (no credentials)`,
        status: 200,
        verdict: 'fail',
        note: '6 keys under /registry/ readable with no credentials (count only)',
      }),
      expect.objectContaining({
        request: `POST http://127.0.0.1:${plaintext.clientPort}/v3/kv/range (no credentials)`,
        status: 200,
        verdict: 'fail',
        note: `the first 5 key names: ${SORTED_KEYS.slice(0, 5).join(', ')} (names only, values not read)`,
      }),
    ])
    expect(result.config.find((item) => item.setting === 'permissions of /var/lib/etcd')).toMatchObject({
      value: '755',
      source: 'flag',
      file: '/etc/kubernetes/manifests/etcd.yaml',
      verdict: 'fail',
    })
    expectNoValues(result)
  })

  it('fails TLS without client authentication the same way, over https', async () => {
    const result = await auditOne(etcdDataExposed, etcdTarget(ports(tlsOnly), await nodeWithDataDir('etcd-noauth', 0o700)))

    expect(result.status).toBe('fail')
    expect(result.wire.map((item) => [item.request, item.verdict])).toEqual([
      [`POST https://127.0.0.1:${tlsOnly.clientPort}/v3/kv/range (no client certificate)`, 'fail'],
      [`POST https://127.0.0.1:${tlsOnly.clientPort}/v3/kv/range (no client certificate)`, 'fail'],
    ])
    expect(result.wire[1]?.note).toContain('/registry/secrets/default/db-password')
    expect(result.config.map((item) => [item.setting, item.verdict])).toEqual([
      ['--client-cert-auth', 'fail'],
      ['--trusted-ca-file', 'fail'],
      ['--listen-client-urls', 'pass'],
      ['permissions of /var/lib/etcd', 'pass'],
    ])
    expectNoValues(result)
  })

  it('passes mutual TLS with a 700 data directory: the read is refused at the handshake', async () => {
    const result = await auditOne(etcdDataExposed, etcdTarget(ports(mutualTls), await nodeWithDataDir('kubeadm-1.34-hardened', 0o700)))

    expect(result.status).toBe('pass')
    expect(result.wire).toHaveLength(1)
    expect(result.wire[0]?.note).toMatch(/^the read was refused at the TLS handshake \(TLS alert from the server: (bad certificate|certificate required)\): no data without a client certificate$/)
    expect(result.config.at(-1)).toMatchObject({setting: 'permissions of /var/lib/etcd', value: '700', verdict: 'pass'})
    expectNoValues(result)
  })

  it('fails an open etcd even before anything is stored in it', async () => {
    const result = await auditOne(etcdDataExposed, etcdTarget(ports(empty)))

    expect(result.status).toBe('fail')
    expect(result.wire).toEqual([
      expect.objectContaining({
        status: 200,
        verdict: 'fail',
        note: 'read answered with no credentials; nothing is stored under /registry/ yet, but whatever kube-apiserver writes there will be as readable',
      }),
    ])
  })

  it('says the manifest is hardened but the running etcd still hands out its data', async () => {
    const result = await auditOne(etcdDataExposed, etcdTarget(ports(plaintext), await nodeWithDataDir('kubeadm-1.34-hardened', 0o700)))

    expect(result.status).toBe('fail')
    expect(result.disagreement).toMatch(/^Fixed in the configuration, still open on the wire/)
  })

  it('fails a group-readable data directory even when the wire is closed', async () => {
    const result = await auditOne(etcdDataExposed, etcdTarget(ports(mutualTls), await nodeWithDataDir('kubeadm-1.34-hardened', 0o750)))

    expect(result.status).toBe('fail')
    expect(result.summary).toBe("/var/lib/etcd is 750: other users on the node can copy etcd's database files, Secrets included, whatever the network side does.")
    expect(result.wire[0]?.verdict).toBe('pass')
    expect(result.config.at(-1)).toMatchObject({value: '750', verdict: 'fail'})
  })

  it('judges the configuration alone when nothing listens, and cannot judge a data directory that is not there', async () => {
    const closed = await closedPorts()
    const hardened = await auditOne(etcdDataExposed, etcdTarget(closed, await nodeWithDataDir('kubeadm-1.34-hardened', 0o700)))
    expect(hardened).toMatchObject({status: 'pass', summary: 'Hardened: configuration (wire not observable).'})

    const missing = await auditOne(etcdDataExposed, etcdTarget(closed, fixtureNode('kubeadm-1.34-hardened')))
    expect(missing.config.at(-1)).toMatchObject({setting: 'permissions of /var/lib/etcd', value: undefined, verdict: 'unknown'})
    expect(missing.config.at(-1)?.note).toBe('--data-dir names /var/lib/etcd; the folder is not on this node')
  })

  it('reports an error within the timeout when the port answers garbage', async () => {
    const server = await startHostileServer('garbage')
    try {
      const started = Date.now()
      const result = await auditOne(etcdDataExposed, etcdTarget({client: server.port, peer: server.port}, undefined, 300))

      expect(result.status).toBe('error')
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await server.close()
    }
  })
})
