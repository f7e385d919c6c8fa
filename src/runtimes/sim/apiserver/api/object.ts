/** The JSON shape of API objects as the sim handles them: any object with a metadata block. */

export type JsonValue = null | boolean | number | string | JsonValue[] | {[key: string]: JsonValue}
export type JsonObject = {[key: string]: JsonValue}

export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  creationTimestamp?: string
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  [field: string]: unknown
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Turns parsed JSON into a KubeObject, making sure `metadata` is an object. */
export function asKubeObject(value: unknown): KubeObject | undefined {
  if (!isRecord(value)) return undefined
  const metadata = value['metadata'] ?? {}
  if (!isRecord(metadata)) return undefined
  return {...value, metadata: metadata as ObjectMeta}
}

export function stringField(value: unknown, ...path: string[]): string | undefined {
  let current: unknown = value
  for (const key of path) {
    if (!isRecord(current)) return undefined
    current = current[key]
  }
  return typeof current === 'string' ? current : undefined
}

export function field(value: unknown, ...path: string[]): unknown {
  let current: unknown = value
  for (const key of path) {
    if (!isRecord(current)) return undefined
    current = current[key]
  }
  return current
}
