import type {HttpProbeResult} from '../../../probes/types.js'
import type {KubeletConfigView} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {endpointUrl, wireEvidence} from '../../wire.js'
import {kubeconfigClientCertificate, pemCertificates, subjectField, type ClientCertificate} from './client-certificate.js'
import {kubeletConfigEvidence, readKubelet, settingEvidence, type SettingJudgement} from './kubelet-config.js'
import {ANONYMOUS_USER, anonymousPods, certificatePods, kubeletAnswer, unansweredEvidence, unexpectedAnswerEvidence} from './kubelet-wire.js'

export const kubeletClientCa: CheckDefinition = {
  id: 'kubelet-client-ca',
  title: 'Kubelet verifies client certificates against the cluster CA',
  component: 'kubelet',
  severity: 'medium',
  cis: [{benchmark: 'cis-1.12', id: '4.2.3', title: 'Ensure that the --client-ca-file argument is set as appropriate (Automated)'}],
  kubeHunter: [],
  kubescape: ['C-0070', 'C-0174'],
  remediation:
    'Set `authentication.x509.clientCAFile` in the kubelet\'s config file to the cluster CA (kubeadm: /etc/kubernetes/pki/ca.crt) — or --client-ca-file on its command line — and make sure the file exists on the node, then restart the kubelet. The kubelet then asks clients for a certificate and recognises the ones the cluster CA signed, which is how kube-apiserver proves who it is (--kubelet-client-certificate) when you run kubectl logs or exec; without it the only way in is a token or anonymous access.',
  evaluate,
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const [config, wire] = await Promise.all([configSide(ctx), wireSide(ctx)])
  const outcome: CheckOutcome = {config, wire}
  if (sideVerdict(wire) === 'fail') {
    outcome.summary = 'The kubelet does not recognise certificates signed by the cluster CA: kube-apiserver cannot prove who it is to it with its kubelet client certificate.'
  } else if (sideVerdict(config) === 'fail') {
    outcome.summary = 'The kubelet has no usable client CA: it cannot recognise client certificates, kube-apiserver\'s included.'
  }
  return outcome
}

async function configSide(ctx: CheckContext): Promise<ConfigEvidence[]> {
  const read = await readKubelet(ctx)
  return kubeletConfigEvidence(read, 'authentication.x509.clientCAFile', async (view) => {
    const judgement = await judgeClientCaFile(ctx, view)
    return [await settingEvidence(ctx, view, 'clientCAFile', () => judgement)]
  })
}

/** Set, and a file on the node holding at least one certificate: what the kubelet needs to start with x509 authentication. */
async function judgeClientCaFile(ctx: CheckContext, view: KubeletConfigView): Promise<SettingJudgement> {
  const file = view.get('clientCAFile').value
  if (file === undefined || file === '') {
    return {verdict: 'fail', note: 'not set: the kubelet does not ask for client certificates, so it cannot recognise any, kube-apiserver\'s kubelet client certificate included'}
  }
  const node = ctx.target.node
  if (!node) return {verdict: 'unknown', note: 'no node access to read the file'}
  let text: string | undefined
  try {
    text = await node.readFile(file)
  } catch (error) {
    return {verdict: 'error', note: `cannot read ${file}: ${(error as Error).message}`}
  }
  if (text === undefined) {
    return {verdict: 'fail', note: `${file} does not exist on the node: the kubelet refuses to start ("unable to load client CA file")`}
  }
  const authorities = pemCertificates(text)
  if (authorities.length === 0) {
    return {verdict: 'fail', note: `${file} holds no PEM certificate: the kubelet refuses to start ("unable to load client CA file")`}
  }
  const names = authorities.map((authority) => `CN=${subjectField(authority, 'CN') ?? '(none)'}`).join(', ')
  return {verdict: 'pass', note: `the kubelet verifies client certificates against ${names} from ${file}`}
}

/**
 * What a GET /pods presenting a client certificate signed by the cluster CA proves. The kubelet
 * builds its authenticator with k8s.io/apiserver authenticatorfactory.DelegatingAuthenticatorConfig:
 * union.New(x509, token webhook), wrapped — when anonymous auth is on — in
 * union.NewFailOnError(..., anonymous), so an authenticator's *error* short-circuits to 401 and only
 * "no credentials of my kind" falls through to anonymous.
 *
 * With a client CA, the kubelet's TLS asks for a certificate without requiring one
 * (tls.RequestClientCert, cmd/kubelet/app/server.go InitializeTLS) and the x509 authenticator
 * verifies it: a certificate that verifies is the user CN (groups O); one that does not is an error,
 * hence 401, never anonymous. Without a client CA the kubelet does not ask for a certificate at all,
 * the client sends none, and the request is anonymous (anonymous on) or refused (anonymous off).
 *
 *   403 naming the certificate's CN   → x509 recognised it                                 → pass
 *   200                               → recognised, unless anonymous requests get 200 too,
 *                                       in which case the certificate may have been ignored → pass / unknown
 *   403 naming system:anonymous       → the certificate was ignored: no client CA           → fail
 *   401                               → not recognised: no client CA (anonymous off), or a
 *                                       client CA that does not include the cluster CA       → fail
 */
async function wireSide(ctx: CheckContext): Promise<WireEvidence[]> {
  const read = await kubeconfigClientCertificate(ctx)
  const notSent = `GET ${endpointUrl(ctx, 'kubelet', 'https', '/pods')} (kubeconfig client certificate; not sent)`
  if (read.state === 'none') return read.kubeconfigGiven ? [{request: notSent, verdict: 'unknown', note: read.reason}] : []
  if (read.state === 'unreadable') {
    return [{request: notSent, verdict: 'error', error: read.error instanceof Error ? read.error.message : String(read.error)}]
  }
  const certificate = read.certificate
  const result = await certificatePods(ctx, certificate)
  if (!result.ok) return [unansweredEvidence(ctx, result)]
  const answer = kubeletAnswer(result)
  switch (answer.kind) {
    case 'forbidden':
      if (answer.user === certificate.commonName) {
        return [wireEvidence(result, 'pass', `the kubelet recognised the certificate as ${answer.user} (its client CA includes the cluster CA); its authorizer then decided`)]
      }
      if (answer.user === ANONYMOUS_USER) {
        return [
          wireEvidence(
            result,
            'fail',
            'the kubelet ignored the certificate and served the request as system:anonymous: with no client CA it does not even ask for client certificates',
          ),
        ]
      }
      return [unexpectedAnswerEvidence(result, `a request with ${certificate.commonName}'s certificate`)]
    case 'unauthorized':
      return [
        wireEvidence(
          result,
          'fail',
          `401: the kubelet did not recognise a certificate the cluster CA signed — it has no client CA (and anonymous auth is off), or its client CA does not include the cluster CA; kube-apiserver's kubelet client certificate is refused the same way`,
        ),
      ]
    case 'served':
      if (answer.status !== 200) return [unexpectedAnswerEvidence(result, 'GET /pods')]
      return [await servedEvidence(ctx, result, certificate)]
    case 'unanswered':
      return [unexpectedAnswerEvidence(result, 'GET /pods')]
  }
}

async function servedEvidence(ctx: CheckContext, result: HttpProbeResult, certificate: ClientCertificate): Promise<WireEvidence> {
  const anonymous = kubeletAnswer(await anonymousPods(ctx))
  if (anonymous.kind === 'unauthorized' || anonymous.kind === 'forbidden') {
    return wireEvidence(
      result,
      'pass',
      `the kubelet served ${certificate.commonName} while it refuses requests without credentials (${anonymous.kind === 'unauthorized' ? '401' : '403'}): it recognised the certificate through its client CA`,
    )
  }
  return wireEvidence(
    result,
    'unknown',
    anonymous.kind === 'served' && anonymous.status === 200
      ? 'requests without credentials are served too, so this 200 does not show whether the certificate was checked'
      : 'the answer to a request without credentials is not known, so this 200 does not show whether the certificate was checked',
  )
}
