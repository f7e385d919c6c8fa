// A full audit of a running sim lab against the slowest of its checks run alone, in one run.
// Checks share probes and run concurrently, so the full audit should cost little more than its slowest
// check. Target: at most 1.5x. Starts its own lab (all-open, random ports) in a temporary KUBELAB_HOME.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
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
  const ok = report(`full audit (${CATALOGUE.length} checks) / slowest single check`, fullMs / slowestMs, 1.5, `${fullMs.toFixed(0)} ms vs ${slowestMs.toFixed(0)} ms`)
  process.exitCode = ok ? 0 : 1
} finally {
  cli('down', 'bench-audit')
  rmSync(home, {recursive: true, force: true})
}
