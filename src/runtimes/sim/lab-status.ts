import {runningKubeletPid} from './kubelet/identity.js'
import {isAlive, listeningPorts} from './kubelet/proc.js'
import {readNodeStatus} from './kubelet/status-writer.js'
import type {ComponentStatus} from './node/status.js'
import type {SimNodeLayout} from './node/layout.js'

/** A static pod as run/status.json has it, checked against the live process table. */
export interface SimComponentView extends ComponentStatus {
  /** The recorded pid is alive. */
  alive: boolean
  /** TCP ports the process listens on now, from /proc. */
  listening: number[]
}

export interface SimKubeletView {
  /** running: the kubelet in run/kubelet.pid is alive; stopped: none is. */
  state: 'running' | 'stopped'
  pid?: number
  /** What the kubelet last said about itself (status.json). */
  message?: string
}

export interface SimNodeView {
  kubelet: SimKubeletView
  components: SimComponentView[]
  /** When status.json was last written; undefined when there is none yet. */
  updatedAt?: string
}

/**
 * What the sim kubelet reports (run/status.json), with each pid checked: a status file a dead
 * kubelet left behind must not show components as running that are gone.
 */
export function readSimNodeView(layout: SimNodeLayout): SimNodeView {
  const status = readNodeStatus(layout.statusFile)
  const kubeletPid = runningKubeletPid(layout)
  const kubelet: SimKubeletView = kubeletPid === undefined ? {state: 'stopped'} : {state: 'running', pid: kubeletPid}
  if (status?.kubelet.message) kubelet.message = status.kubelet.message
  const components = (status?.components ?? []).map((component): SimComponentView => {
    const alive = component.pid !== undefined && isAlive(component.pid)
    return {...component, alive, listening: alive && component.pid !== undefined ? listeningPorts(component.pid) : []}
  })
  return {kubelet, components, ...(status ? {updatedAt: status.updatedAt} : {})}
}
