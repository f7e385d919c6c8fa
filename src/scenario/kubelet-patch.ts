import {KUBELET_STRUCT_FIELDS} from './kubelet-config-fields.js'

export type JsonValue = string | number | boolean | null | JsonValue[] | {[key: string]: JsonValue}

/** A merge patch for KubeletConfiguration: nested objects merge, other values replace, null deletes. */
export type KubeletConfigPatch = {[field: string]: JsonValue}

/** One value a scenario sets, with the config path it lands on and where the scenario wrote it. */
export interface KubeletPatchLeaf {
  /** e.g. ["authentication", "anonymous", "enabled"] */
  configPath: string[]
  /** Path inside the scenario's `config` mapping, for error messages. */
  sourcePath: string[]
  value: JsonValue
}

export function isPlainObject(value: unknown): value is {[key: string]: JsonValue} {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Splits a scenario's `config` entries into leaves. Dotted keys continue into struct fields
 * ("authentication.anonymous.enabled"); for map-valued fields the rest of the key is one map key
 * ("evictionHard.nodefs.available" sets the "nodefs.available" signal).
 */
export function kubeletPatchLeaves(config: Readonly<Record<string, JsonValue>>): KubeletPatchLeaf[] {
  const leaves: KubeletPatchLeaf[] = []
  for (const [key, value] of Object.entries(config)) {
    const dot = key.indexOf('.')
    const field = dot < 0 ? key : key.slice(0, dot)
    const rest = dot < 0 ? [] : KUBELET_STRUCT_FIELDS.has(field) ? key.slice(dot + 1).split('.') : [key.slice(dot + 1)]
    collect([field, ...rest], [key], value, KUBELET_STRUCT_FIELDS.has(field), leaves)
  }
  return leaves
}

function collect(
  configPath: string[],
  sourcePath: string[],
  value: JsonValue,
  descend: boolean,
  leaves: KubeletPatchLeaf[],
): void {
  if (descend && isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) {
      collect([...configPath, key], [...sourcePath, key], inner, true, leaves)
    }
    return
  }
  leaves.push({configPath, sourcePath, value})
}

/** Builds the nested merge patch from validated leaves. */
export function buildKubeletPatch(leaves: readonly KubeletPatchLeaf[]): KubeletConfigPatch {
  const patch: KubeletConfigPatch = {}
  for (const leaf of leaves) {
    let target: {[key: string]: JsonValue} = patch
    leaf.configPath.forEach((segment, index) => {
      if (index === leaf.configPath.length - 1) {
        target[segment] = leaf.value
        return
      }
      const next = target[segment]
      if (!isPlainObject(next)) target[segment] = {}
      target = target[segment] as {[key: string]: JsonValue}
    })
  }
  return patch
}

/** Applies a merge patch (RFC 7386 semantics) to a copy of `base`. */
export function applyMergePatch(base: Readonly<{[key: string]: JsonValue}>, patch: KubeletConfigPatch): {[key: string]: JsonValue} {
  const result: {[key: string]: JsonValue} = structuredClone(base) as {[key: string]: JsonValue}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key]
    } else if (isPlainObject(value)) {
      const current = result[key]
      result[key] = applyMergePatch(isPlainObject(current) ? current : {}, value)
    } else {
      result[key] = value
    }
  }
  return result
}
