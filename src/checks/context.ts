import type {Target} from '../target/types.js'

/**
 * What a check sees while it runs. Readers and probes that several checks share (the apiserver
 * manifest, the anonymous GET of the kubelet's /pods) go through `once`, so each is read or sent
 * once per audit however many checks use it, and concurrent callers share the same promise.
 */
export interface CheckContext {
  readonly target: Target
  once<T>(key: string, produce: () => Promise<T>): Promise<T>
}

export function createCheckContext(target: Target): CheckContext {
  const cache = new Map<string, Promise<unknown>>()
  return {
    target,
    once<T>(key: string, produce: () => Promise<T>): Promise<T> {
      let pending = cache.get(key) as Promise<T> | undefined
      if (!pending) {
        pending = produce()
        cache.set(key, pending)
      }
      return pending
    },
  }
}
