import {existsSync} from 'node:fs'
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {execa} from 'execa'
import {PROJECT_ROOT} from './run-in-process.js'

/**
 * End to end through bin/run.js, as a user runs it. oclif loads commands from dist/, so this needs
 * `npm run build` first (npm test does it in pretest). KUBELAB_E2E_ROOT may point at another built copy of the
 * project (a folder with package.json, bin/ and dist/).
 */
const ROOT = process.env.KUBELAB_E2E_ROOT ?? PROJECT_ROOT
const BIN = path.join(ROOT, 'bin/run.js')

let folder: string
let emptyDir: string
let etcdDir: string
let nodeRoot: string
const closedPorts: number[] = []

async function releasedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Runs the CLI with this environment minus any colour settings the test runner has, plus `env`. */
function kubelab(args: string[], env: Record<string, string> = {}) {
  const {NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...inherited} = process.env
  return execa(process.execPath, [BIN, ...args], {
    reject: false,
    timeout: 20_000,
    env: {...inherited, ...env},
    extendEnv: false,
    stdin: 'ignore',
  })
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/commands/audit.js'))) {
    throw new Error(`${ROOT}/dist/commands/audit.js is missing: run \`npm run build\` before these end-to-end tests`)
  }
  folder = await mkdtemp(path.join(tmpdir(), 'kubelab-e2e-'))
  emptyDir = path.join(folder, 'empty')
  etcdDir = path.join(folder, 'tools')
  nodeRoot = path.join(folder, 'node')
  await mkdir(emptyDir)
  await mkdir(etcdDir)
  await mkdir(nodeRoot)
  // Prints what `etcd --version` of etcd 3.4.23 prints.
  await writeFile(path.join(etcdDir, 'etcd'), "#!/bin/sh\nprintf 'etcd Version: 3.4.23\\nGit SHA: Not provided\\n'\n")
  await chmod(path.join(etcdDir, 'etcd'), 0o755)
  for (let index = 0; index < 6; index++) closedPorts.push(await releasedPort())
})

afterAll(async () => {
  if (folder) await rm(folder, {recursive: true, force: true})
})

/** Every component pointed at ports nothing listens on, so the audit never reaches a running lab. */
function quietTarget(): string[] {
  const flags = ['--apiserver-port', '--insecure-port', '--kubelet-port', '--kubelet-read-only-port', '--etcd-port', '--etcd-peer-port']
  return [...flags.flatMap((flag, index) => [flag, String(closedPorts[index])]), '--node-root', nodeRoot, '--timeout', '500']
}

type CliResult = Awaited<ReturnType<typeof kubelab>>

const CLEAR_USAGE_ERRORS: Array<[string, string[], string]> = [
  ['a missing node root', ['--node-root', '/no/such/node-root'], '--node-root /no/such/node-root: no such folder'],
  ['a missing kubeconfig', ['--kubeconfig', '/no/such/admin.conf'], '--kubeconfig /no/such/admin.conf: no such file'],
  ['a port out of range', ['--etcd-port', '0'], '--etcd-port 0: a port must be a whole number from 1 to 65535'],
]
const PARSE_ERRORS: Array<[string, string[]]> = [
  ['an unknown component', ['--component', 'scheduler']],
  ['an unknown flag', ['--no-such-flag']],
  ['a non-numeric timeout', ['--timeout', 'soon']],
]

/** Each process takes ~0.5 s to start, so all of them run at once and the tests read their results. */
const runs = new Map<string, Promise<CliResult>>()
function result(name: string): Promise<CliResult> {
  const run = runs.get(name)
  if (!run) throw new Error(`no run named ${name}`)
  return run
}

beforeAll(() => {
  for (const [name, args] of CLEAR_USAGE_ERRORS) runs.set(name, kubelab(['audit', ...args]))
  for (const [name, args] of PARSE_ERRORS) runs.set(name, kubelab(['audit', ...args]))
  runs.set('unknown check', kubelab(['audit', '--check', 'no-such-check']))
  runs.set('json', kubelab(['audit', ...quietTarget(), '--json']))
  runs.set('no colour', kubelab(['audit', ...quietTarget()], {NO_COLOR: '1', FORCE_COLOR: '3'}))
  runs.set('doctor sim', kubelab(['doctor', '--runtime', 'sim', '--bin-dir', etcdDir, '--port', String(closedPorts[0]), '--json'], {PATH: emptyDir}))
  runs.set('doctor kind', kubelab(['doctor', '--runtime', 'kind', '--port', String(closedPorts[0])], {PATH: emptyDir}))
})

describe('bin/run.js audit', () => {
  it.each(CLEAR_USAGE_ERRORS)('exits 2 with one clear line for %s, no stack', async (name, _args, message) => {
    const run = await result(name)
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toBe(`Error: ${message}`)
  })

  it('exits 2 with one line naming the unknown check id and the known ones', async () => {
    const run = await result('unknown check')
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/^Error: Unknown check id: no-such-check\. Known ids: \S/)
    expect(run.stderr.split('\n')).toHaveLength(1)
  })

  it.each(PARSE_ERRORS)("exits 2 on oclif's parse error for %s", async (name) => {
    const run = await result(name)
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('See more help with --help')
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })

  it('prints JSON whose counts match its results, and exits 1 exactly when a check failed', async () => {
    const run = await result('json')
    const report = JSON.parse(run.stdout) as {schemaVersion: number; counts: Record<string, number>; results: Array<{status: string}>}
    expect(report.schemaVersion).toBe(1)
    const total = Object.values(report.counts).reduce((sum, count) => sum + count, 0)
    expect(total).toBe(report.results.length)
    expect(run.exitCode).toBe((report.counts.fail ?? 0) > 0 ? 1 : 0)
  })

  it('prints no colour under NO_COLOR even with FORCE_COLOR', async () => {
    const run = await result('no colour')
    expect([0, 1]).toContain(run.exitCode)
    expect(run.stdout).toMatch(/^kubelab audit of 127\.0\.0\.1/)
    expect(run.stdout).not.toMatch(/\u001b\[/)
  })
})

describe('bin/run.js doctor', () => {
  it('exits 0 for sim with etcd in --bin-dir', async () => {
    const run = await result('doctor sim')
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({runtime: 'sim', ready: true})
  })

  it('exits 1 for kind without docker and kind', async () => {
    const run = await result('doctor kind')
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Not ready for kind.')
  })
})
