import {readdirSync, readFileSync} from 'node:fs'
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {DurationError, parseDuration} from '../../src/lab/playbook/duration.js'
import {AnsibleMissingError, PlaybookScriptError} from '../../src/lab/playbook/errors.js'
import {describeScriptEnd, runScript, scriptSucceeded, type OutputStream} from '../../src/lab/playbook/run-script.js'
import {resolvePlaybookScript} from '../../src/lab/playbook/script.js'
import {uniqueLabName} from '../../src/lab/playbook/run.js'
import {checkLabName} from '../../src/lab/home.js'

/* The pieces of `kubelab playbook run` that need no lab: choosing how to run a script, time limits, and the process group. */
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'kubelab-playbook-parts-'))
})

afterAll(async () => {
  if (scratch) await rm(scratch, {recursive: true, force: true})
})

async function file(name: string, text: string, mode = 0o644): Promise<string> {
  const full = path.join(scratch, name)
  await mkdir(path.dirname(full), {recursive: true})
  await writeFile(full, text)
  await chmod(full, mode)
  return full
}

/** Live processes carrying NAME=value in their environment, read from /proc (independent of kubelab's own process code). */
function processesWithVariable(name: string, value: string): number[] {
  const wanted = `${name}=${value}`
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(wanted)) found.push(Number(entry))
    } catch {
      // gone, or not ours to read
    }
  }
  return found
}

const PATH = process.env['PATH'] ?? ''

describe('resolvePlaybookScript', () => {
  it('runs an executable script with a #! line directly', async () => {
    const script = await file('direct.sh', '#!/bin/sh\necho hi\n', 0o755)
    expect(await resolvePlaybookScript(script, {PATH})).toEqual({file: script, kind: 'shell', command: [script]})
  })

  it('runs any other shell script with bash', async () => {
    const script = await file('plain.sh', 'echo hi\n', 0o644)
    const resolved = await resolvePlaybookScript(script, {PATH})
    expect(resolved.kind).toBe('shell')
    expect(path.basename(resolved.command[0] ?? '')).toBe('bash')
    expect(resolved.command.slice(1)).toEqual([script])
  })

  it('runs *.yml and *.yaml with ansible-playbook against this machine', async () => {
    const bin = path.join(scratch, 'fake-bin')
    await file('fake-bin/ansible-playbook', '#!/bin/sh\nexit 0\n', 0o755)
    for (const name of ['site.yml', 'site.YAML']) {
      const playbook = await file(name, '- hosts: localhost\n  tasks: []\n')
      expect(await resolvePlaybookScript(playbook, {PATH: bin})).toEqual({
        file: playbook,
        kind: 'ansible',
        command: [path.join(bin, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook],
      })
    }
  })

  it('names the fix when ansible-playbook is missing', async () => {
    const playbook = await file('harden.yaml', '- hosts: localhost\n')
    const attempt = resolvePlaybookScript(playbook, {PATH: path.join(scratch, 'nowhere')})
    await expect(attempt).rejects.toThrow(AnsibleMissingError)
    await expect(resolvePlaybookScript(playbook, {PATH: path.join(scratch, 'nowhere')})).rejects.toThrow(/ansible-playbook is not on PATH.*ansible-core/)
  })

  it('refuses a missing script and a folder, naming them', async () => {
    await expect(resolvePlaybookScript(path.join(scratch, 'missing.sh'), {PATH})).rejects.toThrow(PlaybookScriptError)
    await expect(resolvePlaybookScript(path.join(scratch, 'missing.sh'), {PATH})).rejects.toThrow(/missing\.sh: no such file/)
    await expect(resolvePlaybookScript(scratch, {PATH})).rejects.toThrow(/: not a file/)
  })
})

describe('parseDuration', () => {
  it('reads ms, s, m, h and bare seconds', () => {
    expect(parseDuration('--timeout', '1500ms')).toBe(1500)
    expect(parseDuration('--timeout', '5s')).toBe(5000)
    expect(parseDuration('--timeout', '10m')).toBe(600_000)
    expect(parseDuration('--timeout', '1.5h')).toBe(5_400_000)
    expect(parseDuration('--timeout', '90')).toBe(90_000)
  })

  it('refuses nonsense and zero, naming the flag', () => {
    for (const value of ['', 'soon', '5 minutes', '-5s', '0', '0s']) expect(() => parseDuration('--timeout', value)).toThrow(DurationError)
    expect(() => parseDuration('--timeout', 'soon')).toThrow(/^--timeout soon: give a duration such as/)
  })
})

describe('uniqueLabName', () => {
  it('makes valid, distinct lab names, even from a long scenario id', () => {
    const names = new Set(Array.from({length: 20}, () => uniqueLabName('all-open')))
    expect(names.size).toBe(20)
    for (const name of names) expect(name).toMatch(/^pb-all-open-[0-9a-f]{6}$/)
    const long = uniqueLabName('a-very-long-scenario-id-that-goes-on-and-on-and-on-for-ever')
    expect(() => checkLabName(long)).not.toThrow()
  })
})

describe('runScript', () => {
  const env = {PATH, HOME: os.homedir()}

  it("streams each line with its stream and reports the script's exit status", async () => {
    const script = await file('lines.sh', 'echo one\necho two >&2\nprintf "three"\nexit 7\n')
    const lines: Array<[string, OutputStream]> = []
    const run = await runScript({command: ['bash', script], env, cwd: scratch, timeoutMs: 60_000, onLine: (line, stream) => lines.push([line, stream])})
    expect(run).toMatchObject({exitCode: 7, timedOut: false, interrupted: false})
    expect(scriptSucceeded(run)).toBe(false)
    expect(describeScriptEnd(run, 60_000)).toBe('exited with status 7')
    expect(lines.filter(([, stream]) => stream === 'stdout').map(([line]) => line)).toEqual(['one', 'three'])
    expect(lines.filter(([, stream]) => stream === 'stderr').map(([line]) => line)).toEqual(['two'])
  })

  it('kills the whole process group at the time limit, even children that ignore SIGTERM', async () => {
    const marker = `playbook-parts-${process.pid}-${Date.now()}`
    // The background sleep and the foreground one both inherit the ignored SIGTERM: only SIGKILL ends them.
    const script = await file('hang.sh', `trap '' TERM\nsleep 600 &\necho started\nsleep 600\n`)
    const lines: string[] = []
    const started = Date.now()
    const run = await runScript({command: ['bash', script], env: {...env, PLAYBOOK_TEST_MARKER: marker}, cwd: scratch, timeoutMs: 1000, killGraceMs: 500, onLine: (line) => lines.push(line)})
    expect(run.timedOut).toBe(true)
    expect(run.signal).toBe('SIGKILL')
    expect(scriptSucceeded(run)).toBe(false)
    expect(describeScriptEnd(run, 1000)).toBe('timed out after 1 s; its process group was killed')
    expect(lines).toEqual(['started'])
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(processesWithVariable('PLAYBOOK_TEST_MARKER', marker)).toEqual([])
  }, 30_000)

  it('stops background jobs a successful script leaves behind', async () => {
    const marker = `playbook-parts-bg-${process.pid}-${Date.now()}`
    const script = await file('background.sh', 'sleep 600 &\necho done\n')
    const run = await runScript({command: ['bash', script], env: {...env, PLAYBOOK_TEST_MARKER: marker}, cwd: scratch, timeoutMs: 60_000})
    expect(run).toMatchObject({exitCode: 0, timedOut: false})
    expect(scriptSucceeded(run)).toBe(true)
    expect(processesWithVariable('PLAYBOOK_TEST_MARKER', marker)).toEqual([])
  }, 30_000)

  it('kills the group when aborted (Ctrl-C)', async () => {
    const marker = `playbook-parts-abort-${process.pid}-${Date.now()}`
    const script = await file('wait.sh', 'echo waiting\nsleep 600\n')
    const controller = new AbortController()
    const run = await runScript({
      command: ['bash', script],
      env: {...env, PLAYBOOK_TEST_MARKER: marker},
      cwd: scratch,
      timeoutMs: 60_000,
      signal: controller.signal,
      onLine: () => controller.abort(),
    })
    expect(run).toMatchObject({interrupted: true, timedOut: false, signal: 'SIGTERM'})
    expect(processesWithVariable('PLAYBOOK_TEST_MARKER', marker)).toEqual([])
  }, 30_000)

  it('reports a script that cannot start', async () => {
    const script = await file('no-interpreter.sh', '#!/nonexistent/interpreter\necho never\n', 0o755)
    const run = await runScript({command: [script], env, cwd: scratch, timeoutMs: 10_000})
    expect(run.startError).toMatch(/no such file, or the interpreter its #! line names is missing/)
    expect(scriptSucceeded(run)).toBe(false)
  })
})
