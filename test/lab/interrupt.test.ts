import {spawn} from 'node:child_process'
import {mkdtemp, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {downAllLabs} from '../../src/lab/down.js'
import {labDirFor} from '../../src/lab/home.js'
import {upLab} from '../../src/lab/up.js'
import {PROJECT_ROOT} from '../commands/run-in-process.js'
import {compiledKubelab, type CompiledKubelab} from '../support/compiled.js'
import {processesMentioning} from '../support/lab-processes.js'

/*
 * Ctrl-C during `kubelab up`: the compiled `up` command runs in its own process, gets SIGINT once
 * the kubelet and a component are running, and must stop them all, remove the half-made lab and
 * exit 130; the next `up` of the same lab must work.
 */
let compiled: CompiledKubelab
let home: string
let driver: string

beforeAll(async () => {
  compiled = await compiledKubelab()
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-interrupt-'))
  // Runs a compiled command class the way bin/run.js would, with the project's package.json as oclif's config.
  driver = path.join(home, 'run-command.mjs')
  await writeFile(
    driver,
    [
      'const [entry, root, ...argv] = process.argv.slice(2)',
      'const {default: command} = await import(entry)',
      'try { await command.run(argv, root); process.exit(0) }',
      'catch (error) { if (!error?.oclif) console.error(error); process.exit(error?.oclif?.exit ?? 1) }',
    ].join('\n'),
  )
}, 300_000)

afterAll(async () => {
  if (home) {
    await downAllLabs({home, env: {}}).catch(() => undefined)
    await rm(home, {recursive: true, force: true})
  }
}, 60_000)

describe('Ctrl-C during kubelab up', () => {
  it('stops what started, removes the lab folder, exits 130, and the next up works', async () => {
    const labDir = labDirFor(home, 'interrupted')
    const child = spawn(process.execPath, [driver, path.join(compiled.dist, 'commands/up.js'), PROJECT_ROOT, 'all-open', '--name', 'interrupted', '--random-ports'], {
      env: {...process.env, KUBELAB_HOME: home},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

    // Wait until the kubelet and at least one static pod of the lab run, then press Ctrl-C.
    const deadline = Date.now() + 60_000
    let seen: ReturnType<typeof processesMentioning> = []
    while (Date.now() < deadline && child.exitCode === null) {
      seen = processesMentioning(labDir)
      if (seen.some((item) => item.commandLine.includes('kubelet/main.js')) && seen.length >= 2) break
      await sleep(10)
    }
    expect(child.exitCode).toBeNull()
    expect(seen.length).toBeGreaterThanOrEqual(2)
    child.kill('SIGINT')

    expect(await exited).toBe(130)
    expect(stderr).toContain('interrupted (SIGINT): stopped what lab interrupted had started and removed its folder')
    expect(processesMentioning(labDir)).toEqual([])
    await expect(stat(labDir)).rejects.toThrow(/ENOENT/)

    const again = await upLab({scenario: 'all-open', name: 'interrupted', home, env: {}, portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}})
    expect(again.lab.record.state).toBe('ready')
  }, 120_000)
})
