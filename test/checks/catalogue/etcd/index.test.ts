import {chmod, mkdir} from 'node:fs/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {ETCD_CHECKS} from '../../../../src/checks/catalogue/etcd/index.js'
import {runAudit} from '../../../../src/checks/evaluate.js'
import {createCertificateAuthority} from '../../../../src/pki/index.js'
import {CHECK_IDS} from '../../../../src/scenario/check-ids.js'
import {startEtcd, type RunningEtcd} from '../../../support/etcd.js'
import {fixtureNode, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'
import {createEtcdPki, etcdTarget, putKeys, type EtcdPki} from './helpers.js'

describe('the etcd checks together', () => {
  let pki: EtcdPki
  let hardened: RunningEtcd
  let open: RunningEtcd
  let node: TempNodeRoot
  beforeAll(async () => {
    pki = await createEtcdPki()
    const mutual = pki.tls({trustedCa: true, clientCertAuth: true})
    ;[hardened, open] = await Promise.all([startEtcd({client: mutual, peer: mutual}), startEtcd()])
    await putKeys(open.clientUrl, {'/registry/secrets/default/db-password': 'hunter2'})
    const clusterCa = await createCertificateAuthority({commonName: 'kubernetes', encryptionAlgorithm: 'ECDSA-P256'})
    node = await tempNodeRoot('kubeadm-1.34-hardened', {
      '/etc/kubernetes/pki/ca.crt': clusterCa.certificatePem,
      '/etc/kubernetes/pki/etcd/ca.crt': pki.ca.certificatePem,
    })
    await mkdir(node.node.resolve('/var/lib/etcd'), {recursive: true})
    await chmod(node.node.resolve('/var/lib/etcd'), 0o700)
  })
  afterAll(async () => {
    await Promise.all([hardened?.stop(), open?.stop()])
    await Promise.all([pki?.remove(), node?.remove()])
  })

  it('registers the catalogue ids that scenarios name, each once, each with its CIS control', () => {
    const ids = ETCD_CHECKS.map((check) => check.id)
    expect(ids).toEqual([
      'etcd-client-tls',
      'etcd-client-cert-auth',
      'etcd-auto-tls',
      'etcd-peer-tls',
      'etcd-peer-client-cert-auth',
      'etcd-peer-auto-tls',
      'etcd-unique-ca',
      'etcd-data-exposed',
    ])
    expect(ids.every((id) => (CHECK_IDS as readonly string[]).includes(id))).toBe(true)
    expect(ETCD_CHECKS.map((check) => check.cis.map((reference) => `${reference.benchmark} ${reference.id}`))).toEqual([
      ['cis-1.12 2.1'],
      ['cis-1.12 2.2'],
      ['cis-1.12 2.3'],
      ['cis-1.12 2.4'],
      ['cis-1.12 2.5'],
      ['cis-1.12 2.6'],
      ['cis-1.12 2.7'],
      ['cis-1.12 1.1.11'],
    ])
    expect(ETCD_CHECKS.every((check) => check.component === 'etcd')).toBe(true)
  })

  it('passes every check on kubeadm\'s etcd: mutual TLS on both ports, its own CA, a private data directory', async () => {
    const report = await runAudit(etcdTarget({client: hardened.clientPort, peer: hardened.peerPort}, node.node), ETCD_CHECKS)

    expect(Object.fromEntries(report.results.map((result) => [result.id, result.status]))).toEqual({
      'etcd-client-tls': 'pass',
      'etcd-client-cert-auth': 'pass',
      'etcd-auto-tls': 'pass',
      'etcd-peer-tls': 'pass',
      'etcd-peer-client-cert-auth': 'pass',
      'etcd-peer-auto-tls': 'pass',
      'etcd-unique-ca': 'pass',
      'etcd-data-exposed': 'pass',
    })
  })

  it('fails what a plaintext etcd opens, and leaves the certificate checks to the TLS checks', async () => {
    const report = await runAudit(etcdTarget({client: open.clientPort, peer: open.peerPort}, fixtureNode('kubeadm-1.19-all-open')), ETCD_CHECKS)

    expect(Object.fromEntries(report.results.map((result) => [result.id, result.status]))).toEqual({
      'etcd-client-tls': 'fail',
      'etcd-client-cert-auth': 'fail',
      'etcd-auto-tls': 'pass',
      'etcd-peer-tls': 'fail',
      'etcd-peer-client-cert-auth': 'fail',
      'etcd-peer-auto-tls': 'pass',
      'etcd-unique-ca': 'warn',
      'etcd-data-exposed': 'fail',
    })
    expect(JSON.stringify(report)).not.toContain('hunter2')
  })
})
