import {setTimeout as sleep} from 'node:timers/promises'
import {DockerNodeError} from './errors.js'

/** A restart inside the node container that could not be done or did not take. */
export class NodeRestartError extends DockerNodeError {
  constructor(
    container: string,
    readonly component: string,
    reason: string,
  ) {
    super(container, `restart ${component} in the node container ${container}: ${reason}`)
    this.name = 'NodeRestartError'
  }
}

/** The parts of `crictl inspect ID` (JSON) a restart reads: the container's process and its attempt number. */
export function inspectedContainer(text: string): {pid: number | undefined; attempt: number} {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    return {pid: undefined, attempt: 0}
  }
  const record = (typeof document === 'object' && document !== null ? document : {}) as {info?: {pid?: unknown}; status?: {metadata?: {attempt?: unknown}}}
  const pid = record.info?.pid
  const attempt = record.status?.metadata?.attempt
  return {pid: typeof pid === 'number' && pid > 0 ? pid : undefined, attempt: typeof attempt === 'number' ? attempt : 0}
}

/** Polls `probe` every `intervalMs` until it yields a value or `timeoutMs` passes (then undefined). */
export async function pollFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200, signal?: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    signal?.throwIfAborted()
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() >= deadline) return undefined
    await sleep(intervalMs, undefined, signal ? {signal} : {})
  }
}
