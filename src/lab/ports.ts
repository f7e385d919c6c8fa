import {createServer} from 'node:net'
import type {Scenario} from '../scenario/schema.js'
import {DEFAULT_LAB_PORTS, type LabPortName, type LabPorts} from '../runtimes/types.js'

export const LAB_HOST = '127.0.0.1'

export type PortPolicy = 'real-when-free' | 'any-free'

/** A port the lab could not have at its real number. */
export interface ReplacedPort {
  name: LabPortName
  wanted: number
  chosen: number
  /** "in use on 127.0.0.1" or "recorded by lab other-lab" */
  reason: string
}

export interface PortChoice {
  ports: LabPorts
  replaced: ReplacedPort[]
}

/** What each port is, for messages. */
export const PORT_LABELS: Readonly<Record<LabPortName, string>> = {
  apiserverSecure: 'kube-apiserver (HTTPS)',
  apiserverInsecure: 'kube-apiserver insecure port (HTTP)',
  etcdClient: 'etcd clients',
  etcdPeer: 'etcd peers',
  etcdMetrics: 'etcd metrics and health',
  kubelet: 'kubelet API',
  kubeletReadOnly: 'kubelet read-only port',
  controllerManagerSecure: 'kube-controller-manager (HTTPS)',
  schedulerSecure: 'kube-scheduler (HTTPS)',
}

/**
 * The ports a scenario's node listens on: always the API server, etcd, the kubelet, the
 * controller-manager and the scheduler; the insecure API port and the kubelet's read-only port
 * only when the scenario opens them.
 */
export function portsScenarioUses(scenario: Scenario): LabPortName[] {
  const names: LabPortName[] = ['apiserverSecure', 'etcdClient', 'etcdPeer', 'etcdMetrics', 'kubelet', 'controllerManagerSecure', 'schedulerSecure']
  const {apiserver, kubelet} = scenario.misconfigurations
  if (positive(apiserver.setFlags['insecure-port'])) names.push('apiserverInsecure')
  if (positive(kubelet.config['readOnlyPort']) || positive(kubelet.flags['read-only-port'])) names.push('kubeletReadOnly')
  return names
}

function positive(value: unknown): boolean {
  return (typeof value === 'number' || typeof value === 'string') && Number(value) > 0
}

export interface ChoosePortsOptions {
  /** Ports other labs have recorded, with the lab's name: never handed out twice. */
  taken: ReadonlyMap<number, string>
  /** Default: can something listen on 127.0.0.1:port right now. */
  isFree?: (port: number) => Promise<boolean>
  /** Default: a port the OS picks. */
  anyFreePort?: () => Promise<number>
  /** Default real-when-free. */
  policy?: PortPolicy
}

/**
 * Each wanted port at its real number when that is free and no other lab has it, else a port the
 * OS hands out that no lab has; every replacement is reported so the user can be told.
 */
export async function choosePorts(wanted: readonly LabPortName[], options: ChoosePortsOptions): Promise<PortChoice> {
  const isFree = options.isFree ?? portIsFree
  const anyFreePort = options.anyFreePort ?? osFreePort
  const used = new Set<number>(options.taken.keys())
  const defaults = new Set(Object.values(DEFAULT_LAB_PORTS))
  const chosen: Partial<Record<LabPortName, number>> = {}
  const replaced: ReplacedPort[] = []

  for (const name of wanted) {
    const real = DEFAULT_LAB_PORTS[name]
    const otherLab = options.taken.get(real)
    const tryReal = options.policy !== 'any-free'
    if (tryReal && otherLab === undefined && !used.has(real) && (await isFree(real))) {
      chosen[name] = real
      used.add(real)
      continue
    }
    let port = await anyFreePort()
    // a port that is some component's real number would take it from a later lab; skip those too
    for (let tries = 0; (used.has(port) || defaults.has(port)) && tries < 50; tries += 1) port = await anyFreePort()
    chosen[name] = port
    used.add(port)
    if (tryReal) replaced.push({name, wanted: real, chosen: port, reason: otherLab === undefined ? `in use on ${LAB_HOST}` : `recorded by lab ${otherLab}`})
  }
  return {ports: completePorts(chosen), replaced}
}

function completePorts(chosen: Partial<Record<LabPortName, number>>): LabPorts {
  const required = (name: LabPortName): number => {
    const value = chosen[name]
    if (value === undefined) throw new Error(`no port was chosen for ${name}`)
    return value
  }
  return {
    apiserverSecure: required('apiserverSecure'),
    ...(chosen.apiserverInsecure === undefined ? {} : {apiserverInsecure: chosen.apiserverInsecure}),
    etcdClient: required('etcdClient'),
    etcdPeer: required('etcdPeer'),
    etcdMetrics: required('etcdMetrics'),
    kubelet: required('kubelet'),
    ...(chosen.kubeletReadOnly === undefined ? {} : {kubeletReadOnly: chosen.kubeletReadOnly}),
    controllerManagerSecure: required('controllerManagerSecure'),
    schedulerSecure: required('schedulerSecure'),
  }
}

/** Whether something could listen on 127.0.0.1:port now (a listener on 0.0.0.0:port makes it busy too). */
export function portIsFree(port: number, host = LAB_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({port, host, exclusive: true}, () => server.close(() => resolve(true)))
  })
}

export function osFreePort(host = LAB_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({port: 0, host, exclusive: true}, () => {
      const address = server.address()
      server.close(() => (address !== null && typeof address === 'object' ? resolve(address.port) : reject(new Error('the OS gave no port'))))
    })
  })
}

/** Every port of a lab record, as a list. */
export function portList(ports: LabPorts): number[] {
  return Object.values(ports).filter((port): port is number => typeof port === 'number')
}
