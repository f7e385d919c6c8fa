/**
 * The real apiserver's etcd key layout: `<prefix>/<resource>/<namespace>/<name>` for namespaced objects and
 * `<prefix>/<resource>/<name>` for cluster-scoped ones, with the historical paths services/specs,
 * services/endpoints and minions (nodes).
 */

export interface StorageLocation {
  resource: string
  /** Path under the prefix when it differs from the resource name (services/specs, minions). */
  storagePath?: string
  namespaced: boolean
}

function pathOf(location: StorageLocation): string {
  return location.storagePath ?? location.resource
}

export function objectKey(prefix: string, location: StorageLocation, namespace: string | undefined, name: string): string {
  const base = `${trimSlash(prefix)}/${pathOf(location)}`
  return location.namespaced ? `${base}/${namespace ?? ''}/${name}` : `${base}/${name}`
}

/** Prefix of every object of the type, or of one namespace's objects. Ends with a slash. */
export function collectionPrefix(prefix: string, location: StorageLocation, namespace?: string): string {
  const base = `${trimSlash(prefix)}/${pathOf(location)}/`
  return location.namespaced && namespace !== undefined && namespace !== '' ? `${base}${namespace}/` : base
}

function trimSlash(prefix: string): string {
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
}
