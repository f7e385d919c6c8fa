import {readFileSync} from 'node:fs'
import type {ComponentStatus, KubeletStatus, NodeStatus} from '../node/status.js'
import {nodeStatusSchema} from '../node/status.js'
import {writeFileAtomically} from './records.js'

/**
 * Writes run/status.json (temp file + rename, so a reader never sees half a file). Changes made in
 * one turn of the event loop are written once; `flush` writes at once (used on the way out).
 */
export class StatusWriter {
  private scheduled = false

  constructor(
    private readonly file: string,
    private readonly snapshot: () => {kubelet: KubeletStatus; components: ComponentStatus[]},
  ) {}

  changed(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }

  flush(): void {
    const {kubelet, components} = this.snapshot()
    const status: NodeStatus = {updatedAt: new Date().toISOString(), kubelet, components: [...components].sort((a, b) => a.name.localeCompare(b.name))}
    writeFileAtomically(this.file, `${JSON.stringify(status, null, 2)}\n`)
  }
}

/** The status file as last written, or undefined when there is none (or it does not match the schema). */
export function readNodeStatus(file: string): NodeStatus | undefined {
  try {
    const parsed = nodeStatusSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
