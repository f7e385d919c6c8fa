import type {HttpProbeResult} from '../../../probes/types.js'
import type {ApiCredentials} from '../../../target/kubeconfig.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {apiCredentials, wireEvidence} from '../../wire.js'
import {configEvidence, falseFlagEvidence, readApiserverConfig} from './apiserver-config.js'
import {anonymousGet, credentialedRequest, unansweredEvidence} from './requests.js'

const PPROF_PATH = '/debug/pprof/'

/**
 * With the kubeconfig's credentials authorization normally passes, so the answer shows the handler
 * itself: 200 when profiling is on, 404 when it is off.
 */
function credentialedEvidence(result: HttpProbeResult): WireEvidence {
  if (!result.ok) return unansweredEvidence(result)
  if (result.status === 200) return wireEvidence(result, 'fail', 'the profiler answers: CPU profiles, heap and goroutine dumps of the API server')
  if (result.status === 404) return wireEvidence(result, 'pass', 'no profiler is installed at this path')
  if (result.status === 401 || result.status === 403) return wireEvidence(result, 'unknown', `the kubeconfig's user may not read ${PPROF_PATH}, so the handler stays out of sight`)
  return wireEvidence(result, 'unknown', 'an answer that shows neither the profiler nor its absence')
}

/** Anonymously, authentication and authorization run before routing: a 401/403 hides whether the profiler exists. */
function anonymousEvidence(result: HttpProbeResult): WireEvidence {
  if (!result.ok) return unansweredEvidence(result)
  if (result.status === 200) return wireEvidence(result, 'fail', 'anyone, without credentials, downloads profiles of the API server')
  if (result.status === 404) return wireEvidence(result, 'pass', 'the request was authorized and no profiler is installed')
  if (result.status === 401 || result.status === 403) {
    return wireEvidence(result, 'unknown', 'stopped by authentication or authorization before the handler: this does not show whether profiling is on')
  }
  return wireEvidence(result, 'unknown', 'an answer that shows neither the profiler nor its absence')
}

async function credentialedProbe(ctx: CheckContext): Promise<WireEvidence | undefined> {
  let credentials: ApiCredentials | undefined
  try {
    credentials = await apiCredentials(ctx)
  } catch (error) {
    return {request: `GET ${PPROF_PATH} (kubeconfig)`, verdict: 'error', error: error instanceof Error ? error.message : String(error)}
  }
  return credentials ? credentialedEvidence(await credentialedRequest(ctx, credentials, PPROF_PATH)) : undefined
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readApiserverConfig(ctx)
  const config = configEvidence(read, '--profiling', (found) => [
    falseFlagEvidence(found, 'profiling', 'true', {
      open: `kube-apiserver serves Go's profiler at ${PPROF_PATH} to anyone authorized for that path: CPU and heap profiles, goroutine stacks, and a cheap way to load the server`,
      closed: 'the profiler handlers are not installed',
    }),
  ])
  const [withCredentials, anonymous] = await Promise.all([credentialedProbe(ctx), anonymousGet(ctx, PPROF_PATH)])
  const wire = [...(withCredentials ? [withCredentials] : []), anonymousEvidence(anonymous)]
  const on = sideVerdict(config) === 'fail' || sideVerdict(wire) === 'fail'
  return {
    config,
    wire,
    summary: on
      ? 'The API server runs with its profiler on: whoever may read /debug/pprof/ learns its internals and can slow it down.'
      : 'The API server’s profiler is off.',
  }
}

export const profilingCheck: CheckDefinition = {
  id: 'api-profiling',
  title: 'The API server does not expose its profiler',
  component: 'apiserver',
  severity: 'low',
  cis: [{benchmark: 'cis-1.12', id: '1.2.15', title: 'Ensure that the --profiling argument is set to false'}],
  kubeHunter: [],
  kubescape: ['C-0129'],
  remediation:
    'Add --profiling=false to the kube-apiserver command in /etc/kubernetes/manifests/kube-apiserver.yaml. Profiling is on by default and serves /debug/pprof/: stack traces and memory profiles reveal internals, and CPU profiling is an easy way to slow the API server down. Turn it on briefly when you debug a performance problem, then off again.',
  evaluate,
}
