import {z} from 'zod'

/** Scenario, lesson and step ids: lower-case words joined by hyphens, e.g. "all-open". */
export const kebabId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case words joined by hyphens, e.g. "all-open"')

/** A Kubernetes object name (DNS-1123 subdomain), as the API server validates it. */
export const objectName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and "."',
  )

/** A namespace name (DNS-1123 label). */
export const namespaceName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label: lower-case letters, digits and "-"')

export const stringMap = z.record(z.string(), z.string())

/**
 * True when a setting would make a component listen on every interface. kubelab's deliberately
 * vulnerable services listen on 127.0.0.1 only.
 */
export function namesWildcardAddress(value: string): boolean {
  return /(^|[^0-9.])0\.0\.0\.0($|[^0-9.])/.test(value) || value.includes('[::]') || value.trim() === '::'
}

const WILDCARD_MESSAGE = 'must not name a wildcard address (0.0.0.0 or ::): kubelab labs listen on 127.0.0.1 only'

/** A command-line flag name as kubeadm's extraArgs take it: without leading dashes. */
export const flagName = z
  .string()
  .refine((name) => !name.startsWith('-'), 'write flag names without leading dashes, e.g. "anonymous-auth"')
  .refine((name) => /^[a-z0-9][a-z0-9-]*$/.test(name), 'flag names use lower-case letters, digits and "-"')

/** A flag value. YAML numbers and booleans are accepted and written as the component would read them. */
export const flagValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((value) => String(value))
  .refine((value) => !namesWildcardAddress(value), WILDCARD_MESSAGE)

export const flagMap = z.record(flagName, flagValue)

export const wildcardMessage = WILDCARD_MESSAGE
