// A full audit of a running sim lab against (1) the slowest of its checks run alone and (2), with one
// endpoint silent, its slowest single probe (the timeout), in one run. Checks share probes and run
// concurrently, so the full audit should cost little more than either. Target: at most 1.5x. Starts its own lab (all-open, random ports) in a temporary KUBELAB_HOME.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {median, report} from './lib.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = process.env.KUBELAB_DIST ?? path.join(root, 'dist')
const load = (module) => import(pathToFileURL(path.join(dist, module)).href)
const home = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-audit-'))
const env = {...process.env, KUBELAB_HOME: home}
const cli = (...args) => spawnSync(process.execPath, [path.join(root, 'bin/run.js'), ...args], {env, encoding: 'utf8'})

const up = cli('up', 'all-open', '--name', 'bench-audit', '--random-ports')
if (up.status !== 0) {
  console.error(up.stdout, up.stderr)
  process.exit(1)
}
try {
  process.env.KUBELAB_HOME = home
  const [{CATALOGUE}, {runAudit}, {targetFromOptions}, {labTargetOptions}] = await Promise.all([
    load('checks/catalogue/index.js'),
    load('checks/evaluate.js'),
    load('target/from-options.js'),
    load('lab/audit-target.js'),
  ])
  const target = await targetFromOptions(await labTargetOptions('bench-audit', env))
  const runs = 7
  await runAudit(target, CATALOGUE) // warm-up: module loading and JIT are not what this measures
  const full = []
  const slowest = []
  for (let run = 0; run < runs; run += 1) {
    let started = performance.now()
    await runAudit(target, CATALOGUE)
    full.push(performance.now() - started)
    let worst = 0
    for (const check of CATALOGUE) {
      started = performance.now()
      await runAudit(target, [check])
      worst = Math.max(worst, performance.now() - started)
    }
    slowest.push(worst)
  }
  const [fullMs, slowestMs] = [median(full), median(slowest)]
  const checksOk = report(`full audit (${CATALOGUE.length} checks) / slowest single check`, fullMs / slowestMs, 1.5, `${fullMs.toFixed(0)} ms vs ${slowestMs.toFixed(0)} ms`)

  // The same lab with its kubelet port replaced by a server that accepts and never answers: the
  // slowest single probe is then the probe timeout, and a concurrent audit should take about that long.
  const {httpProbe} = await load('probes/http.js')
  const silent = net.createServer(() => undefined)
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const silentPort = silent.address().port
  const slowTarget = {...target, timeoutMs: 1000, endpoints: {...target.endpoints, ports: {...target.endpoints.ports, kubelet: silentPort}}}
  const probeMs = []
  const slowAuditMs = []
  for (let run = 0; run < 3; run += 1) {
    let started = performance.now()
    await httpProbe({url: `https://127.0.0.1:${silentPort}/pods`, timeoutMs: 1000})
    probeMs.push(performance.now() - started)
    started = performance.now()
    await runAudit(slowTarget, CATALOGUE)
    slowAuditMs.push(performance.now() - started)
  }
  silent.close()
  const probeOk = report('full audit with one silent endpoint / its slowest single probe', median(slowAuditMs) / median(probeMs), 1.5, `${median(slowAuditMs).toFixed(0)} ms vs ${median(probeMs).toFixed(0)} ms`)
  process.exitCode = checksOk && probeOk ? 0 : 1
} finally {
  cli('down', 'bench-audit')
  rmSync(home, {recursive: true, force: true})
}
