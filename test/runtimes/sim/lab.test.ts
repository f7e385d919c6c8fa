import {mkdir, mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {parse} from 'yaml'
import {choosePorts, portIsFree, portList, portsScenarioUses} from '../../../src/lab/ports.js'
import {httpProbe} from '../../../src/probes/http.js'
import {etcdRange} from '../../../src/probes/etcd.js'
import {EtcdNotFoundError} from '../../../src/runtimes/sim/etcd-install.js'
import {createSimRuntime} from '../../../src/runtimes/sim/lab.js'
import {apiClientFromKubeconfig} from '../../../src/runtimes/shared/api-client.js'
import {labProcesses} from '../../../src/runtimes/sim/lab-processes.js'
import {simNodeLayout} from '../../../src/runtimes/sim/node/layout.js'
import type {LabPorts, LabRuntime, RuntimeUpResult} from '../../../src/runtimes/types.js'
import {findScenario} from '../../../src/scenario/load.js'
import type {Scenario} from '../../../src/scenario/schema.js'
import {compiledKubelab} from '../../support/compiled.js'
import {processesMentioning} from '../../support/lab-processes.js'

/*
 * The sim runtime on its own, with real processes: the compiled sim kubelet runs the real etcd
 * (Debian's 3.4.23) and the simulated API server. Every port comes from the OS.
 */
let folder: string
let labDir: string
let runtime: LabRuntime
let scenario: Scenario
let ports: LabPorts
let result: RuntimeUpResult
let upError: unknown

beforeAll(async () => {
  const compiled = await compiledKubelab()
  folder = await mkdtemp(path.join(os.tmpdir(), 'kubelab-sim-lab-'))
  labDir = path.join(folder, 'labs', 'all-open')
  await mkdir(labDir, {recursive: true})
  runtime = createSimRuntime({simDir: compiled.simDir})
  scenario = await findScenario(path.resolve('scenarios'), 'all-open')
  ports = (await choosePorts(portsScenarioUses(scenario), {taken: new Map(), policy: 'any-free'})).ports
  try {
    result = await runtime.up({name: 'all-open', labDir, scenario, ports})
  } catch (error) {
    upError = error
  }
}, 300_000)

afterAll(async () => {
  if (runtime && labDir) await runtime.stop(labDir)
  if (folder) await rm(folder, {recursive: true, force: true})
}, 30_000)

describe('sim runtime up', () => {
  it('brings all-open up with its admin kubeconfig answering /readyz', async () => {
    expect(upError).toBeUndefined()
    expect(result.kubeconfig).toBe(path.join(labDir, 'node/etc/kubernetes/admin.conf'))
    const admin = await apiClientFromKubeconfig(result.kubeconfig)
    expect(admin.server).toBe(`https://127.0.0.1:${ports.apiserverSecure}`)
    const ready = await httpProbe({url: `${admin.server}/readyz`, tls: admin.tls, timeoutMs: 3000})
    expect(ready).toMatchObject({ok: true, status: 200})
  })

  it('writes the etcd manifest for the etcd installed here', async () => {
    const manifest = parse(await readFile(path.join(labDir, 'node/etc/kubernetes/manifests/etcd.yaml'), 'utf8')) as {
      spec: {containers: Array<{image: string; command: string[]}>}
    }
    expect(manifest.spec.containers[0]?.image).toBe('k8s.gcr.io/etcd:3.4.23-0')
    expect(manifest.spec.containers[0]?.command).toContain(`--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`)
  })

  it('keeps private keys and kubeconfigs 0600', async () => {
    const pki = path.join(labDir, 'node/etc/kubernetes')
    const {stat} = await import('node:fs/promises')
    for (const file of ['pki/ca.key', 'pki/sa.key', 'pki/etcd/ca.key', 'admin.conf', 'manifests/etcd.yaml']) {
      expect({file, mode: ((await stat(path.join(pki, file))).mode & 0o777).toString(8)}).toEqual({file, mode: '600'})
    }
  })

  it("seeds the scenario's objects, which land in etcd under /registry", async () => {
    const range = await etcdRange({baseUrl: `http://127.0.0.1:${ports.etcdClient}`, key: '/registry/', prefix: true, keysOnly: true, timeoutMs: 3000})
    const keys = range.range?.kvs.map((kv) => kv.key) ?? []
    expect(keys).toEqual(
      expect.arrayContaining([
        '/registry/namespaces/ingress-nginx',
        '/registry/serviceaccounts/ingress-nginx/ingress-nginx',
        '/registry/secrets/ingress-nginx/ingress-nginx-token',
        '/registry/secrets/default/orders-db',
        '/registry/clusterrolebindings/ingress-nginx',
        '/registry/pods/ingress-nginx/ingress-nginx-controller',
        '/registry/pods/default/orders-api',
      ]),
    )
  })

  it('mints the service-account token secret as the token controller would: the API server accepts it', async () => {
    const admin = await apiClientFromKubeconfig(result.kubeconfig)
    const answer = await httpProbe({url: `${admin.server}/api/v1/namespaces/ingress-nginx/secrets/ingress-nginx-token`, tls: admin.tls, timeoutMs: 3000})
    expect(answer.ok && answer.status).toBe(200)
    const secret = JSON.parse(answer.ok ? answer.body : '{}') as {data: Record<string, string>; metadata: {annotations: Record<string, string>}}
    expect(secret.metadata.annotations['kubernetes.io/service-account.name']).toBe('ingress-nginx')
    expect(Buffer.from(secret.data['namespace'] ?? '', 'base64').toString()).toBe('ingress-nginx')
    expect(Buffer.from(secret.data['ca.crt'] ?? '', 'base64').toString()).toBe(await readFile(path.join(labDir, 'node/etc/kubernetes/pki/ca.crt'), 'utf8'))
    const token = Buffer.from(secret.data['token'] ?? '', 'base64').toString()

    // all-open's API server authorizes everything (AlwaysAllow) but anonymous requests are off: only a valid token gets in
    const url = `${admin.server}/api/v1/namespaces/default/secrets`
    const withToken = await httpProbe({url, headers: {authorization: `Bearer ${token}`}, timeoutMs: 3000})
    const forged = await httpProbe({url, headers: {authorization: `Bearer ${token.slice(0, -4)}AAAA`}, timeoutMs: 3000})
    expect(withToken.ok && withToken.status).toBe(200)
    expect(forged.ok && forged.status).toBe(401)
  })
})

describe('sim runtime stop', () => {
  it('leaves no process of the lab and frees its ports', async () => {
    const layout = simNodeLayout(labDir)
    expect(labProcesses(layout).length).toBeGreaterThanOrEqual(5)
    await runtime.stop(labDir)
    expect(labProcesses(layout)).toEqual([])
    expect(processesMentioning(labDir)).toEqual([])
    for (const port of portList(ports)) expect({port, free: await portIsFree(port)}).toEqual({port, free: true})
  })
})

describe('sim runtime preflight', () => {
  it('refuses, with the install command, when etcd is not installed, and writes nothing', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'kubelab-no-etcd-'))
    try {
      const bare = createSimRuntime({searchPath: empty})
      await expect(bare.preflight({scenario})).rejects.toThrow(EtcdNotFoundError)
      await expect(bare.preflight({scenario})).rejects.toThrow(/apt-get install etcd-server/)
      const target = path.join(empty, 'lab')
      await mkdir(target)
      await expect(bare.up({name: 'x', labDir: target, scenario, ports})).rejects.toThrow(EtcdNotFoundError)
      expect(await readdir(target)).toEqual([])
    } finally {
      await rm(empty, {recursive: true, force: true})
    }
  })
})
