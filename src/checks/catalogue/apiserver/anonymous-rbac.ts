import type {HttpProbeResult} from '../../../probes/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {anonymousGrants, reachesAnonymous, type Grant} from '../rbac/findings.js'
import {describeRules} from '../rbac/rules.js'
import {readRbac} from '../rbac/snapshot.js'
import {describeBinding, describeSubject} from '../rbac/subjects.js'
import {anonymousGet, jsonKind, unansweredEvidence} from './requests.js'

const SECRETS_PATH = '/api/v1/namespaces/kube-system/secrets'

/** What lets anonymous users read when no binding beyond the defaults does. */
const UNBOUND_CAUSES = 'a default role was widened (system:public-info-viewer, kubeadm:bootstrap-signer-clusterinfo), or an authorizer other than RBAC (ABAC, a webhook) allows it'

function grantEvidence(grant: Grant): ConfigEvidence {
  const subjects = grant.subjects.map((subject) => describeSubject(subject, grant.binding.namespace)).join(', ')
  const role = `${grant.binding.roleRef.kind} ${grant.binding.roleRef.name}`
  const grants = grant.role ? describeRules(grant.rules) || 'no rules yet' : 'the role does not exist yet; the binding grants it the moment someone creates it'
  const scope = grant.binding.kind === 'RoleBinding' ? ` in namespace ${grant.binding.namespace ?? ''}` : ''
  return {setting: describeBinding(grant.binding), value: `${subjects} → ${role}`, source: 'api', verdict: 'fail', note: `grants ${grants}${scope}`}
}

/** What the bindings side found; `read` is false without a kubeconfig or when the bindings could not be listed. */
interface BindingsFound {
  config: ConfigEvidence[]
  grants: Grant[]
  read: boolean
}

/** The bindings side: read with the kubeconfig's credentials; nothing without a kubeconfig. */
async function bindingsEvidence(ctx: CheckContext): Promise<BindingsFound> {
  const read = await readRbac(ctx)
  if (!read) return {config: [], grants: [], read: false}
  if (!read.ok) return {config: [{setting: 'RBAC bindings', value: undefined, source: 'api', verdict: read.verdict, note: read.reason}], grants: [], read: false}
  const grants = anonymousGrants(read.snapshot)
  if (grants.length > 0) return {config: grants.map(grantEvidence), grants, read: true}
  return {
    config: [
      {
        setting: 'bindings to system:anonymous, system:unauthenticated',
        value: 'only the defaults',
        source: 'api',
        verdict: 'pass',
        note: `read as ${read.snapshot.readAs}: nothing beyond system:public-info-viewer (health and version endpoints) and kubeadm's kube-public/cluster-info reader, and no cluster-admin for system:authenticated`,
      },
    ],
    grants,
    read: true,
  }
}

/**
 * Anonymous GET of kube-system's Secrets. Success is a breach whatever the bindings say; a refusal
 * clears the check only when no grant was found, because the grants found may cover other objects.
 * AlwaysAllow never shows here: with it among the modes the API server turns anonymous auth off, so
 * the answer is a 401 (pkg/kubeapiserver/options/authentication.go ApplyAuthorization).
 */
function secretsEvidence(result: HttpProbeResult, bindings: BindingsFound): WireEvidence {
  const {grants} = bindings
  if (!result.ok) return unansweredEvidence(result)
  if (result.status === 200 && jsonKind(result.body) === 'SecretList') {
    const why = bindings.read && grants.length === 0 ? ` No binding beyond the defaults explains it: ${UNBOUND_CAUSES}.` : ''
    return wireEvidence(result, 'fail', `anonymous users list kube-system's Secrets: service-account tokens and bootstrap credentials of the control plane.${why}`)
  }
  if (result.status === 401) {
    if (grants.length === 0) return wireEvidence(result, 'pass', 'anonymous requests are rejected (401), so no grant to anonymous users could be used')
    return reachesAnonymous(grants)
      ? wireEvidence(result, 'unknown', 'anonymous requests are rejected (401) for now, so the grants are dormant: they come alive if anonymous auth is turned back on')
      : wireEvidence(result, 'unknown', 'an anonymous request cannot show what system:authenticated may do')
  }
  if (result.status === 403) {
    return grants.length > 0
      ? wireEvidence(result, 'unknown', 'denied, but the grants found still give their subjects whatever they name')
      : wireEvidence(result, 'pass', 'anonymous users may not read kube-system Secrets')
  }
  return wireEvidence(result, 'unknown', 'an answer that neither lists Secrets nor refuses the request: this side cannot tell')
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const [bindings, probe] = await Promise.all([bindingsEvidence(ctx), anonymousGet(ctx, SECRETS_PATH)])
  const {config, grants} = bindings
  const wire = [secretsEvidence(probe, bindings)]
  const readsSecrets = sideVerdict(wire) === 'fail'
  const summary = readsSecrets
    ? 'Anyone who can reach the API server reads kube-system’s Secrets without credentials.'
    : grants.length > 0
      ? `RBAC grants callers without credentials (or every authenticated caller) more than the defaults: ${grants.map((grant) => describeBinding(grant.binding)).join(', ')}.`
      : 'RBAC gives anonymous callers nothing beyond the health and version endpoints.'
  // The generic "not restarted yet" reading of config pass / wire fail does not fit: bindings take effect at once.
  const unexplained = readsSecrets && bindings.read && grants.length === 0
  return {config, wire, summary, ...(unexplained ? {disagreement: `The bindings hold only the defaults, yet anonymous users read Secrets: ${UNBOUND_CAUSES}.`} : {})}
}

export const anonymousRbacCheck: CheckDefinition = {
  id: 'api-anonymous-rbac',
  title: 'RBAC grants nothing to anonymous users beyond the defaults',
  component: 'apiserver',
  severity: 'critical',
  cis: [],
  kubeHunter: ['KHV005', 'KHV007'],
  kubescape: ['C-0262'],
  remediation:
    'Delete the ClusterRoleBindings and RoleBindings that name User system:anonymous or Group system:unauthenticated (`kubectl delete clusterrolebinding <name>`), apart from system:public-info-viewer and kubeadm’s kube-public/kubeadm:bootstrap-signer-clusterinfo, and never bind cluster-admin to system:authenticated. While --anonymous-auth is on, such a binding hands its rights to anyone on the network; give the access to a real identity (a ServiceAccount or a user) instead.',
  evaluate,
}
