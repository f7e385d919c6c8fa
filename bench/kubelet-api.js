// The sim kubelet's API under load, against a plain Node HTTPS server doing the same work in the same run:
// GET /pods (the node's PodList, serialised per request) over TLS with kept-alive connections, on loopback. The sim
// runs kubeadm-style settings opened up (anonymous on, AlwaysAllow) so that each request goes through the real
// authenticator, attribute builder, authorizer and router; the plain server only serialises. Also times a restart:
// stop(), then startKubeletApi() until the first /healthz answers.
// Run after `npm run build`: node bench/kubelet-api.js [requests] [concurrency]   (default 2000 and 32)
// KUBELAB_DIST=<folder> measures a build elsewhere (e.g. a `tsc --outDir` copy); nothing talks to an API server.
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {median, report} from './lib.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.resolve(process.env.KUBELAB_DIST ?? path.join(root, 'dist'))
const requests = Number(process.argv[2] ?? 2000)
const concurrency = Number(process.argv[3] ?? 32)
if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
  console.error('usage: node bench/kubelet-api.js [requests] [concurrency]  (positive integers, concurrency at most 256)')
  process.exit(2)
}
const {startKubeletApi} = await import(path.join(dist, 'runtimes/sim/kubelet/api/kubelet-api.js'))
const {createCertificateAuthority, issueCertificate} = await import(path.join(dist, 'pki/certificates.js'))
const {createKubeletServingCertificate} = await import(path.join(dist, 'pki/kubelet-serving.js'))
const {renderKubeconfig} = await import(path.join(dist, 'pki/kubeconfig.js'))

const STATIC_PODS = 10
const RESTARTS = 5
const quiet = {info() {}, warning() {}, error() {}}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** A kube-apiserver-like static pod manifest with kubeadm's long command line, so that each PodList item is realistic. */
function manifest(index) {
  const flags = ['--advertise-address=127.0.0.1', '--allow-privileged=true', '--authorization-mode=Node,RBAC', '--client-ca-file=/etc/kubernetes/pki/ca.crt', '--enable-admission-plugins=NodeRestriction', '--etcd-servers=https://127.0.0.1:2379', '--secure-port=6443', '--service-cluster-ip-range=10.96.0.0/12', '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt', '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key']
  return {
    manifest: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: `component-${index}`, namespace: 'kube-system', labels: {component: `component-${index}`, tier: 'control-plane'}},
      spec: {hostNetwork: true, containers: [{name: `component-${index}`, image: 'registry.k8s.io/kube-apiserver:v1.34.1', command: ['kube-apiserver', ...flags]}]},
    },
    file: `/etc/kubernetes/manifests/component-${index}.yaml`,
    running: true,
  }
}

/** `total` GETs, `parallel` at a time, over kept-alive TLS connections; returns requests per second. */
async function load(port, total, parallel) {
  const agent = new https.Agent({keepAlive: true, maxSockets: parallel, rejectUnauthorized: false})
  let issued = 0
  let failed = 0
  const one = () =>
    new Promise((resolve) => {
      const request = https.get({host: '127.0.0.1', port, path: '/pods', agent}, (response) => {
        if (response.statusCode !== 200) failed += 1
        response.resume()
        response.on('end', resolve)
      })
      request.on('error', () => {
        failed += 1
        resolve()
      })
    })
  const worker = async () => {
    while (issued < total) {
      issued += 1
      await one()
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({length: parallel}, worker))
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  if (failed > 0) throw new Error(`${failed} of ${total} requests to port ${port} failed`)
  return total / seconds
}

function healthy(port) {
  return new Promise((resolve) => {
    const request = https.get({host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false, agent: false, timeout: 500}, (response) => {
      response.resume()
      resolve(response.statusCode === 200)
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(false))
  })
}

const work = await mkdtemp(path.join(os.tmpdir(), 'kubelab-bench-kubelet-api-'))
let kubelet
let plain
try {
  const ca = await createCertificateAuthority({commonName: 'kubernetes', encryptionAlgorithm: 'ECDSA-P256'})
  const [nodeIdentity, serving] = await Promise.all([
    issueCertificate(ca, {commonName: 'system:node:bench', organizations: ['system:nodes'], usage: 'client'}),
    createKubeletServingCertificate({nodeName: 'bench'}),
  ])
  const port = await freePort()
  const files = {
    // No API server listens here: registration is retried in the background and never gets in the way.
    'etc/kubernetes/kubelet.conf': renderKubeconfig({server: `https://127.0.0.1:${await freePort()}`, userName: 'system:node:bench', caCertificatePem: ca.certificatePem, clientCertificatePem: nodeIdentity.certificatePem, clientKeyPem: nodeIdentity.privateKeyPem}),
    'var/lib/kubelet/config.yaml': `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: true\n  webhook:\n    enabled: false\nauthorization:\n  mode: AlwaysAllow\naddress: 127.0.0.1\nport: ${port}\nrotateCertificates: true\nstaticPodPath: /etc/kubernetes/manifests\n`,
    'var/lib/kubelet/pki/kubelet.crt': serving.certificatePem,
    'var/lib/kubelet/pki/kubelet.key': serving.privateKeyPem,
  }
  const nodeRoot = path.join(work, 'node')
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(nodeRoot, file)), {recursive: true})
    await writeFile(path.join(nodeRoot, file), text)
  }
  const staticPods = Array.from({length: STATIC_PODS}, (_, index) => manifest(index))
  const options = {nodeRoot, kubernetesVersion: '1.34.1', staticPods: () => staticPods, log: quiet, schedulerKubeconfig: null, heartbeatMs: 3_600_000, podSyncMs: 3_600_000}
  kubelet = await startKubeletApi(options)

  // The plain server answers with the very PodList the sim serves, serialised per request.
  const podList = await new Promise((resolve, reject) => {
    https.get({host: '127.0.0.1', port: kubelet.ports.secure, path: '/pods', rejectUnauthorized: false, agent: false}, (response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve(JSON.parse(body)))
    }).on('error', reject)
  })
  plain = https.createServer({cert: serving.certificatePem, key: serving.privateKeyPem, minVersion: 'TLSv1.2'}, (request, response) => {
    response.writeHead(200, {'content-type': 'application/json'})
    response.end(JSON.stringify(podList))
  })
  await new Promise((resolve) => plain.listen(0, '127.0.0.1', resolve))
  const plainPort = plain.address().port
  const bytes = JSON.stringify(podList).length

  await load(kubelet.ports.secure, 200, concurrency)
  await load(plainPort, 200, concurrency)
  const simRates = []
  const plainRates = []
  for (let round = 0; round < 3; round += 1) {
    simRates.push(await load(kubelet.ports.secure, requests, concurrency))
    plainRates.push(await load(plainPort, requests, concurrency))
  }
  const sim = median(simRates)
  const baseline = median(plainRates)

  const restarts = []
  for (let run = 0; run < RESTARTS; run += 1) {
    await kubelet.stop()
    const started = performance.now()
    kubelet = await startKubeletApi(options)
    while (!(await healthy(kubelet.ports.secure))) await new Promise((resolve) => setTimeout(resolve, 2))
    restarts.push(performance.now() - started)
  }

  console.log(`GET /pods (${STATIC_PODS} pods, ${bytes} bytes), ${requests} requests x 3 rounds, ${concurrency} concurrent, TLS keep-alive on loopback:`)
  console.log(`  sim kubelet API ${sim.toFixed(0)} req/s, plain Node HTTPS ${baseline.toFixed(0)} req/s (medians)`)
  console.log(`  restart to serving /healthz: median ${median(restarts).toFixed(1)} ms over ${RESTARTS} restarts`)
  const ok = report('kubelet API /pods throughput vs plain HTTPS (plain/sim)', baseline / sim, 2, `${sim.toFixed(0)} vs ${baseline.toFixed(0)} req/s`)
  process.exitCode = ok ? 0 : 1
} finally {
  await kubelet?.stop()
  await new Promise((resolve) => (plain ? plain.close(resolve) : resolve()))
  await rm(work, {recursive: true, force: true})
}
