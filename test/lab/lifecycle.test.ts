import {chmod, mkdtemp, open, readFile, rm, stat, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {execa} from 'execa'
import {downAllLabs, downLab} from '../../src/lab/down.js'
import {editComponent} from '../../src/lab/edit.js'
import {formatExports, labEnvironment} from '../../src/lab/env.js'
import {EditRefusedError, LabExistsError} from '../../src/lab/errors.js'
import {logFile, readLog} from '../../src/lab/logs.js'
import {nodeExec} from '../../src/lab/node-exec.js'
import {portIsFree, portList} from '../../src/lab/ports.js'
import {resolveLab, type Lab} from '../../src/lab/registry.js'
import {restartComponent} from '../../src/lab/restart.js'
import {labStatuses, type LabStatusView} from '../../src/lab/status.js'
import {formatStatus} from '../../src/lab/status-text.js'
import {upLab, type UpOptions, type UpOutcome} from '../../src/lab/up.js'
import {compiledKubelab, type CompiledKubelab} from '../support/compiled.js'
import {processesMentioning} from '../support/lab-processes.js'

/*
 * Two real labs side by side in a temp KUBELAB_HOME: "first" (all-open: Kubernetes 1.19, etcd over
 * plain HTTP) and "etcd-no-client-auth" (Kubernetes 1.34 manifests run by the installed etcd 3.4,
 * etcd over TLS). Every port comes from the OS, so a lab on the real ports may run beside the tests.
 */
let compiled: CompiledKubelab
let home: string
let scratch: string
let first: UpOutcome
let second: UpOutcome

const env = (): Record<string, string | undefined> => ({...process.env, KUBELAB_LAB: undefined})
const upOptions = (extra: UpOptions): UpOptions => ({home, env: env(), portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}, ...extra})
const lab = (name: string): Promise<Lab> => resolveLab(name, home, env())
const statusOf = async (name: string): Promise<LabStatusView> => {
  const [view] = await labStatuses(name, home, env())
  if (!view) throw new Error(`no status for ${name}`)
  return view
}

/** An $EDITOR: a script that does `body` to the file it is given ("$1"). */
async function editorScript(name: string, body: string): Promise<string> {
  const file = path.join(scratch, name)
  await writeFile(file, `#!/bin/sh\nset -e\n${body}\n`)
  await chmod(file, 0o755)
  return file
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

beforeAll(async () => {
  compiled = await compiledKubelab()
  home = await mkdtemp(path.join(os.tmpdir(), 'kubelab-home-'))
  scratch = await mkdtemp(path.join(os.tmpdir(), 'kubelab-scratch-'))
  first = await upLab(upOptions({scenario: 'all-open', name: 'first'}))
  second = await upLab(upOptions({scenario: 'etcd-no-client-auth'}))
}, 300_000)

afterAll(async () => {
  if (home) {
    await downAllLabs({home, env: env()}).catch(() => undefined)
    await rm(home, {recursive: true, force: true})
  }
  if (scratch) await rm(scratch, {recursive: true, force: true})
}, 60_000)

describe('kubelab up', () => {
  it('makes a ready lab with its record', async () => {
    expect(first.lab.record).toMatchObject({name: 'first', scenario: 'all-open', runtime: 'sim', kubernetesVersion: '1.19.16', state: 'ready'})
    expect(first.lab.record.upPid).toBeUndefined()
    expect(first.lab.record.ports.apiserverInsecure).toBeDefined()
    expect(first.lab.record.ports.kubeletReadOnly).toBeDefined()
    expect((await lab('first')).record).toEqual(first.lab.record)
    expect(await readFile(first.lab.record.kubeconfig, 'utf8')).toContain(`server: https://127.0.0.1:${first.lab.record.ports.apiserverSecure}`)
  })

  it('runs two labs side by side on different ports, named after the scenario by default', async () => {
    expect(second.lab.name).toBe('etcd-no-client-auth')
    const ports = [...portList(first.lab.record.ports), ...portList(second.lab.record.ports)]
    expect(new Set(ports).size).toBe(ports.length)
    for (const view of [await statusOf('first'), await statusOf('etcd-no-client-auth')]) {
      expect(view.state).toBe('ready')
      expect(view.node.kubelet.state).toBe('running')
      expect(view.node.components.map((component) => [component.name, component.alive])).toEqual([
        ['etcd', true],
        ['kube-apiserver', true],
        ['kube-controller-manager', true],
        ['kube-scheduler', true],
      ])
    }
    const apiserver = (await statusOf('etcd-no-client-auth')).node.components.find((component) => component.name === 'kube-apiserver')
    expect(apiserver?.listening).toContain(second.lab.record.ports.apiserverSecure)
  })

  it('refuses a lab that exists already, naming it and `kubelab down`', async () => {
    const attempt = upLab(upOptions({scenario: 'anonymous-api', name: 'first'}))
    await expect(attempt).rejects.toThrow(LabExistsError)
    await expect(upLab(upOptions({scenario: 'anonymous-api', name: 'first'}))).rejects.toThrow(/"first" exists already.*`kubelab down first`/)
    expect((await lab('first')).record.scenario).toBe('all-open')
  })
})

describe('kubelab env', () => {
  it('evaluates in bash, and etcdctl reaches the TLS etcd with the healthcheck client it points at', async () => {
    const exports = formatExports(await labEnvironment(await lab('etcd-no-client-auth')))
    const script = `${exports}printf '%s\\n' "$KUBECONFIG" "$KUBELAB_LAB" "$KUBELAB_APISERVER" "$ETCDCTL_ENDPOINTS"\netcdctl get /registry/namespaces/kube-system --keys-only`
    const result = await execa('bash', ['-c', script], {env: {PATH: process.env['PATH'] ?? ''}, reject: false, timeout: 15_000})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n').filter((line) => line !== '')).toEqual([
      second.lab.record.kubeconfig,
      'etcd-no-client-auth',
      `https://127.0.0.1:${second.lab.record.ports.apiserverSecure}`,
      `https://127.0.0.1:${second.lab.record.ports.etcdClient}`,
      '/registry/namespaces/kube-system',
    ])
  })

  it('gives a plain-HTTP etcd endpoint and unsets the TLS variables for a lab without etcd TLS', async () => {
    const variables = new Map((await labEnvironment(await lab('first'))).map((variable) => [variable.name, variable.value]))
    expect(variables.get('ETCDCTL_ENDPOINTS')).toBe(`http://127.0.0.1:${first.lab.record.ports.etcdClient}`)
    expect(variables.get('KUBELAB_APISERVER_INSECURE')).toBe(`http://127.0.0.1:${first.lab.record.ports.apiserverInsecure}`)
    expect(variables.has('ETCDCTL_CACERT')).toBe(true)
    expect(variables.get('ETCDCTL_CACERT')).toBeUndefined()
  })
})

describe('kubelab logs', () => {
  it("reads a component's log", async () => {
    const etcdLog = await readLog(logFile(await lab('first'), 'etcd'), 'etcd')
    expect(etcdLog).toContain('etcd Version: 3.4.23')
    expect((await readLog(logFile(await lab('first'), 'kubelet'), 'kubelet', 1)).split('\n')).toHaveLength(2)
  })
})

describe('kubelab node exec', () => {
  it('runs in the node root with NODE_ROOT set, translating node paths', async () => {
    const target = await lab('first')
    const output = path.join(scratch, 'exec.out')
    const handle = await open(output, 'w')
    try {
      const code = await nodeExec(target, ['sh', '-c', 'pwd; echo "$NODE_ROOT"; head -2 "$1"', 'sh', '/etc/kubernetes/manifests/etcd.yaml'], {
        stdio: ['ignore', handle.fd, 'inherit'],
      })
      expect(code).toBe(0)
    } finally {
      await handle.close()
    }
    const nodeRoot = path.join(target.dir, 'node')
    expect((await readFile(output, 'utf8')).split('\n').slice(0, 4)).toEqual([nodeRoot, nodeRoot, 'apiVersion: v1', 'kind: Pod'])
  })

  it("passes the command's exit status through", async () => {
    const target = await lab('first')
    expect(await nodeExec(target, ['test', '-f', 'etc/kubernetes/manifests/kube-apiserver.yaml'], {stdio: 'ignore'})).toBe(0)
    expect(await nodeExec(target, ['test', '-f', '/etc/kubernetes/manifests/missing.yaml'], {stdio: 'ignore'})).toBe(1)
  })
})

describe('kubelab edit', () => {
  it('refuses YAML the kubelet cannot read, names file and line, keeps the edit, and leaves the file alone', async () => {
    const target = await lab('first')
    const file = path.join(target.dir, 'node/etc/kubernetes/manifests/kube-scheduler.yaml')
    const before = await readFile(file, 'utf8')
    const editor = await editorScript('bad-editor.sh', `printf 'apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: kube-scheduler\\nspec:\\n  containers: [\\n' > "$1"`)
    const refusal = await editComponent(target, 'kube-scheduler', {env: {...process.env, VISUAL: '', EDITOR: editor}}).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refusal).toBeInstanceOf(EditRefusedError)
    const refused = refusal as EditRefusedError
    expect(refused.message).toMatch(/^\/etc\/kubernetes\/manifests\/kube-scheduler\.yaml:\d+: /)
    expect(refused.line).toBeGreaterThan(1)
    expect(await readFile(refused.keptAt, 'utf8')).toContain('containers: [')
    expect(await readFile(file, 'utf8')).toBe(before)
    await rm(path.dirname(refused.keptAt), {recursive: true, force: true})
  })

  it('writes a broken manifest with --force, and status shows the kubelet refusing it with file:line', async () => {
    const target = await lab('first')
    const file = path.join(target.dir, 'node/etc/kubernetes/manifests/kube-scheduler.yaml')
    const before = await readFile(file, 'utf8')
    const editor = await editorScript('tab-editor.sh', `printf 'apiVersion: v1\\nkind: Pod\\nmetadata:\\n\\tname: kube-scheduler\\n' > "$1"`)
    const outcome = await editComponent(target, 'kube-scheduler', {force: true, env: {...process.env, VISUAL: '', EDITOR: editor}})
    expect(outcome.changed).toBe(true)
    expect(outcome.forcedProblem).toMatch(/^\/etc\/kubernetes\/manifests\/kube-scheduler\.yaml:\d+: /)
    expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600')

    const scheduler = await waitFor(
      async () => (await statusOf('first')).node.components.find((component) => component.name === 'kube-scheduler' && component.state === 'failed-manifest'),
      15_000,
      'the kubelet to refuse the manifest',
    )
    expect(scheduler.message).toMatch(/\/etc\/kubernetes\/manifests\/kube-scheduler\.yaml:\d+/)
    expect(formatStatus(await statusOf('first'))).toContain('kube-scheduler: /etc/kubernetes/manifests/kube-scheduler.yaml:')

    const restore = await editorScript('restore-editor.sh', `cat > "$1" <<'MANIFEST'\n${before}MANIFEST`)
    expect((await editComponent(target, 'kube-scheduler', {env: {...process.env, VISUAL: '', EDITOR: restore}})).changed).toBe(true)
    await waitFor(
      async () => (await statusOf('first')).node.components.find((component) => component.name === 'kube-scheduler' && component.state === 'running' && component.alive),
      15_000,
      'kube-scheduler to run again',
    )
  })

  it('writes a valid kubelet config edit in place', async () => {
    const target = await lab('first')
    const editor = await editorScript('kubelet-editor.sh', `sed -i 's/^readOnlyPort: .*/readOnlyPort: 0/' "$1"`)
    const outcome = await editComponent(target, 'kubelet', {env: {...process.env, VISUAL: editor}})
    expect(outcome).toMatchObject({changed: true, nodePath: '/var/lib/kubelet/config.yaml'})
    expect(outcome.forcedProblem).toBeUndefined()
    expect(await readFile(outcome.file, 'utf8')).toMatch(/^readOnlyPort: 0$/m)
  })
})

describe('kubelab restart', () => {
  it('restarts a static pod through the kubelet', async () => {
    const target = await lab('etcd-no-client-auth')
    const outcome = await restartComponent(target, 'kube-controller-manager')
    expect(outcome.component).toBe('kube-controller-manager')
    expect(outcome.pid).not.toBe(outcome.stoppedPid)
    const component = (await statusOf('etcd-no-client-auth')).node.components.find((item) => item.name === 'kube-controller-manager')
    expect(component?.pid).toBe(outcome.pid)
  })

  it('restarts the kubelet alone: the static pods keep their processes', async () => {
    const target = await lab('etcd-no-client-auth')
    const pidsBefore = (await statusOf('etcd-no-client-auth')).node.components.map((component) => [component.name, component.pid])
    const outcome = await restartComponent(target, 'kubelet', {simDir: compiled.simDir})
    expect(outcome.stoppedPid).toBeDefined()
    expect(outcome.pid).not.toBe(outcome.stoppedPid)
    const after = await statusOf('etcd-no-client-auth')
    expect(after.node.kubelet).toMatchObject({state: 'running', pid: outcome.pid})
    expect(after.node.components.map((component) => [component.name, component.pid])).toEqual(pidsBefore)
  })
})

describe('kubelab down', () => {
  it('stops every process of the lab, frees its ports and removes its folder', async () => {
    const target = await lab('first')
    expect(processesMentioning(target.dir).length).toBeGreaterThan(0)
    const outcome = await downLab('first', {home, env: env()})
    expect(outcome).toEqual({name: 'first', dir: target.dir, kept: false, portsStillBusy: []})
    expect(processesMentioning(target.dir)).toEqual([])
    for (const port of portList(target.record.ports)) expect({port, free: await portIsFree(port)}).toEqual({port, free: true})
    await expect(stat(target.dir)).rejects.toThrow(/ENOENT/)
    // the other lab is untouched
    expect((await statusOf('etcd-no-client-auth')).node.kubelet.state).toBe('running')
  })
})
