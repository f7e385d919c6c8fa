import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import Doctor from '../../src/commands/doctor.js'
import type {DoctorReport} from '../../src/lab/doctor.js'
import {runInProcess} from './run-in-process.js'

/*
 * The command reads PATH from its environment, so each test points PATH at a temp folder. The fake etcd prints what
 * the real etcd 3.4.23 prints for `etcd --version` (see test/lab/doctor.test.ts). Ports are given with --port so
 * that no test touches the lab's well-known ports.
 */
let folder: string
let emptyDir: string
let toolsDir: string
let held: Server
let heldPort: number
let savedPath: string | undefined

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'kubelab-doctor-cmd-'))
  emptyDir = path.join(folder, 'empty')
  toolsDir = path.join(folder, 'tools')
  await mkdir(emptyDir)
  await mkdir(toolsDir)
  const etcd = path.join(toolsDir, 'etcd')
  await writeFile(etcd, "#!/bin/sh\nprintf 'etcd Version: 3.4.23\\nGit SHA: Not provided\\nGo Version: go1.19.8\\nGo OS/Arch: linux/amd64\\n'\n")
  await chmod(etcd, 0o755)
  held = createServer()
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve))
  heldPort = (held.address() as {port: number}).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => held.close(() => resolve()))
  await rm(folder, {recursive: true, force: true})
})

beforeEach(() => {
  savedPath = process.env.PATH
  process.env.PATH = emptyDir
})

afterEach(() => {
  process.env.PATH = savedPath
})

describe('kubelab doctor', () => {
  it('exits 0 for the sim runtime when etcd is in --bin-dir, and prints JSON with --json', async () => {
    const run = await runInProcess(Doctor, ['--runtime', 'sim', '--bin-dir', toolsDir, '--port', String(heldPort), '--json'])
    expect(run.exitCode).toBe(0)
    const report = JSON.parse(run.stdout) as DoctorReport
    expect(report).toMatchObject({runtime: 'sim', ready: true})
    expect(report.findings.find((item) => item.id === 'etcd')?.detail).toBe(`3.4.23 at ${path.join(toolsDir, 'etcd')}`)
    expect(report.findings.find((item) => item.id === `port-${heldPort}`)).toMatchObject({status: 'warn', detail: 'in use on 127.0.0.1'})
    expect(report.findings.filter((item) => item.id.startsWith('port-'))).toHaveLength(1)
  })

  it('exits 1 for the kind runtime when docker and kind are missing, saying how to fix it', async () => {
    const run = await runInProcess(Doctor, ['--runtime', 'kind', '--bin-dir', toolsDir, '--port', String(heldPort)])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('MISSING  kind: kind not found on PATH or in')
    expect(run.stdout).toContain('fix: Install Docker')
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Not ready for kind.')
  })

  it('exits 1 with auto when neither runtime can run', async () => {
    const run = await runInProcess(Doctor, ['--port', String(heldPort)])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Not ready for any runtime.')
  })

  it('exits 2 for a missing --bin-dir and for an unknown runtime', async () => {
    const missing = await runInProcess(Doctor, ['--bin-dir', path.join(folder, 'nope'), '--port', String(heldPort)])
    expect(missing).toMatchObject({exitCode: 2, stderr: `Error: --bin-dir ${path.join(folder, 'nope')}: no such folder`})
    const unknown = await runInProcess(Doctor, ['--runtime', 'minikube'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.errorMessage).toMatch(/Expected --runtime=minikube to be one of: auto, sim, kind/)
  })
})
