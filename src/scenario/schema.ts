import {z} from 'zod'
import {CHECK_IDS, isCheckId, type CheckId} from './check-ids.js'
import {flagMap, flagName, kebabId} from './schema-common.js'
import {kubeletMisconfigurationSchema} from './schema-kubelet.js'
import {rbacObjectSchema} from './schema-rbac.js'
import {checkReferences} from './schema-references.js'
import {seedSchema} from './schema-seed.js'
import {didYouMean} from './suggest.js'

export const RUNTIMES = ['sim', 'kind'] as const

/** Flags changed in a static pod manifest (kube-apiserver.yaml, etcd.yaml). */
export const componentFlagsSchema = z
  .strictObject({
    /** Added, or replacing kubeadm's value; names are written without dashes. */
    setFlags: flagMap.default({}),
    /** Deleted from kubeadm's command line. */
    removeFlags: z.array(flagName).default([]),
  })
  .superRefine((flags, ctx) => {
    flags.removeFlags.forEach((name, index) => {
      if (name in flags.setFlags) {
        ctx.addIssue({code: 'custom', message: `--${name} is both set and removed`, path: ['removeFlags', index]})
      }
      if (flags.removeFlags.indexOf(name) !== index) {
        ctx.addIssue({code: 'custom', message: `--${name} is listed twice`, path: ['removeFlags', index]})
      }
    })
  })

const checkId = z.string().transform((value, ctx): CheckId => {
  if (isCheckId(value)) return value
  ctx.addIssue({code: 'custom', message: `unknown check id "${value}"${didYouMean(value, CHECK_IDS)}`})
  return z.NEVER
})

export const stepSchema = z.strictObject({
  id: kebabId,
  title: z.string().min(1),
  /** Catalogue checks that must all pass for the step to be done. */
  checks: z.array(checkId).min(1, 'a step needs at least one check'),
})

export const misconfigurationsSchema = z.strictObject({
  apiserver: componentFlagsSchema.default({setFlags: {}, removeFlags: []}),
  etcd: componentFlagsSchema.default({setFlags: {}, removeFlags: []}),
  kubelet: kubeletMisconfigurationSchema.default({config: {}, flags: {}}),
  /** Applied as-is after the cluster starts. */
  rbac: z.array(rbacObjectSchema).default([]),
  /** Objects created after the cluster starts, e.g. a secret worth stealing. */
  seed: seedSchema.default({namespaces: [], serviceAccounts: [], secrets: [], configMaps: [], pods: []}),
})

/** The scenario's fields, before the checks that cross-reference them. */
export const scenarioFieldsSchema = z.strictObject({
  id: kebabId,
  title: z.string().min(1),
  summary: z.string().min(1),
  kubernetesVersion: z.string().regex(/^1\.\d+\.\d+$/, 'must be a Kubernetes release such as "1.34.1"'),
  runtimes: z
    .array(z.enum(RUNTIMES))
    .min(1, 'name at least one runtime: sim or kind')
    .refine((list) => new Set(list).size === list.length, 'a runtime is listed twice'),
  /** Id of the lesson this scenario belongs to. */
  lesson: kebabId,
  misconfigurations: misconfigurationsSchema.default({
    apiserver: {setFlags: {}, removeFlags: []},
    etcd: {setFlags: {}, removeFlags: []},
    kubelet: {config: {}, flags: {}},
    rbac: [],
    seed: {namespaces: [], serviceAccounts: [], secrets: [], configMaps: [], pods: []},
  }),
  steps: z.array(stepSchema).min(1, 'a scenario needs at least one step'),
})

export const scenarioSchema = scenarioFieldsSchema.superRefine(checkReferences)

export type Scenario = z.output<typeof scenarioSchema>
export type ScenarioInput = z.input<typeof scenarioSchema>
export type Runtime = (typeof RUNTIMES)[number]
export type Step = z.output<typeof stepSchema>
export type Misconfigurations = z.output<typeof misconfigurationsSchema>
export type ComponentFlags = z.output<typeof componentFlagsSchema>
export type KubeletMisconfiguration = Misconfigurations['kubelet']
export type RbacObject = z.output<typeof rbacObjectSchema>
export type Seed = z.output<typeof seedSchema>
export type SeedPod = Seed['pods'][number]
export type SeedSecret = Seed['secrets'][number]
export type {CheckId} from './check-ids.js'
export type {JsonValue, KubeletConfigPatch} from './kubelet-patch.js'
