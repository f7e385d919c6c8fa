// `kubelab up` on the sim runtime, timed against what it cannot beat: etcd's own cold start, measured
// in the same run on the same machine. Also the lab's total memory (RSS of every process of the lab, from /proc).
// Target: ready (scenario seeded) in under 3 s.
// Run after `npm run build`: node bench/lab-up.js [runs] [scenario]   (default 3 runs of all-open; medians)
// KUBELAB_DIST=<folder> measures another compiled copy of src/ instead of dist/.
import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {median, report} from './lib.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.resolve(process.env.KUBELAB_DIST ?? path.join(root, 'dist'))
const load = (module) => import(pathToFileURL(path.join(dist, module)).href)
const [{upLab}, {downLab}, {osFreePort}, {labProcesses}, {simNodeLayout}] = await Promise.all([
  load('lab/up.js'),
  load('lab/down.js'),
  load('lab/ports.js'),
  load('runtimes/sim/lab-processes.js'),
  load('runtimes/sim/node/layout.js'),
])

const runs = Number(process.argv[2] ?? 3)
const scenario = process.argv[3] ?? 'all-open'
const TARGET_MS = 3000

/** Milliseconds from spawning etcd until its /health answers 200, with an empty data folder. */
async function etcdColdStartMs() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kubelab-bench-etcd-'))
  const [client, peer] = [await osFreePort(), await osFreePort()]
  const started = performance.now()
  const child = spawn(
    'etcd',
    [
      '--name=bench',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=http://127.0.0.1:${client}`,
      `--advertise-client-urls=http://127.0.0.1:${client}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=bench=http://127.0.0.1:${peer}`,
    ],
    {stdio: 'ignore'},
  )
  try {
    for (;;) {
      const healthy = await fetch(`http://127.0.0.1:${client}/health`).then((answer) => answer.status === 200, () => false)
      if (healthy) return performance.now() - started
      if (performance.now() - started > 30_000) throw new Error('etcd did not answer within 30 s')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    await rm(dataDir, {recursive: true, force: true})
  }
}

async function rssKb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0)
}

async function labUp() {
  const home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-bench-home-'))
  try {
    const outcome = await upLab({scenario, name: 'bench', home, env: {}, portPolicy: 'any-free', runtimeOptions: {sim: {simDir: path.join(dist, 'runtimes/sim')}}})
    const processes = labProcesses(simNodeLayout(outcome.lab.dir))
    const rss = (await Promise.all(processes.map((item) => rssKb(item.pid)))).reduce((sum, value) => sum + value, 0)
    return {readyMs: outcome.timings.readyMs, totalMs: outcome.timings.totalMs, processes: processes.length, rssMb: rss / 1024}
  } finally {
    await downLab('bench', {home, env: {}}).catch(() => undefined)
    await rm(home, {recursive: true, force: true})
  }
}

// Warm the disk cache and the module graph, so that the first measured run is not the one paying for them.
await etcdColdStartMs()
await labUp()

const etcd = []
const labs = []
for (let run = 0; run < runs; run += 1) {
  etcd.push(await etcdColdStartMs())
  labs.push(await labUp())
}

const etcdMs = median(etcd)
const totalMs = median(labs.map((lab) => lab.totalMs))
const readyMs = median(labs.map((lab) => lab.readyMs))
const rssMb = median(labs.map((lab) => lab.rssMb))
console.log(`kubelab lab-up bench: ${scenario}, median of ${runs} run(s), ${os.availableParallelism()} core(s), Node ${process.version}`)
console.log(`  etcd cold start (spawn → /health 200)      ${etcdMs.toFixed(0).padStart(6)} ms`)
console.log(`  kubelab up → API server ready             ${readyMs.toFixed(0).padStart(6)} ms`)
console.log(`  kubelab up → seeded and ready (the total) ${totalMs.toFixed(0).padStart(6)} ms`)
console.log(`  lab memory: ${labs[0].processes} processes, ${rssMb.toFixed(0)} MB RSS in total`)
const ok = report('lab up (ready in ms / 3000 ms target)', totalMs / TARGET_MS, 1, `${totalMs.toFixed(0)} ms; ${(totalMs / etcdMs).toFixed(1)}x etcd's own cold start`)
console.log(JSON.stringify({bench: 'lab-up', scenario, runs, etcdColdStartMs: Math.round(etcdMs), readyMs: Math.round(readyMs), totalMs: Math.round(totalMs), rssMb: Math.round(rssMb)}))
process.exitCode = ok ? 0 : 1
