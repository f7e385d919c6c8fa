import {mkdtemp, readdir, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import Up from '../../src/commands/up.js'
import {upLab} from '../../src/lab/up.js'
import {runInProcess} from '../commands/run-in-process.js'
import {fakeKind, type FakeKind} from '../support/fake-kind.js'

let home: string
let fake: FakeKind
const savedHome = process.env['KUBELAB_HOME']

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-kind-up-'))
  fake = await fakeKind()
  process.env['KUBELAB_HOME'] = home
})

afterAll(async () => {
  if (savedHome === undefined) delete process.env['KUBELAB_HOME']
  else process.env['KUBELAB_HOME'] = savedHome
  await rm(home, {recursive: true, force: true})
  await fake.dispose()
})

describe('kubelab up --runtime kind --dry-run', () => {
  it('prints the exact kind config and the post-create steps, all on 127.0.0.1, and changes nothing', async () => {
    const run = await runInProcess(Up, ['all-open', '--runtime', 'kind', '--dry-run', '--random-ports'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Dry run: nothing was created/)
    expect(run.stdout).toContain('   kind: Cluster\n   apiVersion: kind.x-k8s.io/v1alpha4\n   name: kubelab-all-open')
    const listens = [...run.stdout.matchAll(/listenAddress: (\S+)/g)].map((match) => match[1])
    expect(listens.length).toBe(5)
    expect(new Set(listens)).toEqual(new Set(['127.0.0.1']))
    expect(run.stdout).toContain('apiServerAddress: 127.0.0.1')
    expect(run.stdout).toMatch(/edit \/etc\/kubernetes\/manifests\/etcd\.yaml: delete --cert-file, --key-file, --trusted-ca-file, --client-cert-auth/)
    expect(run.stdout).toMatch(/create the scenario's objects with the lab's admin kubeconfig/)
    expect(run.stdout).toMatch(/Docker forwards a mapped port to the container's address, never to its loopback/)
    expect(run.stdout).toMatch(/Insecure port: kube-apiserver's own insecure port/)
    expect(await readdir(home)).toEqual([])
  })

  it('--expose flips the host side to every interface and warns', async () => {
    const run = await runInProcess(Up, ['all-open', '--runtime', 'kind', '--dry-run', '--random-ports', '--expose'])
    expect(new Set([...run.stdout.matchAll(/listenAddress: (\S+)/g)].map((match) => match[1]))).toEqual(new Set(['0.0.0.0']))
    expect(run.stdout).toMatch(/WARNING: --expose: lab all-open's ports listen on EVERY network interface/)
  })

  it('--expose on the sim runtime is refused before anything is made: sim labs listen on 127.0.0.1 only', async () => {
    const run = await runInProcess(Up, ['all-open', '--runtime', 'sim', '--random-ports', '--expose'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('--expose applies to kind labs only')
    expect(await readdir(home)).toEqual([])
  })
})

describe('kubelab up --runtime kind without Docker', () => {
  it('stops before anything is made and names the fix', async () => {
    const error = await upLab({scenario: 'anonymous-api', runtime: 'kind', home, env: {PATH: fake.kindOnlyBin}}).catch((thrown: unknown) => thrown)
    expect(String(error)).toMatch(/needs Docker and kind: no `docker` executable on PATH\.\nFix: Install Docker/)
    expect(await readdir(home)).toEqual([])
  })

  it('--runtime auto falls back to sim and says so', async () => {
    const progress: string[] = []
    // the sim runtime then stops at its own preflight (no etcd on this PATH): only the choice matters here
    await upLab({scenario: 'anonymous-api', runtime: 'auto', home, env: {PATH: fake.emptyBin}, onProgress: (line) => progress.push(line)}).catch(() => undefined)
    expect(progress[0]).toBe('--runtime auto: sim, because kind cannot run here (no `docker` and no `kind` executable on PATH); `kubelab doctor --runtime kind` shows what to install')
  })
})

describe('kubelab doctor --runtime kind', () => {
  it('reports for each pinned node image whether it runs here, with the same rule as up', async () => {
    const {runDoctor} = await import('../../src/lab/doctor.js')
    const report = await runDoctor({runtime: 'kind', env: fake.env({FAKE_DOCKER_CGROUP: '1'}), ports: []})
    const image119 = report.findings.find((finding) => finding.id === 'kind-image-1.19.16')
    expect(image119).toMatchObject({status: 'warn', detail: expect.stringMatching(/does not start with kind v0\.29\.0 on this cgroup v1 Docker host/), fix: expect.stringMatching(/--insecure-port-stand-in/)})
    const image134 = report.findings.find((finding) => finding.id === 'kind-image-1.34.0')
    expect(image134).toMatchObject({status: 'warn', detail: expect.stringMatching(/not in Docker yet/), fix: expect.stringMatching(/older than v0\.30\.0/)})
    expect(report.runtimes.find((item) => item.runtime === 'kind')?.ready).toBe(true)
  })
})
