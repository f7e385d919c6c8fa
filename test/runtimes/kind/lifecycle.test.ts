import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {createServer, type Server} from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {portsScenarioUses} from '../../../src/lab/ports.js'
import {KindCreateError} from '../../../src/runtimes/kind/errors.js'
import {createKindRuntime} from '../../../src/runtimes/kind/kind-runtime.js'
import {planKindLab} from '../../../src/runtimes/kind/plan.js'
import type {KindNode, KindNodeFactory} from '../../../src/runtimes/kind/types.js'
import type {LabPorts} from '../../../src/runtimes/types.js'
import {loadScenario} from '../../../src/scenario/load.js'
import type {Scenario} from '../../../src/scenario/schema.js'
import {PROJECT_ROOT} from '../../commands/run-in-process.js'
import {fakeKind, type FakeKind} from '../../support/fake-kind.js'
import {freePort} from '../../support/ports.js'

/*
 * The kind runtime's create → kubeconfig → ready → seed → delete flow against a fake `kind` (see
 * test/support/fake-kind.ts) and a fixture API server that answers as kube-apiserver does the two
 * requests involved: GET /readyz → 200 "ok" once ready, and POST to a collection → 201 Created with
 * the stored object, which carries a generated metadata.uid (k8s.io/apiserver handlers/create.go).
 * It speaks plain HTTP where kind's API server speaks TLS: the TLS client is tested elsewhere. Its
 * kubeconfig names 0.0.0.0, as kind's does after --expose (apiServerAddress 0.0.0.0).
 */
let fake: FakeKind
let scenario: Scenario
let apiserver: Server
let apiserverPort: number
const created: Array<{path: string; body: {kind: string; metadata: {name: string; annotations?: Record<string, string>}; data?: Record<string, string>}}> = []
let work: string

beforeAll(async () => {
  fake = await fakeKind()
  work = await mkdtemp(path.join(os.tmpdir(), 'kubelab-kind-lifecycle-'))
  scenario = await loadScenario(path.join(PROJECT_ROOT, 'scenarios/etcd-no-client-auth.yaml'))
  scenario = {...scenario, misconfigurations: {...scenario.misconfigurations, etcd: {setFlags: {'client-cert-auth': 'false'}, removeFlags: []}}}
  apiserver = createServer((request, response) => {
    let text = ''
    request.on('data', (chunk: Buffer) => (text += String(chunk)))
    request.on('end', () => {
      if (request.method === 'GET' && request.url === '/readyz') {
        response.writeHead(200, {'content-type': 'text/plain'}).end('ok')
        return
      }
      if (request.method === 'POST' && request.headers.authorization === 'Bearer admin-token') {
        const body = JSON.parse(text) as (typeof created)[number]['body']
        created.push({path: request.url ?? '', body})
        response.writeHead(201, {'content-type': 'application/json'}).end(JSON.stringify({...body, metadata: {...body.metadata, uid: `uid-${body.metadata.name}`}}))
        return
      }
      response.writeHead(403, {'content-type': 'application/json'}).end('{"kind":"Status","message":"forbidden"}')
    })
  })
  await new Promise<void>((resolve) => apiserver.listen(0, '127.0.0.1', resolve))
  const address = apiserver.address()
  apiserverPort = typeof address === 'object' && address !== null ? address.port : 0
  await writeFile(
    path.join(work, 'kind-kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- cluster: {server: "http://0.0.0.0:${apiserverPort}"}`,
      '  name: kind-kubelab-lab',
      'contexts:',
      '- context: {cluster: kind-kubelab-lab, user: kind-kubelab-lab}',
      '  name: kind-kubelab-lab',
      'current-context: kind-kubelab-lab',
      'users:',
      '- name: kind-kubelab-lab',
      '  user: {token: admin-token}',
      '',
    ].join('\n'),
  )
})

afterAll(async () => {
  await new Promise<void>((resolve) => apiserver.close(() => resolve()))
  await fake.dispose()
  await rm(work, {recursive: true, force: true})
})

async function labPorts(): Promise<LabPorts> {
  const entries = await Promise.all(portsScenarioUses(scenario).map(async (name) => [name, await freePort()] as const))
  return Object.fromEntries(entries) as unknown as LabPorts
}

/** Post-create steps of this scenario never touch the node; any call is a failure. */
const untouchedNode: KindNodeFactory = (container): KindNode => {
  const refuse = (): never => {
    throw new Error(`the node ${container} was used`)
  }
  return {container, readFile: refuse, writeFile: refuse, exec: refuse, restartKubelet: refuse}
}

async function newLabDir(name: string): Promise<string> {
  const dir = path.join(work, name)
  await rm(dir, {recursive: true, force: true})
  await import('node:fs/promises').then((fs) => fs.mkdir(dir))
  return dir
}

describe('kind runtime lifecycle (fake kind)', () => {
  it('creates the cluster from the generated config, waits for /readyz, seeds, and deletes on stop', async () => {
    created.length = 0
    const labDir = await newLabDir('lab')
    const ports = await labPorts()
    // kind's kubeconfig names the cluster's apiServerAddress; this one is served by the fixture above
    const env = fake.env({FAKE_KIND_KUBECONFIG: path.join(work, 'kind-kubeconfig'), FAKE_DOCKER_IMAGE: 'present'})
    const runtime = createKindRuntime({env, nodeFor: untouchedNode, readyTimeoutMs: 10_000})
    const progress: string[] = []
    const result = await runtime.up({name: 'lab', labDir, scenario, ports, onProgress: (message) => progress.push(message)})

    const plan = planKindLab('lab', scenario, ports)
    const kubeconfig = path.join(labDir, 'kubeconfig')
    expect((await fake.calls()).filter((call) => call !== 'version')).toEqual([
      `create cluster --config - --name kubelab-lab --image ${plan.image.reference} --wait 0s --kubeconfig ${kubeconfig}`,
      'get kubeconfig --name kubelab-lab',
    ])
    expect(await fake.stdin()).toBe(plan.config.yaml)
    expect(await readFile(path.join(labDir, 'kind-config.yaml'), 'utf8')).toBe(plan.config.yaml)
    expect(result.kubeconfig).toBe(kubeconfig)
    expect(await readFile(kubeconfig, 'utf8')).toContain(`server: "http://127.0.0.1:${apiserverPort}"`)

    const stages = progress.filter((line) => line.startsWith('kind: '))
    expect(stages.map((line) => line.replace(/ \(\d+\.\d s\)$/, ''))).toEqual([
      'kind: ✓ Ensuring node image (kindest/node:v1.34.0)',
      'kind: ✓ Preparing nodes',
      'kind: ✓ Writing configuration',
      'kind: ✓ Starting control-plane',
    ])
    for (const line of stages) expect(line).toMatch(/ \(\d+\.\d s\)$/)

    expect(created.map((item) => `${item.path} ${item.body.kind}/${item.body.metadata.name}`)).toEqual([
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings ClusterRoleBinding/backup-operator',
      '/api/v1/namespaces/kube-system/serviceaccounts ServiceAccount/backup-operator',
      '/api/v1/namespaces/kube-system/secrets Secret/backup-operator-token',
    ])
    // a real token controller fills the token Secret: kubelab leaves its data empty
    const token = created[2]?.body
    expect(token?.metadata.annotations).toEqual({'kubernetes.io/service-account.name': 'backup-operator', 'kubernetes.io/service-account.uid': 'uid-backup-operator'})
    expect(token?.data).toEqual({})

    await runtime.stop(labDir)
    expect((await fake.calls()).at(-1)).toBe(`delete cluster --name kubelab-lab --kubeconfig ${kubeconfig}`)
  })

  it('an abort while kind creates the cluster kills kind and deletes the half-made cluster', async () => {
    const labDir = await newLabDir('aborted')
    const controller = new AbortController()
    const runtime = createKindRuntime({env: fake.env({FAKE_KIND_CREATE: 'hang', FAKE_DOCKER_IMAGE: 'present'}), nodeFor: untouchedNode})
    const before = (await fake.calls()).length
    const started = Date.now()
    const up = runtime.up({
      name: 'aborted',
      labDir,
      scenario,
      ports: await labPorts(),
      signal: controller.signal,
      onProgress: (message) => {
        if (message.startsWith('kind: ✓ Ensuring node image')) controller.abort(new Error('interrupted by SIGINT'))
      },
    })
    await expect(up).rejects.toThrow('interrupted by SIGINT')
    expect(Date.now() - started).toBeLessThan(20_000)
    const calls = (await fake.calls()).slice(before).filter((call) => call !== 'version')
    expect(calls[0]).toMatch(/^create cluster --config - --name kubelab-aborted /)
    expect(calls.at(-1)).toBe(`delete cluster --name kubelab-aborted --kubeconfig ${path.join(labDir, 'kubeconfig')}`)
    expect(existsSync(path.join(labDir, 'kubeconfig'))).toBe(false)
  })

  it('a failed create names the stage and kind’s error, and deletes what kind made', async () => {
    const labDir = await newLabDir('failed')
    const runtime = createKindRuntime({env: fake.env({FAKE_KIND_CREATE: 'fail', FAKE_DOCKER_IMAGE: 'present'}), nodeFor: untouchedNode})
    const before = (await fake.calls()).length
    const error = await runtime.up({name: 'failed', labDir, scenario, ports: await labPorts()}).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(KindCreateError)
    expect((error as KindCreateError).stage).toBe('Starting control-plane')
    expect((error as KindCreateError).message).toMatch(/failed at "Starting control-plane".*\n[\s\S]*failed to init node with kubeadm/)
    expect((await fake.calls()).slice(before).at(-1)).toBe(`delete cluster --name kubelab-failed --kubeconfig ${path.join(labDir, 'kubeconfig')}`)
  })
})
