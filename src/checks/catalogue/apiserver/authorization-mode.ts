import type {HttpProbeResult} from '../../../probes/types.js'
import {apiserverSetting} from '../../config/component.js'
import {flagEvidence} from '../../config/evidence.js'
import type {StaticPodConfig} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {configEvidence, listValue, readApiserverConfig} from './apiserver-config.js'
import {anonymousGet, isAnonymousForbidden, jsonKind, unansweredEvidence} from './requests.js'

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
 * Anonymous GET /api/v1/namespaces. A 200 shows the authorizer let an anonymous caller list
 * namespaces; whether that is AlwaysAllow or an RBAC grant, GET /api tells apart: AlwaysAllow never
 * answers 403, so a 403 on /api means the authorizer denies some anonymous requests.
 */
function namespacesEvidence(namespaces: HttpProbeResult, discovery: HttpProbeResult): WireEvidence {
  if (!namespaces.ok) return unansweredEvidence(namespaces)
  if (namespaces.status === 200 && jsonKind(namespaces.body) === 'NamespaceList') {
    if (isAnonymousForbidden(discovery)) {
      return wireEvidence(
        namespaces,
        'unknown',
        'anonymous users list namespaces, yet the same server denied them GET /api: the authorizer is not AlwaysAllow, an RBAC grant to anonymous users allows this (see api-anonymous-rbac)',
      )
    }
    return wireEvidence(namespaces, 'fail', 'anonymous users list namespaces: the authorizer allowed a request that carried no credentials')
  }
  if (namespaces.status === 403) return wireEvidence(namespaces, 'pass', 'an authorizer denied the anonymous request')
  if (namespaces.status === 401) {
    return wireEvidence(
      namespaces,
      'unknown',
      'anonymous requests are rejected before authorization (401), so the authorizer cannot be seen from outside; the kubeconfig would not help either — a SelfSubjectAccessReview describes its own user, not the mode — so the configuration decides',
    )
  }
  return wireEvidence(namespaces, 'unknown', 'an answer that neither lists namespaces nor denies the request: this side cannot tell')
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readApiserverConfig(ctx)
  const config = configEvidence(read, '--authorization-mode', (found) => [modeEvidence(found)])
  const [namespaces, discovery] = await Promise.all([anonymousGet(ctx, '/api/v1/namespaces'), anonymousGet(ctx, '/api')])
  const wire = [namespacesEvidence(namespaces, discovery)]

  const allowsAll = config.some((item) => item.verdict === 'fail' && listValue(item.value).includes('AlwaysAllow')) || sideVerdict(wire) === 'fail'
  const configVerdict = sideVerdict(config)
  const summary = allowsAll
    ? 'Authorization lets every request through: anyone who gets past authentication — anonymous callers too, while anonymous auth is on — may do anything.'
    : configVerdict === 'fail'
      ? 'The authorizer chain is incomplete: without both Node and RBAC, kubelets or users get rights nobody granted them on purpose.'
      : configVerdict === 'pass'
        ? 'Requests are authorized by Node and RBAC: callers get only what they were granted.'
        : 'An authorizer refused a request without credentials, so not everything is allowed; the configured modes could not be read.'
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
    'Set --authorization-mode=Node,RBAC on the kube-apiserver command in /etc/kubernetes/manifests/kube-apiserver.yaml and remove AlwaysAllow. AlwaysAllow approves every request that passes authentication — with anonymous auth on, that includes requests with no credentials at all. Node restricts each kubelet to the Secrets, ConfigMaps and volumes of the pods scheduled to it; RBAC enforces Roles and bindings for everyone else. Make sure the RBAC bindings your users and workloads need exist before you restart, or they will be refused.',
  evaluate,
}
