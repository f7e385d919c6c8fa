import {open, readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {StringDecoder} from 'node:string_decoder'
import {setTimeout as sleep} from 'node:timers/promises'
import {LAB_COMPONENTS, type LabComponent} from '../runtimes/types.js'
import {simNodeLayout} from '../runtimes/sim/node/layout.js'
import {LabError, UnknownComponentError} from './errors.js'
import {kindNodeAccess} from './node-files.js'
import type {Lab} from './registry.js'

export function checkComponent(name: string): LabComponent {
  if ((LAB_COMPONENTS as readonly string[]).includes(name)) return name as LabComponent
  throw new UnknownComponentError(name, LAB_COMPONENTS)
}

/** logs/<component>.log: the process's stdout and stderr (for the kubelet, also its own log lines). */
export function logFile(lab: Lab, component: LabComponent): string {
  return path.join(simNodeLayout(lab.dir).logsDir, `${component}.log`)
}

export class NoLogError extends LabError {
  constructor(
    readonly file: string,
    component: string,
  ) {
    super(`${component} has no log yet (${file}): it has not been started. See \`kubelab status\`.`)
    this.name = 'NoLogError'
  }
}

/** The log as it is now; the last `tail` lines when given. */
export async function readLog(file: string, component: string, tail?: number): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NoLogError(file, component)
    throw error
  }
  if (tail === undefined) return text
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
  return lines.length === 0 || tail === 0 ? '' : `${lines.slice(-tail).join('\n')}\n`
}

/**
 * Writes what is appended to the log from `from` (a byte offset) on, until the signal aborts, like
 * `tail -f`: polls every `pollMs`; a file that shrinks (truncated) is read again from its start.
 */
export async function followLog(file: string, from: number, write: (chunk: string) => void, signal: AbortSignal, pollMs = 200): Promise<void> {
  let position = from
  const buffer = Buffer.alloc(64 * 1024)
  // a multi-byte character split between two reads is held back until its last byte arrives
  const decoder = new StringDecoder('utf8')
  while (!signal.aborted) {
    const size = await stat(file).then((info) => info.size, () => 0)
    if (size < position) position = 0
    if (size > position) {
      const handle = await open(file, 'r')
      try {
        while (position < size) {
          const {bytesRead} = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position)
          if (bytesRead === 0) break
          const text = decoder.write(buffer.subarray(0, bytesRead))
          if (text !== '') write(text)
          position += bytesRead
        }
      } finally {
        await handle.close()
      }
    }
    await sleep(pollMs, undefined, {signal}).catch(() => undefined)
  }
}

export async function logSize(file: string): Promise<number> {
  return stat(file).then((info) => info.size, () => 0)
}

/**
 * A component's log, whatever the runtime: logs/<component>.log of a sim lab; on a kind lab what the
 * node keeps (`journalctl -u kubelet`, `crictl logs` of the static pod's container).
 */
export async function readComponentLog(lab: Lab, component: LabComponent, tail?: number): Promise<string> {
  if (lab.record.runtime === 'kind') return kindNodeAccess(lab).logs(component, tail === undefined ? {} : {tail})
  return readLog(logFile(lab, component), component, tail)
}

/** Writes what the component logs from now on until the signal aborts (`logs -f`); see readComponentLog. */
export async function followComponentLog(lab: Lab, component: LabComponent, write: (chunk: string) => void, signal: AbortSignal): Promise<void> {
  if (lab.record.runtime === 'kind') return kindNodeAccess(lab).followLogs(component, write, signal)
  const file = logFile(lab, component)
  return followLog(file, await logSize(file), write, signal)
}
