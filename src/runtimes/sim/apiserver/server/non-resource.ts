/**
 * Non-resource endpoints: discovery, /version, the health checks (with `?verbose` and per-check paths),
 * a minimal /openapi/v3 (see api/openapi.ts; /openapi/v2 is 404), /metrics, and /debug/pprof when --profiling is on.
 */
import type {ServerResponse} from 'node:http'
import type {ApiContext} from '../api/context.js'
import {apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo} from '../api/discovery.js'
import {openApiV3GroupVersion, openApiV3Index} from '../api/openapi.js'
import {sendJson, sendText} from './http.js'

export interface NonResourceSettings {
  profiling: boolean
  /** host:port clients should use, for /api's serverAddressByClientCIDRs. */
  serverAddress: string
  /** The process's own command line, for /debug/pprof/cmdline. */
  commandLine: string[]
}

const HEALTH_CHECKS = ['ping', 'log', 'etcd', 'poststarthook/start-kube-apiserver-admission-initializer', 'poststarthook/rbac/bootstrap-roles']

async function health(context: ApiContext, response: ServerResponse, endpoint: string, url: URL): Promise<void> {
  const etcdOk = await context.store.healthy(1000)
  const rest = url.pathname.slice(endpoint.length + 1).replace(/^\//, '')
  if (rest !== '') {
    if (!HEALTH_CHECKS.includes(rest)) return sendText(response, 404, '404 page not found\n')
    if (rest === 'etcd' && !etcdOk) return sendText(response, 500, 'internal server error: etcd client connection not yet established\n')
    return sendText(response, 200, 'ok')
  }
  const verbose = url.searchParams.has('verbose')
  if (!verbose && etcdOk) return sendText(response, 200, 'ok')
  const lines = HEALTH_CHECKS.map((check) => (check === 'etcd' && !etcdOk ? `[-]${check} failed: reason withheld` : `[+]${check} ok`))
  const verdict = etcdOk ? `${endpoint.slice(1)} check passed` : `${endpoint.slice(1)} check failed`
  return sendText(response, etcdOk ? 200 : 500, `${lines.join('\n')}\n${verdict}\n`)
}

const PPROF_INDEX = `<html>
<head>
<title>/debug/pprof/</title>
</head>
<body>
/debug/pprof/<br>
<br>
Types of profiles available:
<table>
<thead><td>Count</td><td>Profile</td></thead>
<tr><td>0</td><td><a href='allocs?debug=1'>allocs</a></td></tr>
<tr><td>0</td><td><a href='goroutine?debug=1'>goroutine</a></td></tr>
<tr><td>0</td><td><a href='heap?debug=1'>heap</a></td></tr>
<tr><td></td><td><a href='cmdline'>cmdline</a></td></tr>
</table>
</body>
</html>
`

/** Answers the request, or returns false when the path is not a known non-resource endpoint. */
export async function serveNonResource(
  context: ApiContext,
  settings: NonResourceSettings,
  url: URL,
  response: ServerResponse,
): Promise<boolean> {
  const path = url.pathname
  const segments = path.split('/').filter((segment) => segment !== '')
  if (path === '/api' || path === '/api/') {
    sendJson(response, 200, apiVersions(settings.serverAddress))
    return true
  }
  if (segments[0] === 'api' && segments.length === 2) {
    const list = apiResourceList(context.registry, '', segments[1] ?? '')
    if (!list) return false
    sendJson(response, 200, list)
    return true
  }
  if (path === '/apis' || path === '/apis/') {
    sendJson(response, 200, apiGroupList(context.registry))
    return true
  }
  if (segments[0] === 'apis' && segments.length === 2) {
    const group = apiGroup(context.registry, segments[1] ?? '')
    if (!group) return false
    sendJson(response, 200, group)
    return true
  }
  if (segments[0] === 'apis' && segments.length === 3) {
    const list = apiResourceList(context.registry, segments[1] ?? '', segments[2] ?? '')
    if (!list) return false
    sendJson(response, 200, list)
    return true
  }
  if (path === '/version' || path === '/version/') {
    sendJson(response, 200, versionInfo(context.version))
    return true
  }
  for (const endpoint of ['/healthz', '/livez', '/readyz']) {
    if (path === endpoint || path.startsWith(`${endpoint}/`)) {
      await health(context, response, endpoint, url)
      return true
    }
  }
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    sendJson(response, 200, openApiV3Index(context.registry))
    return true
  }
  if (path.startsWith('/openapi/v3/')) {
    const document = openApiV3GroupVersion(context.registry, context.version, path.slice('/openapi/v3/'.length))
    if (!document) return false
    sendJson(response, 200, document)
    return true
  }
  if (path === '/metrics') {
    const version = context.version
    sendText(
      response,
      200,
      `# HELP kubernetes_build_info [ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.\n# TYPE kubernetes_build_info gauge\nkubernetes_build_info{git_version="${version.gitVersion}",major="${version.major}",minor="${version.minor}"} 1\n`,
      'text/plain; version=0.0.4; charset=utf-8',
    )
    return true
  }
  if (settings.profiling && (path === '/debug/pprof' || path.startsWith('/debug/pprof/'))) {
    if (path === '/debug/pprof' ) {
      response.writeHead(301, {Location: '/debug/pprof/'})
      response.end()
    } else if (path === '/debug/pprof/') {
      sendText(response, 200, PPROF_INDEX, 'text/html; charset=utf-8')
    } else if (path === '/debug/pprof/cmdline') {
      sendText(response, 200, settings.commandLine.join('\u0000'))
    } else {
      sendText(response, 404, 'Unknown profile\n')
    }
    return true
  }
  return false
}
