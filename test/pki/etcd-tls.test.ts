import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import https from 'node:https'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {type KubeadmCertificateName, certificatePath, createKubeadmPki, privateKeyPath} from '../../src/pki/kubeadm-pki.js'
import {writeFiles} from '../../src/pki/write.js'
import {startEtcd, type RunningEtcd} from '../support/etcd.js'

interface EtcdAnswer {
  status?: number
  body?: string
  error?: string
}

describe('a real etcd serving the kubeadm etcd certificates', () => {
  let root: string
  let etcd: RunningEtcd
  const onDisk = (nodePath: string): Promise<string> => readFile(path.join(root, nodePath), 'utf8')
  const hostPath = (nodePath: string): string => path.join(root, nodePath)

  /** POST to etcd's v3 JSON gateway, trusting only the etcd CA, with the given client certificate. */
  async function ask(pathname: string, body: object, client?: KubeadmCertificateName): Promise<EtcdAnswer> {
    const ca = await onDisk(certificatePath('etcd/ca'))
    const credentials = client ? {cert: await onDisk(certificatePath(client)), key: await onDisk(privateKeyPath(client))} : {}
    return new Promise((resolve) => {
      const request = https.request(
        `${etcd.clientUrl}${pathname}`,
        {method: 'POST', ca, ...credentials, timeout: 5000, agent: false},
        (response) => {
          let text = ''
          response.on('data', (chunk: Buffer) => (text += chunk.toString()))
          response.on('end', () => resolve({status: response.statusCode, body: text}))
        },
      )
      request.on('timeout', () => request.destroy(new Error('timed out')))
      request.on('error', (error: NodeJS.ErrnoException) => resolve({error: error.code ?? error.message}))
      request.end(JSON.stringify(body))
    })
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'kubelab-pki-etcd-'))
    const pki = await createKubeadmPki({nodeName: 'lab-control-plane', kubernetesVersion: 'v1.30.2', encryptionAlgorithm: 'ECDSA-P256'})
    await writeFiles(root, pki.files)
    // The TLS flags of kubeadm's etcd static pod (phases/etcd/local.go), pointing at the files just written.
    etcd = await startEtcd({
      client: {
        certFile: hostPath(certificatePath('etcd/server')),
        keyFile: hostPath(privateKeyPath('etcd/server')),
        trustedCaFile: hostPath(certificatePath('etcd/ca')),
        clientCertAuth: true,
      },
      peer: {
        certFile: hostPath(certificatePath('etcd/peer')),
        keyFile: hostPath(privateKeyPath('etcd/peer')),
        trustedCaFile: hostPath(certificatePath('etcd/ca')),
        clientCertAuth: true,
      },
    })
  })

  afterAll(async () => {
    await etcd?.stop()
    if (root) await rm(root, {recursive: true, force: true})
  })

  it('serves a certificate the etcd CA vouches for at 127.0.0.1', async () => {
    const answer = await ask('/v3/kv/range', {key: Buffer.from('/registry/').toString('base64')}, 'apiserver-etcd-client')
    expect(answer.error).toBeUndefined()
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body ?? '{}')).toHaveProperty('header.cluster_id')
  })

  it('lets the API server and the health check in with their etcd-CA client certificates', async () => {
    const put = await ask(
      '/v3/kv/put',
      {key: Buffer.from('/registry/secrets/default/db').toString('base64'), value: Buffer.from('hunter2').toString('base64')},
      'apiserver-etcd-client',
    )
    expect(put.status).toBe(200)
    const range = await ask('/v3/kv/range', {key: Buffer.from('/registry/secrets/default/db').toString('base64')}, 'etcd/healthcheck-client')
    expect(range.status).toBe(200)
    const value = (JSON.parse(range.body ?? '{}') as {kvs?: {value: string}[]}).kvs?.[0]?.value
    expect(Buffer.from(value ?? '', 'base64').toString()).toBe('hunter2')
  })

  it('shuts out a cluster-CA certificate, even the API server’s own kubelet client with kubeadm:cluster-admins', async () => {
    const answer = await ask('/v3/kv/range', {key: Buffer.from('/registry/').toString('base64')}, 'apiserver-kubelet-client')
    expect(answer.status).toBeUndefined()
    // Go's TLS server answers an unverifiable client certificate with a bad_certificate alert.
    expect(answer.error).toBe('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE')
  })

  it('shuts out a client with no certificate at the handshake', async () => {
    const answer = await ask('/v3/kv/range', {key: Buffer.from('/registry/').toString('base64')})
    expect(answer.status).toBeUndefined()
    // bad_certificate on TLS 1.2 (etcd 3.4); certificate_required where TLS 1.3 is negotiated.
    expect(answer.error).toMatch(/^ERR_SSL_(SSLV3_ALERT_BAD_CERTIFICATE|TLSV13_ALERT_CERTIFICATE_REQUIRED)$/)
  })
})
