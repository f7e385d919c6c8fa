/**
 * API objects in real etcd. Objects are stored as JSON (the real apiserver stores core types as protobuf with a
 * `k8s\0` prefix, so `etcdctl get` shows binary there; here an attacker with etcd access reads plain JSON — the same
 * secrets, easier to see). resourceVersion is the key's etcd mod revision and is not stored in the value, as in the
 * real storage layer. Creates are a transaction on createRevision == 0; updates with a resourceVersion are a
 * transaction on modRevision (optimistic concurrency).
 */
import type {Etcd3, IKeyValue} from 'etcd3'
import {alreadyExists, conflict, notFound} from '../api/status.js'
import type {KubeObject} from '../api/object.js'
import {asKubeObject} from '../api/object.js'
import {collectionPrefix, objectKey, type StorageLocation} from './keys.js'

export interface StoredType extends StorageLocation {
  group: string
}

export interface ObjectList {
  items: KubeObject[]
  /** The etcd revision the list was read at. */
  resourceVersion: string
}

export class ObjectStore {
  constructor(
    readonly client: Etcd3,
    readonly prefix: string,
  ) {}

  key(type: StoredType, namespace: string | undefined, name: string): string {
    return objectKey(this.prefix, type, namespace, name)
  }

  async get(type: StoredType, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const response = await this.client.get(this.key(type, namespace, name)).exec()
    const kv = response.kvs[0]
    return kv ? decodeKeyValue(kv) : undefined
  }

  async mustGet(type: StoredType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const object = await this.get(type, namespace, name)
    if (!object) throw notFound(type.group, type.resource, name)
    return object
  }

  async list(type: StoredType, namespace?: string): Promise<ObjectList> {
    const response = await this.client.getAll().prefix(collectionPrefix(this.prefix, type, namespace)).exec()
    const items = response.kvs.map(decodeKeyValue).filter((item): item is KubeObject => item !== undefined)
    return {items, resourceVersion: response.header.revision}
  }

  async create(type: StoredType, object: KubeObject): Promise<KubeObject> {
    const name = object.metadata.name ?? ''
    const key = this.key(type, object.metadata.namespace, name)
    const result = await this.client
      .if(key, 'Create', '==', 0)
      .then(this.client.put(key).value(encode(object)))
      .commit()
    if (!result.succeeded) throw alreadyExists(type.group, type.resource, name)
    return withResourceVersion(object, result.header.revision)
  }

  /**
   * Replaces a stored object. With `expectedResourceVersion` the write only happens if nobody changed the object
   * since (409 Conflict otherwise); without it the update is unconditional, as the real apiserver allows.
   */
  async update(type: StoredType, object: KubeObject, expectedResourceVersion?: string): Promise<KubeObject> {
    const name = object.metadata.name ?? ''
    const key = this.key(type, object.metadata.namespace, name)
    const current = await this.client.get(key).exec()
    const kv = current.kvs[0]
    if (!kv) throw notFound(type.group, type.resource, name)
    const expected = expectedResourceVersion && expectedResourceVersion !== '' ? expectedResourceVersion : kv.mod_revision
    if (expected !== kv.mod_revision) throw conflict(type.group, type.resource, name)
    const result = await this.client
      .if(key, 'Mod', '==', expected)
      .then(this.client.put(key).value(encode(object)))
      .commit()
    if (!result.succeeded) throw conflict(type.group, type.resource, name)
    return withResourceVersion(object, result.header.revision)
  }

  async delete(type: StoredType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const key = this.key(type, namespace, name)
    const current = await this.client.get(key).exec()
    const kv = current.kvs[0]
    const object = kv ? decodeKeyValue(kv) : undefined
    if (!kv || !object) throw notFound(type.group, type.resource, name)
    const result = await this.client.if(key, 'Mod', '==', kv.mod_revision).then(this.client.delete().key(key)).commit()
    if (!result.succeeded) throw conflict(type.group, type.resource, name)
    return object
  }

  /** Deletes every object of the type in a namespace (namespace deletion). Returns how many were removed. */
  async deleteNamespaceContents(type: StoredType, namespace: string): Promise<number> {
    const response = await this.client.delete().prefix(collectionPrefix(this.prefix, type, namespace)).exec()
    return Number(response.deleted)
  }

  /** The etcd check behind /readyz and /livez. */
  async healthy(timeoutMs: number): Promise<boolean> {
    try {
      await this.client.get('health').options({deadline: Date.now() + timeoutMs}).buffer()
      return true
    } catch {
      return false
    }
  }
}

function encode(object: KubeObject): string {
  const {resourceVersion: _dropped, ...metadata} = object.metadata
  return JSON.stringify({...object, metadata})
}

export function decodeKeyValue(kv: IKeyValue): KubeObject | undefined {
  try {
    const object = asKubeObject(JSON.parse(kv.value.toString('utf8')))
    return object ? withResourceVersion(object, kv.mod_revision) : undefined
  } catch {
    return undefined
  }
}

function withResourceVersion(object: KubeObject, revision: string): KubeObject {
  return {...object, metadata: {...object.metadata, resourceVersion: revision}}
}
