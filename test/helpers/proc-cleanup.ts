/**
 * Cleanup for end-to-end tests that start r1 and engines: every r1 a test starts carries a marker in its
 * environment (R1_TEST_RUN=<id>), which the engines r1 spawns, their workers and even setsid grandchildren
 * inherit. `killMarked` finds them all through /proc and SIGKILLs them, so a failed assertion or a timed-out
 * wait leaves nothing running. Linux only (elsewhere it finds nothing).
 */
import {randomUUID} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'

export const MARKER_ENV = 'R1_TEST_RUN'

/** A fresh marker, and the environment entry that carries it. */
export function newMarker(): {id: string; env: Record<string, string>} {
  const id = randomUUID()
  return {env: {[MARKER_ENV]: id}, id}
}

/** Live (non-zombie) processes whose environment carries the marker. */
export function markedPids(id: string): number[] {
  const needle = Buffer.from(`${MARKER_ENV}=${id}\0`)
  const out: number[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return out
  }

  for (const entry of entries) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      const environ = readFileSync(`/proc/${pid}/environ`)
      if (!environ.includes(needle)) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') out.push(pid)
    } catch {
      // gone, or not ours to read
    }
  }

  return out
}

/** SIGKILL every marked process until none is left (or give up after ~5 s); returns the pids that were still running. */
export async function killMarked(id: string): Promise<number[]> {
  const found = new Set<number>()
  for (let i = 0; i < 50; i++) {
    const pids = markedPids(id)
    if (pids.length === 0) break
    for (const pid of pids) {
      found.add(pid)
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }

    await sleep(100)
  }

  return [...found]
}
