import type {HttpProbeResult} from '../../../probes/types.js'
import {apiserverSetting} from '../../config/component.js'
import {flagEvidence} from '../../config/evidence.js'
import type {StaticPodConfig} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import type {ApiCredentials} from '../../../target/kubeconfig.js'
import {sideVerdict} from '../../verdict.js'
import {apiCredentials, wireEvidence} from '../../wire.js'
import {reviewAccess, SUBJECT_ACCESS_REVIEWS} from '../rbac/access-review.js'
import {describeQuestion, type AccessQuestion} from '../rbac/rules.js'
import {configEvidence, listValue, readApiserverConfig} from './apiserver-config.js'
import {anonymousGet, jsonKind, unansweredEvidence} from './requests.js'

/** kube-apiserver's default when neither --authorization-mode nor --authorization-config is given. */
const DEFAULT_MODE = 'AlwaysAllow'

/** What is wrong with a mode list, by CIS control. */
function modeProblems(modes: readonly string[]): string[] {
  const problems: string[] = []
  if (modes.includes('AlwaysAllow')) problems.push('includes AlwaysAllow, so every request is allowed whatever else is listed (CIS 1.2.6)')
  if (!modes.includes('Node')) problems.push('lacks Node, so kubelets are not limited to the objects of their own pods (CIS 1.2.7)')
  if (!modes.includes('RBAC')) problems.push('lacks RBAC, so Roles and bindings are not enforced (CIS 1.2.8)')
  return problems
}

function modeEvidence(config: StaticPodConfig): ConfigEvidence {
  const setting = apiserverSetting(config, 'authorization-mode')
  const structured = apiserverSetting(config, 'authorization-config')
  if (!setting && structured) {
    return flagEvidence('authorization-mode', undefined, () => 'unknown', {
      note: `not set; the authorizers come from the AuthorizationConfiguration file ${structured.value} (--authorization-config), which this check does not read`,
    })
  }
  const problems = modeProblems(listValue(setting?.value ?? DEFAULT_MODE))
  const explanation = problems.length > 0 ? problems.join('; ') : 'Node limits kubelets to their own pods’ objects; RBAC limits everyone else to what they are granted'
  return flagEvidence('authorization-mode', setting, () => (problems.length > 0 ? 'fail' : 'pass'), {
    defaultValue: DEFAULT_MODE,
    note: setting ? explanation : `not set, so the default AlwaysAllow applies: ${explanation}`,
  })
}

/**
 * Anonymous GET /api/v1/namespaces. It can confirm that an authorizer refuses anonymous requests
 * (403), but it can never show AlwaysAllow: with AlwaysAllow among --authorization-mode the API
 * server turns anonymous auth off at start (pkg/kubeapiserver/options/authentication.go
 * ApplyAuthorization), so such a server answers 401. An anonymous 200 therefore comes from a grant.
 */
function namespacesEvidence(namespaces: HttpProbeResult): WireEvidence {
  if (!namespaces.ok) return unansweredEvidence(namespaces)
  if (namespaces.status === 200 && jsonKind(namespaces.body) === 'NamespaceList') {
    return wireEvidence(
      namespaces,
      'unknown',
      'anonymous users list namespaces, so anonymous auth is on and the authorizer is not --authorization-mode=AlwaysAllow (which turns anonymous auth off): an RBAC grant to anonymous users (see api-anonymous-rbac) or another authorizer allows this',
    )
  }
  if (namespaces.status === 403) return wireEvidence(namespaces, 'pass', 'an authorizer denied the anonymous request')
  if (namespaces.status === 401) {
    return wireEvidence(
      namespaces,
      'unknown',
      'anonymous requests are rejected before authorization (401), so the authorizer cannot be seen this way — AlwaysAllow itself makes the API server turn anonymous auth off. A SelfSubjectAccessReview would describe only its own user; with a kubeconfig, a SubjectAccessReview for a user nobody granted anything shows the mode',
    )
  }
  return wireEvidence(namespaces, 'unknown', 'an answer that neither lists namespaces nor denies the request: this side cannot tell')
}

/** A user no binding names, asked about without groups: only an authorizer that allows everything lets it do something. */
export const UNGRANTED_USER = 'kubelab:unprivileged-probe'
const UNGRANTED_QUESTION: AccessQuestion = {verb: 'list', group: '', resource: 'secrets', namespace: 'kube-system'}

/**
 * Asks the running API server's authorizer chain (a SubjectAccessReview, as the kubeconfig's user)
 * whether UNGRANTED_USER, with no groups at all, may list kube-system's Secrets. RBAC and Node have
 * nothing for such a user; AlwaysAllow allows it (pkg/registry/authorization/subjectaccessreview/rest.go
 * runs the same authorizer as real requests). Nothing without a kubeconfig.
 */
async function ungrantedUserEvidence(ctx: CheckContext): Promise<WireEvidence | undefined> {
  let credentials: ApiCredentials | undefined
  try {
    credentials = await apiCredentials(ctx)
  } catch (error) {
    return {request: `POST ${SUBJECT_ACCESS_REVIEWS} (kubeconfig)`, verdict: 'error', error: error instanceof Error ? error.message : String(error)}
  }
  if (!credentials) return undefined
  const review = await reviewAccess(ctx, credentials, {user: UNGRANTED_USER, groups: []}, UNGRANTED_QUESTION)
  const asked = `asked whether ${UNGRANTED_USER}, a user with no groups whom no binding names, may ${describeQuestion(UNGRANTED_QUESTION)}`
  if (review.verdict === 'fail') return {...review, note: `${asked}: allowed — the authorizer allows every request (AlwaysAllow)`}
  if (review.verdict === 'pass') return {...review, note: `${asked}: not allowed — the running authorizer chain is not AlwaysAllow`}
  return review
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readApiserverConfig(ctx)
  const config = configEvidence(read, '--authorization-mode', (found) => [modeEvidence(found)])
  const [namespaces, ungranted] = await Promise.all([anonymousGet(ctx, '/api/v1/namespaces'), ungrantedUserEvidence(ctx)])
  const wire = [namespacesEvidence(namespaces), ...(ungranted ? [ungranted] : [])]

  const allowsAll = config.some((item) => item.verdict === 'fail' && listValue(item.value).includes('AlwaysAllow')) || sideVerdict(wire) === 'fail'
  const configVerdict = sideVerdict(config)
  const summary = allowsAll
    ? 'Authorization lets every request through: anyone who gets past authentication — anonymous callers too, while anonymous auth is on — may do anything.'
    : configVerdict === 'fail'
      ? 'The authorizer chain is incomplete: without both Node and RBAC, kubelets or users get rights nobody granted them on purpose.'
      : configVerdict === 'pass'
        ? 'Requests are authorized by Node and RBAC: callers get only what they were granted.'
        : 'An authorizer refused a request, so not everything is allowed; the configured modes could not be read.'
  return {config, wire, summary}
}

export const authorizationModeCheck: CheckDefinition = {
  id: 'api-authorization-mode',
  title: 'The API server authorizes requests with Node and RBAC, never AlwaysAllow',
  component: 'apiserver',
  severity: 'critical',
  cis: [
    {benchmark: 'cis-1.12', id: '1.2.6', title: 'Ensure that the --authorization-mode argument is not set to AlwaysAllow'},
    {benchmark: 'cis-1.12', id: '1.2.7', title: 'Ensure that the --authorization-mode argument includes Node'},
    {benchmark: 'cis-1.12', id: '1.2.8', title: 'Ensure that the --authorization-mode argument includes RBAC'},
  ],
  kubeHunter: ['KHV007'],
  kubescape: ['C-0118', 'C-0119', 'C-0120'],
  remediation:
    'Set --authorization-mode=Node,RBAC on the kube-apiserver command in /etc/kubernetes/manifests/kube-apiserver.yaml and remove AlwaysAllow. AlwaysAllow approves every request that passes authentication: any client certificate, token or service account may do anything. While AlwaysAllow is listed the API server turns anonymous auth off by itself; it comes back on when you remove AlwaysAllow, so add --anonymous-auth=false in the same edit. Node restricts each kubelet to the Secrets, ConfigMaps and volumes of the pods scheduled to it; RBAC enforces Roles and bindings for everyone else. Make sure the RBAC bindings your users and workloads need exist before you restart, or they will be refused.',
  evaluate,
}
