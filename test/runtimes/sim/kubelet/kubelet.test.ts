import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {readFile, rm} from 'node:fs/promises'
import path from 'node:path'
import {compiledKubelab} from '../../../support/compiled.js'
import type {SimNodeLayout} from '../../../../src/runtimes/sim/node/layout.js'
import {NODE_ROOT_ENV} from '../../../../src/runtimes/sim/kubelet/launch-spec.js'
import {isAlive, portsStillListening, processCommandLine, processStat, processesWithEnvironment} from '../../../../src/runtimes/sim/kubelet/proc.js'
import {stopLab} from '../../../../src/runtimes/sim/kubelet/stop.js'
import {
  acceptsConnections,
  componentStatus,
  etcdGet,
  etcdHealthy,
  etcdManifest,
  etcdPorts,
  etcdPut,
  makeLab,
  readStatus,
  sleep,
  startKubelet,
  waitForStatus,
  writeManifest,
  type EtcdPorts,
  type RunningKubelet,
} from '../../../support/sim-kubelet.js'

let simDir: string
const labs: SimNodeLayout[] = []

beforeAll(async () => {
  simDir = (await compiledKubelab(['runtimes/sim/kubelet/main.js', 'runtimes/sim/controlplane-stub/main.js'])).simDir
}, 300_000)

afterAll(async () => {
  for (const layout of labs) {
    await stopLab(layout, {graceMs: 1000})
    await rm(layout.labDir, {recursive: true, force: true})
  }
}, 60_000)

/** Milliseconds from `since` until `check` first resolves true (polled every 10 ms), or throws after `timeoutMs`. */
async function msUntil(since: number, check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (await check()) return performance.now() - since
    await sleep(10)
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`)
}

describe('the sim kubelet running a real etcd from its kubeadm manifest', () => {
  let layout: SimNodeLayout
  let ports: EtcdPorts
  let kubelet: RunningKubelet
  let etcdPid: number

  beforeAll(async () => {
    layout = await makeLab('kubelet')
    labs.push(layout)
    ports = await etcdPorts()
    await writeManifest(layout, 'etcd.yaml', etcdManifest(ports))
    // What an editor leaves behind must not be taken for pods.
    await writeManifest(layout, '.etcd.yaml.swp', 'not yaml at all: [')
    await writeManifest(layout, 'etcd.yaml~', etcdManifest(ports).replace('name: etcd\n', 'name: etcd-backup\n'))
    kubelet = startKubelet(simDir, layout)
  })

  it('starts etcd with node paths moved into the node root, and etcd answers over mutual TLS', async () => {
    const status = await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'etcd')?.state === 'running', 15_000, 'etcd running')
    const etcd = status.components.find((component) => component.name === 'etcd')
    expect(status.kubelet).toEqual({state: 'running', pid: kubelet.pid})
    expect(status.components.map((component) => component.name)).toEqual(['etcd'])
    expect(etcd).toMatchObject({manifest: '/etc/kubernetes/manifests/etcd.yaml', restarts: 0})
    expect(etcd?.message).toBeUndefined()
    etcdPid = etcd?.pid ?? -1
    const argv = processCommandLine(etcdPid) ?? []
    expect(argv).toEqual(etcd?.argv)
    expect(argv[0]).toBe('/usr/bin/etcd')
    expect(argv).toContain(`--data-dir=${layout.nodeRoot}/var/lib/etcd`)
    expect(argv).toContain(`--cert-file=${layout.nodeRoot}/etc/kubernetes/pki/etcd/server.crt`)
    expect(argv).toContain(`--listen-client-urls=https://127.0.0.1:${ports.client}`)

    // Detached: its own process group and session, apart from the kubelet's.
    expect(processStat(etcdPid)).toMatchObject({pgrp: etcdPid, session: etcdPid})
    expect(processStat(kubelet.pid)?.session).not.toBe(etcdPid)

    expect(await etcdHealthy(layout, ports.client)).toBe(true)
    expect((await etcdPut(layout, ports.client, 'kubelab/probe', 'written-before')).status).toBe(200)
    const log = await readFile(path.join(layout.logsDir, 'etcd.log'), 'utf8')
    expect(log).toMatch(/^==== .* kubelab kubelet: starting etcd from \/etc\/kubernetes\/manifests\/etcd\.yaml \(real binary\): \/usr\/bin\/etcd /m)
    expect(log).toContain('ready to serve client requests')
  })

  it('restarts etcd within a second of a flag edit, with the new flag on its command line', async () => {
    const saved = performance.now()
    await writeManifest(layout, 'etcd.yaml', etcdManifest(ports, {'snapshot-count': '5000'}))
    const newPid = (): number | undefined => {
      const pid = componentStatus(layout, 'etcd')?.pid
      return pid !== undefined && pid !== etcdPid ? pid : undefined
    }
    const restartedMs = await msUntil(saved, async () => newPid() !== undefined && (await acceptsConnections(ports.client)), 10_000, 'a new etcd listening')
    const servingMs = await msUntil(saved, () => etcdHealthy(layout, ports.client), 10_000, 'the new etcd serving')
    const pid = newPid() ?? -1
    expect(processCommandLine(pid)).toContain('--snapshot-count=5000')
    expect(processCommandLine(pid)).not.toContain('--snapshot-count=10000')
    expect(isAlive(etcdPid)).toBe(false)
    expect(componentStatus(layout, 'etcd')).toMatchObject({restarts: 0, lastExit: 'manifest changed'})
    // Restarted (the new process is up on the same ports) within a second; serving adds etcd's own
    // leader election on an existing data folder (about 1–2 s with etcd's default election timeout).
    expect(restartedMs).toBeLessThan(1000)
    expect(servingMs).toBeLessThan(5000)
    process.stdout.write(`manifest save → etcd restarted: ${restartedMs.toFixed(0)} ms, → serving: ${servingMs.toFixed(0)} ms\n`)
    etcdPid = pid
  })

  it('leaves etcd running when the manifest stops parsing, names file and line, and resumes once it is fixed', async () => {
    const lines = etcdManifest(ports, {'snapshot-count': '5000'}).split('\n')
    const brokenLine = lines.findIndex((line) => line.includes('--name=')) + 1
    lines[brokenLine - 1] = `   ${lines[brokenLine - 1]?.trim()}` // three spaces where the list has four: a YAML error
    await writeManifest(layout, 'etcd.yaml', lines.join('\n'))
    const status = await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'etcd')?.state === 'failed-manifest', 5000, 'failed-manifest')
    const etcd = status.components.find((component) => component.name === 'etcd')
    expect(etcd?.message).toContain(`/etc/kubernetes/manifests/etcd.yaml:${brokenLine}:`)
    expect(etcd?.pid).toBe(etcdPid)
    expect(isAlive(etcdPid)).toBe(true)
    expect(await etcdHealthy(layout, ports.client)).toBe(true)
    const kubeletLog = await readFile(path.join(layout.logsDir, 'kubelet.log'), 'utf8')
    expect(kubeletLog).toMatch(/^E\d{4} [\d:.]+ +\d+ kubelet\] "Could not process manifest file" path="\/etc\/kubernetes\/manifests\/etcd\.yaml" err=".*etcd\.yaml:\d+:/m)

    // Back to the text etcd runs from: no restart, the state returns to running.
    await writeManifest(layout, 'etcd.yaml', etcdManifest(ports, {'snapshot-count': '5000'}))
    const fixed = await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'etcd')?.state === 'running', 5000, 'running again')
    expect(fixed.components.find((component) => component.name === 'etcd')).toMatchObject({pid: etcdPid, restarts: 0})
  })

  it('does nothing when the manifest is saved unchanged', async () => {
    const before = componentStatus(layout, 'etcd')
    await writeManifest(layout, 'etcd.yaml', etcdManifest(ports, {'snapshot-count': '5000'}))
    await sleep(500)
    expect(componentStatus(layout, 'etcd')).toMatchObject({pid: before?.pid, startedAt: before?.startedAt, state: 'running'})
  })

  it('restarts etcd killed with SIGKILL, counting the restart, and the data survive', async () => {
    process.kill(etcdPid, 'SIGKILL')
    const status = await waitForStatus(
      layout,
      (s) => {
        const etcd = s.components.find((c) => c.name === 'etcd')
        return etcd?.state === 'running' && etcd.pid !== etcdPid
      },
      15_000,
      'etcd restarted after SIGKILL',
    )
    const etcd = status.components.find((component) => component.name === 'etcd')
    expect(etcd).toMatchObject({restarts: 1, lastExit: 'killed by SIGKILL'})
    etcdPid = etcd?.pid ?? -1
    await msUntil(performance.now(), () => etcdHealthy(layout, ports.client), 10_000, 'etcd serving after the restart')
    expect(await etcdGet(layout, ports.client, 'kubelab/probe')).toBe('written-before')
    const log = await readFile(path.join(layout.logsDir, 'etcd.log'), 'utf8')
    expect(log).toMatch(/kubelab kubelet: etcd \(pid \d+\) killed by SIGKILL; restarting in 250 ms/)
  })

  it('leaves etcd running when the kubelet stops, and a new kubelet adopts it instead of starting another', async () => {
    kubelet.child.kill('SIGTERM')
    expect(await kubelet.exited).toBe(0)
    expect(isAlive(etcdPid)).toBe(true)
    expect(readStatus(layout)?.kubelet.state).toBe('stopped')

    kubelet = startKubelet(simDir, layout)
    const status = await waitForStatus(layout, (s) => s.kubelet.state === 'running' && s.kubelet.pid === kubelet.pid, 10_000, 'the new kubelet running')
    await sleep(300)
    expect(status.components.find((component) => component.name === 'etcd')).toMatchObject({pid: etcdPid, restarts: 1})
    expect(componentStatus(layout, 'etcd')?.pid).toBe(etcdPid)
    expect(processesWithEnvironment(NODE_ROOT_ENV, layout.nodeRoot)).toEqual([etcdPid])
    expect(await readFile(path.join(layout.logsDir, 'kubelet.log'), 'utf8')).toContain(`"Adopted running static pod container" pod="etcd" pid=${etcdPid}`)
  })

  it('notices when an adopted etcd dies and starts it again', async () => {
    process.kill(etcdPid, 'SIGKILL')
    const status = await waitForStatus(
      layout,
      (s) => {
        const etcd = s.components.find((c) => c.name === 'etcd')
        return etcd?.state === 'running' && etcd.pid !== etcdPid
      },
      15_000,
      'adopted etcd restarted',
    )
    expect(status.components.find((component) => component.name === 'etcd')).toMatchObject({restarts: 2, lastExit: 'exited (status unknown: started by an earlier kubelet)'})
    etcdPid = componentStatus(layout, 'etcd')?.pid ?? -1
  })

  it('restarts etcd instead of adopting it when its manifest changed while no kubelet ran', async () => {
    kubelet.child.kill('SIGTERM')
    expect(await kubelet.exited).toBe(0)
    await writeManifest(layout, 'etcd.yaml', etcdManifest(ports, {'snapshot-count': '7000'}))
    kubelet = startKubelet(simDir, layout)
    const status = await waitForStatus(
      layout,
      (s) => {
        const etcd = s.components.find((c) => c.name === 'etcd')
        return s.kubelet.pid === kubelet.pid && etcd?.state === 'running' && etcd.pid !== etcdPid
      },
      15_000,
      'etcd restarted from the edited manifest',
    )
    expect(isAlive(etcdPid)).toBe(false)
    etcdPid = status.components.find((component) => component.name === 'etcd')?.pid ?? -1
    expect(processCommandLine(etcdPid)).toContain('--snapshot-count=7000')
    expect(processesWithEnvironment(NODE_ROOT_ENV, layout.nodeRoot)).toEqual([etcdPid])
  })

  it('stopLab stops the kubelet and etcd, leaves no process behind and frees the ports', async () => {
    const result = await stopLab(layout)
    expect(result.kubeletPid).toBe(kubelet.pid)
    expect(result.stopped).toEqual([{name: 'etcd', pid: etcdPid, killed: false}])
    expect(await kubelet.exited).toBe(0)
    expect(isAlive(etcdPid)).toBe(false)
    expect(processesWithEnvironment(NODE_ROOT_ENV, layout.nodeRoot)).toEqual([])
    expect(portsStillListening([ports.client, ports.peer, ports.metrics])).toEqual([])
    expect(await acceptsConnections(ports.client)).toBe(false)
    const status = readStatus(layout)
    expect(status?.kubelet.state).toBe('stopped')
    expect(status?.components.map((component) => [component.name, component.state, component.pid])).toEqual([['etcd', 'stopped', undefined]])
  })
})

describe('the sim kubelet without etcd installed', () => {
  it('reports the missing binary, with the command that installs it, in the status and the logs', async () => {
    const layout = await makeLab('kubelet-no-etcd')
    labs.push(layout)
    await writeManifest(layout, 'etcd.yaml', etcdManifest(await etcdPorts()))
    const kubelet = startKubelet(simDir, layout, {...process.env, PATH: '/nonexistent-kubelab-bin'})
    const status = await waitForStatus(layout, (s) => s.components.find((c) => c.name === 'etcd')?.state === 'crashloop', 10_000, 'etcd crashloop')
    const etcd = status.components.find((component) => component.name === 'etcd')
    expect(etcd?.pid).toBeUndefined()
    expect(etcd?.message).toBe('executable "etcd" not found (searched /nonexistent-kubelab-bin); install it with: apt-get install etcd-server')
    expect(await readFile(path.join(layout.logsDir, 'etcd.log'), 'utf8')).toContain('install it with: apt-get install etcd-server')
    expect(await readFile(path.join(layout.logsDir, 'kubelet.log'), 'utf8')).toContain('"Error starting static pod container" pod="etcd"')
    await stopLab(layout)
    expect(await kubelet.exited).toBe(0)
  })
})
