/**
 * The kubelet's HTTP handlers behind its auth filter (pkg/kubelet/server/server.go), with their real answers:
 *
 * - always (InstallAuthNotRequiredHandlers, also on the read-only port): /healthz, /pods (v1 PodList, GET only),
 *   /stats/summary, /metrics, /metrics/cadvisor, /metrics/resource, /metrics/probes, and /spec while the cAdvisor
 *   JSON endpoints exist (before 1.21, when --enable-cadvisor-json-endpoints is on);
 * - with debugging handlers on (the default; never on the read-only port): POST /run/{ns}/{pod}[/{uid}]/{container}
 *   (cmd from the query or the form body, split at spaces; 404 "pod does not exist", 500 for a missing container or
 *   a failing command, else the output as application/json), /exec and /attach (non-upgrade requests: 400 "you must
 *   specify at least 1 of stdin, stdout, stderr" or 500 "Upgrade request required", as the upgrade-aware proxy
 *   answers), /portForward, /containerLogs/{ns}/{pod}/{container}, /configz, /runningpods/, /logs/;
 * - with them off, and on the read-only port: 405 "Debug endpoints are disabled." on those paths.
 *
 * Anything else is go-restful's 404 "404: Page Not Found"; a known path with the wrong method is 405
 * "405: Method Not Allowed". Errors are plain text (go-restful WriteErrorString; Go sniffs text/plain).
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {NodeAccess} from '../../../../target/types.js'
import {runInContainer} from './commands.js'
import type {KubeletApiSettings} from './config.js'
import {listAt, stringAt} from './json.js'
import type {KubeletMetrics} from './metrics.js'
import type {NodeAgent, PodRecord} from './node-agent.js'
import {machineInfo, statsSummary} from './stats.js'

/** Container logs for /containerLogs; undefined when the caller has none for that container. */
export type ContainerLogsProvider = (namespace: string, pod: string, container: string) => Promise<string | undefined>

export interface HandlerContext {
  agent: NodeAgent
  settings: KubeletApiSettings
  nodeName: string
  metrics: KubeletMetrics
  node: NodeAccess
  containerLogs: ContainerLogsProvider | undefined
}

const DEBUG_ROOTS = ['/run/', '/exec/', '/attach/', '/portForward/', '/containerLogs/', '/runningpods/', '/debug/pprof/', '/logs/']
const MAX_BODY_BYTES = 64 * 1024

/** Go's http.Error: the text and a newline, text/plain, nosniff. */
export function httpError(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff'})
  response.end(`${text}\n`)
}

/** go-restful's WriteErrorString: the text as is; Go's sniffing makes it text/plain. */
export function restfulError(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {'content-type': 'text/plain; charset=utf-8'})
  response.end(text)
}

function writeJson(response: ServerResponse, body: string): void {
  response.writeHead(200, {'content-type': 'application/json'})
  response.end(body)
}

export async function route(request: IncomingMessage, response: ServerResponse, path: string, context: HandlerContext, readOnly: boolean): Promise<void> {
  const method = request.method ?? 'GET'
  if (path === '/healthz' || path.startsWith('/healthz/')) return healthz(request, response, path)
  if (path === '/pods' || path === '/pods/') {
    if (method !== 'GET') return restfulError(response, 405, '405: Method Not Allowed')
    return writeJson(response, podList(context.agent.pods()))
  }
  if (path === '/stats/summary' || path === '/stats/summary/') {
    if (method !== 'GET' && method !== 'POST') return restfulError(response, 405, '405: Method Not Allowed')
    return writeJson(response, JSON.stringify(statsSummary(context.nodeName, context.agent.startedAt, context.agent.pods())))
  }
  if (path === '/metrics' || path.startsWith('/metrics/')) return metrics(response, path, context)
  if ((path === '/spec' || path === '/spec/') && context.settings.cadvisorJsonEndpoints) return writeJson(response, JSON.stringify(machineInfo(context.nodeName)))

  const debugRoot = DEBUG_ROOTS.find((root) => path.startsWith(root) || path === root.slice(0, -1))
  if (debugRoot && (readOnly || !context.settings.enableDebuggingHandlers)) return httpError(response, 405, 'Debug endpoints are disabled.')
  if (!readOnly && context.settings.enableDebuggingHandlers) {
    if (path.startsWith('/run/')) return run(request, response, path, context)
    if (path.startsWith('/exec/') || path.startsWith('/attach/')) return stream(request, response, path, context, true)
    if (path.startsWith('/portForward/')) return stream(request, response, path, context, false)
    if (path.startsWith('/containerLogs/')) return containerLogs(request, response, path, context)
    if (path === '/configz') return writeJson(response, JSON.stringify({kubeletconfig: context.settings.configz()}))
    if (path === '/runningpods/') return method === 'GET' ? writeJson(response, runningPodList(context.agent.pods())) : restfulError(response, 405, '405: Method Not Allowed')
    if (path.startsWith('/logs/')) return systemLogs(response, path, context)
  }
  return restfulError(response, 404, '404: Page Not Found')
}

/** healthz.InstallHandler: ping, log and syncloop checks; ?verbose lists them. */
function healthz(request: IncomingMessage, response: ServerResponse, path: string): void {
  const checks = ['ping', 'log', 'syncloop']
  const sub = path.slice('/healthz/'.length)
  if (sub !== '' && !checks.includes(sub)) return httpError(response, 404, '404 page not found')
  const verbose = new URL(request.url ?? '/', 'http://kubelet').searchParams.has('verbose')
  response.writeHead(200, {'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff'})
  response.end(sub === '' && verbose ? `${checks.map((check) => `[+]${check} ok`).join('\n')}\nhealthz check passed\n` : 'ok')
}

/** The v1 PodList of the pods bound to this node (encodePods: items without their own kind and apiVersion). */
export function podList(pods: readonly PodRecord[]): string {
  return JSON.stringify({kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods.map((pod) => withoutTypeMeta(pod.object))})
}

function withoutTypeMeta(object: Record<string, unknown>): Record<string, unknown> {
  const {apiVersion: _apiVersion, kind: _kind, ...rest} = object
  return rest
}

/** What the container runtime lists: pods rebuilt from running containers (name, namespace, uid, container images). */
function runningPodList(pods: readonly PodRecord[]): string {
  const items = pods
    .filter((pod) => pod.containers.some((container) => container.state.kind === 'running'))
    .map((pod) => ({
      metadata: {name: pod.name, namespace: pod.namespace, uid: pod.uid, creationTimestamp: null},
      spec: {containers: pod.containers.filter((container) => container.state.kind === 'running').map((container) => ({name: container.name, image: container.image, resources: {}}))},
      status: {},
    }))
  return JSON.stringify({kind: 'PodList', apiVersion: 'v1', metadata: {}, items})
}

function metrics(response: ServerResponse, path: string, context: HandlerContext): void {
  const pods = context.agent.pods()
  const bodies: Record<string, () => string> = {
    '/metrics': () => context.metrics.legacy(pods),
    '/metrics/cadvisor': () => context.metrics.cadvisor(pods),
    '/metrics/resource': () => context.metrics.resource(pods),
    '/metrics/probes': () => context.metrics.probes(),
  }
  const body = bodies[path]
  if (!body) return restfulError(response, 404, '404: Page Not Found')
  response.writeHead(200, {'content-type': context.metrics.contentType})
  response.end(body())
}

/** /run/{ns}/{pod}/{container} or /run/{ns}/{pod}/{uid}/{container}. */
function pathParts(path: string, root: string): {namespace: string; pod: string; uid: string | undefined; container: string} | undefined {
  const parts = path.slice(root.length).split('/').map(decodeURIComponent)
  if (parts.length === 3 && parts.every((part) => part !== '')) return {namespace: parts[0] as string, pod: parts[1] as string, uid: undefined, container: parts[2] as string}
  if (parts.length === 4 && parts.every((part) => part !== '')) return {namespace: parts[0] as string, pod: parts[1] as string, uid: parts[2], container: parts[3] as string}
  return undefined
}

async function run(request: IncomingMessage, response: ServerResponse, path: string, context: HandlerContext): Promise<void> {
  const params = pathParts(path, '/run/')
  if (!params) return restfulError(response, 404, '404: Page Not Found')
  if (request.method !== 'POST') return restfulError(response, 405, '405: Method Not Allowed')
  const pod = context.agent.find(params.namespace, params.pod)
  if (!pod) return restfulError(response, 404, 'pod does not exist')
  // go-restful's QueryParameter reads Request.FormValue: the query first, then a form body.
  const query = new URL(request.url ?? '/', 'http://kubelet').searchParams
  const form = new URLSearchParams(isForm(request) ? await readBody(request) : '')
  const cmd = query.get('cmd') ?? form.get('cmd') ?? ''
  const argv = cmd.split(' ')
  const container = params.uid === undefined || params.uid === pod.uid ? await context.agent.container(pod, params.container) : undefined
  if (!container) return restfulError(response, 500, `container not found (${JSON.stringify(params.container)})`)
  const result = await runInContainer(argv, {
    fs: container.fs,
    image: container.profile,
    env: container.env,
    hostname: container.hostname,
    workingDir: container.workingDir,
    uid: container.uid,
    gid: container.gid,
  })
  if (!result.started) return restfulError(response, 500, result.error)
  // The runtime's ExecSync error for a non-zero exit (remote_runtime.go), output included.
  if (result.exitCode !== 0) return restfulError(response, 500, `command '${argv.join(' ')}' exited with ${result.exitCode}: ${result.stderr}`)
  writeJson(response, result.stdout + result.stderr)
}

/**
 * /exec, /attach and /portForward hand the request to the runtime's streaming server through an upgrade-aware proxy
 * that requires a protocol upgrade (SPDY or WebSocket). The sim does not stream; a request that asks to upgrade is
 * told so.
 */
async function stream(request: IncomingMessage, response: ServerResponse, path: string, context: HandlerContext, remoteCommand: boolean): Promise<void> {
  const root = `/${path.split('/')[1] ?? ''}/`
  const parts = path.slice(root.length).split('/')
  const valid = remoteCommand ? (parts.length === 3 || parts.length === 4) && parts.every((part) => part !== '') : (parts.length === 2 || parts.length === 3) && parts.every((part) => part !== '')
  if (!valid) return restfulError(response, 404, '404: Page Not Found')
  if (request.method !== 'GET' && request.method !== 'POST') return restfulError(response, 405, '405: Method Not Allowed')
  if (remoteCommand) {
    const query = new URL(request.url ?? '/', 'http://kubelet').searchParams
    const flag = (name: string): boolean => query.get(name) === '1'
    const tty = flag('tty')
    if (!flag('stdin') && !flag('stdout') && !(flag('stderr') && !tty)) return restfulError(response, 400, 'you must specify at least 1 of stdin, stdout, stderr')
  }
  const pod = context.agent.find(decodeURIComponent(parts[0] ?? ''), decodeURIComponent(parts[1] ?? ''))
  if (!pod) return restfulError(response, 404, 'pod does not exist')
  if (remoteCommand) {
    const containerName = decodeURIComponent(parts.at(-1) ?? '')
    if (!(await context.agent.container(pod, containerName))) return httpError(response, 500, `container not found (${JSON.stringify(containerName)})`)
  }
  if (/upgrade/i.test(String(request.headers.connection ?? '')) && request.headers.upgrade) {
    return httpError(response, 500, `kubelab sim: streaming (${String(request.headers.upgrade)}) is not simulated; POST /run${path.slice(root.length - 1)}?cmd=... runs a command`)
  }
  httpError(response, 500, 'Upgrade request required')
}

async function containerLogs(request: IncomingMessage, response: ServerResponse, path: string, context: HandlerContext): Promise<void> {
  const parts = path.slice('/containerLogs/'.length).split('/').map(decodeURIComponent)
  if (parts.length !== 3 || parts.some((part) => part === '')) return restfulError(response, 404, '404: Page Not Found')
  if (request.method !== 'GET') return restfulError(response, 405, '405: Method Not Allowed')
  const [namespace = '', podName = '', containerName = ''] = parts
  const pod = context.agent.find(namespace, podName)
  if (!pod) return restfulError(response, 404, `pod ${JSON.stringify(podName)} does not exist`)
  const inSpec = [...listAt(pod.object, 'spec', 'containers'), ...listAt(pod.object, 'spec', 'initContainers')].some((container) => stringAt(container, 'name') === containerName)
  if (!inSpec) return restfulError(response, 404, `container ${JSON.stringify(containerName)} not found in pod ${JSON.stringify(podName)}`)
  const query = new URL(request.url ?? '/', 'http://kubelet').searchParams
  let text = (await context.containerLogs?.(namespace, podName, containerName)) ?? ''
  const tail = query.get('tailLines') ?? (query.get('tail') === 'all' ? null : query.get('tail'))
  if (tail !== null && /^\d+$/.test(tail)) {
    const lines = text.split('\n')
    const trailing = lines.at(-1) === '' ? lines.pop() : undefined
    text = lines.slice(Math.max(lines.length - Number(tail), 0)).join('\n') + (trailing === undefined ? '' : '\n')
  }
  const limit = query.get('limitBytes')
  if (limit !== null && /^\d+$/.test(limit)) text = Buffer.from(text).subarray(0, Number(limit)).toString('utf8')
  response.writeHead(200, {'content-type': 'text/plain', 'transfer-encoding': 'chunked'})
  response.end(text)
}

/** /logs/: http.FileServer over the node's /var/log — a <pre> listing for folders. */
async function systemLogs(response: ServerResponse, path: string, context: HandlerContext): Promise<void> {
  const nodePath = `/var/log/${path.slice('/logs/'.length)}`.replace(/\/+$/, '') || '/var/log'
  const info = await context.node.stat(nodePath)
  if (!info) return httpError(response, 404, '404 page not found')
  if (info.isDirectory) {
    const names = (await context.node.listDir(nodePath)) ?? []
    const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;')
    response.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    response.end(`<pre>\n${names.map((name) => `<a href="${encodeURIComponent(name)}">${escape(name)}</a>\n`).join('')}</pre>\n`)
    return
  }
  response.writeHead(200, {'content-type': 'text/plain; charset=utf-8'})
  response.end((await context.node.readFile(nodePath)) ?? '')
}

function isForm(request: IncomingMessage): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(String(request.headers['content-type'] ?? ''))
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}
