import {z} from 'zod'
import {namespaceName, objectName, stringMap} from './schema-common.js'

/** The Secret type whose token the API server (or its token controller) fills in. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token'

const serviceAccount = z.strictObject({
  name: objectName,
  namespace: namespaceName,
  automountServiceAccountToken: z.boolean().optional(),
})

/**
 * A Secret. For type kubernetes.io/service-account-token, name the account in serviceAccountName:
 * it becomes the kubernetes.io/service-account.name annotation and the token is minted at seed time.
 */
const secret = z
  .strictObject({
    name: objectName,
    namespace: namespaceName,
    type: z.string().min(1).default('Opaque'),
    serviceAccountName: objectName.optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
    stringData: stringMap.optional(),
  })
  .superRefine((entry, ctx) => {
    const isToken = entry.type === SERVICE_ACCOUNT_TOKEN_TYPE
    if (isToken && entry.serviceAccountName === undefined) {
      ctx.addIssue({code: 'custom', message: `a ${SERVICE_ACCOUNT_TOKEN_TYPE} Secret needs serviceAccountName`, path: ['serviceAccountName']})
    }
    if (!isToken && entry.serviceAccountName !== undefined) {
      ctx.addIssue({code: 'custom', message: `serviceAccountName is only for type ${SERVICE_ACCOUNT_TOKEN_TYPE}`, path: ['serviceAccountName']})
    }
    if (isToken && entry.stringData?.['token'] !== undefined) {
      ctx.addIssue({code: 'custom', message: 'the token is minted for the service account; do not write one', path: ['stringData', 'token']})
    }
  })

const configMap = z.strictObject({
  name: objectName,
  namespace: namespaceName,
  labels: stringMap.optional(),
  data: stringMap.default({}),
})

const envVar = z.strictObject({
  name: z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, 'must be a valid environment variable name'),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      secretKeyRef: z.strictObject({name: objectName, key: z.string().min(1)}).optional(),
      configMapKeyRef: z.strictObject({name: objectName, key: z.string().min(1)}).optional(),
    })
    .optional(),
})

const container = z.strictObject({
  name: namespaceName,
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(envVar).optional(),
  ports: z
    .array(
      z.strictObject({
        name: z.string().max(15).optional(),
        containerPort: z.number().int().min(1).max(65535),
        protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
      }),
    )
    .optional(),
  securityContext: z
    .strictObject({
      privileged: z.boolean().optional(),
      runAsUser: z.number().int().min(0).optional(),
      runAsNonRoot: z.boolean().optional(),
      allowPrivilegeEscalation: z.boolean().optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
    })
    .optional(),
  volumeMounts: z
    .array(z.strictObject({name: namespaceName, mountPath: z.string().startsWith('/'), readOnly: z.boolean().optional()}))
    .optional(),
})

const volume = z
  .strictObject({
    name: namespaceName,
    secret: z.strictObject({secretName: objectName}).optional(),
    configMap: z.strictObject({name: objectName}).optional(),
    emptyDir: z.strictObject({}).optional(),
  })
  .refine(
    (entry) => [entry.secret, entry.configMap, entry.emptyDir].filter((source) => source !== undefined).length === 1,
    'a volume has exactly one source: secret, configMap or emptyDir',
  )

/** A Pod. `image` is shorthand for one container named after the pod; otherwise list `containers`. */
const pod = z
  .strictObject({
    name: objectName,
    namespace: namespaceName.default('default'),
    labels: stringMap.optional(),
    serviceAccountName: objectName.optional(),
    automountServiceAccountToken: z.boolean().optional(),
    image: z.string().min(1).optional(),
    containers: z.array(container).min(1).optional(),
    volumes: z.array(volume).optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.image === undefined) === (entry.containers === undefined)) {
      ctx.addIssue({code: 'custom', message: 'give either image (one container) or containers', path: []})
    }
  })

export const seedSchema = z.strictObject({
  namespaces: z.array(namespaceName).default([]),
  serviceAccounts: z.array(serviceAccount).default([]),
  secrets: z.array(secret).default([]),
  configMaps: z.array(configMap).default([]),
  pods: z.array(pod).default([]),
})
