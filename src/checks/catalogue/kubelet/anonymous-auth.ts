import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {invalidBoolean, kubeletConfigEvidence, parseGoBool, readKubelet, settingEvidence} from './kubelet-config.js'
import {ANONYMOUS_USER, anonymousPods, describePodList, kubeletAnswer, podList, unansweredEvidence, unexpectedAnswerEvidence} from './kubelet-wire.js'

export const kubeletAnonymousAuth: CheckDefinition = {
  id: 'kubelet-anonymous-auth',
  title: 'Kubelet refuses anonymous requests',
  component: 'kubelet',
  severity: 'high',
  cis: [{benchmark: 'cis-1.12', id: '4.2.1', title: 'Ensure that the --anonymous-auth argument is set to false (Automated)'}],
  kubeHunter: ['KHV036', 'KHV052'],
  kubescape: ['C-0069', 'C-0172'],
  remediation:
    'Set `authentication.anonymous.enabled: false` in the kubelet\'s config file (kubeadm: /var/lib/kubelet/config.yaml), and remove any --anonymous-auth=true from its command line (kubeadm-flags.env, /etc/default/kubelet, the systemd drop-in), because a flag wins over the file. Then restart the kubelet (systemctl restart kubelet). Requests without a client certificate or token then get 401 instead of being served as system:anonymous.',
  evaluate,
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const [config, wire] = await Promise.all([configSide(ctx), wireSide(ctx)])
  const outcome: CheckOutcome = {config, wire}
  const summary = summaryFor(ctx, config, wire)
  if (summary) outcome.summary = summary
  return outcome
}

async function configSide(ctx: CheckContext): Promise<ConfigEvidence[]> {
  const read = await readKubelet(ctx)
  return kubeletConfigEvidence(read, 'authentication.anonymous.enabled', async (view) => [
    await settingEvidence(ctx, view, 'anonymousAuth', (setting) => {
      const enabled = parseGoBool(setting.value)
      if (enabled === undefined) return invalidBoolean(setting)
      return enabled
        ? {verdict: 'fail', note: 'requests without credentials are let in as system:anonymous (group system:unauthenticated)'}
        : {verdict: 'pass', note: 'requests without credentials get 401 Unauthorized'}
    }),
  ])
}

async function wireSide(ctx: CheckContext): Promise<WireEvidence[]> {
  const result = await anonymousPods(ctx)
  if (!result.ok) return [unansweredEvidence(ctx, result)]
  const answer = kubeletAnswer(result)
  switch (answer.kind) {
    case 'unauthorized':
      return [wireEvidence(result, 'pass', '401 Unauthorized: the kubelet refuses requests that carry no credentials')]
    case 'forbidden':
      return answer.user === ANONYMOUS_USER
        ? [
            wireEvidence(
              result,
              'fail',
              'the kubelet let the request in as system:anonymous; only its authorizer said no to this path (kube-hunter reports KHV036 for any answer but 401)',
            ),
          ]
        : [unexpectedAnswerEvidence(result, 'a request without credentials')]
    case 'served': {
      if (answer.status !== 200) return [unexpectedAnswerEvidence(result, 'GET /pods')]
      const pods = podList(answer.body)
      return [
        wireEvidence(
          result,
          'fail',
          pods
            ? `a stranger read the node's PodList: ${describePodList(pods)} (KHV036, KHV052)`
            : 'the kubelet served GET /pods to a request without credentials (KHV036)',
        ),
      ]
    }
    case 'unanswered':
      return [unexpectedAnswerEvidence(result, 'GET /pods')]
  }
}

function summaryFor(ctx: CheckContext, config: ConfigEvidence[], wire: WireEvidence[]): string | undefined {
  const port = ctx.target.endpoints.ports.kubelet
  if (sideVerdict(wire) === 'fail') {
    return wire.some((item) => item.status === 200)
      ? `Anyone who can reach port ${port} can list this node's pods without credentials, and the kubelet serves them as system:anonymous.`
      : `The kubelet on port ${port} lets requests without credentials in as system:anonymous; only its authorizer stands between a stranger and the node.`
  }
  if (sideVerdict(config) === 'fail') return 'The kubelet is configured to let requests without credentials in as system:anonymous.'
  return undefined
}
