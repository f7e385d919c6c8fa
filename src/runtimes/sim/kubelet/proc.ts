import {readFileSync, readdirSync, readlinkSync} from 'node:fs'

/** What /proc/<pid>/stat says about a process that matters to a supervisor. */
export interface ProcessStat {
  /** R, S, D, Z (zombie), X (dead), … */
  state: string
  pgrp: number
  session: number
  /** Start time in clock ticks since boot: with the pid, it names one process for good. */
  startTicks: number
}

/** Reads /proc/<pid>/stat, or undefined when there is no such process. */
export function processStat(pid: number): ProcessStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name (field 2) is in parentheses and may hold spaces or ")"; fields 3… follow the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return {state: fields[0] ?? '?', pgrp: Number(fields[2]), session: Number(fields[3]), startTicks: Number(fields[19])}
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  const stat = processStat(pid)
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X'
}

/** The process's argv as the kernel holds it, or undefined when it is gone. */
export function processCommandLine(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    const parts = text.split('\0')
    if (parts[parts.length - 1] === '') parts.pop()
    return parts
  } catch {
    return undefined
  }
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    const stat = processStat(pid)
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(pid)
  }
  return members
}

/** TCP ports the process listens on (IPv4 and IPv6), found through its socket inodes. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>()
  let fds: string[]
  try {
    fds = readdirSync(`/proc/${pid}/fd`)
  } catch {
    return []
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      const match = /^socket:\[(\d+)\]$/.exec(target)
      if (match?.[1]) inodes.add(match[1])
    } catch {
      // the descriptor closed while we looked
    }
  }
  const ports = new Set<number>()
  for (const socket of listeningSockets()) if (inodes.has(socket.inode)) ports.add(socket.port)
  return [...ports].sort((a, b) => a - b)
}

/** Which of `ports` some process on this machine still listens on. */
export function portsStillListening(ports: readonly number[]): number[] {
  if (ports.length === 0) return []
  const listening = new Set(listeningSockets().map((socket) => socket.port))
  return ports.filter((port) => listening.has(port))
}

const TCP_LISTEN = '0A'

function listeningSockets(): Array<{port: number; inode: string}> {
  const sockets: Array<{port: number; inode: string}> = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/)
      const local = columns[1]
      if (columns[3] !== TCP_LISTEN || local === undefined) continue
      const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16)
      sockets.push({port, inode: columns[9] ?? ''})
    }
  }
  return sockets
}

/** Live processes whose environment holds NAME=value exactly (e.g. every component of one lab). */
export function processesWithEnvironment(name: string, value: string): number[] {
  const wanted = `${name}=${value}`
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(wanted) && isAlive(pid)) found.push(pid)
    } catch {
      // gone, or not ours to read
    }
  }
  return found
}
