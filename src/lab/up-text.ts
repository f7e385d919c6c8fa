import type {LabPorts} from '../runtimes/types.js'
import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import {LAB_HOST, PORT_LABELS} from './ports.js'
import type {UpOutcome} from './up.js'

/** What `kubelab up` prints once the lab is ready: what runs where, the kubeconfig, what to do next. */
export function formatUpSummary(outcome: UpOutcome): string {
  const {lab, scenario} = outcome
  const ports = lab.record.ports
  const seconds = (outcome.timings.totalMs / 1000).toFixed(1)
  const lines = [
    `Lab ${lab.name} is ready in ${seconds} s: scenario ${scenario.id} (${scenario.title}), Kubernetes ${scenario.kubernetesVersion}, ${lab.record.runtime} runtime.`,
    '',
    ...componentLines(ports),
  ]
  if (outcome.replaced.length > 0) {
    lines.push('', 'Ports moved because the real ones were taken:')
    for (const port of outcome.replaced) lines.push(`  ${PORT_LABELS[port.name]}: ${port.wanted} is ${port.reason}; using ${port.chosen}`)
  }
  lines.push(
    '',
    `Kubeconfig  ${lab.record.kubeconfig}`,
    lab.record.kind
      ? `Node        docker container ${lab.record.kind.nodeContainer} (kind cluster ${lab.record.kind.cluster}, ${lab.record.kind.nodeImage})`
      : `Node root   ${simNodeLayout(lab.dir).nodeRoot}  (the node's /: etc/kubernetes/manifests, var/lib/kubelet, …)`,
    ...outcome.notes.map((note) => `            ${note}`),
    '',
    'Next:',
    `  eval "$(kubelab env ${lab.name})"    # KUBECONFIG, KUBELAB_LAB and endpoint variables in this shell`,
    `  kubelab audit --lab ${lab.name}      # what an auditor finds`,
    `  kubelab status ${lab.name}           # what runs, with pids, restarts and ports`,
    `  kubelab down ${lab.name}             # stop it and remove its files`,
  )
  return `${lines.join('\n')}\n`
}

function componentLines(ports: LabPorts): string[] {
  const https = (port: number): string => `https://${LAB_HOST}:${port}`
  const http = (port: number): string => `http://${LAB_HOST}:${port}`
  const rows: Array<[string, string]> = [
    ['kube-apiserver', `${https(ports.apiserverSecure)}${ports.apiserverInsecure === undefined ? '' : `, insecure ${http(ports.apiserverInsecure)}`}`],
    ['etcd', `clients ${LAB_HOST}:${ports.etcdClient}, peers ${ports.etcdPeer}, metrics ${http(ports.etcdMetrics)}`],
    ['kubelet', `${https(ports.kubelet)}${ports.kubeletReadOnly === undefined ? '' : `, read-only ${http(ports.kubeletReadOnly)}`}`],
    ['kube-controller-manager', https(ports.controllerManagerSecure)],
    ['kube-scheduler', https(ports.schedulerSecure)],
  ]
  const width = Math.max(...rows.map(([name]) => name.length))
  return rows.map(([name, where]) => `  ${name.padEnd(width)}  ${where}`)
}
