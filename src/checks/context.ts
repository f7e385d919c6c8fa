import http from 'node:http'
import https from 'node:https'
import type {Target} from '../target/types.js'

/**
 * What a check sees while it runs. Readers and probes that several checks share (the apiserver
 * manifest, the anonymous GET of the kubelet's /pods) go through `once`, so each is read or sent
 * once per audit however many checks use it, and concurrent callers share the same promise.
 */
export interface CheckContext {
  readonly target: Target
  once<T>(key: string, produce: () => Promise<T>): Promise<T>
  /** Keep-alive agents for this audit's probes: one TLS handshake per endpoint and credential, not per request. */
  readonly agents: {readonly http: http.Agent; readonly https: https.Agent}
}

export interface ClosableCheckContext extends CheckContext {
  /** Closes the audit's kept-alive connections, so the next audit sees restarted servers afresh. */
  close(): void
}

export function createCheckContext(target: Target): ClosableCheckContext {
  const cache = new Map<string, Promise<unknown>>()
  const agents = {http: new http.Agent({keepAlive: true}), https: new https.Agent({keepAlive: true})}
  return {
    target,
    agents,
    once<T>(key: string, produce: () => Promise<T>): Promise<T> {
      let pending = cache.get(key) as Promise<T> | undefined
      if (!pending) {
        pending = produce()
        cache.set(key, pending)
      }
      return pending
    },
    close() {
      agents.http.destroy()
      agents.https.destroy()
    },
  }
}
