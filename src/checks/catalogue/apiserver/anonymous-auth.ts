import type {HttpProbeResult} from '../../../probes/types.js'
import {apiserverSetting} from '../../config/component.js'
import {flagEvidence} from '../../config/evidence.js'
import type {StaticPodConfig} from '../../../node-config/types.js'
import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {sideVerdict} from '../../verdict.js'
import {wireEvidence} from '../../wire.js'
import {anonymousGrants, reachesAnonymous} from '../rbac/findings.js'
import {readRbac} from '../rbac/snapshot.js'
import {describeBinding} from '../rbac/subjects.js'
import {configEvidence, falseFlagEvidence, listValue, readApiserverConfig} from './apiserver-config.js'
import {anonymousGet, isAnonymousForbidden, unansweredEvidence} from './requests.js'

function anonymousAuthEvidence(config: StaticPodConfig): ConfigEvidence {
  const authenticationConfig = apiserverSetting(config, 'authentication-config')
  if (authenticationConfig && !apiserverSetting(config, 'anonymous-auth')) {
    return flagEvidence('anonymous-auth', undefined, () => 'unknown', {
      note: `not set; anonymous access may be configured in the AuthenticationConfiguration file ${authenticationConfig.value} (--authentication-config), which this check does not read`,
    })
  }
  const evidence = falseFlagEvidence(config, 'anonymous-auth', 'true', {
    open: 'requests without credentials are accepted as user system:anonymous (group system:unauthenticated) and handed to authorization',
    closed: 'requests without credentials are rejected with 401 before authorization',
  })
  if (evidence.verdict === 'fail' && authorizationModes(config).includes('AlwaysAllow')) {
    // pkg/kubeapiserver/options/authentication.go ApplyAuthorization: anonymous auth is stomped to false when
    // AlwaysAllow is among the modes ("AnonymousAuth is not allowed with the AlwaysAllow authorizer. Resetting AnonymousAuth to false").
    return {
      ...evidence,
      verdict: 'pass',
      note: 'in effect false: with AlwaysAllow among the authorization modes the API server resets anonymous auth to false at start ("AnonymousAuth is not allowed with the AlwaysAllow authorizer"). It comes back on as soon as the mode is fixed unless this flag is set to false as well',
    }
  }
  return evidence
}

function authorizationModes(config: StaticPodConfig): string[] {
  return listValue(apiserverSetting(config, 'authorization-mode')?.value ?? (apiserverSetting(config, 'authorization-config') ? '' : 'AlwaysAllow'))
}

function anonymousWireEvidence(result: HttpProbeResult): WireEvidence {
  if (!result.ok) return unansweredEvidence(result)
  if (result.status === 401) return wireEvidence(result, 'pass', 'requests without credentials are rejected (401 Unauthorized)')
  if (isAnonymousForbidden(result)) {
    return wireEvidence(result, 'fail', 'the API server accepted the request as system:anonymous and authorization then refused it: anonymous authentication is on')
  }
  if (result.status === 200) return wireEvidence(result, 'fail', 'anonymous users read the API: the request was accepted without credentials and authorized')
  return wireEvidence(result, 'unknown', 'neither a 401 nor an answer to system:anonymous: this side cannot tell')
}

/**
 * Why anonymous users reach more than the health endpoints, if they do: RBAC bindings that grant
 * them something, or an anonymous read that succeeded. AlwaysAllow is not among the reasons: with it
 * the API server turns anonymous auth off, so anonymous users reach nothing at all.
 */
async function anonymousExposure(ctx: CheckContext, probe: HttpProbeResult): Promise<string[]> {
  const reasons: string[] = []
  if (probe.ok && probe.status === 200) reasons.push('an anonymous GET /api succeeded')
  const rbac = await readRbac(ctx)
  if (rbac?.ok) {
    const grants = anonymousGrants(rbac.snapshot).filter((grant) => reachesAnonymous([grant]))
    if (grants.length > 0) reasons.push(`RBAC grants anonymous users more through ${grants.map((grant) => describeBinding(grant.binding)).join(', ')}`)
  }
  return reasons
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readApiserverConfig(ctx)
  const config = configEvidence(read, '--anonymous-auth', (found) => [anonymousAuthEvidence(found)])
  const probe = await anonymousGet(ctx, '/api')
  const wire = [anonymousWireEvidence(probe)]

  const anonymousOn = sideVerdict(config) === 'fail' || sideVerdict(wire) === 'fail'
  if (!anonymousOn) return {config, wire, summary: 'The API server rejects requests that carry no credentials.'}

  const exposure = await anonymousExposure(ctx, probe)
  if (exposure.length === 0) {
    return {
      config,
      wire,
      failIsWarn: true,
      summary:
        'Requests without credentials reach the API server as system:anonymous, but RBAC gives them nothing beyond the health and version endpoints. CIS 1.2.1 is a Manual control, so this is a warning: turn it off unless unauthenticated health checks need it.',
    }
  }
  return {config, wire, summary: `Requests without credentials reach the API server as system:anonymous and get more than the health endpoints: ${exposure.join('; ')}.`}
}

export const anonymousAuthCheck: CheckDefinition = {
  id: 'api-anonymous-auth',
  title: 'The API server rejects requests without credentials',
  component: 'apiserver',
  severity: 'high',
  cis: [{benchmark: 'cis-1.12', id: '1.2.1', title: 'Ensure that the --anonymous-auth argument is set to false', manual: true}],
  kubeHunter: ['KHV005'],
  kubescape: ['C-0113'],
  remediation:
    'Add --anonymous-auth=false to the kube-apiserver command in /etc/kubernetes/manifests/kube-apiserver.yaml (kubeadm: apiServer.extraArgs). Every request without credentials then stops at a 401 instead of being handed to authorization as system:anonymous, so one careless RoleBinding can no longer open the cluster to the network. If load balancers need unauthenticated health checks, Kubernetes 1.32+ can allow anonymous requests on /livez, /readyz and /healthz only (AuthenticationConfiguration anonymous.conditions). Until then, keep RBAC grants to system:anonymous and system:unauthenticated at the defaults.',
  evaluate,
}
