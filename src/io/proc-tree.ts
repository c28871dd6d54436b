/**
 * Finding every process r1 started, however it left: the children of a child by walking /proc by parent pid
 * (which finds the ones that called setsid and left the process group), and the ones whose parent already
 * exited by the marker r1 puts in their environment (R1_OWNER), which they inherit. Linux only: elsewhere
 * (no /proc) only the process group is reached.
 */
import {readdirSync, readFileSync} from 'node:fs'

export const OWNER_ENV = 'R1_OWNER'

export interface ProcInfo {
  pid: number
  ppid: number
  pgrp: number
  session: number
  /** Start time in clock ticks since boot: with the pid, who a process is (pids are reused). */
  startTime: number
  state: string
}

/** /proc/PID/stat: the command name is in parentheses and may hold spaces and parentheses itself. */
export function parseStat(text: string): ProcInfo | null {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open === -1 || close === -1) return null
  const pid = Number(text.slice(0, open).trim())
  const rest = text.slice(close + 2).split(' ')
  // rest[0] = state, [1] = ppid, [2] = pgrp, [3] = session, ... [19] = starttime
  const info = {pgrp: Number(rest[2]), pid, ppid: Number(rest[1]), session: Number(rest[3]), startTime: Number(rest[19]), state: rest[0] ?? '?'}
  return Number.isInteger(info.pid) && Number.isInteger(info.ppid) ? info : null
}

export function procInfo(pid: number): ProcInfo | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return null
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
  } catch {
    return []
  }
}

/** Every live process (not zombies) below `roots`, by parent pid; the roots themselves are not included. */
export function descendants(roots: readonly number[]): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>()
  for (const pid of allPids()) {
    const info = procInfo(pid)
    if (!info || info.state === 'Z') continue
    const list = children.get(info.ppid)
    if (list) list.push(info)
    else children.set(info.ppid, [info])
  }

  const out: ProcInfo[] = []
  const seen = new Set<number>(roots)
  const queue = [...roots]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child.pid)) continue
      seen.add(child.pid)
      out.push(child)
      queue.push(child.pid)
    }
  }

  return out
}

/** Live processes whose environment carries R1_OWNER=`token` (r1's children and everything they started). */
export function processesWithMarker(token: string): ProcInfo[] {
  const needle = Buffer.from(`\0${OWNER_ENV}=${token}\0`)
  const first = Buffer.from(`${OWNER_ENV}=${token}\0`)
  const out: ProcInfo[] = []
  for (const pid of allPids()) {
    if (pid === process.pid) continue
    let env: Buffer
    try {
      env = readFileSync(`/proc/${pid}/environ`)
    } catch {
      continue
    }

    if (env.includes(needle) || env.subarray(0, first.length).equals(first)) {
      const info = procInfo(pid)
      if (info && info.state !== 'Z') out.push(info)
    }
  }

  return out
}

/** The process is there and not a zombie; with `startTime`, also the same process as before. */
export function isRunning(pid: number, startTime?: number): boolean {
  const info = procInfo(pid)
  if (info) return info.state !== 'Z' && (startTime === undefined || info.startTime === startTime)
  try {
    process.kill(pid, 0)
    return startTime === undefined
  } catch {
    return false
  }
}

/** Sends `signal` to each process (by pid and start time, so a reused pid is spared); returns how many got it. */
export function signalAll(processes: readonly {pid: number; startTime?: number}[], signal: NodeJS.Signals): number {
  let sent = 0
  for (const p of processes) {
    if (p.pid <= 1 || p.pid === process.pid) continue
    if (p.startTime !== undefined && !isRunning(p.pid, p.startTime)) continue
    try {
      process.kill(p.pid, signal)
      sent++
    } catch {
      // gone meanwhile
    }
  }

  return sent
}
