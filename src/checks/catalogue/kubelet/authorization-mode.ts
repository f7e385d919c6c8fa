import type {HttpProbeResult} from '../../../probes/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {kubeconfigClientCertificate, type ClientCertificate} from './client-certificate.js'
import {invalidAuthorizationMode, kubeletConfigEvidence, readKubelet, settingEvidence} from './kubelet-config.js'
import {anonymousPods, certificatePods, kubeletAnswer, unansweredEvidence, unexpectedAnswerEvidence} from './kubelet-wire.js'

export const kubeletAuthorizationMode: CheckDefinition = {
  id: 'kubelet-authorization-mode',
  title: 'Kubelet authorizes requests (authorization mode is not AlwaysAllow)',
  component: 'kubelet',
  severity: 'critical',
  cis: [{benchmark: 'cis-1.12', id: '4.2.2', title: 'Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)'}],
  kubeHunter: ['KHV037', 'KHV038', 'KHV039', 'KHV040', 'KHV042', 'KHV045', 'KHV046'],
  kubescape: ['C-0173'],
  remediation:
    'Set `authorization.mode: Webhook` in the kubelet\'s config file (kubeadm: /var/lib/kubelet/config.yaml) and remove any --authorization-mode=AlwaysAllow from its command line (a flag wins over the file), then restart the kubelet. With Webhook the kubelet asks the API server (a SubjectAccessReview on nodes/proxy, nodes/log, ...) whether each user may do what they ask, so RBAC decides who may read logs or run commands on the node; make sure webhook authentication is on too (`authentication.webhook.enabled: true`) so that tokens are recognised.',
  evaluate,
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const [config, wire] = await Promise.all([configSide(ctx), wireSide(ctx)])
  const outcome: CheckOutcome = {config, wire}
  const port = ctx.target.endpoints.ports.kubelet
  if (sideVerdict(wire) === 'fail') {
    outcome.summary = `The kubelet on port ${port} served a request without credentials without asking anyone: nothing stands between a stranger and the pods' logs and commands.`
  } else if (sideVerdict(config) === 'fail') {
    outcome.summary = 'The kubelet is configured with authorization mode AlwaysAllow: every request it authenticates may read logs and run commands in pods.'
  }
  return outcome
}

async function configSide(ctx: CheckContext): Promise<ConfigEvidence[]> {
  const read = await readKubelet(ctx)
  return kubeletConfigEvidence(read, 'authorization.mode', async (view) => [
    await settingEvidence(ctx, view, 'authorizationMode', (setting) => {
      if (setting.value === 'AlwaysAllow') {
        return {verdict: 'fail', note: 'every request the kubelet authenticates is allowed, anonymous ones too when anonymous auth is on'}
      }
      if (setting.value === 'Webhook') {
        return {verdict: 'pass', note: 'the kubelet asks the API server (SubjectAccessReview) whether each user may do what they ask'}
      }
      return invalidAuthorizationMode(setting)
    }),
  ])
}

/**
 * Only a request that reaches the authorizer shows the mode. Without credentials that needs
 * anonymous auth on: 200 means nothing said no, 403 means an authorizer did. A 401 stops before
 * authorization; then a request with the kubeconfig's client certificate can still show a 403, but
 * its 200 proves nothing, because Webhook (RBAC) allows a cluster admin everything AlwaysAllow does.
 */
async function wireSide(ctx: CheckContext): Promise<WireEvidence[]> {
  const anonymous = await anonymousPods(ctx)
  if (!anonymous.ok) return [unansweredEvidence(ctx, anonymous)]
  const answer = kubeletAnswer(anonymous)
  if (answer.kind === 'forbidden') {
    return [wireEvidence(anonymous, 'pass', `an authorizer refused ${answer.user}: the kubelet is not in AlwaysAllow mode`)]
  }
  if (answer.kind === 'served' && answer.status === 200) {
    return [
      wireEvidence(
        anonymous,
        'fail',
        'the kubelet served a request without credentials: nothing checked whether system:anonymous may read pods (AlwaysAllow, or a Webhook policy that grants anonymous users nodes/proxy)',
      ),
    ]
  }
  if (answer.kind !== 'unauthorized') return [unexpectedAnswerEvidence(anonymous, 'GET /pods')]

  const evidence = [
    wireEvidence(anonymous, 'unknown', '401: anonymous requests are refused before authorization, so a request without credentials cannot show the authorization mode'),
  ]
  const certificate = await kubeconfigClientCertificate(ctx)
  if (certificate.state === 'found') evidence.push(certificateEvidence(ctx, await certificatePods(ctx, certificate.certificate), certificate.certificate))
  return evidence
}

function certificateEvidence(ctx: CheckContext, result: HttpProbeResult, certificate: ClientCertificate): WireEvidence {
  if (!result.ok) return unansweredEvidence(ctx, result)
  const answer = kubeletAnswer(result)
  switch (answer.kind) {
    case 'forbidden':
      return wireEvidence(result, 'pass', `an authorizer refused ${answer.user}: the kubelet is not in AlwaysAllow mode`)
    case 'unauthorized':
      return wireEvidence(result, 'unknown', `the kubelet did not accept ${certificate.commonName}'s certificate, so the request never reached authorization`)
    case 'served':
      return answer.status === 200
        ? wireEvidence(
            result,
            'unknown',
            `the kubelet served ${certificate.commonName}; Webhook authorization allows a cluster admin as much as AlwaysAllow does, so this does not tell them apart`,
          )
        : unexpectedAnswerEvidence(result, 'GET /pods')
    case 'unanswered':
      return unexpectedAnswerEvidence(result, 'GET /pods')
  }
}
