import {z} from 'zod'
import {namespaceName, objectName, stringMap} from './schema-common.js'

/** RBAC objects exactly as `kubectl apply` takes them (rbac.authorization.k8s.io/v1). */
const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1'
const RBAC_GROUP = 'rbac.authorization.k8s.io'

const apiVersion = z.literal(RBAC_API_VERSION, {message: `apiVersion must be "${RBAC_API_VERSION}"`})

const clusterMetadata = z.strictObject({
  name: objectName,
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
})

const namespacedMetadata = clusterMetadata.extend({namespace: namespaceName})

const policyRule = z
  .strictObject({
    apiGroups: z.array(z.string()).optional(),
    resources: z.array(z.string().min(1)).optional(),
    resourceNames: z.array(z.string().min(1)).optional(),
    nonResourceURLs: z.array(z.string().startsWith('/')).optional(),
    verbs: z.array(z.string().min(1)).min(1, 'a rule needs at least one verb'),
  })
  .superRefine((rule, ctx) => {
    const hasResources = (rule.resources?.length ?? 0) > 0
    const hasUrls = (rule.nonResourceURLs?.length ?? 0) > 0
    if (hasResources === hasUrls) {
      ctx.addIssue({code: 'custom', message: 'a rule names either resources or nonResourceURLs', path: []})
    }
    if (hasResources && rule.apiGroups === undefined) {
      ctx.addIssue({code: 'custom', message: 'a rule with resources needs apiGroups ("" is the core group)', path: ['resources']})
    }
  })

const labelSelector = z.strictObject({
  matchLabels: stringMap.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
})

const clusterRole = z.strictObject({
  apiVersion,
  kind: z.literal('ClusterRole'),
  metadata: clusterMetadata,
  rules: z.array(policyRule).default([]),
  aggregationRule: z.strictObject({clusterRoleSelectors: z.array(labelSelector)}).optional(),
})

const role = z.strictObject({
  apiVersion,
  kind: z.literal('Role'),
  metadata: namespacedMetadata,
  rules: z
    .array(policyRule)
    .default([])
    .refine((rules) => rules.every((rule) => rule.nonResourceURLs === undefined), 'nonResourceURLs are only allowed in a ClusterRole'),
})

const subject = z
  .strictObject({
    kind: z.enum(['User', 'Group', 'ServiceAccount']),
    name: z.string().min(1),
    namespace: namespaceName.optional(),
    apiGroup: z.string().optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.kind === 'ServiceAccount') {
      if (entry.namespace === undefined) {
        ctx.addIssue({code: 'custom', message: 'a ServiceAccount subject needs a namespace', path: ['namespace']})
      }
      if (entry.apiGroup !== undefined && entry.apiGroup !== '') {
        ctx.addIssue({code: 'custom', message: 'a ServiceAccount subject has apiGroup "" (or none)', path: ['apiGroup']})
      }
    } else if (entry.apiGroup !== undefined && entry.apiGroup !== RBAC_GROUP) {
      ctx.addIssue({code: 'custom', message: `${entry.kind} subjects have apiGroup "${RBAC_GROUP}"`, path: ['apiGroup']})
    }
  })

const roleRef = (kinds: readonly ['ClusterRole'] | readonly ['ClusterRole', 'Role']) =>
  z.strictObject({
    apiGroup: z.literal(RBAC_GROUP, {message: `roleRef.apiGroup must be "${RBAC_GROUP}"`}),
    kind: z.enum(kinds),
    name: objectName,
  })

const clusterRoleBinding = z.strictObject({
  apiVersion,
  kind: z.literal('ClusterRoleBinding'),
  metadata: clusterMetadata,
  roleRef: roleRef(['ClusterRole']),
  subjects: z.array(subject).default([]),
})

const roleBinding = z.strictObject({
  apiVersion,
  kind: z.literal('RoleBinding'),
  metadata: namespacedMetadata,
  roleRef: roleRef(['ClusterRole', 'Role']),
  subjects: z.array(subject).default([]),
})

export const rbacObjectSchema = z.discriminatedUnion('kind', [clusterRole, role, clusterRoleBinding, roleBinding])
