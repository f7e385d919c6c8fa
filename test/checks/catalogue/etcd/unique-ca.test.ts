import {X509Certificate} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {etcdUniqueCa} from '../../../../src/checks/catalogue/etcd/unique-ca.js'
import {createCertificateAuthority, type CertificateAuthority} from '../../../../src/pki/index.js'
import {fixtureLine, NODE_ROOTS, tempNodeRoot, type TempNodeRoot} from '../../../support/node-roots.js'
import {auditOne, closedPorts, etcdTarget} from './helpers.js'

const CLUSTER_CA = '/etc/kubernetes/pki/ca.crt'
const ETCD_CA = '/etc/kubernetes/pki/etcd/ca.crt'
const APISERVER_MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml'

describe('etcd-unique-ca', () => {
  let clusterCa: CertificateAuthority
  let etcdCa: CertificateAuthority
  let node: TempNodeRoot | undefined
  beforeAll(async () => {
    ;[clusterCa, etcdCa] = await Promise.all([
      createCertificateAuthority({commonName: 'kubernetes', encryptionAlgorithm: 'ECDSA-P256'}),
      createCertificateAuthority({commonName: 'etcd-ca', encryptionAlgorithm: 'ECDSA-P256'}),
    ])
  })
  afterEach(async () => {
    await node?.remove()
    node = undefined
  })
  const fingerprint = (ca: CertificateAuthority) => new X509Certificate(ca.certificatePem).fingerprint256
  const audit = async (fixture: string, files: Record<string, string>, remove: string[] = []) => {
    node = await tempNodeRoot(fixture, files, remove)
    return auditOne(etcdUniqueCa, etcdTarget(await closedPorts(), node.node))
  }

  it('passes kubeadm\'s layout: etcd trusts its own CA, different from the API server\'s client CA', async () => {
    const result = await audit('kubeadm-1.34-hardened', {[CLUSTER_CA]: clusterCa.certificatePem, [ETCD_CA]: etcdCa.certificatePem})

    expect(result.status).toBe('pass')
    expect(result.wire).toEqual([])
    expect(result.config).toEqual([
      {
        setting: '--trusted-ca-file',
        value: ETCD_CA,
        source: 'flag',
        file: '/etc/kubernetes/manifests/etcd.yaml',
        line: await fixtureLine('kubeadm-1.34-hardened', '/etc/kubernetes/manifests/etcd.yaml', `- --trusted-ca-file=${ETCD_CA}`),
        verdict: 'pass',
        note: `etcd's client CA: CN=etcd-ca, SHA-256 ${fingerprint(etcdCa)}`,
      },
      {
        setting: 'kube-apiserver --client-ca-file',
        value: CLUSTER_CA,
        source: 'flag',
        file: APISERVER_MANIFEST,
        line: await fixtureLine('kubeadm-1.34-hardened', APISERVER_MANIFEST, `- --client-ca-file=${CLUSTER_CA}`),
        verdict: 'pass',
        note: `a different CA from etcd's: CN=kubernetes, SHA-256 ${fingerprint(clusterCa)}`,
      },
    ])
  })

  it('warns when etcd trusts the very file the API server uses for client certificates', async () => {
    const result = await audit('etcd-shared-ca', {[CLUSTER_CA]: clusterCa.certificatePem})

    expect(result.status).toBe('warn')
    expect(result.summary).toBe(
      "etcd trusts the cluster CA file that signs every kubelet's and user's client certificate: each of those certificates is also a full read-write etcd credential.",
    )
    expect(result.config[0]).toMatchObject({setting: '--trusted-ca-file', value: CLUSTER_CA, verdict: 'pass'})
    expect(result.config[1]).toMatchObject({
      setting: 'kube-apiserver --client-ca-file',
      value: CLUSTER_CA,
      verdict: 'fail',
      note: 'the same file as etcd --trusted-ca-file: etcd accepts every client certificate the cluster CA signs',
    })
  })

  it('warns when the cluster CA was copied to etcd\'s path: same certificate, two paths', async () => {
    const result = await audit('kubeadm-1.34-hardened', {[CLUSTER_CA]: clusterCa.certificatePem, [ETCD_CA]: clusterCa.certificatePem})

    expect(result.status).toBe('warn')
    expect(result.summary).toMatch(/^etcd trusts a copy of the cluster CA/)
    expect(result.config[1]).toMatchObject({verdict: 'fail'})
    expect(result.config[1]?.note).toBe(
      `a different path, but the same CA certificate as etcd --trusted-ca-file (CN=kubernetes, SHA-256 ${fingerprint(clusterCa)}): a copy of the cluster CA is still the cluster CA`,
    )
  })

  it('warns when etcd\'s CA bundle also holds the cluster CA', async () => {
    const result = await audit('kubeadm-1.34-hardened', {
      [CLUSTER_CA]: clusterCa.certificatePem,
      [ETCD_CA]: etcdCa.certificatePem + clusterCa.certificatePem,
    })

    expect(result.status).toBe('warn')
    expect(result.config[0]?.note).toBe(`etcd's client CA: CN=etcd-ca, SHA-256 ${fingerprint(etcdCa)}; CN=kubernetes, SHA-256 ${fingerprint(clusterCa)}`)
  })

  it('warns when etcd has no trusted CA at all', async () => {
    const result = await audit('kubeadm-1.19-all-open', {})

    expect(result).toMatchObject({status: 'warn', summary: 'etcd has no CA of its own for client certificates: --trusted-ca-file is not set.'})
    expect(result.config).toEqual([
      {setting: '--trusted-ca-file', value: undefined, source: 'default', verdict: 'fail', note: 'not set: etcd has no CA of its own to check client certificates against'},
    ])
  })

  it('cannot compare without the API server\'s manifest or its CA file', async () => {
    const noApiserver = await audit('kubeadm-1.34-hardened', {[ETCD_CA]: etcdCa.certificatePem}, [APISERVER_MANIFEST])
    expect(noApiserver.status).toBe('pass')
    expect(noApiserver.config[1]).toMatchObject({setting: 'kube-apiserver --client-ca-file', verdict: 'unknown'})
    expect(noApiserver.config[1]?.note).toMatch(/: nothing to compare etcd's CA with$/)
    await node?.remove()

    const noClientCaFile = await audit('kubeadm-1.34-hardened', {[ETCD_CA]: etcdCa.certificatePem})
    expect(noClientCaFile.config[1]).toMatchObject({
      verdict: 'unknown',
      note: `a different path, but ${CLUSTER_CA} is not on this node, so the two CAs cannot be compared`,
    })
  })

  it('reports a CA file that holds no certificate, and an API server manifest the kubelet would refuse', async () => {
    const garbage = await audit('kubeadm-1.34-hardened', {[CLUSTER_CA]: 'not a certificate\n', [ETCD_CA]: etcdCa.certificatePem})
    expect(garbage.status).toBe('error')
    expect(garbage.config[1]).toMatchObject({verdict: 'error', note: `${CLUSTER_CA}: no PEM certificate in the file`})
    await node?.remove()

    const broken = await readFile(path.join(NODE_ROOTS, 'broken-manifest', APISERVER_MANIFEST), 'utf8')
    const unreadable = await audit('kubeadm-1.34-hardened', {[APISERVER_MANIFEST]: broken, [ETCD_CA]: etcdCa.certificatePem})
    expect(unreadable.status).toBe('error')
    expect(unreadable.config[1]).toMatchObject({setting: 'kube-apiserver --client-ca-file', file: APISERVER_MANIFEST, verdict: 'error'})
  })

  it('skips without node access: a CA cannot be seen on the wire', async () => {
    const result = await auditOne(etcdUniqueCa, etcdTarget(await closedPorts()))

    expect(result).toMatchObject({status: 'skip', config: [], wire: []})
  })
})
