/**
 * Prometheus text for /metrics (the kubelet's legacy registry), /metrics/cadvisor, /metrics/resource and
 * /metrics/probes: a few real metric families with their real HELP texts and stability markers, enough for what
 * auditors read from them — kubernetes_build_info gives the version away (kube-hunter KHV002).
 */
import {createHash} from 'node:crypto'
import os from 'node:os'
import type {KubeVersion} from '../../apiserver/version.js'
import type {PodRecord} from './node-agent.js'

/** The Go release the Kubernetes builds of each minor were made with (approximate: the line's later patches). */
const GO_VERSIONS: Readonly<Record<number, string>> = {
  19: 'go1.15.15', 20: 'go1.15.15', 21: 'go1.16.15', 22: 'go1.16.15', 23: 'go1.17.13', 24: 'go1.19.8', 25: 'go1.19.13',
  26: 'go1.20.13', 27: 'go1.21.13', 28: 'go1.22.12', 29: 'go1.22.12', 30: 'go1.22.12', 31: 'go1.22.12', 32: 'go1.23.12',
  33: 'go1.24.6', 34: 'go1.24.6',
}

const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8'

export class KubeletMetrics {
  private readonly requests = new Map<string, number>()
  private readonly startSeconds = Date.now() / 1000

  constructor(
    private readonly version: KubeVersion,
    private readonly nodeName: string,
  ) {}

  readonly contentType = TEXT_FORMAT

  /** kubelet_http_requests_total, by the server's metric buckets (pkg/kubelet/server getMetricBucket). */
  countRequest(method: string, path: string, readOnly: boolean): void {
    const parts = path.replace(/^\//, '').split('/')
    const root = parts[0] === 'metrics' && parts.length > 1 ? `metrics/${parts[1]}` : (parts[0] ?? '')
    const known = ['healthz', 'pods', 'stats', 'metrics', 'metrics/cadvisor', 'metrics/probes', 'metrics/resource', 'run', 'exec', 'attach', 'portForward', 'containerLogs', 'configz', 'runningpods', 'logs', 'spec']
    const bucket = known.includes(root) ? root : 'other'
    const longRunning = ['exec', 'attach', 'portforward', 'debug'].includes(bucket)
    const key = `long_running="${longRunning}",method="${method}",path="${bucket}",server_type="${readOnly ? 'readonly' : 'readwrite'}"`
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
  }

  legacy(pods: readonly PodRecord[]): string {
    const v = this.version
    const running = pods.filter((pod) => pod.containers.some((container) => container.state.kind === 'running'))
    const containers = pods.flatMap((pod) => pod.containers)
    const lines = [
      '# HELP kubelet_http_requests_total [ALPHA] Number of the http requests received since the server started',
      '# TYPE kubelet_http_requests_total counter',
      ...[...this.requests].map(([labels, count]) => `kubelet_http_requests_total{${labels}} ${count}`),
      '# HELP kubelet_node_name [ALPHA] The node\'s name. The count is always 1.',
      '# TYPE kubelet_node_name gauge',
      `kubelet_node_name{node="${this.nodeName}"} 1`,
      '# HELP kubelet_running_containers [ALPHA] Number of containers currently running',
      '# TYPE kubelet_running_containers gauge',
      `kubelet_running_containers{container_state="running"} ${containers.filter((container) => container.state.kind === 'running').length}`,
      `kubelet_running_containers{container_state="created"} ${containers.filter((container) => container.state.kind !== 'running').length}`,
      '# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox',
      '# TYPE kubelet_running_pods gauge',
      `kubelet_running_pods ${running.length}`,
      "# HELP kubernetes_build_info [ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.",
      '# TYPE kubernetes_build_info gauge',
      `kubernetes_build_info{build_date="${buildDate(v)}",compiler="gc",git_commit="${gitCommit(v)}",git_tree_state="clean",git_version="${v.gitVersion}",go_version="${GO_VERSIONS[v.minor] ?? 'go1.24.6'}",major="${v.major}",minor="${v.minor}",platform="linux/${goArch()}"} 1`,
      '# HELP process_start_time_seconds [ALPHA] Start time of the process since unix epoch in seconds.',
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${this.startSeconds.toFixed(2)}`,
    ]
    return `${lines.join('\n')}\n`
  }

  cadvisor(pods: readonly PodRecord[]): string {
    const lines = [
      '# HELP cadvisor_version_info A metric with a constant \'1\' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.',
      '# TYPE cadvisor_version_info gauge',
      `cadvisor_version_info{cadvisorRevision="",cadvisorVersion="",dockerVersion="",kernelVersion="${os.release()}",osVersion="Debian GNU/Linux 12 (bookworm)"} 1`,
      '# HELP container_start_time_seconds Start time of the container since unix epoch in seconds.',
      '# TYPE container_start_time_seconds gauge',
      ...pods.flatMap((pod) =>
        pod.containers.flatMap((container) =>
          container.state.kind === 'running'
            ? [`container_start_time_seconds{container="${container.name}",id="/kubelet/kubepods/pod${pod.uid}/${container.containerId}",image="${container.image}",name="${container.containerId}",namespace="${pod.namespace}",pod="${pod.name}"} ${(container.state.startedAt.getTime() / 1000).toFixed(0)}`]
            : [],
        ),
      ),
      '# HELP machine_cpu_cores Number of logical CPU cores.',
      '# TYPE machine_cpu_cores gauge',
      `machine_cpu_cores{boot_id="",machine_id="",system_uuid=""} ${os.cpus().length}`,
      '# HELP machine_memory_bytes Amount of memory installed on the machine.',
      '# TYPE machine_memory_bytes gauge',
      `machine_memory_bytes{boot_id="",machine_id="",system_uuid=""} ${os.totalmem()}`,
    ]
    return `${lines.join('\n')}\n`
  }

  resource(pods: readonly PodRecord[]): string {
    const now = Date.now()
    const lines = [
      '# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes',
      '# TYPE node_memory_working_set_bytes gauge',
      `node_memory_working_set_bytes ${os.totalmem() - os.freemem()} ${now}`,
      '# HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes',
      '# TYPE pod_memory_working_set_bytes gauge',
      ...pods.map((pod) => `pod_memory_working_set_bytes{namespace="${pod.namespace}",pod="${pod.name}"} 0 ${now}`),
      '# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise',
      '# TYPE resource_scrape_error gauge',
      'resource_scrape_error 0',
    ]
    return `${lines.join('\n')}\n`
  }

  probes(): string {
    return [
      '# HELP process_start_time_seconds [ALPHA] Start time of the process since unix epoch in seconds.',
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${this.startSeconds.toFixed(2)}`,
      '',
    ].join('\n')
  }
}

/** A stable made-up commit per version: the sim has no git history to report. */
function gitCommit(version: KubeVersion): string {
  return createHash('sha1').update(`kubelab-sim-${version.gitVersion}`).digest('hex')
}

function buildDate(version: KubeVersion): string {
  // Approximate release month of the minor (1.19: Aug 2020, then one minor every four months).
  const months = (version.minor - 19) * 4 + 7
  const year = 2020 + Math.floor(months / 12)
  const month = String((months % 12) + 1).padStart(2, '0')
  return `${year}-${month}-15T00:00:00Z`
}

function goArch(): string {
  const arch = os.arch()
  return arch === 'x64' ? 'amd64' : arch
}
