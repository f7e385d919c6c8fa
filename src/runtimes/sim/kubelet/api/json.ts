/** Reading API objects that arrive as untyped JSON, without `any`. */

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function objectAt(value: unknown, ...path: string[]): JsonObject {
  let current: unknown = value
  for (const key of path) current = isObject(current) ? current[key] : undefined
  return isObject(current) ? current : {}
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current: unknown = value
  for (const key of path) current = isObject(current) ? current[key] : undefined
  return typeof current === 'string' ? current : undefined
}

export function listAt(value: unknown, ...path: string[]): JsonObject[] {
  let current: unknown = value
  for (const key of path) current = isObject(current) ? current[key] : undefined
  return Array.isArray(current) ? current.filter(isObject) : []
}

export function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {}
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** RFC 3339 in seconds, as metav1.Time serialises. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
