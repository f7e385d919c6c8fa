import {alreadyExists, conflict, notFound} from '../api/status.js'
import type {KubeObject} from '../api/object.js'
import {ObjectStore, type StoredType} from './store.js'

/**
 * The store behind `?dryRun=All`: every write is checked as the real one would be (already exists, not found,
 * resourceVersion conflict) and answered with the object it would have written, but nothing reaches etcd — as
 * the real apiserver's dry-run storage does (`kubectl apply --dry-run=server`).
 */
export class DryRunStore extends ObjectStore {
  constructor(store: ObjectStore) {
    super(store.client, store.prefix)
  }

  override async create(type: StoredType, object: KubeObject): Promise<KubeObject> {
    const name = object.metadata.name ?? ''
    if (await this.get(type, object.metadata.namespace, name)) throw alreadyExists(type.group, type.resource, name)
    return object
  }

  override async update(type: StoredType, object: KubeObject, expectedResourceVersion?: string): Promise<KubeObject> {
    const name = object.metadata.name ?? ''
    const current = await this.get(type, object.metadata.namespace, name)
    if (!current) throw notFound(type.group, type.resource, name)
    const stored = current.metadata.resourceVersion
    if (expectedResourceVersion && expectedResourceVersion !== stored) throw conflict(type.group, type.resource, name)
    return {...object, metadata: {...object.metadata, ...(stored === undefined ? {} : {resourceVersion: stored})}}
  }

  override async delete(type: StoredType, namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.mustGet(type, namespace, name)
  }

  override async deleteNamespaceContents(type: StoredType, namespace: string): Promise<number> {
    return (await this.list(type, namespace)).items.length
  }
}
