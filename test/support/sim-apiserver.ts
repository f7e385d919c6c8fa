/**
 * Test support for the simulated kube-apiserver: a kubeadm-like PKI written to a temp folder (with the project's
 * src/pki), the apiserver started as a real `node` process on its TypeScript source through the swc loader (no
 * build needed, see register-swc.mjs), and an HTTPS client that can present client certificates and tokens.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import https from 'node:https'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createCertificateAuthority, generateKeyPair, issueCertificate, privateKeyToPem, publicKeyToPem} from '../../src/pki/certificates.js'
import {freePort} from './ports.js'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const MAIN = path.join(REPO, 'src', 'runtimes', 'sim', 'apiserver', 'main.ts')
const LOADER = path.join(REPO, 'test', 'support', 'register-swc.mjs')

export interface ClientIdentity {
  certPem: string
  keyPem: string
}

export interface SimPki {
  dir: string
  files: {
    ca: string
    apiserverCert: string
    apiserverKey: string
    saKey: string
    saPub: string
    etcdCa: string
    etcdServerCert: string
    etcdServerKey: string
    etcdClientCert: string
    etcdClientKey: string
    tokenFile: string
  }
  caPem: string
  saKeyPem: string
  admin: ClientIdentity
  /** A client certificate for user "jane" (no groups), signed by the cluster CA. */
  jane: ClientIdentity
  /** The kubelet's client certificate for node "node-1". */
  node: ClientIdentity
  /** Signed by a CA the apiserver does not trust. */
  stranger: ClientIdentity
  remove(): Promise<void>
}

export const STATIC_TOKEN = 'static-token-0123456789'

export async function writeSimPki(): Promise<SimPki> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-sim-apiserver-'))
  const [ca, etcdCa, strangerCa, saKeys] = await Promise.all([
    createCertificateAuthority({commonName: 'kubernetes'}),
    createCertificateAuthority({commonName: 'etcd-ca'}),
    createCertificateAuthority({commonName: 'someone-else'}),
    generateKeyPair('RSA-2048'),
  ])
  const [apiserver, admin, jane, node, stranger, etcdServer, etcdClient] = await Promise.all([
    issueCertificate(ca, {commonName: 'kube-apiserver', usage: 'server', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost', 'kubernetes']}),
    issueCertificate(ca, {commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client'}),
    issueCertificate(ca, {commonName: 'jane', usage: 'client'}),
    issueCertificate(ca, {commonName: 'system:node:node-1', organizations: ['system:nodes'], usage: 'client'}),
    issueCertificate(strangerCa, {commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client'}),
    issueCertificate(etcdCa, {commonName: 'etcd', usage: 'server-and-client', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost']}),
    issueCertificate(etcdCa, {commonName: 'kube-apiserver-etcd-client', usage: 'client'}),
  ])
  const files = {
    ca: path.join(dir, 'ca.crt'),
    apiserverCert: path.join(dir, 'apiserver.crt'),
    apiserverKey: path.join(dir, 'apiserver.key'),
    saKey: path.join(dir, 'sa.key'),
    saPub: path.join(dir, 'sa.pub'),
    etcdCa: path.join(dir, 'etcd-ca.crt'),
    etcdServerCert: path.join(dir, 'etcd-server.crt'),
    etcdServerKey: path.join(dir, 'etcd-server.key'),
    etcdClientCert: path.join(dir, 'apiserver-etcd-client.crt'),
    etcdClientKey: path.join(dir, 'apiserver-etcd-client.key'),
    tokenFile: path.join(dir, 'tokens.csv'),
  }
  const saKeyPem = privateKeyToPem(saKeys.privateKey)
  await Promise.all([
    writeFile(files.ca, ca.certificatePem),
    writeFile(files.apiserverCert, apiserver.certificatePem),
    writeFile(files.apiserverKey, apiserver.privateKeyPem, {mode: 0o600}),
    writeFile(files.saKey, saKeyPem, {mode: 0o600}),
    writeFile(files.saPub, publicKeyToPem(saKeys.publicKey)),
    writeFile(files.etcdCa, etcdCa.certificatePem),
    writeFile(files.etcdServerCert, etcdServer.certificatePem),
    writeFile(files.etcdServerKey, etcdServer.privateKeyPem, {mode: 0o600}),
    writeFile(files.etcdClientCert, etcdClient.certificatePem),
    writeFile(files.etcdClientKey, etcdClient.privateKeyPem, {mode: 0o600}),
    writeFile(files.tokenFile, `${STATIC_TOKEN},token-user,1001,"dev,qa"\n`),
  ])
  const identity = (issued: {certificatePem: string; privateKeyPem: string}): ClientIdentity => ({
    certPem: issued.certificatePem,
    keyPem: issued.privateKeyPem,
  })
  return {
    dir,
    files,
    caPem: ca.certificatePem,
    saKeyPem,
    admin: identity(admin),
    jane: identity(jane),
    node: identity(node),
    stranger: identity(stranger),
    remove: () => rm(dir, {recursive: true, force: true}),
  }
}

/** The flags kubeadm writes into a kube-apiserver manifest, pointing at the test PKI and etcd. */
export function kubeadmArgs(pki: SimPki, options: {securePort: number; etcdUrl: string; etcdTls: boolean}): string[] {
  const args = [
    '--advertise-address=127.0.0.1',
    '--allow-privileged=true',
    '--authorization-mode=Node,RBAC',
    `--client-ca-file=${pki.files.ca}`,
    '--enable-admission-plugins=NodeRestriction',
    '--enable-bootstrap-token-auth=true',
    `--etcd-servers=${options.etcdUrl}`,
    `--kubelet-client-certificate=${pki.dir}/apiserver-kubelet-client.crt`,
    `--kubelet-client-key=${pki.dir}/apiserver-kubelet-client.key`,
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    `--proxy-client-cert-file=${pki.dir}/front-proxy-client.crt`,
    `--proxy-client-key-file=${pki.dir}/front-proxy-client.key`,
    '--requestheader-allowed-names=front-proxy-client',
    `--requestheader-client-ca-file=${pki.dir}/front-proxy-ca.crt`,
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    `--secure-port=${options.securePort}`,
    '--bind-address=127.0.0.1',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.files.saPub}`,
    `--service-account-signing-key-file=${pki.files.saKey}`,
    '--service-cluster-ip-range=10.96.0.0/12',
    `--tls-cert-file=${pki.files.apiserverCert}`,
    `--tls-private-key-file=${pki.files.apiserverKey}`,
  ]
  if (options.etcdTls) {
    args.push(`--etcd-cafile=${pki.files.etcdCa}`, `--etcd-certfile=${pki.files.etcdClientCert}`, `--etcd-keyfile=${pki.files.etcdClientKey}`)
  }
  return args
}

export interface SimApiserverProcess {
  child: ChildProcess
  stderr(): string
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  stop(): Promise<void>
}

export function spawnSimApiserver(args: string[], env: Record<string, string> = {}): SimApiserverProcess {
  const child = spawn(process.execPath, ['--import', LOADER, MAIN, ...args], {
    cwd: REPO,
    env: {...process.env, ...env, NODE_OPTIONS: ''},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdout?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(timer)
      }
    },
  }
}

/** Runs the apiserver expecting it to exit (bad flags); kills it after `timeoutMs`. */
export async function runSimApiserverToExit(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<{code: number | null; stderr: string}> {
  const running = spawnSimApiserver(args, env)
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs)
  const code = await running.exited
  clearTimeout(timer)
  return {code, stderr: running.stderr()}
}

/** Starts the apiserver and waits for its "Serving securely on" (or insecure) line. */
export async function startSimApiserver(
  args: string[],
  env: Record<string, string> = {},
  readyLine = 'Serving securely on',
  timeoutMs = 15_000,
): Promise<SimApiserverProcess> {
  const running = spawnSimApiserver(args, env)
  const deadline = Date.now() + timeoutMs
  while (!running.stderr().includes(readyLine)) {
    if (running.child.exitCode !== null || Date.now() > deadline) {
      await running.stop()
      throw new Error(`the sim apiserver did not become ready:\n${running.stderr()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return running
}

export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = []
  for (let index = 0; index < count; index += 1) ports.push(await freePort())
  return ports
}

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  /** The parsed body; undefined when it is not JSON. */
  json: unknown
}

export interface CallOptions {
  method?: string
  body?: unknown
  contentType?: string
  accept?: string
  identity?: ClientIdentity
  token?: string
  ca?: string
}

/** One HTTP(S) call; `http:` URLs go out in plain text. */
export async function call(url: string, options: CallOptions = {}): Promise<Answer> {
  const target = new URL(url)
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json'
  if (options.accept) headers['Accept'] = options.accept
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`
  const requestOptions: https.RequestOptions = {
    method: options.method ?? 'GET',
    headers,
    timeout: 10_000,
    ...(target.protocol === 'https:'
      ? {
          ca: options.ca,
          rejectUnauthorized: options.ca !== undefined,
          cert: options.identity?.certPem,
          key: options.identity?.keyPem,
          agent: false,
        }
      : {}),
  }
  const transport = target.protocol === 'https:' ? https : http
  return new Promise<Answer>((resolve, reject) => {
    const request = transport.request(target, requestOptions, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({status: response.statusCode ?? 0, headers: response.headers, text, json})
      })
    })
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within 10 s`)))
    request.on('error', reject)
    if (body !== undefined) request.write(body)
    request.end()
  })
}
