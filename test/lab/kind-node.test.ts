import {chmod, mkdir, mkdtemp, open, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {execa} from 'execa'
import type {StartedTestContainer} from 'testcontainers'
import {CATALOGUE} from '../../src/checks/catalogue/index.js'
import {runAudit, type AuditReport} from '../../src/checks/evaluate.js'
import {labTargetOptions} from '../../src/lab/audit-target.js'
import {downLab} from '../../src/lab/down.js'
import {editComponent} from '../../src/lab/edit.js'
import {labEnvironment} from '../../src/lab/env.js'
import {readComponentLog} from '../../src/lab/logs.js'
import {nodeExec} from '../../src/lab/node-exec.js'
import {kindNodeAccess, labNode} from '../../src/lab/node-files.js'
import {writeLabRecord, type LabRecord} from '../../src/lab/record.js'
import {resolveLab, type Lab} from '../../src/lab/registry.js'
import {restartComponent} from '../../src/lab/restart.js'
import {upLab} from '../../src/lab/up.js'
import {DockerNodeAccess} from '../../src/runtimes/kind/node/docker-node.js'
import {NodeContainerNotRunningError} from '../../src/runtimes/kind/node/errors.js'
import {kindNamesFor} from '../../src/runtimes/kind/types.js'
import {apiClientFromKubeconfig} from '../../src/runtimes/shared/api-client.js'
import {seedScenario} from '../../src/runtimes/sim/lab-seed.js'
import {findScenario} from '../../src/scenario/load.js'
import {targetFromOptions} from '../../src/target/from-options.js'
import {compiledKubelab, type CompiledKubelab} from '../support/compiled.js'
import {freePort} from '../support/ports.js'

/*
 * A kind lab whose node is the kind-compatible fixture container (test/support/kind-node): kind's name, labels,
 * paths and tools, the ports published on 127.0.0.1, the sim node inside. Beside it a sim lab of the same
 * scenario, the twin every verdict is compared with. Only `kind create` and `kind delete` are not exercised:
 * the lab record is written as the kind runtime writes it, and the scenario is seeded as its post-create step
 * seeds it, through the lab's admin kubeconfig.
 */
process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true'

const SCENARIO = 'all-open'
const labName = `kf${process.pid}`
const names = kindNamesFor(labName)
let compiled: CompiledKubelab
let home: string
let scratch: string
let container: StartedTestContainer | undefined
let kindLab: Lab
let simLab: Lab
const timings: Record<string, number> = {}

const env = (): Record<string, string | undefined> => ({...process.env, KUBELAB_LAB: undefined, KUBELAB_HOME: home})

/** The in-node port of each published lab port: kubeadm's defaults, as the kind runtime maps them. */
const IN_NODE = {apiserverSecure: 6443, apiserverInsecure: 8080, etcdClient: 2379, etcdPeer: 2380, kubelet: 10250, kubeletReadOnly: 10255} as const

async function audit(lab: Lab, ids?: readonly string[]): Promise<AuditReport> {
  const {labName: _name, ...options} = await labTargetOptions(lab.name, env())
  // The catalogue's 3 s per probe is meant for one audit on an idle machine; these suites share two cores.
  options.timeoutMs = 10_000
  const checks = ids === undefined ? CATALOGUE : CATALOGUE.filter((check) => ids.includes(check.id))
  return runAudit(await targetFromOptions(options), checks)
}

/** Each check's status; an error carries its reason, so that a difference explains itself. */
const verdicts = (report: AuditReport): Record<string, string> =>
  Object.fromEntries(report.results.map((result) => [result.id, result.status === 'error' ? `error: ${result.summary}` : result.status]))

async function editorScript(name: string, body: string): Promise<string> {
  const file = path.join(scratch, name)
  await writeFile(file, `#!/bin/sh\nset -e\n${body}\n`)
  await chmod(file, 0o755)
  return file
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(250)
  }
}

beforeAll(async () => {
  const {kindNodeFixtureImage} = await import('../support/kind-node/image.js')
  const {startFixtureNode} = await import('../support/kind-node/container.js')
  compiled = await compiledKubelab()
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-home-'))
  scratch = await mkdtemp(path.join(os.tmpdir(), 'kubelab-scratch-'))

  const image = await kindNodeFixtureImage()
  timings['image (ms)'] = image.elapsedMs
  timings[image.built ? 'image built' : 'image reused'] = 1

  const hostPorts = {
    apiserverSecure: await freePort(),
    apiserverInsecure: await freePort(),
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    kubelet: await freePort(),
    kubeletReadOnly: await freePort(),
  }
  const node = await startFixtureNode({
    image: image.tag,
    cluster: names.cluster,
    scenario: SCENARIO,
    ports: (Object.keys(IN_NODE) as Array<keyof typeof IN_NODE>).map((key) => ({host: hostPorts[key], container: IN_NODE[key]})),
  })
  container = node.container
  timings['container start to ready (ms)'] = node.startMs

  // What the kind runtime records and writes after `kind create cluster`: the lab record, and the admin
  // kubeconfig as `kind get kubeconfig` prints it (the server is the host side of the API server's mapping).
  const labDir = path.join(home, 'labs', labName)
  await mkdir(labDir, {recursive: true})
  const access = new DockerNodeAccess(names.nodeContainer)
  const admin = await access.readFile('/etc/kubernetes/admin.conf')
  if (admin === undefined) throw new Error('the node has no admin.conf')
  const kubeconfig = path.join(labDir, 'kubeconfig')
  await writeFile(kubeconfig, admin.replace(/server: https:\/\/[^\s]+/, `server: https://127.0.0.1:${hostPorts.apiserverSecure}`), {mode: 0o600})
  const record: LabRecord = {
    name: labName,
    scenario: SCENARIO,
    runtime: 'kind',
    kubernetesVersion: '1.19.16',
    ports: {...hostPorts, etcdMetrics: await freePort(), controllerManagerSecure: await freePort(), schedulerSecure: await freePort()},
    createdAt: new Date().toISOString(),
    readyAt: new Date().toISOString(),
    state: 'ready',
    kubeconfig,
    kind: {cluster: names.cluster, nodeContainer: names.nodeContainer, nodeImage: image.tag, insecurePort: 'real', exposed: false},
  }
  await writeLabRecord(labDir, record)
  const scenario = await findScenario(path.join(compiled.root, 'scenarios'), SCENARIO)
  const [serviceAccountKey, clusterCa] = await Promise.all([access.readFile('/etc/kubernetes/pki/sa.key'), access.readFile('/etc/kubernetes/pki/ca.crt')])
  await seedScenario(await apiClientFromKubeconfig(kubeconfig), scenario, {serviceAccountKey: serviceAccountKey ?? '', clusterCa: clusterCa ?? ''})
  kindLab = await resolveLab(labName, home, env())

  const twin = await upLab({scenario: SCENARIO, name: `sim-${labName}`, home, env: env(), portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}})
  simLab = twin.lab
}, 600_000)

afterAll(async () => {
  // eslint-disable-next-line no-console
  console.info(`kind node fixture timings: ${JSON.stringify(timings)}`)
  await container?.stop({timeout: 10_000}).catch(() => undefined)
  // The sim twin only: the kind lab's cluster is the container above (`kubelab down` would call kind).
  if (simLab) await downLab(simLab.name, {home, env: env()}).catch(() => undefined)
  if (home) await rm(home, {recursive: true, force: true})
  if (scratch) await rm(scratch, {recursive: true, force: true})
}, 120_000)

describe('the kind-compatible node container', () => {
  it('is named, labelled and published as kind does it: <cluster>-control-plane, kind labels, 127.0.0.1 only', async () => {
    const {stdout} = await execa('docker', ['container', 'inspect', names.nodeContainer, '--format', '{{json .Config.Labels}}|{{.Config.Hostname}}|{{json .HostConfig.PortBindings}}'])
    const [labels, hostname, bindings] = stdout.split('|')
    expect(JSON.parse(labels ?? '{}')).toMatchObject({'io.x-k8s.kind.cluster': names.cluster, 'io.x-k8s.kind.role': 'control-plane'})
    expect(hostname).toBe(names.nodeContainer)
    const published = Object.values(JSON.parse(bindings ?? '{}') as Record<string, Array<{HostIp: string}>>).flat()
    expect(published).toHaveLength(Object.keys(IN_NODE).length)
    expect(published.every((binding) => binding.HostIp === '127.0.0.1')).toBe(true)
  }, 120_000)

  it("is read through docker exec at kind's paths: files, modes, folders, processes", async () => {
    const node = kindNodeAccess(kindLab)
    const manifest = await node.readFile('/etc/kubernetes/manifests/kube-apiserver.yaml')
    expect(manifest).toContain('--insecure-port=8080')
    expect(await node.readFile('/etc/kubernetes/manifests/nothing.yaml')).toBeUndefined()
    expect(await node.stat('/etc/kubernetes/manifests/etcd.yaml')).toEqual({mode: 0o600, uid: 0, gid: 0, isDirectory: false})
    expect((await node.stat('/etc/kubernetes/pki'))?.isDirectory).toBe(true)
    expect(await node.stat('/var/lib/kubelet/missing')).toBeUndefined()
    expect(await node.listDir('/etc/kubernetes/manifests')).toEqual(['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml'])
    expect(await node.listDir('/nonexistent')).toBeUndefined()
    expect((await node.readFile('/kind/version'))?.trim()).toBe('v1.19.16')
    const processes = await node.processes()
    const etcd = processes.find((process) => process.argv[0] === '/usr/bin/etcd')
    expect(etcd?.argv).toContain('--data-dir=/var/lib/etcd')
    expect(processes.some((process) => process.argv.includes('--node-root') && process.argv.includes('/'))).toBe(true)
  }, 120_000)
})

describe('kubelab commands on a kind lab', () => {
  it('audit --lab runs every check against the container and agrees with a sim lab of the same scenario', async () => {
    const started = Date.now()
    const kind = await audit(kindLab)
    timings['full audit of the kind lab (ms)'] = Date.now() - started
    const sim = await audit(simLab)
    expect(kind.target.node).toBe(`kind node container ${names.nodeContainer}`)
    expect(kind.results).toHaveLength(CATALOGUE.length)
    expect(kind.counts.fail).toBeGreaterThan(0)
    expect(verdicts(kind)).toEqual(verdicts(sim))
    expect(kind.counts).toEqual(sim.counts)
  }, 120_000)

  it('env points at the host sides of the mappings and reads the node for what is open', async () => {
    const variables = Object.fromEntries((await labEnvironment(kindLab)).map((variable) => [variable.name, variable.value]))
    const {ports} = kindLab.record
    expect(variables).toMatchObject({
      KUBECONFIG: kindLab.record.kubeconfig,
      KUBELAB_LAB: labName,
      KUBELAB_APISERVER: `https://127.0.0.1:${ports.apiserverSecure}`,
      KUBELAB_APISERVER_INSECURE: `http://127.0.0.1:${ports.apiserverInsecure}`,
      KUBELAB_ETCD: `http://127.0.0.1:${ports.etcdClient}`,
      KUBELAB_KUBELET_READONLY: `http://127.0.0.1:${ports.kubeletReadOnly}`,
      ETCDCTL_ENDPOINTS: `http://127.0.0.1:${ports.etcdClient}`,
    })
    expect(variables['ETCDCTL_CERT']).toBeUndefined()
    const health = await fetch(`${variables['KUBELAB_ETCD']}/health`)
    expect(await health.json()).toEqual({health: 'true'})
  }, 120_000)

  it('node exec runs the command inside the node, with its paths as they are', async () => {
    const output = path.join(scratch, 'exec.out')
    const handle = await open(output, 'w')
    try {
      const code = await nodeExec(kindLab, ['cat', '/etc/kubernetes/manifests/kube-apiserver.yaml'], {stdio: ['ignore', handle.fd, 'pipe']})
      expect(code).toBe(0)
    } finally {
      await handle.close()
    }
    expect(await readFile(output, 'utf8')).toBe(await labNode(kindLab).readFile('/etc/kubernetes/manifests/kube-apiserver.yaml'))
    expect(await nodeExec(kindLab, ['sh', '-c', 'test "$NODE_ROOT" = / && exit 7'], {stdio: 'ignore'})).toBe(7)
  }, 120_000)

  it('logs come from the node: the kubelet journal and the container logs', async () => {
    const kubelet = await readComponentLog(kindLab, 'kubelet', 3)
    expect(kubelet.trimEnd().split('\n')).toHaveLength(3)
    expect(await readComponentLog(kindLab, 'etcd')).toContain('etcdserver')
  }, 120_000)

  it('edit rewrites the manifest in place, and the kubelet restarts the API server with it', async () => {
    const before = verdicts(await audit(kindLab, ['api-authorization-mode']))
    expect(before['api-authorization-mode']).toBe('fail')
    const editor = await editorScript('authz.sh', `sed -i 's/--authorization-mode=AlwaysAllow/--authorization-mode=Node,RBAC/' "$1"`)
    const outcome = await editComponent(kindLab, 'kube-apiserver', {env: {...process.env, VISUAL: '', EDITOR: editor}})
    expect(outcome).toMatchObject({changed: true, file: `${names.nodeContainer}:/etc/kubernetes/manifests/kube-apiserver.yaml`})
    const node = kindNodeAccess(kindLab)
    expect(await node.stat('/etc/kubernetes/manifests/kube-apiserver.yaml')).toMatchObject({mode: 0o600})
    expect(await node.listDir('/etc/kubernetes/manifests')).not.toContainEqual(expect.stringMatching(/kubelab-tmp/))
    const after = await until(async () => {
      const status = verdicts(await audit(kindLab, ['api-authorization-mode']))['api-authorization-mode']
      return status === 'pass' ? status : undefined
    }, 90_000, 'the API server to serve with Node,RBAC')
    expect(after).toBe('pass')
  }, 120_000)

  it('restart <static pod> stops its container and the kubelet starts a new one', async () => {
    const outcome = await restartComponent(kindLab, 'etcd', {timeoutMs: 60_000})
    expect(outcome.component).toBe('etcd')
    expect(outcome.pid).not.toBe(outcome.stoppedPid)
    const processes = await kindNodeAccess(kindLab).processes()
    expect(processes.some((process) => process.pid === outcome.pid && process.argv[0] === '/usr/bin/etcd')).toBe(true)
    expect(processes.some((process) => process.pid === outcome.stoppedPid)).toBe(false)
  }, 120_000)

  it('restart kubelet applies an edited kubelet config, which flips the kubelet checks', async () => {
    // The read-only port closes behind Docker's port mapping, which still accepts and then hangs up: closed, not error.
    const ids = ['kubelet-anonymous-auth', 'kubelet-exec-unauthenticated', 'kubelet-read-only-port']
    expect(verdicts(await audit(kindLab, ids))).toEqual({'kubelet-anonymous-auth': 'fail', 'kubelet-exec-unauthenticated': 'fail', 'kubelet-read-only-port': 'fail'})
    const editor = await editorScript(
      'kubelet.sh',
      `sed -i -e '/^  anonymous:/{n;s/enabled: true/enabled: false/}' -e 's/^  mode: AlwaysAllow/  mode: Webhook/' -e 's/^readOnlyPort: .*/readOnlyPort: 0/' "$1"`,
    )
    await editComponent(kindLab, 'kubelet', {env: {...process.env, VISUAL: '', EDITOR: editor}})
    // The file alone changes nothing on the wire: the running kubelet read its config when it started.
    const [unchanged] = (await audit(kindLab, ['kubelet-exec-unauthenticated'])).results
    expect(unchanged?.wire.map((side) => side.verdict)).toContain('fail')
    const restarted = await restartComponent(kindLab, 'kubelet', {timeoutMs: 90_000})
    expect(restarted.pid).not.toBe(restarted.stoppedPid)
    const after = (await audit(kindLab, ids)).results
    expect(Object.fromEntries(after.map(({id, status}) => [id, status]))).toEqual(Object.fromEntries(ids.map((id) => [id, 'pass'])))
  }, 180_000)

  it('says plainly that the node container is not running once it is stopped', async () => {
    await execa('docker', ['stop', '--time', '5', names.nodeContainer])
    const error = await labNode(kindLab).readFile('/etc/kubernetes/admin.conf').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NodeContainerNotRunningError)
    expect((error as Error).message).toBe(
      `docker: the node container ${names.nodeContainer} is not running — \`kubelab up\` again or \`docker start ${names.nodeContainer}\`.`,
    )
    await expect(nodeExec(kindLab, ['true'], {stdio: 'ignore'})).rejects.toBeInstanceOf(NodeContainerNotRunningError)
  }, 120_000)
})
