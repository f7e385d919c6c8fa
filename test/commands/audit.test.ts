import {mkdtemp, mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {connect, createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it, jest} from '@jest/globals'
import {XMLParser} from 'fast-xml-parser'
import type {CheckDefinition, WireEvidence} from '../../src/checks/model.js'
import {runInProcess} from './run-in-process.js'

/**
 * The command is tested with a small catalogue of its own, so that its exit codes and outputs do not depend on
 * the real checks (tested in test/checks). These checks use the real path: node root reads and a TCP connect to
 * the port the flags chose.
 */
const MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml'

async function tcpConnect(host: string, port: number, timeoutMs: number): Promise<WireEvidence> {
  const request = `TCP ${host}:${port}`
  return new Promise((resolve) => {
    const socket = connect({host, port, timeout: timeoutMs})
    socket.once('connect', () => {
      socket.destroy()
      resolve({request, verdict: 'fail', note: 'something listens'})
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({request, error: error.code === 'ECONNREFUSED' ? 'connection refused' : String(error.code), verdict: 'pass'}))
    socket.once('timeout', () => {
      socket.destroy()
      resolve({request, error: `no answer within ${timeoutMs} ms`, verdict: 'error'})
    })
  })
}

const TEST_CATALOGUE: CheckDefinition[] = [
  {
    id: 'test-anonymous-auth',
    title: 'Anonymous auth is off in the apiserver manifest',
    component: 'apiserver',
    severity: 'high',
    cis: [{benchmark: 'cis-1.12', id: '1.2.1', title: 'Ensure that the --anonymous-auth argument is set to false', manual: true}],
    kubeHunter: [],
    kubescape: [],
    remediation: 'Set --anonymous-auth=false.',
    async evaluate(ctx) {
      const text = await ctx.target.node?.readFile(MANIFEST)
      if (text === undefined) return {config: [], wire: [], skipReason: 'No node access.'}
      const lines = text.split('\n')
      const line = lines.findIndex((item) => item.includes('--anonymous-auth='))
      const value = line >= 0 ? /--anonymous-auth=(\S+)/.exec(lines[line] ?? '')?.[1] : undefined
      return {
        config: [{setting: '--anonymous-auth', value, source: 'flag', file: MANIFEST, line: line + 1, verdict: value === 'false' ? 'pass' : 'fail'}],
        wire: [],
      }
    },
  },
  {
    id: 'test-kubelet-port-closed',
    title: 'Nothing listens on the kubelet port',
    component: 'kubelet',
    severity: 'medium',
    cis: [],
    kubeHunter: [],
    kubescape: [],
    remediation: 'Stop the listener.',
    async evaluate(ctx) {
      const {host, ports} = ctx.target.endpoints
      return {config: [], wire: [await tcpConnect(host, ports.kubelet, ctx.target.timeoutMs)], failIsWarn: true}
    },
  },
]

jest.unstable_mockModule('../../src/checks/catalogue/index.js', () => ({CATALOGUE: TEST_CATALOGUE}))
const {default: Audit} = await import('../../src/commands/audit.js')

let folder: string
let vulnerableRoot: string
let hardenedRoot: string
let listener: Server
let busyPort: number
let closedPort: number

async function nodeRoot(name: string, anonymousAuth: string): Promise<string> {
  const root = path.join(folder, name)
  await mkdir(path.join(root, 'etc/kubernetes/manifests'), {recursive: true})
  await writeFile(
    path.join(root, MANIFEST),
    `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --anonymous-auth=${anonymousAuth}\n`,
  )
  return root
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'kubelab-audit-cmd-'))
  vulnerableRoot = await nodeRoot('vulnerable', 'true')
  hardenedRoot = await nodeRoot('hardened', 'false')
  listener = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  busyPort = (listener.address() as {port: number}).port
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  closedPort = (probe.address() as {port: number}).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
})

afterAll(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()))
  await rm(folder, {recursive: true, force: true})
})

describe('kubelab audit', () => {
  it('exits 1 and prints the failing check with its evidence when the node is vulnerable', async () => {
    const run = await runInProcess(Audit, ['--node-root', vulnerableRoot, '--kubelet-port', String(closedPort)])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('FAIL   test-anonymous-auth (high)')
    expect(run.stdout).toContain(`config: --anonymous-auth=true (flag, ${MANIFEST}:7)`)
    expect(run.stdout).toContain(`wire:   TCP 127.0.0.1:${closedPort} → connection refused`)
    expect(run.stdout).toContain('Totals: 1 fail, 0 warn, 0 error, 1 pass, 0 skip (2 checks)')
  })

  it('exits 0 when the node is hardened and the port closed', async () => {
    const run = await runInProcess(Audit, ['--node-root', hardenedRoot, '--kubelet-port', String(closedPort)])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Totals: 0 fail, 0 warn, 0 error, 2 pass, 0 skip (2 checks)')
  })

  it('counts a warning as failure only with --fail-on warn', async () => {
    const argv = ['--node-root', hardenedRoot, '--kubelet-port', String(busyPort)]
    const lenient = await runInProcess(Audit, argv)
    expect(lenient.stdout).toContain('WARN   test-kubelet-port-closed')
    expect(lenient.exitCode).toBe(0)
    expect((await runInProcess(Audit, [...argv, '--fail-on', 'warn'])).exitCode).toBe(1)
  })

  it('selects checks by --check (repeatable or comma-separated) and by --component', async () => {
    const byComponent = await runInProcess(Audit, ['--node-root', vulnerableRoot, '--component', 'kubelet', '--kubelet-port', String(closedPort)])
    expect(byComponent.stdout).not.toContain('test-anonymous-auth')
    expect(byComponent.exitCode).toBe(0)
    const byIds = await runInProcess(Audit, ['--node-root', hardenedRoot, '--check', 'test-anonymous-auth,test-kubelet-port-closed', '--kubelet-port', String(closedPort)])
    expect(byIds.stdout).toContain('(2 checks)')
  })

  it('prints JSON with --json', async () => {
    const run = await runInProcess(Audit, ['--node-root', vulnerableRoot, '--kubelet-port', String(closedPort), '--json'])
    const document = JSON.parse(run.stdout) as {schemaVersion: number; target: {node: string}; counts: {fail: number}}
    expect(document.schemaVersion).toBe(1)
    expect(document.target.node).toBe(`node root ${vulnerableRoot}`)
    expect(document.counts.fail).toBe(1)
    expect(run.exitCode).toBe(1)
  })

  it('writes JUnit and SARIF files, creating their folder', async () => {
    const junit = path.join(folder, 'reports/audit.xml')
    const sarif = path.join(folder, 'reports/audit.sarif')
    await runInProcess(Audit, ['--node-root', vulnerableRoot, '--kubelet-port', String(closedPort), '--junit', junit, '--sarif', sarif])
    const parsed = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse(await readFile(junit, 'utf8')) as {testsuites: {tests: string; failures: string}}
    expect(parsed.testsuites).toMatchObject({tests: '2', failures: '1'})
    const log = JSON.parse(await readFile(sarif, 'utf8')) as {runs: Array<{tool: {driver: {name: string; version: string}}; results: unknown[]}>}
    expect(log.runs[0]?.tool.driver).toMatchObject({name: 'kubelab', version: '0.1.0'})
    expect(log.runs[0]?.results).toHaveLength(1)
  })

  describe('usage and target errors exit 2 with one clear line', () => {
    it.each([
      ['an unknown check id', ['--check', 'no-such-check'], /^Error: Unknown check id: no-such-check\. Known ids: test-anonymous-auth, test-kubelet-port-closed$/],
      ['a missing node root', ['--node-root', '/no/such/node-root'], /^Error: --node-root \/no\/such\/node-root: no such folder$/],
      ['a port out of range', ['--kubelet-port', '70000'], /^Error: --kubelet-port 70000: a port must be a whole number from 1 to 65535$/],
      ['a missing kubeconfig', ['--kubeconfig', '/no/such/admin.conf'], /^Error: --kubeconfig \/no\/such\/admin.conf: no such file$/],
    ])('%s', async (_what, argv, message) => {
      const run = await runInProcess(Audit, argv)
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toMatch(message)
      expect(run.stdout).toBe('')
    })

    it.each([
      ['an unknown component', ['--component', 'scheduler'], /Expected --component=scheduler to be one of: apiserver, kubelet, etcd, rbac/],
      ['a flag that does not exist', ['--no-such-flag'], /Nonexistent flag: --no-such-flag/],
      ['a timeout that is not a number', ['--timeout', 'soon'], /Expected an integer but received: soon/],
      ['an unknown --fail-on', ['--fail-on', 'error'], /Expected --fail-on=error to be one of: fail, warn/],
    ])("oclif's own parse error: %s", async (_what, argv, message) => {
      const run = await runInProcess(Audit, argv)
      expect(run.exitCode).toBe(2)
      expect(run.errorMessage).toMatch(message)
    })

    it('a report path through a file', async () => {
      const blocker = path.join(folder, 'a-file')
      await writeFile(blocker, '')
      const run = await runInProcess(Audit, ['--node-root', hardenedRoot, '--kubelet-port', String(closedPort), '--junit', path.join(blocker, 'audit.xml')])
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toBe(`Error: --junit ${path.join(blocker, 'audit.xml')}: cannot write the report: part of the path is a file, not a folder`)
    })

    it('a report path that is a folder', async () => {
      const run = await runInProcess(Audit, ['--node-root', hardenedRoot, '--kubelet-port', String(closedPort), '--sarif', folder])
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toBe(`Error: --sarif ${folder}: cannot write the report: it is a folder`)
    })
  })
})
