import {readFileSync} from 'node:fs'
import type {SimNodeLayout} from '../node/layout.js'
import {isAlive, processCommandLine, processStat} from './proc.js'
import type {ComponentRecord} from './records.js'

/** The pid in run/kubelet.pid, if that process is alive and is a sim kubelet (not a reused pid). */
export function runningKubeletPid(layout: SimNodeLayout): number | undefined {
  let pid: number
  try {
    pid = Number.parseInt(readFileSync(layout.kubeletPidFile, 'utf8').trim(), 10)
  } catch {
    return undefined
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined
  const commandLine = processCommandLine(pid) ?? []
  return commandLine.some((word) => /(^|\/)kubelet\/main\.js$/.test(word)) ? pid : undefined
}

/**
 * True when the record's pid is still the process the kubelet started: alive, same start time,
 * same command line, and still leading its own process group.
 */
export function isRecordedProcessAlive(record: ComponentRecord): record is ComponentRecord & {pid: number} {
  if (record.pid === undefined || !isAlive(record.pid)) return false
  const stat = processStat(record.pid)
  if (!stat || (record.startTicks !== undefined && stat.startTicks !== record.startTicks)) return false
  if (stat.pgrp !== (record.pgid ?? record.pid)) return false
  const commandLine = processCommandLine(record.pid)
  const argv = record.argv
  return argv !== undefined && commandLine !== undefined && commandLine.length === argv.length && commandLine.every((word, index) => word === argv[index])
}
