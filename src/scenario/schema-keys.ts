import {z} from 'zod'

/**
 * The field names a strict object in `schema` accepts at `path`, used to suggest the intended key
 * when a scenario misspells one. Undefined when the path does not lead to an object.
 */
export function allowedKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] | undefined {
  const found = new Set<string>()
  collect(schema, path, found)
  return found.size === 0 ? undefined : [...found]
}

function collect(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, found: Set<string>): void {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    collect(schema.unwrap() as z.ZodType, path, found)
  } else if (schema instanceof z.ZodPipe) {
    collect(schema.in as z.ZodType, path, found)
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as readonly z.ZodType[]) collect(option, path, found)
  } else if (schema instanceof z.ZodObject) {
    const [head, ...rest] = path
    if (head === undefined) {
      for (const key of Object.keys(schema.shape)) found.add(key)
      return
    }
    const field = (schema.shape as Record<string, z.ZodType | undefined>)[String(head)]
    if (field) collect(field, rest, found)
  } else if (schema instanceof z.ZodArray) {
    const [head, ...rest] = path
    if (typeof head === 'number' || (typeof head === 'string' && /^\d+$/.test(head))) collect(schema.element as z.ZodType, rest, found)
  } else if (schema instanceof z.ZodRecord) {
    const [head, ...rest] = path
    if (head !== undefined) collect(schema.valueType as z.ZodType, rest, found)
  }
}
