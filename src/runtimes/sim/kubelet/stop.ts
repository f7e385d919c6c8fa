import {existsSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import type {SimNodeLayout} from '../node/layout.js'
import {isRecordedProcessAlive, runningKubeletPid} from './identity.js'
import {NODE_ROOT_ENV} from './launch-spec.js'
import {isAlive, processGroupMembers, processStat, processesWithEnvironment} from './proc.js'
import {stopProcessGroup, waitFor} from './process-group.js'
import {readRecords, removeRecord, writeFileAtomically} from './records.js'
import {readNodeStatus} from './status-writer.js'

export interface StopLabOptions {
  /** Between SIGTERM and SIGKILL, for the kubelet and for each component. Default 3 s. */
  graceMs?: number
}

export interface StopLabResult {
  /** The kubelet's pid, when one was running. */
  kubeletPid: number | undefined
  /** Components whose process group was stopped. */
  stopped: Array<{name: string; pid: number; killed: boolean}>
}

/** Some process of the lab survived SIGKILL (it should not happen; the message lists them). */
export class StopLabError extends Error {
  override readonly name = 'StopLabError'
}

const DEFAULT_GRACE_MS = 3000

/**
 * Stops a sim lab for good (`kubelab down`): first the kubelet, so nothing restarts, then every
 * recorded component's process group (SIGTERM, SIGKILL after the grace period), then any process
 * still carrying the lab's node root in its environment (one started but not yet recorded when a
 * kubelet was killed). Resolves once none of them is left; marks status.json stopped.
 */
export async function stopLab(layout: SimNodeLayout, options: StopLabOptions = {}): Promise<StopLabResult> {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS
  const kubeletPid = runningKubeletPid(layout)
  if (kubeletPid !== undefined) await stopKubelet(kubeletPid, graceMs)

  const stopped: StopLabResult['stopped'] = []
  await Promise.all(
    readRecords(layout).map(async (record) => {
      const pgid = record.pgid ?? record.pid
      if (record.pid !== undefined && pgid !== undefined && ownsGroup(record, pgid)) {
        const result = await stopProcessGroup(pgid, graceMs)
        stopped.push({name: record.name, pid: record.pid, killed: result.killed})
      }
      removeRecord(layout, record.name)
    }),
  )

  // Components lead their own process groups; a group this very process belongs to is never signalled.
  const ownGroup = processStat(process.pid)?.pgrp
  const strays = processesWithEnvironment(NODE_ROOT_ENV, layout.nodeRoot).filter((pid) => pid !== process.pid)
  const strayGroups = new Set(strays.map((pid) => processStat(pid)?.pgrp).filter((pgid): pgid is number => pgid !== undefined && pgid !== ownGroup))
  await Promise.all([...strayGroups].map((pgid) => stopProcessGroup(pgid, graceMs)))
  const left = processesWithEnvironment(NODE_ROOT_ENV, layout.nodeRoot).filter((pid) => pid !== process.pid)
  if (left.length > 0) throw new StopLabError(`processes of lab ${layout.labDir} still running after SIGKILL: ${left.join(', ')}`)

  markStopped(layout)
  await rm(layout.kubeletPidFile, {force: true})
  return {kubeletPid, stopped: stopped.sort((a, b) => a.name.localeCompare(b.name))}
}

async function stopKubelet(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM')
  if (await waitFor(() => !isAlive(pid), graceMs)) return
  signal(pid, 'SIGKILL')
  if (!(await waitFor(() => !isAlive(pid), 5000))) throw new StopLabError(`the kubelet (pid ${pid}) did not exit after SIGKILL`)
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

/**
 * The record's group is still the one the kubelet started: its leader is that very process, or the
 * leader is gone and what is left of the group is in the session the leader created.
 */
function ownsGroup(record: Parameters<typeof isRecordedProcessAlive>[0], pgid: number): boolean {
  if (isRecordedProcessAlive(record)) return true
  if (record.pid !== undefined && isAlive(record.pid)) return false // the pid now belongs to someone else
  return processGroupMembers(pgid).some((pid) => processStat(pid)?.session === pgid)
}

function markStopped(layout: SimNodeLayout): void {
  if (!existsSync(layout.statusFile)) return
  const status = readNodeStatus(layout.statusFile)
  if (!status) return
  writeFileAtomically(
    layout.statusFile,
    `${JSON.stringify(
      {
        updatedAt: new Date().toISOString(),
        kubelet: {state: 'stopped', message: 'lab stopped'},
        components: status.components.map(({pid: _pid, startedAt: _startedAt, ...component}) => ({...component, state: 'stopped', message: 'lab stopped'})),
      },
      null,
      2,
    )}\n`,
  )
}
