import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {downAllLabs} from '../../src/lab/down.js'
import {findExecutable} from '../../src/runtimes/shared/find-executable.js'
import {labDirFor} from '../../src/lab/home.js'
import {PlaybookExit} from '../../src/lab/playbook/exit-codes.js'
import {runPlaybook} from '../../src/lab/playbook/run.js'
import {listLabs} from '../../src/lab/registry.js'
import {kubelabCli, type KubelabCli} from '../support/kubelab-cli.js'
import {processesMentioning} from '../support/lab-processes.js'

/*
 * The Ansible example (ansible.builtin modules only) hardens a real sim all-open lab, as
 * `kubelab playbook run examples/harden-all-open.yml --scenario all-open` does. It needs
 * ansible-playbook (CI installs ansible-core); without it the suite says so and skips.
 */
const PROJECT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const PLAYBOOK = path.join(PROJECT_ROOT, 'examples', 'harden-all-open.yml')

/** Several labs start at once on a busy CI machine: more than `up`'s 30 s for etcd and the API server to answer. */
const READY_TIMEOUT_MS = 120_000

let cli: KubelabCli
let home: string
let ansible: string | undefined

const env = (): Record<string, string | undefined> => ({...process.env, KUBELAB_LAB: undefined, KUBELAB_HOME: undefined, ANSIBLE_NOCOLOR: '1'})

beforeAll(async () => {
  ansible = await findExecutable('ansible-playbook', process.env['PATH'])
  if (!ansible) {
    console.warn('SKIPPED: examples/harden-all-open.yml is not run: no ansible-playbook on PATH (install ansible-core).')
    return
  }
  cli = await kubelabCli(['commands/playbook/run.js', 'commands/restart.js'])
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-playbook-ansible-'))
}, 300_000)

afterAll(async () => {
  if (home) {
    await downAllLabs({home, env: env()}).catch(() => undefined)
    await rm(home, {recursive: true, force: true})
  }
}, 120_000)

describe('the Ansible example playbook', () => {
  it('hardens all-open: every check of every step passes, exit 0, and the lab is removed', async () => {
    if (!ansible) return
    const lines: string[] = []
    const outcome = await runPlaybook({
      script: PLAYBOOK,
      scenario: 'all-open',
      runtime: 'sim',
      home,
      env: env(),
      portPolicy: 'any-free',
      runtimeOptions: {sim: {simDir: cli.simDir, readyTimeoutMs: READY_TIMEOUT_MS}},
      kubelabCommand: cli.command,
      onScriptLine: (line) => lines.push(line),
    })
    expect(outcome.script).toMatchObject({kind: 'ansible', command: [ansible, '-i', 'localhost,', '-c', 'local', PLAYBOOK]})
    expect(outcome.scriptRun).toMatchObject({exitCode: 0, timedOut: false})
    expect(lines.some((line) => /^localhost\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/.test(line))).toBe(true)
    expect(outcome.steps.map((step) => [step.id, step.left.map((check) => check.id)])).toEqual(outcome.steps.map((step) => [step.id, []]))
    expect(outcome.report.counts).toMatchObject({pass: 11, fail: 0, warn: 0, error: 0, skip: 0})
    expect(outcome.exitCode).toBe(PlaybookExit.passed)

    const dir = labDirFor(home, outcome.lab.name)
    expect((await listLabs(home)).map((lab) => lab.name)).not.toContain(outcome.lab.name)
    expect(existsSync(dir)).toBe(false)
    expect(processesMentioning(dir)).toEqual([])
  }, 900_000)
})
