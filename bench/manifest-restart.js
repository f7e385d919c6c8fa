// How long the sim kubelet takes from saving an edited etcd manifest to etcd serving again, measured
// against etcd's own start-up in the same run: a cold start (new data folder) and a warm restart
// (same data folder, what a manifest edit amounts to). "Serving" is etcd's /health answering
// {"health":"true"} on its metrics URL, as kubeadm's probes ask it.
// Run after `npm run build`: node bench/manifest-restart.js [runs]   (default 5; medians reported)
// KUBELAB_DIST=<folder> measures a build elsewhere (e.g. a `tsc --outDir` copy); BENCH_VERBOSE=1 prints every run.
import {spawn} from 'node:child_process'
import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {median, report} from './lib.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.resolve(process.env.KUBELAB_DIST ?? path.join(root, 'dist'))
const runs = Number(process.argv[2] ?? 5)
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`usage: node bench/manifest-restart.js [runs]  (runs must be a positive integer, got ${process.argv[2]})`)
  process.exit(2)
}
const {createKubeadmPki} = await import(path.join(dist, 'pki/kubeadm-pki.js'))
const {writeFiles} = await import(path.join(dist, 'pki/write.js'))
const {simNodeLayout} = await import(path.join(dist, 'runtimes/sim/node/layout.js'))
const {stopLab} = await import(path.join(dist, 'runtimes/sim/kubelet/stop.js'))
const {readNodeStatus} = await import(path.join(dist, 'runtimes/sim/kubelet/status-writer.js'))

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

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

function healthy(metricsPort) {
  return new Promise((resolve) => {
    const request = http.get({host: '127.0.0.1', port: metricsPort, path: '/health', agent: false, timeout: 500}, (response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve(response.statusCode === 200 && body.includes('"health":"true"')))
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(false))
  })
}

async function msUntil(since, check, timeoutMs, what) {
  while (performance.now() - since < timeoutMs) {
    if (await check()) return performance.now() - since
    await sleep(5)
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`)
}

/** kubeadm's etcd flags (phases/etcd/local.go) on free loopback ports, node paths as given. */
function etcdFlags(ports, dataDir, pkiDir, snapshotCount) {
  return [
    `--advertise-client-urls=https://127.0.0.1:${ports.client}`,
    `--cert-file=${pkiDir}/server.crt`,
    '--client-cert-auth=true',
    `--data-dir=${dataDir}`,
    `--initial-advertise-peer-urls=https://127.0.0.1:${ports.peer}`,
    `--initial-cluster=bench=https://127.0.0.1:${ports.peer}`,
    `--key-file=${pkiDir}/server.key`,
    `--listen-client-urls=https://127.0.0.1:${ports.client}`,
    `--listen-metrics-urls=http://127.0.0.1:${ports.metrics}`,
    `--listen-peer-urls=https://127.0.0.1:${ports.peer}`,
    '--name=bench',
    `--peer-cert-file=${pkiDir}/peer.crt`,
    '--peer-client-cert-auth=true',
    `--peer-key-file=${pkiDir}/peer.key`,
    `--peer-trusted-ca-file=${pkiDir}/ca.crt`,
    `--snapshot-count=${snapshotCount}`,
    `--trusted-ca-file=${pkiDir}/ca.crt`,
  ]
}

function manifest(ports, snapshotCount) {
  const flags = etcdFlags(ports, '/var/lib/etcd', '/etc/kubernetes/pki/etcd', snapshotCount)
  return `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
${flags.map((flag) => `    - ${flag}`).join('\n')}
    image: registry.k8s.io/etcd:3.5.12-0
    name: etcd
    startupProbe:
      httpGet:
        host: 127.0.0.1
        path: /health
        port: ${ports.metrics}
        scheme: HTTP
  hostNetwork: true
  volumes:
  - hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
    name: etcd-data
`
}

async function stopChild(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

const work = await mkdtemp(path.join(os.tmpdir(), 'kubelab-bench-restart-'))
const labDir = path.join(work, 'lab')
const layout = simNodeLayout(labDir)
let kubelet
try {
  const pki = await createKubeadmPki({nodeName: 'bench', kubernetesVersion: 'v1.30.2', encryptionAlgorithm: 'ECDSA-P256'})
  await writeFiles(layout.nodeRoot, pki.files)
  const pkiDir = path.join(layout.nodeRoot, 'etc/kubernetes/pki/etcd')

  // etcd on its own: a cold start on a new data folder, then a warm restart on the same one.
  const cold = []
  const warm = []
  for (let run = 0; run < runs; run += 1) {
    const ports = {client: await freePort(), peer: await freePort(), metrics: await freePort()}
    const dataDir = path.join(work, `etcd-alone-${run}`)
    for (const times of [cold, warm]) {
      const started = performance.now()
      const child = spawn('etcd', etcdFlags(ports, dataDir, pkiDir, 10000), {stdio: 'ignore'})
      times.push(await msUntil(started, () => healthy(ports.metrics), 15_000, 'etcd serving'))
      await stopChild(child)
    }
  }

  // The same etcd under the sim kubelet; each run saves an edited manifest (--snapshot-count toggles).
  const ports = {client: await freePort(), peer: await freePort(), metrics: await freePort()}
  await mkdir(layout.manifestsDir, {recursive: true})
  const manifestFile = path.join(layout.manifestsDir, 'etcd.yaml')
  await writeFile(manifestFile, manifest(ports, 10000))
  kubelet = spawn(process.execPath, [path.join(dist, 'runtimes/sim/kubelet/main.js'), '--lab-dir', labDir], {stdio: 'ignore'})
  const etcdPid = () => readNodeStatus(layout.statusFile)?.components.find((component) => component.name === 'etcd')?.pid
  await msUntil(performance.now(), async () => etcdPid() !== undefined && (await healthy(ports.metrics)), 15_000, 'etcd serving under the kubelet')

  const restarted = []
  const serving = []
  for (let run = 0; run < runs; run += 1) {
    const before = etcdPid()
    const saved = performance.now()
    await writeFile(manifestFile, manifest(ports, run % 2 === 0 ? 5000 : 10000))
    restarted.push(await msUntil(saved, async () => (etcdPid() ?? before) !== before, 10_000, 'a new etcd process'))
    serving.push(await msUntil(saved, async () => etcdPid() !== before && (await healthy(ports.metrics)), 15_000, 'the new etcd serving'))
  }

  if (process.env.BENCH_VERBOSE) console.log({cold, warm, restarted, serving})
  const [coldMs, warmMs, restartedMs, servingMs] = [cold, warm, restarted, serving].map(median)
  console.log(`etcd alone: cold start ${coldMs.toFixed(0)} ms, warm restart ${warmMs.toFixed(0)} ms (median of ${runs})`)
  console.log(`manifest save → new etcd process ${restartedMs.toFixed(0)} ms, → serving ${servingMs.toFixed(0)} ms (median of ${runs})`)
  // The kubelet's own share: noticing the save, stopping the old process, freeing its ports, starting the new one.
  const okRestart = report('manifest save → new etcd process / etcd cold start', restartedMs / coldMs, 1, `${restartedMs.toFixed(0)} ms vs ${coldMs.toFixed(0)} ms`)
  // Serving again includes etcd's own leader election on its existing data (a randomised 1–2 s
  // election timeout), so it is held against etcd's warm restart, with room for that randomness.
  const okServing = report('manifest save → etcd serving / etcd warm restart', servingMs / warmMs, 2, `${servingMs.toFixed(0)} ms vs ${warmMs.toFixed(0)} ms`)
  console.log(`     manifest save → etcd serving / etcd cold start: ${(servingMs / coldMs).toFixed(2)}x (no target: a cold start skips the election a restart waits for)`)
  process.exitCode = okRestart && okServing ? 0 : 1
} finally {
  await stopLab(layout, {graceMs: 2000})
  await rm(work, {recursive: true, force: true})
}
