import type {CheckContext} from '../../context.js'
import type {CheckDefinition, CheckOutcome, ConfigEvidence, WireEvidence} from '../../model.js'
import {reviewAccess} from './access-review.js'
import {overPrivilegedGrants, type Grant} from './findings.js'
import {CLUSTER_ADMIN, describeRules, questionFor, type AccessQuestion} from './rules.js'
import {readRbac, type RbacSubject} from './snapshot.js'
import {describeBinding, describeSubject, reviewIdentity} from './subjects.js'

/** Enough SubjectAccessReviews to prove the point on a badly configured cluster without flooding the API server. */
const MAX_REVIEWS = 10

function grantEvidence(grant: Grant): ConfigEvidence {
  const subjects = grant.subjects.map((subject) => describeSubject(subject, grant.binding.namespace)).join(', ')
  const role = `${grant.binding.roleRef.kind} ${grant.binding.roleRef.name}`
  const scope = grant.binding.kind === 'RoleBinding' ? ` in namespace ${grant.binding.namespace ?? ''}` : ' across the cluster'
  const note =
    grant.reason === 'cluster-admin'
      ? `cluster-admin${scope}: every verb on every resource, Secrets and RBAC itself included (CIS 5.1.1)`
      : `${role} has wildcards (CIS 5.1.3): ${describeRules(grant.rules)}${scope}`
  return {setting: describeBinding(grant.binding), value: `${subjects} → ${role}`, source: 'api', verdict: 'fail', note}
}

interface Review {
  grant: Grant
  subject: RbacSubject
  question: AccessQuestion
}

/** One review per subject and question, cluster-admin grants first. */
function plannedReviews(grants: readonly Grant[]): Review[] {
  const reviews = new Map<string, Review>()
  const ordered = [...grants].sort((a, b) => Number(b.reason === 'cluster-admin') - Number(a.reason === 'cluster-admin'))
  for (const grant of ordered) {
    const namespace = grant.binding.kind === 'RoleBinding' ? (grant.binding.namespace ?? '') : ''
    const rule = grant.rules.find((candidate) => candidate.resources.length > 0) ?? {verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: []}
    const question = questionFor(rule, namespace)
    for (const subject of grant.subjects) {
      const key = `${describeSubject(subject, grant.binding.namespace)} ${JSON.stringify(question)}`
      if (!reviews.has(key)) reviews.set(key, {grant, subject, question})
    }
  }
  return [...reviews.values()]
}

async function evaluate(ctx: CheckContext): Promise<CheckOutcome> {
  const read = await readRbac(ctx)
  if (!read) {
    return {
      config: [],
      wire: [],
      skipReason: 'Needs a kubeconfig (--kubeconfig) whose user may list RBAC objects and create SubjectAccessReviews: bindings are visible only through the API.',
    }
  }
  if (!read.ok) return {config: [{setting: 'RBAC bindings', value: undefined, source: 'api', verdict: read.verdict, note: read.reason}], wire: []}

  const {snapshot} = read
  const grants = overPrivilegedGrants(snapshot)
  if (grants.length === 0) {
    const count = snapshot.bindings.length
    return {
      config: [
        {
          setting: 'RBAC bindings',
          value: `${count} binding${count === 1 ? '' : 's'} read as ${snapshot.readAs}`,
          source: 'api',
          verdict: 'pass',
          note: 'no user, group or workload outside the platform holds cluster-admin or a role with wildcard verbs or resources',
        },
      ],
      wire: [],
      summary: 'Only the platform’s own components hold cluster-admin or wildcard roles.',
    }
  }

  const reviews = plannedReviews(grants)
  const wire: WireEvidence[] = await Promise.all(
    reviews.slice(0, MAX_REVIEWS).map((review) => reviewAccess(ctx, snapshot.credentials, reviewIdentity(review.subject, review.grant.binding.namespace), review.question)),
  )
  if (reviews.length > MAX_REVIEWS) {
    const last = wire[wire.length - 1]
    if (last) last.note = `${last.note ?? ''} (${reviews.length - MAX_REVIEWS} further subjects not reviewed)`
  }

  // Every grant names at least one subject (overPrivilegedGrants drops bindings with none left).
  const first = grants.find((grant) => grant.reason === 'cluster-admin') ?? (grants[0] as Grant)
  const who = describeSubject(first.subjects[0] as RbacSubject, first.binding.namespace)
  const what = first.reason === 'cluster-admin' ? CLUSTER_ADMIN : `${first.binding.roleRef.kind} ${first.binding.roleRef.name} (wildcards)`
  const others = grants.length > 1 ? ` ${grants.length - 1} more binding${grants.length > 2 ? 's' : ''} grant${grants.length > 2 ? '' : 's'} too much as well.` : ''
  return {
    config: grants.map(grantEvidence),
    wire,
    summary: `${who} holds ${what} through ${describeBinding(first.binding)}: whoever takes over what runs as it controls far more than it needs.${others}`,
  }
}

export const leastPrivilegeCheck: CheckDefinition = {
  id: 'rbac-least-privilege',
  title: 'No user or workload holds cluster-admin or wildcard RBAC rights it does not need',
  component: 'rbac',
  severity: 'high',
  cis: [
    {benchmark: 'cis-1.12', id: '5.1.1', title: 'Ensure that the cluster-admin role is only used where required', manual: true},
    {benchmark: 'cis-1.12', id: '5.1.3', title: 'Minimize wildcard use in Roles and ClusterRoles', manual: true},
  ],
  kubeHunter: ['KHV005', 'KHV007'],
  kubescape: ['C-0035', 'C-0185', 'C-0187'],
  remediation:
    'Give each workload a ClusterRole (or, better, a namespaced Role) that lists exactly the verbs and resources it uses — an ingress controller needs get, list and watch on services, endpoints, namespaces, ingresses and ingressclasses (plus the Secrets that hold its TLS certificates), not cluster-admin — then delete the broad binding (`kubectl delete clusterrolebinding <name>`). Replace "*" in verbs and resources with the specific values. A compromised pod acts with its service account’s rights, so every extra right is one an attacker gets for free.',
  evaluate,
}
