import {simDirectory} from '../runtimes/sim/lab-kubelet.js'
import {restartSimComponent, restartSimKubelet} from '../runtimes/sim/lab-restart.js'
import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import type {LabComponent} from '../runtimes/types.js'
import {kindNodeAccess} from './node-files.js'
import type {Lab} from './registry.js'

export interface RestartOptions {
  /** Compiled runtimes/sim folder (see simDirectory). */
  simDir?: string
  timeoutMs?: number
}

export type RestartOutcome =
  | {component: 'kubelet'; stoppedPid: number | undefined; pid: number}
  | {component: Exclude<LabComponent, 'kubelet'>; stoppedPid: number; pid: number; restarts: number}

/**
 * `kubelab restart kubelet`: the kubelet reads its config and flags only when it starts, so an
 * edited config.yaml takes effect now. `kubelab restart <static pod>`: its process is stopped and
 * the kubelet starts it again (an edited manifest restarts its pod by itself). On a kind lab, the
 * same inside the node container: `systemctl restart kubelet`, and `crictl stop` of the pod's
 * container; the pids are the node's.
 */
export async function restartComponent(lab: Lab, component: LabComponent, options: RestartOptions = {}): Promise<RestartOutcome> {
  if (lab.record.runtime === 'kind') {
    const node = kindNodeAccess(lab)
    const timeout = options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}
    if (component === 'kubelet') return {component, ...(await node.restartKubeletReporting(timeout))}
    return {component, ...(await node.restartStaticPod(component, timeout))}
  }
  const layout = simNodeLayout(lab.dir)
  if (component === 'kubelet') {
    const restarted = await restartSimKubelet(layout, {
      simDir: simDirectory(options.simDir),
      ...(lab.record.binDir === undefined ? {} : {binDir: lab.record.binDir}),
      ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
    })
    return {component, ...restarted}
  }
  return {component, ...(await restartSimComponent(layout, component, options.timeoutMs))}
}
