/**
 * /stats/summary (the Summary API, stats/v1alpha1) and /spec (cAdvisor's MachineInfo, served until 1.21): node
 * figures from this machine, pods from the node's pod list. Container usage is not measured; it reads as zero.
 */
import {createHash} from 'node:crypto'
import os from 'node:os'
import {timestamp, type JsonObject} from './json.js'
import type {PodRecord} from './node-agent.js'

export function statsSummary(nodeName: string, startedAt: Date, pods: readonly PodRecord[]): JsonObject {
  const now = timestamp(new Date())
  const total = os.totalmem()
  const free = os.freemem()
  const memory = (usage: number): JsonObject => ({time: now, availableBytes: Math.max(total - usage, 0), usageBytes: usage, workingSetBytes: usage, rssBytes: usage, pageFaults: 0, majorPageFaults: 0})
  const cpu = {time: now, usageNanoCores: 0, usageCoreNanoSeconds: Math.round(os.cpus().reduce((sum, core) => sum + core.times.user + core.times.sys, 0) * 1e6)}
  return {
    node: {
      nodeName,
      systemContainers: [
        {name: 'kubelet', startTime: timestamp(startedAt), cpu: {time: now, usageNanoCores: 0, usageCoreNanoSeconds: Math.round(process.cpuUsage().user * 1000)}, memory: memory(process.memoryUsage().rss)},
        {name: 'pods', startTime: timestamp(startedAt), cpu: {time: now, usageNanoCores: 0, usageCoreNanoSeconds: 0}, memory: memory(0)},
      ],
      startTime: timestamp(new Date(Date.now() - os.uptime() * 1000)),
      cpu,
      memory: memory(total - free),
      network: {time: now, name: 'eth0', rxBytes: 0, rxErrors: 0, txBytes: 0, txErrors: 0, interfaces: [{name: 'eth0', rxBytes: 0, rxErrors: 0, txBytes: 0, txErrors: 0}]},
      fs: {time: now, availableBytes: 0, capacityBytes: 0, usedBytes: 0, inodesFree: 0, inodes: 0, inodesUsed: 0},
      runtime: {imageFs: {time: now, availableBytes: 0, capacityBytes: 0, usedBytes: 0, inodesFree: 0, inodes: 0, inodesUsed: 0}},
      rlimit: {time: now, maxpid: 4194304, curproc: 0},
    },
    pods: pods.map((pod) => ({
      podRef: {name: pod.name, namespace: pod.namespace, uid: pod.uid},
      startTime: now,
      containers: pod.containers
        .filter((container) => container.state.kind === 'running')
        .map((container) => ({
          name: container.name,
          startTime: container.state.kind === 'running' ? timestamp(container.state.startedAt) : now,
          cpu: {time: now, usageNanoCores: 0, usageCoreNanoSeconds: 0},
          memory: {time: now, usageBytes: 0, workingSetBytes: 0, rssBytes: 0, pageFaults: 0, majorPageFaults: 0},
        })),
      cpu: {time: now, usageNanoCores: 0, usageCoreNanoSeconds: 0},
      memory: {time: now, usageBytes: 0, workingSetBytes: 0, rssBytes: 0, pageFaults: 0, majorPageFaults: 0},
      'ephemeral-storage': {time: now, availableBytes: 0, capacityBytes: 0, usedBytes: 0, inodesFree: 0, inodes: 0, inodesUsed: 0},
    })),
  }
}

export function machineInfo(nodeName: string): JsonObject {
  const machineId = createHash('md5').update(`kubelab-${nodeName}`).digest('hex')
  return {
    timestamp: new Date().toISOString(),
    num_cores: os.cpus().length,
    num_physical_cores: os.cpus().length,
    num_sockets: 1,
    cpu_frequency_khz: (os.cpus()[0]?.speed ?? 0) * 1000,
    memory_capacity: os.totalmem(),
    machine_id: machineId,
    system_uuid: machineId,
    boot_id: createHash('md5').update(`${os.hostname()}-boot`).digest('hex'),
    filesystems: [],
    disk_map: {},
    network_devices: [{name: 'eth0', mac_address: '02:42:ac:12:00:02', speed: 10000, mtu: 1500}],
    topology: [],
    cloud_provider: 'Unknown',
    instance_type: 'Unknown',
    instance_id: 'None',
  }
}
