import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {isClosed, wireEvidence} from '../../wire.js'
import {kubeletConfigEvidence, readKubelet, settingEvidence, type SettingJudgement} from './kubelet-config.js'
import {describePodList, podList, readOnlyPods, unansweredEvidence, unexpectedAnswerEvidence} from './kubelet-wire.js'

export const kubeletReadOnlyPort: CheckDefinition = {
  id: 'kubelet-read-only-port',
  title: 'Kubelet read-only port is off',
  component: 'kubelet',
  severity: 'medium',
  cis: [{benchmark: 'cis-1.12', id: '4.2.4', title: 'Verify that if defined, the --read-only-port argument is set to 0 (Manual)', manual: true}],
  kubeHunter: ['KHV052', 'KHV044', 'KHV043', 'KHV002'],
  kubescape: ['C-0175'],
  remediation:
    'Set `readOnlyPort: 0` in the kubelet\'s config file (kubeadm: /var/lib/kubelet/config.yaml; 0 is also the default when a config file is used) and remove any --read-only-port from its command line (a flag wins over the file; without --config the kubelet opens 10255 by default), then restart the kubelet. Port 10255 serves /pods, /stats and /metrics over plain HTTP with no authentication at all; whatever needs metrics should use the authenticated port 10250.',
  evaluate,
}

/**
 * kube-bench reports CIS 4.2.4 as Manual, so a port open only on paper warns, as there. A port the
 * wire shows serving pods is a demonstrated exposure and fails.
 */
async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const [config, wire] = await Promise.all([configSide(ctx), wireSide(ctx)])
  const wireFails = sideVerdict(wire) === 'fail'
  const outcome: CheckOutcome = {config, wire}
  if (!wireFails) outcome.failIsWarn = true
  const port = ctx.target.endpoints.ports.kubeletReadOnly
  if (wireFails) {
    outcome.summary = `Anyone who can reach port ${port} reads this node's pod specs — environment variables, volumes, images — over plain HTTP, with no credentials at all.`
  } else if (sideVerdict(config) === 'fail') {
    outcome.summary = 'The kubelet is configured to open its unauthenticated plain-HTTP read-only port.'
  }
  return outcome
}

async function configSide(ctx: CheckContext): Promise<ConfigEvidence[]> {
  const read = await readKubelet(ctx)
  return kubeletConfigEvidence(read, 'readOnlyPort', async (view) => [
    await settingEvidence(ctx, view, 'readOnlyPort', (setting) => judgePort(setting.value)),
  ])
}

function judgePort(value: string | undefined): SettingJudgement {
  const port = value === undefined || !/^-?\d+$/.test(value) ? Number.NaN : Number(value)
  if (port === 0) return {verdict: 'pass', note: 'the read-only port is off'}
  if (Number.isInteger(port) && port > 0 && port <= 65535) {
    return {verdict: 'fail', note: `the kubelet serves /pods, /stats and /metrics on plain HTTP port ${port} with no authentication`}
  }
  return {verdict: 'error', note: `the kubelet refuses to start: ${JSON.stringify(value ?? '')} is not a port number between 0 and 65535`}
}

async function wireSide(ctx: CheckContext): Promise<WireEvidence[]> {
  const result = await readOnlyPods(ctx)
  const port = ctx.target.endpoints.ports.kubeletReadOnly
  if (!result.ok) {
    return isClosed(result) ? [wireEvidence(result, 'pass', `nothing listens on port ${port}`)] : [unansweredEvidence(ctx, result, 'kubeletReadOnly')]
  }
  if (result.status !== 200) return [unexpectedAnswerEvidence(result, 'GET /pods on the read-only port')]
  const pods = podList(result.body)
  return [
    wireEvidence(
      result,
      'fail',
      pods
        ? `plain HTTP, no credentials: the read-only port gave away ${describePodList(pods)} (KHV052)`
        : `plain HTTP, no credentials: port ${port} served GET /pods`,
    ),
  ]
}
