import {createServer, type Server} from 'node:net'
import path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {choosePorts, portIsFree, portsScenarioUses} from '../../src/lab/ports.js'
import {DEFAULT_LAB_PORTS, type LabPortName} from '../../src/runtimes/types.js'
import {loadScenarios} from '../../src/scenario/load.js'
import type {Scenario} from '../../src/scenario/schema.js'

const ALWAYS: LabPortName[] = ['apiserverSecure', 'etcdClient', 'etcdPeer', 'etcdMetrics', 'kubelet', 'controllerManagerSecure', 'schedulerSecure']

let scenarios: Map<string, Scenario>
const held: Server[] = []

beforeAll(async () => {
  scenarios = new Map((await loadScenarios(path.resolve('scenarios'))).map((scenario) => [scenario.id, scenario]))
})

afterEach(async () => {
  await Promise.all(held.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))))
})

async function holdPort(): Promise<number> {
  const server = createServer()
  held.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as {port: number}).port
}

function scenario(id: string): Scenario {
  const found = scenarios.get(id)
  if (!found) throw new Error(`no scenario ${id}`)
  return found
}

describe('portsScenarioUses', () => {
  it('adds the insecure API port and the kubelet read-only port only for scenarios that open them', () => {
    expect(portsScenarioUses(scenario('all-open'))).toEqual([...ALWAYS, 'apiserverInsecure', 'kubeletReadOnly'])
    expect(portsScenarioUses(scenario('insecure-port'))).toEqual([...ALWAYS, 'apiserverInsecure'])
    expect(portsScenarioUses(scenario('kubelet-read-only'))).toEqual([...ALWAYS, 'kubeletReadOnly'])
    expect(portsScenarioUses(scenario('etcd-plaintext'))).toEqual(ALWAYS)
  })
})

describe('portIsFree', () => {
  it('sees a port held on 127.0.0.1 as busy, and free once released', async () => {
    const port = await holdPort()
    expect(await portIsFree(port)).toBe(false)
    await Promise.all(held.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))))
    expect(await portIsFree(port)).toBe(true)
  })
})

describe('choosePorts', () => {
  it('keeps each real port that is free and that no lab has', async () => {
    const choice = await choosePorts(ALWAYS, {taken: new Map(), isFree: async () => true})
    expect(choice.replaced).toEqual([])
    expect(choice.ports).toEqual({
      apiserverSecure: 6443,
      etcdClient: 2379,
      etcdPeer: 2380,
      etcdMetrics: 2381,
      kubelet: 10250,
      controllerManagerSecure: 10257,
      schedulerSecure: 10259,
    })
  })

  it('replaces a busy real port with one the OS hands out, and says why', async () => {
    const choice = await choosePorts(ALWAYS, {taken: new Map(), isFree: async (port) => port !== 6443})
    expect(choice.ports.etcdClient).toBe(2379)
    expect(choice.ports.apiserverSecure).not.toBe(6443)
    expect(await portIsFree(choice.ports.apiserverSecure)).toBe(true)
    expect(choice.replaced).toEqual([{name: 'apiserverSecure', wanted: 6443, chosen: choice.ports.apiserverSecure, reason: 'in use on 127.0.0.1'}])
  })

  it('never hands out a port another lab recorded, even when nothing listens on it', async () => {
    const otherLabPort = await holdPort()
    await Promise.all(held.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))))
    const taken = new Map<number, string>([[6443, 'first'], [2379, 'first'], [otherLabPort, 'first']])
    let handedOut = 0
    // the OS would hand out the other lab's port first; it must be skipped
    const anyFreePort = async (): Promise<number> => (handedOut++ === 0 ? otherLabPort : holdPort())
    const choice = await choosePorts(ALWAYS, {taken, isFree: async () => true, anyFreePort})
    expect(choice.replaced.map((item) => [item.name, item.reason])).toEqual([
      ['apiserverSecure', 'recorded by lab first'],
      ['etcdClient', 'recorded by lab first'],
    ])
    expect(choice.ports.etcdPeer).toBe(2380)
    for (const port of Object.values(choice.ports)) expect(taken.has(port)).toBe(false)
    expect(new Set(Object.values(choice.ports)).size).toBe(ALWAYS.length)
  })

  it('takes every port from the OS with the any-free policy, reporting none as replaced', async () => {
    const choice = await choosePorts(ALWAYS, {taken: new Map(), policy: 'any-free'})
    expect(choice.replaced).toEqual([])
    const ports = Object.values(choice.ports)
    expect(new Set(ports).size).toBe(ALWAYS.length)
    for (const port of ports) expect(Object.values(DEFAULT_LAB_PORTS)).not.toContain(port)
  })
})
