import type {LabStatusView} from './status.js'

/** `kubelab status` for people: one block per lab. */
export function formatStatuses(views: readonly LabStatusView[], current?: string): string {
  if (views.length === 0) return 'No labs. Start one with `kubelab up [SCENARIO]`.\n'
  return views.map((view) => formatStatus(view, view.name === current)).join('\n')
}

export function formatStatus(view: LabStatusView, current = false): string {
  const lines: string[] = []
  const record = view.record
  const about = record
    ? `scenario ${record.scenario}${record.scenarioTitle ? ` "${record.scenarioTitle}"` : ''}, Kubernetes ${record.kubernetesVersion}, ${record.runtime} runtime`
    : (view.problem ?? '')
  lines.push(`${view.name}${current ? ' (current)' : ''}  ${stateText(view)}  (${about})`)
  if (record) {
    const readyIn = record.timings ? `, ready in ${(record.timings.seededMs / 1000).toFixed(1)} s` : ''
    lines.push(`  created     ${record.createdAt}${readyIn}`)
    if (record.message && record.state !== 'ready') lines.push(`  message     ${record.message}`)
    lines.push(`  kubeconfig  ${record.kubeconfig}`)
  }
  if (record?.kind) return `${[...lines, ...kindLines(record.kind)].join('\n')}\n`
  lines.push(`  node root   ${view.nodeRoot}`)
  const kubelet = view.node.kubelet
  lines.push(`  kubelet     ${kubelet.state}${kubelet.pid === undefined ? '' : ` (pid ${kubelet.pid})`}${kubelet.state === 'stopped' && record?.state === 'ready' ? ' — static pods are not watched; start it with `kubelab restart kubelet`' : ''}`)
  if (view.endpoints) {
    const endpoints = view.endpoints
    const listed = [
      `apiserver ${endpoints.apiserver}`,
      ...(endpoints.apiserverInsecure ? [`insecure ${endpoints.apiserverInsecure}`] : []),
      `etcd ${endpoints.etcd}`,
      `kubelet ${endpoints.kubelet}`,
      ...(endpoints.kubeletReadOnly ? [`read-only ${endpoints.kubeletReadOnly}`] : []),
    ]
    lines.push(`  endpoints   ${listed.join(', ')}`)
  }

  if (view.node.components.length > 0) {
    const rows = [
      ['COMPONENT', 'STATE', 'PID', 'RESTARTS', 'LAST EXIT', 'LISTENING'],
      ...view.node.components.map((component) => [
        component.name,
        component.state === 'running' && !component.alive ? 'running (process gone)' : component.state,
        component.pid === undefined ? '-' : String(component.pid),
        String(component.restarts),
        component.lastExit ?? '-',
        component.listening.length === 0 ? '-' : component.listening.join(', '),
      ]),
    ]
    lines.push('', ...table(rows).map((row) => `  ${row}`))
    const messages = view.node.components.filter((component) => component.message)
    if (messages.length > 0) lines.push('', ...messages.map((component) => `  ${component.name}: ${component.message ?? ''}`))
  } else if (view.state === 'ready') {
    lines.push('', '  no static pod status yet (run/status.json is written by the kubelet)')
  }
  return `${lines.join('\n')}\n`
}

/** A kind lab's components run in its node container, which the sim's status files know nothing of. */
function kindLines(kind: NonNullable<NonNullable<LabStatusView['record']>['kind']>): string[] {
  return [
    `  cluster     ${kind.cluster} (kind), node container ${kind.nodeContainer}, image ${kind.nodeImage}`,
    ...(kind.insecurePort === 'proxy-stand-in' ? ['  insecure    port 8080 is the kubectl-proxy stand-in (kube-apiserver-insecure-proxy static pod)'] : []),
    ...(kind.exposed ? ['  WARNING     --expose: the ports listen on every interface of this machine'] : []),
    `  components  \`kubelab node exec -- crictl ps\` in the node; \`docker ps --filter name=${kind.nodeContainer}\` for the container`,
  ]
}

function stateText(view: LabStatusView): string {
  if (view.state === 'abandoned') return `abandoned (the \`kubelab up\` creating it is gone: \`kubelab down ${view.name}\`)`
  return view.state
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? []
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd())
}
