// Helpers for the sim kubelet's tests: a lab folder with a kubeadm etcd PKI and manifest, the kubelet
// as a real process, and clients for etcd's TLS endpoints and the lab's status file.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {certificatePath, createKubeadmPki, privateKeyPath, type KubeadmCertificateName} from '../../src/pki/kubeadm-pki.js'
import {writeFiles} from '../../src/pki/write.js'
import {simNodeLayout, type SimNodeLayout} from '../../src/runtimes/sim/node/layout.js'
import type {ComponentStatus, NodeStatus} from '../../src/runtimes/sim/node/status.js'
import {readNodeStatus} from '../../src/runtimes/sim/kubelet/status-writer.js'
import {freePort} from './ports.js'

export const NODE_NAME = 'lab-control-plane'

export interface EtcdPorts {
  client: number
  peer: number
  metrics: number
}

export async function etcdPorts(): Promise<EtcdPorts> {
  return {client: await freePort(), peer: await freePort(), metrics: await freePort()}
}

/** A lab folder whose node root holds kubeadm's PKI (ECDSA, for speed) and no manifests yet. */
export async function makeLab(prefix: string): Promise<SimNodeLayout> {
  const labDir = await mkdtemp(path.join(os.tmpdir(), `kubelab-${prefix}-`))
  const layout = simNodeLayout(labDir)
  const pki = await createKubeadmPki({nodeName: NODE_NAME, kubernetesVersion: 'v1.30.2', encryptionAlgorithm: 'ECDSA-P256'})
  await writeFiles(layout.nodeRoot, pki.files)
  await mkdir(layout.manifestsDir, {recursive: true})
  return layout
}

/**
 * etcd's static pod as kubeadm v1.30 writes it for a stacked member (phases/etcd/local.go: flags
 * sorted, mutual TLS on client and peer URLs, data in /var/lib/etcd, probes on the metrics URL),
 * on free loopback ports. `commandChanges` replaces or adds `--flag=value` words.
 */
export function etcdManifest(ports: EtcdPorts, commandChanges: Record<string, string> = {}): string {
  const pki = '/etc/kubernetes/pki/etcd'
  const flags: Record<string, string> = {
    'advertise-client-urls': `https://127.0.0.1:${ports.client}`,
    'cert-file': `${pki}/server.crt`,
    'client-cert-auth': 'true',
    'data-dir': '/var/lib/etcd',
    'experimental-initial-corrupt-check': 'true',
    'experimental-watch-progress-notify-interval': '5s',
    'initial-advertise-peer-urls': `https://127.0.0.1:${ports.peer}`,
    'initial-cluster': `${NODE_NAME}=https://127.0.0.1:${ports.peer}`,
    'key-file': `${pki}/server.key`,
    'listen-client-urls': `https://127.0.0.1:${ports.client}`,
    'listen-metrics-urls': `http://127.0.0.1:${ports.metrics}`,
    'listen-peer-urls': `https://127.0.0.1:${ports.peer}`,
    name: NODE_NAME,
    'peer-cert-file': `${pki}/peer.crt`,
    'peer-client-cert-auth': 'true',
    'peer-key-file': `${pki}/peer.key`,
    'peer-trusted-ca-file': `${pki}/ca.crt`,
    'snapshot-count': '10000',
    'trusted-ca-file': `${pki}/ca.crt`,
    ...commandChanges,
  }
  const command = Object.keys(flags)
    .sort()
    .map((name) => `    - --${name}=${flags[name]}`)
    .join('\n')
  const probe = (probePath: string): string =>
    ['      httpGet:', '        host: 127.0.0.1', `        path: ${probePath}`, '        port: probe-port', '        scheme: HTTP'].join('\n')
  return `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://127.0.0.1:${ports.client}
  creationTimestamp: null
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
${command}
    image: registry.k8s.io/etcd:3.5.12-0
    imagePullPolicy: IfNotPresent
    livenessProbe:
      failureThreshold: 8
${probe('/health?exclude=NOSPACE&serializable=true')}
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    name: etcd
    ports:
    - containerPort: ${ports.metrics}
      name: probe-port
      protocol: TCP
    resources:
      requests:
        cpu: 100m
        memory: 100Mi
    startupProbe:
      failureThreshold: 24
${probe('/health?serializable=false')}
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
    - mountPath: /etc/kubernetes/pki/etcd
      name: etcd-certs
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/kubernetes/pki/etcd
      type: DirectoryOrCreate
    name: etcd-certs
  - hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
    name: etcd-data
status: {}
`
}

export interface RunningKubelet {
  child: ChildProcess
  pid: number
  output(): string
  /** Resolves with the exit code (or signal name) once the kubelet exits. */
  exited: Promise<number | string>
}

/** `node <compiled>/runtimes/sim/kubelet/main.js --lab-dir DIR`, as `kubelab up` starts it. */
export function startKubelet(simDir: string, layout: SimNodeLayout, env: NodeJS.ProcessEnv = process.env, extraArgs: string[] = []): RunningKubelet {
  const child = spawn(process.execPath, [path.join(simDir, 'kubelet', 'main.js'), '--lab-dir', layout.labDir, ...extraArgs], {
    env: withoutJestNodeOptions(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)))
  if (child.pid === undefined) throw new Error('the kubelet did not start')
  return {child, pid: child.pid, output: () => output, exited}
}

/** Jest runs with --experimental-vm-modules in NODE_OPTIONS; the kubelet and its components need none of it. */
function withoutJestNodeOptions(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const {NODE_OPTIONS: _ignored, ...rest} = env
  return rest
}

export function readStatus(layout: SimNodeLayout): NodeStatus | undefined {
  return readNodeStatus(layout.statusFile)
}

export function componentStatus(layout: SimNodeLayout, name: string): ComponentStatus | undefined {
  return readStatus(layout)?.components.find((component) => component.name === name)
}

/** Polls status.json until `predicate` holds; fails with the last status seen. */
export async function waitForStatus(
  layout: SimNodeLayout,
  predicate: (status: NodeStatus) => boolean,
  timeoutMs: number,
  what: string,
): Promise<NodeStatus> {
  const deadline = Date.now() + timeoutMs
  let last: NodeStatus | undefined
  while (Date.now() < deadline) {
    last = readStatus(layout)
    if (last && predicate(last)) return last
    await sleep(20)
  }
  const log = await readFile(path.join(layout.logsDir, 'kubelet.log'), 'utf8').catch(() => '')
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last status:\n${JSON.stringify(last, null, 2)}\nkubelet.log:\n${log}`)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export interface HttpsAnswer {
  status?: number
  body?: string
  error?: string
}

/** A request to etcd's client URL, trusting only the etcd CA, with kubeadm's etcd healthcheck client certificate. */
export async function askEtcd(layout: SimNodeLayout, port: number, pathname: string, body?: object): Promise<HttpsAnswer> {
  const onDisk = (nodePath: string): Promise<string> => readFile(path.join(layout.nodeRoot, nodePath), 'utf8')
  const client: KubeadmCertificateName = 'etcd/healthcheck-client'
  const [ca, cert, key] = await Promise.all([onDisk(certificatePath('etcd/ca')), onDisk(certificatePath(client)), onDisk(privateKeyPath(client))])
  return new Promise((resolve) => {
    const request = https.request(
      `https://127.0.0.1:${port}${pathname}`,
      {method: body ? 'POST' : 'GET', ca, cert, key, timeout: 2000, agent: false},
      (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => (text += chunk.toString()))
        response.on('end', () => resolve({status: response.statusCode, body: text}))
      },
    )
    request.on('timeout', () => request.destroy(new Error('timed out')))
    request.on('error', (error: NodeJS.ErrnoException) => resolve({error: error.code ?? error.message}))
    request.end(body ? JSON.stringify(body) : undefined)
  })
}

export async function etcdHealthy(layout: SimNodeLayout, port: number): Promise<boolean> {
  const answer = await askEtcd(layout, port, '/health')
  return answer.status === 200 && answer.body?.includes('"health":"true"') === true
}

const base64 = (text: string): string => Buffer.from(text).toString('base64')

export async function etcdPut(layout: SimNodeLayout, port: number, key: string, value: string): Promise<HttpsAnswer> {
  return askEtcd(layout, port, '/v3/kv/put', {key: base64(key), value: base64(value)})
}

export async function etcdGet(layout: SimNodeLayout, port: number, key: string): Promise<string | undefined> {
  const answer = await askEtcd(layout, port, '/v3/kv/range', {key: base64(key)})
  const parsed = JSON.parse(answer.body ?? '{}') as {kvs?: Array<{value?: string}>}
  const value = parsed.kvs?.[0]?.value
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString()
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export async function writeManifest(layout: SimNodeLayout, fileName: string, text: string): Promise<void> {
  await writeFile(path.join(layout.manifestsDir, fileName), text)
}
