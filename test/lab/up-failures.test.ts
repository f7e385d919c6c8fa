import {spawnSync} from 'node:child_process'
import {mkdir, mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {downLab} from '../../src/lab/down.js'
import {BinDirMissingError, InvalidLabNameError, LabUpError, ScenarioRuntimeError} from '../../src/lab/errors.js'
import {labDirFor} from '../../src/lab/home.js'
import {writeLabRecord} from '../../src/lab/record.js'
import {labStatuses} from '../../src/lab/status.js'
import {formatStatus} from '../../src/lab/status-text.js'
import {upLab, type UpOptions} from '../../src/lab/up.js'
import {compiledKubelab, type CompiledKubelab} from '../support/compiled.js'
import {processesMentioning} from '../support/lab-processes.js'

let compiled: CompiledKubelab
let home: string
let scenarios: string

const options = (extra: UpOptions): UpOptions => ({home, env: {}, portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}, ...extra})

/** A scenario file; `misconfigurations` is YAML indented by two spaces. */
async function scenarioFile(id: string, runtimes: string, misconfigurations: string): Promise<string> {
  const file = path.join(scenarios, `${id}.yaml`)
  await writeFile(
    file,
    [
      `id: ${id}`,
      'title: Test',
      'summary: A scenario made by a test.',
      'kubernetesVersion: "1.34.1"',
      `runtimes: [${runtimes}]`,
      'lesson: test',
      'misconfigurations:',
      misconfigurations,
      'steps:',
      '  - id: one',
      '    title: One',
      '    checks: [api-anonymous-auth]',
      '',
    ].join('\n'),
  )
  return file
}

beforeAll(async () => {
  compiled = await compiledKubelab()
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-up-failures-'))
  scenarios = await mkdtemp(path.join(os.tmpdir(), 'kubelab-scenarios-'))
}, 300_000)

afterAll(async () => {
  await rm(home, {recursive: true, force: true})
  await rm(scenarios, {recursive: true, force: true})
})

describe('kubelab up refuses before writing anything', () => {
  it('for a bad lab name, a scenario not made for the runtime, and a missing --bin-dir', async () => {
    await expect(upLab(options({scenario: 'all-open', name: 'Not_A_Name'}))).rejects.toThrow(InvalidLabNameError)
    const kindOnly = await scenarioFile('kind-only', 'kind', '  apiserver:\n    setFlags:\n      profiling: "true"')
    await expect(upLab(options({scenario: kindOnly, runtime: 'sim'}))).rejects.toThrow(ScenarioRuntimeError)
    await expect(upLab(options({scenario: kindOnly, runtime: 'sim'}))).rejects.toThrow(/does not run on the sim runtime \(it lists: kind\)/)
    await expect(upLab(options({scenario: 'all-open', binDir: path.join(home, 'missing')}))).rejects.toThrow(BinDirMissingError)
    expect(await readdir(home)).toEqual([])
  })
})

describe('kubelab up when the control plane does not start', () => {
  it("stops everything, removes the lab, and names the cause with the API server's last log lines", async () => {
    const broken = await scenarioFile('broken-apiserver', 'sim', '  apiserver:\n    setFlags:\n      authorization-mode: Bogus')
    const failure = await upLab(options({scenario: broken})).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(LabUpError)
    const message = (failure as Error).message
    expect(message).toMatch(/^lab broken-apiserver did not start: kube-apiserver did not become ready: it keeps exiting \(\d+ restarts, last: exit code 1\)/)
    expect(message).toContain('last lines of')
    expect(message).toContain('Bogus')
    expect(message).toContain(`Stopped what had started and removed ${labDirFor(home, 'broken-apiserver')}.`)
    await expect(stat(labDirFor(home, 'broken-apiserver'))).rejects.toThrow(/ENOENT/)
    expect(processesMentioning(labDirFor(home, 'broken-apiserver'))).toEqual([])
  }, 60_000)
})

describe('a lab whose `kubelab up` was killed', () => {
  it('shows as abandoned, pointing at `kubelab down`, which removes it', async () => {
    const dir = labDirFor(home, 'half-made')
    await mkdir(dir, {recursive: true})
    // a pid that surely belongs to no live process: one that has just exited
    const gone = spawnSync('true').pid
    await writeLabRecord(dir, {
      name: 'half-made',
      scenario: 'all-open',
      runtime: 'sim',
      kubernetesVersion: '1.19.16',
      ports: {apiserverSecure: 1, etcdClient: 2, etcdPeer: 3, etcdMetrics: 4, kubelet: 5, controllerManagerSecure: 6, schedulerSecure: 7},
      createdAt: new Date().toISOString(),
      state: 'creating',
      kubeconfig: path.join(dir, 'node/etc/kubernetes/admin.conf'),
      upPid: gone,
    })
    const [view] = await labStatuses('half-made', home, {})
    expect(view?.state).toBe('abandoned')
    expect(view?.node.kubelet.state).toBe('stopped')
    expect(formatStatus(view ?? ({} as never))).toContain('abandoned (the `kubelab up` creating it is gone: `kubelab down half-made`)')
    expect(await downLab('half-made', {home, env: {}})).toMatchObject({name: 'half-made', kept: false})
    await expect(stat(dir)).rejects.toThrow(/ENOENT/)
  })
})
