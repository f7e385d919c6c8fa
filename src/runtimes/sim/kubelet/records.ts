import {mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {z} from 'zod'
import type {SimNodeLayout} from '../node/layout.js'

/**
 * What the kubelet remembers about one static pod between its own restarts, in
 * run/components/<name>.json. The process fields are set from the moment a process is spawned
 * until it is known to be gone, so `stopLab` and a restarted kubelet can always find it.
 */
export const componentRecordSchema = z.object({
  name: z.string(),
  manifestFile: z.string(),
  manifestHash: z.string().optional(),
  podHash: z.string().optional(),
  pid: z.number().int().optional(),
  /** The process group: the kubelet starts every component as the leader of its own group. */
  pgid: z.number().int().optional(),
  /** From /proc/<pid>/stat: with the pid, tells the process apart from a later one that reuses the pid. */
  startTicks: z.number().optional(),
  argv: z.array(z.string()).optional(),
  startedAt: z.string().optional(),
  restarts: z.number().int(),
  lastExit: z.string().optional(),
})

export type ComponentRecord = z.infer<typeof componentRecordSchema>

export function recordsDir(layout: SimNodeLayout): string {
  return path.join(layout.runDir, 'components')
}

function recordFile(layout: SimNodeLayout, name: string): string {
  return path.join(recordsDir(layout), `${name}.json`)
}

/** Written synchronously (temp file + rename) so a record exists before anything else can happen. */
export function writeRecord(layout: SimNodeLayout, record: ComponentRecord): void {
  mkdirSync(recordsDir(layout), {recursive: true})
  writeFileAtomically(recordFile(layout, record.name), `${JSON.stringify(record, null, 2)}\n`)
}

export function removeRecord(layout: SimNodeLayout, name: string): void {
  rmSync(recordFile(layout, name), {force: true})
}

/** Every readable record; a file that does not parse is skipped (it cannot name a process safely). */
export function readRecords(layout: SimNodeLayout): ComponentRecord[] {
  let entries: string[]
  try {
    entries = readdirSync(recordsDir(layout))
  } catch {
    return []
  }
  const records: ComponentRecord[] = []
  for (const entry of entries.filter((name) => name.endsWith('.json')).sort()) {
    try {
      const parsed = componentRecordSchema.safeParse(JSON.parse(readFileSync(path.join(recordsDir(layout), entry), 'utf8')))
      if (parsed.success) records.push(parsed.data)
    } catch {
      // half-written or foreign file
    }
  }
  return records
}

export function writeFileAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, file)
}
