import {z} from 'zod'
import {buildKubeletPatch, kubeletPatchLeaves, type KubeletConfigPatch} from './kubelet-patch.js'
import {flagMap, flagName, kebabId, namespaceName, objectName} from './schema-common.js'
import {kubeletConfigSchema} from './schema-kubelet.js'
import {rbacObjectSchema} from './schema-rbac.js'

/** Static pods by their manifest names (/etc/kubernetes/manifests/<name>.yaml). */
export const SOLUTION_STATIC_PODS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const
/** What a `restart` action may name: a static pod, or the kubelet (`systemctl restart kubelet`). */
export const SOLUTION_RESTARTABLE = [...SOLUTION_STATIC_PODS, 'kubelet'] as const

/** Adds an issue for a flag listed twice, or both set and removed. */
function refineFlagChanges(changes: {setFlags: Record<string, string>; removeFlags: string[]}, ctx: z.RefinementCtx): void {
  changes.removeFlags.forEach((name, index) => {
    if (name in changes.setFlags) ctx.addIssue({code: 'custom', message: `--${name} is both set and removed`, path: ['removeFlags', index]})
    if (changes.removeFlags.indexOf(name) !== index) ctx.addIssue({code: 'custom', message: `--${name} is listed twice`, path: ['removeFlags', index]})
  })
  if (Object.keys(changes.setFlags).length === 0 && changes.removeFlags.length === 0) {
    ctx.addIssue({code: 'custom', message: 'set or remove at least one flag (setFlags, removeFlags)', path: []})
  }
}

/**
 * Flags changed on a static pod's command line, everything else in the manifest kept. Values that
 * name a default port in a URL or a port flag (2379, 6443) move to the lab's port, as the
 * scenario's misconfigurations do.
 */
export const manifestActionSchema = z
  .strictObject({
    component: z.enum(SOLUTION_STATIC_PODS),
    setFlags: flagMap.default({}),
    removeFlags: z.array(flagName).default([]),
  })
  .superRefine(refineFlagChanges)

/** Flags changed in KUBELET_KUBEADM_ARGS of /var/lib/kubelet/kubeadm-flags.env. */
export const kubeletFlagsActionSchema = z
  .strictObject({
    setFlags: flagMap.default({}),
    removeFlags: z.array(flagName).default([]),
  })
  .superRefine(refineFlagChanges)

/** A dotted setting of KubeletConfiguration that is deleted, e.g. "readOnlyPort". */
const kubeletRemovePath = z.string().superRefine((dotted, ctx) => {
  const checked = kubeletConfigSchema.safeParse({[dotted]: null})
  if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({code: 'custom', message: issue.message})
})

/**
 * Settings changed in /var/lib/kubelet/config.yaml: `set` takes field names, dotted paths or
 * nested mappings (as a scenario's kubelet.config does); `remove` deletes settings.
 */
export const kubeletConfigActionSchema = z
  .strictObject({
    set: kubeletConfigSchema.default({}),
    remove: z.array(kubeletRemovePath).default([]),
  })
  .superRefine((action, ctx) => {
    if (Object.keys(action.set).length === 0 && action.remove.length === 0) {
      ctx.addIssue({code: 'custom', message: 'set or remove at least one setting (set, remove)', path: []})
    }
    const setPaths = kubeletPatchLeaves(action.set).map((leaf) => leaf.configPath.join('.'))
    action.remove.forEach((dotted, index) => {
      if (setPaths.some((other) => other === dotted || other.startsWith(`${dotted}.`) || dotted.startsWith(`${other}.`))) {
        ctx.addIssue({code: 'custom', message: `"${dotted}" is both set and removed`, path: ['remove', index]})
      }
    })
  })

const rbacKinds = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const

/** An RBAC object named for deletion; Role and RoleBinding need their namespace. */
export const rbacReferenceSchema = z
  .strictObject({
    kind: z.enum(rbacKinds),
    name: objectName,
    namespace: namespaceName.optional(),
  })
  .superRefine((reference, ctx) => {
    const namespaced = reference.kind === 'Role' || reference.kind === 'RoleBinding'
    if (namespaced && reference.namespace === undefined) ctx.addIssue({code: 'custom', message: `a ${reference.kind} needs its namespace`, path: ['namespace']})
    if (!namespaced && reference.namespace !== undefined) ctx.addIssue({code: 'custom', message: `a ${reference.kind} is cluster-wide: it has no namespace`, path: ['namespace']})
  })

/** RBAC through the API with the lab's admin kubeconfig: deletions first, then objects created or replaced. */
export const rbacActionSchema = z
  .strictObject({
    delete: z.array(rbacReferenceSchema).default([]),
    apply: z.array(rbacObjectSchema).default([]),
  })
  .superRefine((action, ctx) => {
    if (action.delete.length === 0 && action.apply.length === 0) ctx.addIssue({code: 'custom', message: 'delete or apply at least one object', path: []})
  })

export const ACTION_KINDS = ['manifest', 'kubeletConfig', 'kubeletFlags', 'restart', 'rbac'] as const
export type ActionKind = (typeof ACTION_KINDS)[number]

/** One action: exactly one of its keys. */
export const solutionActionSchema = z
  .strictObject({
    manifest: manifestActionSchema.optional(),
    kubeletConfig: kubeletConfigActionSchema.optional(),
    kubeletFlags: kubeletFlagsActionSchema.optional(),
    restart: z.enum(SOLUTION_RESTARTABLE).optional(),
    rbac: rbacActionSchema.optional(),
  })
  .superRefine((action, ctx) => {
    const present = ACTION_KINDS.filter((kind) => action[kind] !== undefined)
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: present.length === 0 ? `an action needs one of: ${ACTION_KINDS.join(', ')}` : `one action per list item; this one has ${present.join(' and ')}`,
        path: [],
      })
    }
  })
  .transform((action): SolutionAction => {
    if (action.manifest) return {kind: 'manifest', ...action.manifest}
    if (action.kubeletConfig) {
      const removals = action.kubeletConfig.remove.map((dotted) => kubeletPatchLeaves({[dotted]: null})).flat()
      const patch: KubeletConfigPatch = buildKubeletPatch([...kubeletPatchLeaves(action.kubeletConfig.set), ...removals])
      return {kind: 'kubeletConfig', patch}
    }
    if (action.kubeletFlags) return {kind: 'kubeletFlags', ...action.kubeletFlags}
    if (action.restart) return {kind: 'restart', component: action.restart}
    const rbac = action.rbac ?? {delete: [], apply: []}
    return {kind: 'rbac', delete: rbac.delete, apply: rbac.apply}
  })

export const solutionStepSchema = z.strictObject({
  /** The scenario step this solves. */
  step: kebabId,
  /** One sentence on what the solution does and why, shown by `kubelab solve`. */
  note: z.string().min(1).optional(),
  actions: z.array(solutionActionSchema).min(1, 'a step needs at least one action'),
})

export const solutionSchema = z.strictObject({
  /** The scenario id this file solves. */
  scenario: kebabId,
  steps: z.array(solutionStepSchema).min(1, 'a solution needs at least one step'),
})

export type SolutionStaticPod = (typeof SOLUTION_STATIC_PODS)[number]
export type SolutionRestartable = (typeof SOLUTION_RESTARTABLE)[number]
export type RbacReference = z.output<typeof rbacReferenceSchema>
export type SolutionRbacObject = z.output<typeof rbacObjectSchema>

/** A validated action, in the form the lab layer applies. */
export type SolutionAction =
  | {kind: 'manifest'; component: SolutionStaticPod; setFlags: Record<string, string>; removeFlags: string[]}
  /** A merge patch: nested objects merge, null deletes. */
  | {kind: 'kubeletConfig'; patch: KubeletConfigPatch}
  | {kind: 'kubeletFlags'; setFlags: Record<string, string>; removeFlags: string[]}
  | {kind: 'restart'; component: SolutionRestartable}
  | {kind: 'rbac'; delete: RbacReference[]; apply: SolutionRbacObject[]}

export type Solution = z.output<typeof solutionSchema>
export type SolutionStep = z.output<typeof solutionStepSchema>
