import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {execa, type ResultPromise} from 'execa'
import {runAudit} from '../../../../src/checks/evaluate.js'
import type {CheckDefinition, CheckResult} from '../../../../src/checks/model.js'
import {createCertificateAuthority, issueCertificate, type CertificateAuthority} from '../../../../src/pki/index.js'
import {httpProbe} from '../../../../src/probes/http.js'
import {DEFAULT_PORTS, type NodeAccess, type Target} from '../../../../src/target/types.js'
import type {EtcdTlsFiles} from '../../../support/etcd.js'
import {freePort, waitForPort} from '../../../support/ports.js'

/** A real CA and a serving certificate from it (also usable as a client certificate), as PEM files. */
export interface EtcdPki {
  ca: CertificateAuthority
  caFile: string
  certFile: string
  keyFile: string
  /** A certificate of the same CA for a client (kube-apiserver's etcd client certificate). */
  clientCertFile: string
  clientKeyFile: string
  /** etcd's TLS flags for this certificate, with a trusted CA and client-cert-auth as given. */
  tls(options?: {trustedCa?: boolean; clientCertAuth?: boolean}): EtcdTlsFiles
  remove(): Promise<void>
}

/** ECDSA keys keep the test fast; etcd 3.4 serves them like kubeadm's RSA ones. */
export async function createEtcdPki(commonName = 'etcd-ca'): Promise<EtcdPki> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-etcd-pki-'))
  const ca = await createCertificateAuthority({commonName, encryptionAlgorithm: 'ECDSA-P256'})
  const [server, client] = await Promise.all([
    issueCertificate(ca, {commonName: 'kube-etcd', usage: 'server-and-client', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1']}),
    issueCertificate(ca, {commonName: 'kube-apiserver-etcd-client', usage: 'client'}),
  ])
  const file = (name: string) => path.join(dir, name)
  await Promise.all([
    writeFile(file('ca.crt'), ca.certificatePem),
    writeFile(file('server.crt'), server.certificatePem),
    writeFile(file('server.key'), server.privateKeyPem, {mode: 0o600}),
    writeFile(file('client.crt'), client.certificatePem),
    writeFile(file('client.key'), client.privateKeyPem, {mode: 0o600}),
  ])
  return {
    ca,
    caFile: file('ca.crt'),
    certFile: file('server.crt'),
    keyFile: file('server.key'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
    tls: (options = {}) => ({
      certFile: file('server.crt'),
      keyFile: file('server.key'),
      ...(options.trustedCa ? {trustedCaFile: file('ca.crt')} : {}),
      ...(options.clientCertAuth === undefined ? {} : {clientCertAuth: options.clientCertAuth}),
    }),
    remove: () => rm(dir, {recursive: true, force: true}),
  }
}

/** A target with both etcd ports given, so that no test ever probes the machine's real 2379/2380. */
export function etcdTarget(ports: {client: number; peer: number}, node?: NodeAccess, timeoutMs = 3000): Target {
  return {
    endpoints: {host: '127.0.0.1', ports: {...DEFAULT_PORTS, etcdClient: ports.client, etcdPeer: ports.peer}},
    ...(node ? {node} : {}),
    timeoutMs,
  }
}

export async function auditOne(check: CheckDefinition, target: Target): Promise<CheckResult> {
  const report = await runAudit(target, [check])
  const result = report.results[0]
  if (!result) throw new Error(`no result for ${check.id}`)
  return result
}

/** Ports that were free a moment ago: nothing listens, so probes are refused. */
export async function closedPorts(): Promise<{client: number; peer: number}> {
  return {client: await freePort(), peer: await freePort()}
}

/** Writes keys through etcd's v3 JSON gateway, as `etcdctl put` would. */
export async function putKeys(clientUrl: string, entries: Record<string, string>, client?: {certFile: string; keyFile: string}): Promise<void> {
  const tls = client ? {cert: await readFile(client.certFile), key: await readFile(client.keyFile)} : undefined
  for (const [key, value] of Object.entries(entries)) {
    const put = await httpProbe({
      url: `${clientUrl}/v3/kv/put`,
      method: 'POST',
      body: JSON.stringify({key: Buffer.from(key).toString('base64'), value: Buffer.from(value).toString('base64')}),
      ...(tls ? {tls} : {}),
      timeoutMs: 3000,
    })
    if (!put.ok || put.status !== 200) throw new Error(`put ${key} failed: ${put.ok ? put.status : put.message}`)
  }
}

export interface CustomEtcd {
  clientPort: number
  peerPort: number
  stop(): Promise<void>
}

/**
 * Real etcd with a command line the test writes itself (test/support/etcd.ts derives the URL
 * schemes from the TLS options, so it cannot start an http:// listener that has certificates).
 */
export async function startEtcdWithArgs(args: (ports: {client: number; peer: number; dataDir: string}) => string[]): Promise<CustomEtcd> {
  const [client, peer] = [await freePort(), await freePort()]
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-etcd-'))
  let output = ''
  const child: ResultPromise = execa('etcd', ['--name=test', `--data-dir=${dataDir}`, ...args({client, peer, dataDir})], {reject: false, all: true})
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM')
    await child
    await rm(dataDir, {recursive: true, force: true})
  }
  try {
    await waitForPort(client, 10_000)
  } catch (error) {
    await stop()
    throw new Error(`etcd did not start: ${(error as Error).message}\n${output}`)
  }
  return {clientPort: client, peerPort: peer, stop}
}
