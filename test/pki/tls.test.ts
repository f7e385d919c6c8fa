import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import {parse} from 'yaml'
import {createSelfSignedCertificate} from '../../src/pki/certificates.js'
import {type KubeadmPki, certificatePath, createKubeadmPki, privateKeyPath} from '../../src/pki/kubeadm-pki.js'
import {KUBECONFIG_PATHS} from '../../src/pki/kubeconfig.js'
import {writeFiles} from '../../src/pki/write.js'

interface Kubeconfig {
  clusters: {cluster: {server: string; 'certificate-authority-data': string}}[]
  users: {user: {'client-certificate-data': string; 'client-key-data': string}}[]
}

interface HandshakeResult {
  /** What the server said once both sides were verified; empty when it said nothing. */
  answer: string
  /** The client-side failure, e.g. the TLS alert a server sends when it refuses the client certificate. */
  error?: string
}

const unb64 = (data: string): string => Buffer.from(data, 'base64').toString('utf8')

/** Connects with verification on; once the connection closes, tells what the server said and what went wrong. */
function handshake(port: number, options: {ca: string; cert?: string; key?: string}): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    const result: HandshakeResult = {answer: ''}
    const socket = tls.connect({host: '127.0.0.1', port, ...options, rejectUnauthorized: true})
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')))
    socket.on('data', (chunk: Buffer) => (result.answer += chunk.toString()))
    socket.on('error', (error: NodeJS.ErrnoException) => (result.error ??= error.code ?? error.message))
    socket.on('close', () => resolve(result))
  })
}

describe('the kubeadm PKI in a real mutual-TLS handshake', () => {
  let root: string
  let pki: KubeadmPki
  let server: tls.Server
  let port: number
  const acceptedClients: string[] = []

  const onDisk = (nodePath: string): Promise<string> => readFile(path.join(root, nodePath), 'utf8')

  beforeAll(async () => {
    // Node's TLS stack with the API server's files: --tls-cert-file/--tls-private-key-file and
    // --client-ca-file=ca.crt. Unlike kube-apiserver (which requests a certificate and lets its
    // authenticator answer 401), this server requires a verified client certificate, so the test sees
    // the PKI's chains accepted or refused by OpenSSL itself. Node closes a refused connection
    // without a TLS alert, after the TLS 1.3 client has already finished its side of the handshake.
    server = tls.createServer({requestCert: true, rejectUnauthorized: true}, (socket) => {
      const subject = socket.getPeerCertificate().subject
      acceptedClients.push(`${subject.O ?? ''}/${subject.CN}`)
      socket.end(`hello ${subject.CN}`)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as {port: number}).port

    root = await mkdtemp(path.join(os.tmpdir(), 'kubelab-pki-tls-'))
    pki = await createKubeadmPki({
      nodeName: 'lab-control-plane',
      kubernetesVersion: 'v1.30.2',
      kubeconfigServer: `https://127.0.0.1:${port}`,
    })
    await writeFiles(root, pki.files)
    server.setSecureContext({
      cert: await onDisk(certificatePath('apiserver')),
      key: await onDisk(privateKeyPath('apiserver')),
      ca: await onDisk(certificatePath('ca')),
    })
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    if (root) await rm(root, {recursive: true, force: true})
  })

  it('writes every private key 0600 on disk', async () => {
    const keyFiles = [...pki.files.keys()].filter((nodePath) => /\.(key|pub|conf)$/.test(nodePath))
    // 3 CA and 7 leaf keys, sa.key and sa.pub, the kubelet's serving key, 5 kubeconfigs
    expect(keyFiles.length).toBe(3 + 7 + 2 + 1 + 5)
    for (const nodePath of keyFiles) {
      const mode = ((await stat(path.join(root, nodePath))).mode & 0o777).toString(8)
      expect({nodePath, mode}).toEqual({nodePath, mode: '600'})
    }
  })

  it('lets admin.conf in: both sides verify each other', async () => {
    const admin = parse(await onDisk(KUBECONFIG_PATHS.admin)) as Kubeconfig
    const server = new URL(admin.clusters[0]!.cluster.server)
    expect(Number(server.port)).toBe(port)
    const result = await handshake(Number(server.port), {
      ca: unb64(admin.clusters[0]!.cluster['certificate-authority-data']),
      cert: unb64(admin.users[0]!.user['client-certificate-data']),
      key: unb64(admin.users[0]!.user['client-key-data']),
    })
    expect(result).toEqual({answer: 'hello kubernetes-admin'})
    expect(acceptedClients).toContain('kubeadm:cluster-admins/kubernetes-admin')
  })

  it('refuses a self-signed client certificate claiming system:masters', async () => {
    const forged = await createSelfSignedCertificate({
      commonName: 'kubernetes-admin',
      organizations: ['system:masters'],
      usage: 'client',
      encryptionAlgorithm: 'ECDSA-P256',
    })
    const acceptedBefore = acceptedClients.length
    const result = await handshake(port, {ca: await onDisk(certificatePath('ca')), cert: forged.certificatePem, key: forged.privateKeyPem})
    expect(result.answer).toBe('')
    expect(acceptedClients.length).toBe(acceptedBefore)
  })

  it('refuses a client certificate from the etcd CA: neither CA opens the other door', async () => {
    const acceptedBefore = acceptedClients.length
    const result = await handshake(port, {
      ca: await onDisk(certificatePath('ca')),
      cert: await onDisk(certificatePath('apiserver-etcd-client')),
      key: await onDisk(privateKeyPath('apiserver-etcd-client')),
    })
    expect(result.answer).toBe('')
    expect(acceptedClients.length).toBe(acceptedBefore)
  })

  it('is refused by a client that trusts only the etcd CA', async () => {
    const result = await handshake(port, {
      ca: await onDisk(certificatePath('etcd/ca')),
      cert: await onDisk(certificatePath('apiserver-kubelet-client')),
      key: await onDisk(privateKeyPath('apiserver-kubelet-client')),
    })
    // OpenSSL sends the cluster CA along with apiserver.crt; it is not the etcd CA, hence this code.
    expect(result).toEqual({answer: '', error: 'SELF_SIGNED_CERT_IN_CHAIN'})
  })
})
