import {z} from 'zod'
import type {ApiCredentials} from '../../../target/kubeconfig.js'
import type {CheckContext} from '../../context.js'
import type {WireEvidence} from '../../model.js'
import {excerptOf, isClosed, wireEvidence} from '../../wire.js'
import {apiStatus, credentialedRequest, parseJson} from '../apiserver/requests.js'
import {describeQuestion, type AccessQuestion} from './rules.js'

export const SUBJECT_ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews'

const reviewAnswer = z
  .object({
    kind: z.literal('SubjectAccessReview'),
    status: z.object({allowed: z.boolean(), denied: z.boolean().optional(), reason: z.string().optional(), evaluationError: z.string().optional()}).loose(),
  })
  .loose()

/** Who to ask about: a user name and/or groups, as the API server would see the subject. */
export interface ReviewIdentity {
  user?: string
  groups: string[]
}

/**
 * Asks the API server's own authorizer whether `identity` may do what `question` says
 * (POST /apis/authorization.k8s.io/v1/subjectaccessreviews, as the kubeconfig's user). An allowed
 * answer proves the grant is live: RBAC evaluates it exactly as it would the subject's own request.
 */
export async function reviewAccess(ctx: CheckContext, credentials: ApiCredentials, identity: ReviewIdentity, question: AccessQuestion): Promise<WireEvidence> {
  const spec: Record<string, unknown> = {
    resourceAttributes: {namespace: question.namespace, verb: question.verb, group: question.group, resource: question.resource},
    groups: identity.groups,
  }
  if (identity.user !== undefined) spec.user = identity.user
  const result = await credentialedRequest(ctx, credentials, SUBJECT_ACCESS_REVIEWS, {apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec})
  const asked = `asked whether ${identity.user ?? `group ${identity.groups.join(', ')}`} may ${describeQuestion(question)}`

  if (!result.ok) {
    if (isClosed(result)) return wireEvidence(result, 'unknown', `${asked}: the API server is not reachable`)
    return wireEvidence(result, 'error', asked)
  }
  if (result.status === 401 || result.status === 403) {
    const message = apiStatus(result.body)?.message ?? excerptOf(result.body)
    return wireEvidence(result, 'unknown', `${asked}, but the kubeconfig's user may not create SubjectAccessReviews (${result.status}: ${message})`)
  }
  const parsed = result.status === 200 || result.status === 201 ? reviewAnswer.safeParse(parseJson(result.body)) : undefined
  if (!parsed?.success) return wireEvidence(result, 'error', `${asked}: the answer is not a SubjectAccessReview`)
  const status = parsed.data.status
  if (status.allowed) return wireEvidence(result, 'fail', `${asked}: allowed${status.reason ? ` (${status.reason})` : ''} — the grant is live`)
  const why = status.evaluationError ? ` (evaluation error: ${status.evaluationError})` : status.reason ? ` (${status.reason})` : ''
  return wireEvidence(result, 'pass', `${asked}: not allowed${why}`)
}
