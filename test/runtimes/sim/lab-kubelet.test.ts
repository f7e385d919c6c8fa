import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {parse, stringify} from 'yaml'
import {downAllLabs} from '../../../src/lab/down.js'
import {resolveLab, type Lab} from '../../../src/lab/registry.js'
import {restartComponent} from '../../../src/lab/restart.js'
import {upLab} from '../../../src/lab/up.js'
import {httpProbe} from '../../../src/probes/http.js'
import type {HttpProbeResult} from '../../../src/probes/types.js'
import {isAlive} from '../../../src/runtimes/sim/kubelet/proc.js'
import {readNodeStatus} from '../../../src/runtimes/sim/kubelet/status-writer.js'
import {apiClientFromKubeconfig} from '../../../src/runtimes/shared/api-client.js'
import {RestartError} from '../../../src/runtimes/sim/lab-restart.js'
import {simNodeLayout} from '../../../src/runtimes/sim/node/layout.js'
import type {NodeStatus} from '../../../src/runtimes/sim/node/status.js'
import {compiledKubelab, type CompiledKubelab} from '../../support/compiled.js'

/*
 * A real all-open lab (upLab, every port from the OS, a temp KUBELAB_HOME): the sim kubelet serves its API next to
 * the static pods, and re-reads /var/lib/kubelet/config.yaml when restarted, as `systemctl restart kubelet` does.
 */
let compiled: CompiledKubelab
let home: string
let lab: Lab
let configFile: string
let openConfig: string

const env = (): Record<string, string | undefined> => ({...process.env, KUBELAB_LAB: undefined})
const ports = (): {kubelet: number; readOnly: number | undefined} => ({kubelet: lab.record.ports.kubelet, readOnly: lab.record.ports.kubeletReadOnly})
const status = (): NodeStatus | undefined => readNodeStatus(simNodeLayout(lab.dir).statusFile)
const apiserverPid = (): number | undefined => status()?.components.find((component) => component.name === 'kube-apiserver')?.pid
const get = (url: string): Promise<HttpProbeResult> => httpProbe({url, tls: {verify: false}, timeoutMs: 3000, maxBodyBytes: 1024 * 1024})
const restartKubelet = () => restartComponent(lab, 'kubelet', {simDir: compiled.simDir, timeoutMs: 20_000})

async function apiserverReady(): Promise<HttpProbeResult> {
  const admin = await apiClientFromKubeconfig(path.join(lab.dir, 'node/etc/kubernetes/admin.conf'))
  return httpProbe({url: `${admin.server}/readyz`, tls: admin.tls, timeoutMs: 3000})
}

async function editConfig(edit: (config: Record<string, unknown>) => void): Promise<void> {
  const config = parse(openConfig) as Record<string, unknown>
  edit(config)
  await writeFile(configFile, stringify(config))
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
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
  const outcome = await upLab({scenario: 'all-open', home, env: env(), portPolicy: 'any-free', runtimeOptions: {sim: {simDir: compiled.simDir}}})
  lab = await resolveLab(outcome.lab.name, home, env())
  configFile = path.join(lab.dir, 'node/var/lib/kubelet/config.yaml')
  openConfig = await readFile(configFile, 'utf8')
}, 300_000)

afterAll(async () => {
  if (home) {
    await downAllLabs({home, env: env()}).catch(() => undefined)
    await rm(home, {recursive: true, force: true})
  }
}, 60_000)

describe('the sim kubelet API in an all-open lab', () => {
  it('lists the static pods on /pods to anyone, on the secure and the read-only port', async () => {
    expect(ports().readOnly).toBeDefined()
    for (const url of [`https://127.0.0.1:${ports().kubelet}/pods`, `http://127.0.0.1:${ports().readOnly}/pods`]) {
      const answer = await get(url)
      expect(answer).toMatchObject({ok: true, status: 200})
      const names = answer.ok ? (JSON.parse(answer.body) as {items: Array<{metadata: {name: string; namespace: string}}>}).items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`) : []
      expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^kube-system\/kube-apiserver-/), expect.stringMatching(/^kube-system\/etcd-/)]))
    }
    expect(status()?.kubelet.state).toBe('running')
  })

  it('applies a hardened config.yaml on restart: 401 without credentials, no read-only port, the API server untouched', async () => {
    const apiserver = apiserverPid()
    expect(apiserver).toBeDefined()
    await editConfig((config) => {
      config['authentication'] = {anonymous: {enabled: false}, webhook: {enabled: true}, x509: {clientCAFile: '/etc/kubernetes/pki/ca.crt'}}
      config['authorization'] = {mode: 'Webhook'}
      config['readOnlyPort'] = 0
    })
    const restarted = await restartKubelet()

    expect(await get(`https://127.0.0.1:${ports().kubelet}/pods`)).toMatchObject({ok: true, status: 401, body: 'Unauthorized'})
    expect(await get(`http://127.0.0.1:${ports().readOnly}/pods`)).toMatchObject({ok: false, failure: 'refused'})
    expect(status()?.kubelet).toEqual({state: 'running', pid: restarted.pid})
    expect(apiserverPid()).toBe(apiserver)
    expect(await apiserverReady()).toMatchObject({ok: true, status: 200})
  }, 60_000)

  it('fails like the real kubelet on a config.yaml it cannot load, keeps the control plane serving, and recovers once fixed', async () => {
    const apiserver = apiserverPid()
    const hardened = await readFile(configFile, 'utf8')
    await writeFile(configFile, `${hardened}readOnlyPort: not-a-port\n`)

    await expect(restartKubelet()).rejects.toBeInstanceOf(RestartError)
    const failed = await waitFor(() => (status()?.kubelet.state === 'failed' ? status() : undefined), 5000, 'the kubelet failed')
    expect(failed.kubelet.message).toMatch(/^failed to load kubelet config file, path: \/var\/lib\/kubelet\/config\.yaml, error: /)
    expect(await readFile(path.join(lab.dir, 'logs/kubelet.log'), 'utf8')).toMatch(/ run\.go:74\] "command failed" err="failed to load kubelet config file, path: \/var\/lib\/kubelet\/config\.yaml/)
    expect(apiserverPid()).toBe(apiserver)
    expect(isAlive(apiserver ?? -1)).toBe(true)
    expect(await apiserverReady()).toMatchObject({ok: true, status: 200})
    expect(await get(`https://127.0.0.1:${ports().kubelet}/pods`)).toMatchObject({ok: false, failure: 'refused'})

    await writeFile(configFile, hardened)
    const restarted = await restartKubelet()
    expect(status()?.kubelet).toEqual({state: 'running', pid: restarted.pid})
    expect(await get(`https://127.0.0.1:${ports().kubelet}/pods`)).toMatchObject({ok: true, status: 401})
    expect(apiserverPid()).toBe(apiserver)
  }, 60_000)
})
