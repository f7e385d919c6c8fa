import type {KubeletConfigView} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {invalidAuthorizationMode, invalidBoolean, kubeletConfigEvidence, parseGoBool, readKubelet, settingEvidence} from './kubelet-config.js'
import {anonymousRun, kubeletAnswer, PROBE_POD, unansweredEvidence, unexpectedAnswerEvidence} from './kubelet-wire.js'

export const kubeletExecUnauthenticated: CheckDefinition = {
  id: 'kubelet-exec-unauthenticated',
  title: 'Strangers cannot run commands in containers through the kubelet',
  component: 'kubelet',
  severity: 'critical',
  cis: [
    {benchmark: 'cis-1.12', id: '4.2.1', title: 'Ensure that the --anonymous-auth argument is set to false (Automated)'},
    {benchmark: 'cis-1.12', id: '4.2.2', title: 'Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)'},
  ],
  kubeHunter: ['KHV040', 'KHV039'],
  kubescape: [],
  remediation:
    'Close both doors in the kubelet\'s config file (kubeadm: /var/lib/kubelet/config.yaml): `authentication.anonymous.enabled: false` and `authorization.mode: Webhook`, and remove --anonymous-auth=true / --authorization-mode=AlwaysAllow from its command line (flags win over the file); then restart the kubelet. Either one alone stops a stranger, but only both together make the kubelet refuse strangers and ask the API server about everyone else.',
  evaluate,
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const [config, wire] = await Promise.all([configSide(ctx), wireSide(ctx)])
  const outcome: CheckOutcome = {config, wire}
  const port = ctx.target.endpoints.ports.kubelet
  if (sideVerdict(wire) === 'fail') {
    outcome.summary = `Anyone who can reach port ${port} can run commands in this node's containers: an anonymous POST to /run got past authentication and authorization.`
  } else if (sideVerdict(config) === 'fail') {
    outcome.summary = 'The kubelet is configured to let anonymous requests in and to allow everything: anyone who can reach it can run commands in its containers.'
  }
  return outcome
}

/**
 * The weakness needs both settings: anonymous requests let in (authentication) and nobody asked
 * (AlwaysAllow). Each item fails only when the other one is weak too; on its own a weak setting is
 * the business of kubelet-anonymous-auth or kubelet-authorization-mode, and the note says so.
 */
async function configSide(ctx: CheckContext): Promise<ConfigEvidence[]> {
  const read = await readKubelet(ctx)
  return kubeletConfigEvidence(read, 'authentication.anonymous.enabled', async (view) => {
    const anonymous = parseGoBool(view.get('anonymousAuth').value)
    const mode = view.get('authorizationMode').value
    const bothOpen = anonymous === true && mode === 'AlwaysAllow'
    return [
      await settingEvidence(ctx, view, 'anonymousAuth', (setting) => {
        if (anonymous === undefined) return invalidBoolean(setting)
        if (!anonymous) return {verdict: 'pass', note: 'requests without credentials get 401, so strangers never reach authorization'}
        return bothOpen
          ? {verdict: 'fail', note: 'requests without credentials are let in as system:anonymous, and AlwaysAllow lets them do anything'}
          : {verdict: 'pass', note: `anonymous requests are let in, but ${modeName(view)} still has to allow them (kubelet-anonymous-auth fails on this)`}
      }),
      await settingEvidence(ctx, view, 'authorizationMode', (setting) => {
        if (mode === 'Webhook') return {verdict: 'pass', note: 'the API server decides who may run commands (create on nodes/proxy)'}
        if (mode !== 'AlwaysAllow') return invalidAuthorizationMode(setting)
        return bothOpen
          ? {verdict: 'fail', note: 'nothing checks who may run commands, and anonymous requests are let in'}
          : {verdict: 'pass', note: 'AlwaysAllow, but only authenticated clients get this far (kubelet-authorization-mode fails on this)'}
      }),
    ]
  })
}

function modeName(view: KubeletConfigView): string {
  const mode = view.get('authorizationMode').value
  return mode === 'Webhook' ? 'Webhook authorization' : `authorization mode ${JSON.stringify(mode ?? '')}`
}

/**
 * kube-hunter's KHV040 probe: POST /run/<namespace>/<pod>/<container> for a pod that does not exist.
 * The kubelet authenticates and authorizes (verb create, nodes/proxy) before it looks the pod up
 * (pkg/kubelet/server/server.go getRun), so 404 "pod does not exist" means a stranger got past both.
 */
async function wireSide(ctx: CheckContext): Promise<WireEvidence[]> {
  const result = await anonymousRun(ctx)
  if (!result.ok) return [unansweredEvidence(ctx, result)]
  const answer = kubeletAnswer(result)
  switch (answer.kind) {
    case 'unauthorized':
      return [wireEvidence(result, 'pass', '401: the kubelet refuses requests without credentials before anything runs')]
    case 'forbidden':
      return [wireEvidence(result, 'pass', `403: the authorizer refused ${answer.user} before anything runs`)]
    case 'served':
      if (answer.status === 404) {
        return [
          wireEvidence(
            result,
            'fail',
            `authentication and authorization let an anonymous POST to /run through; only the made-up pod name "${PROBE_POD}" stopped it — with a pod name from /pods this runs the command in that container (KHV040)`,
          ),
        ]
      }
      if (answer.status === 405 && answer.body.includes('Debug endpoints are disabled')) {
        return [wireEvidence(result, 'pass', 'the kubelet\'s debugging handlers are off (enableDebuggingHandlers: false): /run, /exec and /attach are not served')]
      }
      if (answer.status === 200) return [wireEvidence(result, 'fail', 'the kubelet ran the command for a request without credentials (KHV040)')]
      return [unexpectedAnswerEvidence(result, 'POST /run')]
    case 'unanswered':
      return [unexpectedAnswerEvidence(result, 'POST /run')]
  }
}
