import {z} from 'zod'
import {
  KUBELET_AUTHORIZATION_MODES,
  KUBELET_AUTH_LEAVES,
  KUBELET_CONFIG_FIELDS,
} from './kubelet-config-fields.js'
import {buildKubeletPatch, kubeletPatchLeaves, type JsonValue, type KubeletPatchLeaf} from './kubelet-patch.js'
import {flagMap, namesWildcardAddress, wildcardMessage} from './schema-common.js'
import {didYouMean} from './suggest.js'

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/

/** What is wrong with one leaf, or undefined when it is acceptable. */
function leafProblem(leaf: KubeletPatchLeaf): string | undefined {
  const [field = '', ...rest] = leaf.configPath
  if (!KUBELET_CONFIG_FIELDS.includes(field)) {
    return `unknown KubeletConfiguration field "${field}"${didYouMean(field, KUBELET_CONFIG_FIELDS)}`
  }
  const dotted = leaf.configPath.join('.')
  const value = leaf.value
  if (field === 'authentication' || field === 'authorization') {
    const kind = KUBELET_AUTH_LEAVES.get(dotted)
    if (kind === undefined) {
      const isPrefix = [...KUBELET_AUTH_LEAVES.keys()].some((known) => known.startsWith(`${dotted}.`))
      if (isPrefix && (value === null || (typeof value === 'object' && !Array.isArray(value)))) return undefined
      return `unknown setting "${dotted}"${didYouMean(dotted, [...KUBELET_AUTH_LEAVES.keys()])}`
    }
    return authLeafProblem(kind, value)
  }
  if (rest.length > 0) return undefined
  return scalarFieldProblem(field, value)
}

function authLeafProblem(kind: string, value: JsonValue): string | undefined {
  if (value === null) return undefined
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false'
    case 'duration':
      return typeof value === 'string' && DURATION.test(value) ? undefined : 'must be a duration such as "2m0s"'
    case 'authorization-mode':
      return typeof value === 'string' && KUBELET_AUTHORIZATION_MODES.includes(value)
        ? undefined
        : `must be one of ${KUBELET_AUTHORIZATION_MODES.join(', ')}${typeof value === 'string' ? didYouMean(value, KUBELET_AUTHORIZATION_MODES) : ''}`
    default:
      return typeof value === 'string' ? undefined : 'must be a string'
  }
}

function scalarFieldProblem(field: string, value: JsonValue): string | undefined {
  if (value === null) return undefined
  switch (field) {
    case 'address':
    case 'healthzBindAddress':
      if (typeof value !== 'string') return 'must be an IP address string'
      return namesWildcardAddress(value) ? wildcardMessage : undefined
    case 'port':
      return isPort(value, 1) ? undefined : 'must be a port number from 1 to 65535'
    case 'readOnlyPort':
    case 'healthzPort':
      return isPort(value, 0) ? undefined : 'must be a port number from 0 (off) to 65535'
    default:
      return undefined
  }
}

function isPort(value: JsonValue, min: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 65535
}

/** Two entries that set the same setting, or one inside the other. */
function overlapProblems(leaves: readonly KubeletPatchLeaf[]): Array<{leaf: KubeletPatchLeaf; message: string}> {
  const problems: Array<{leaf: KubeletPatchLeaf; message: string}> = []
  leaves.forEach((leaf, index) => {
    const dotted = leaf.configPath.join('.')
    for (const earlier of leaves.slice(0, index)) {
      const other = earlier.configPath.join('.')
      if (dotted === other || dotted.startsWith(`${other}.`) || other.startsWith(`${dotted}.`)) {
        problems.push({leaf, message: `"${dotted}" is also set by "${earlier.sourcePath.join('.')}"`})
      }
    }
  })
  return problems
}

/**
 * Settings merged into the node's KubeletConfiguration (/var/lib/kubelet/config.yaml). Keys are
 * field names, dotted paths ("authentication.anonymous.enabled") or nested mappings; null deletes
 * a setting kubeadm wrote (e.g. "authentication.x509.clientCAFile": null).
 */
export const kubeletConfigSchema = z
  .record(z.string(), z.json())
  .superRefine((config, ctx) => {
    const leaves = kubeletPatchLeaves(config)
    for (const leaf of leaves) {
      const message = leafProblem(leaf)
      if (message !== undefined) ctx.addIssue({code: 'custom', message, path: leaf.sourcePath})
    }
    for (const {leaf, message} of overlapProblems(leaves)) {
      ctx.addIssue({code: 'custom', message, path: leaf.sourcePath})
    }
  })
  .transform((config) => buildKubeletPatch(kubeletPatchLeaves(config)))

export const kubeletMisconfigurationSchema = z.strictObject({
  /** Merged into /var/lib/kubelet/config.yaml. */
  config: kubeletConfigSchema.default({}),
  /** Written into KUBELET_KUBEADM_ARGS in /var/lib/kubelet/kubeadm-flags.env; flags win over the config file. */
  flags: flagMap.default({}),
})
