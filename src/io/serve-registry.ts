/**
 * The engines `r1 serve` started, one small file each under <state dir>/serve/ (a pidfile with more in it):
 * written when the engine starts, removed when r1 has stopped it. SIGKILL to r1 cannot be caught, so the file
 * stays, and the next `r1 serve` (or `r1 serve --stop`) finds the engine r1 left behind, by the marker its
 * whole tree carries in the environment (R1_OWNER), and stops it. Its waits keep r1 alive (they are its work).
 * Under --docker the engine runs in a container that dockerd owns, outside that tree: the record names the
 * container, and stopping an orphan removes it (`docker rm -f NAME` through the one wrapper, with a deadline).
 */
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Runner} from './exec.js'
import {processesWithMarker, procInfo, signalAll} from './proc-tree.js'
import {wait as sleep} from './signals.js'
import {stateDir} from './state-dir.js'

export interface EngineRecord {
  /** The R1_OWNER marker of the engine's tree. */
  owner: string
  pid: number
  engine: string
  host: string
  port: number
  /** The container's name under --docker (docker run --name); null or absent for an engine run directly. */
  container?: string | null
  /** Under `r1 serve --role`: which piece of the disaggregated plan (roles.ts pieceName); null or absent otherwise. */
  piece?: string | null
  /** The r1 that supervises it, by pid and start time (pids are reused). */
  r1Pid: number
  r1StartTime: number | null
  startedAt: string
}

export interface RecordedEngine extends EngineRecord {
  /** An r1 still supervises it. */
  supervised: boolean
  /** Processes of its tree still alive. */
  processes: number
}

export interface ServeRegistry {
  record(entry: Omit<EngineRecord, 'r1Pid' | 'r1StartTime' | 'startedAt'>): void
  remove(owner: string): void
  /** Every recorded engine with something still running; records of trees that are gone are cleaned up. */
  list(): RecordedEngine[]
  /** Stop an engine no r1 supervises: SIGTERM to its whole tree, SIGKILL after `graceMs`. True when nothing is left. */
  stopOrphan(entry: RecordedEngine, graceMs: number): Promise<boolean>
  /** Ask the r1 that supervises an engine to stop it (SIGTERM to that r1); true when it and the tree are gone within `waitMs`. */
  stopSupervised(entry: RecordedEngine, waitMs: number): Promise<boolean>
}

/** How long `docker rm -f` may take before r1 gives up on it (dockerd stops the container with SIGKILL). */
export const DOCKER_RM_TIMEOUT_MS = 30_000

export function createServeRegistry(env: Record<string, string | undefined>, runner?: Pick<Runner, 'capture'>): ServeRegistry {
  const dir = join(stateDir(env), 'serve')
  const file = (owner: string) => join(dir, `${owner.replace(/[^\w.-]/g, '_')}.json`)
  const r1Alive = (e: EngineRecord) => {
    const info = procInfo(e.r1Pid)
    return info !== null && info.state !== 'Z' && (e.r1StartTime === null || info.startTime === e.r1StartTime)
  }

  const treeGone = async (owner: string, waitMs: number) => {
    for (let waited = 0; waited <= waitMs; waited += 100) {
      if (processesWithMarker(owner).length === 0) return true
      await sleep(100)
    }

    return processesWithMarker(owner).length === 0
  }

  /** `docker rm -f NAME`: true when the container is gone (removed now, or already). */
  const removeContainer = async (name: string): Promise<boolean> => {
    if (!runner) return false
    const r = await runner.capture('docker', ['rm', '-f', name], {timeoutMs: DOCKER_RM_TIMEOUT_MS})
    return r.exitCode === 0 || /no such container/i.test(r.stderr)
  }

  return {
    list() {
      let names: string[]
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.json'))
      } catch {
        return []
      }

      const out: RecordedEngine[] = []
      for (const name of names) {
        let e: EngineRecord
        try {
          e = JSON.parse(readFileSync(join(dir, name), 'utf8')) as EngineRecord
          if (typeof e.owner !== 'string' || typeof e.r1Pid !== 'number') throw new Error('not a record')
        } catch {
          continue // not ours, or half-written by a crash: leave it
        }

        const processes = processesWithMarker(e.owner).length
        const supervised = r1Alive(e)
        // A container outlives the docker client: its record stays until `docker rm -f` has removed it.
        if (processes === 0 && !supervised && !e.container) {
          rmSync(join(dir, name), {force: true})
          continue
        }

        out.push({...e, processes, supervised})
      }

      return out
    },

    record(entry) {
      const me = procInfo(process.pid)
      const full: EngineRecord = {...entry, r1Pid: process.pid, r1StartTime: me?.startTime ?? null, startedAt: new Date().toISOString()}
      try {
        mkdirSync(dir, {recursive: true})
        const tmp = `${file(entry.owner)}.${process.pid}.tmp`
        writeFileSync(tmp, `${JSON.stringify(full)}\n`, {mode: 0o600})
        renameSync(tmp, file(entry.owner))
      } catch {
        // a state dir we cannot write costs only the orphan clean-up after a SIGKILL: never the serve itself
      }
    },

    remove(owner) {
      rmSync(file(owner), {force: true})
    },

    async stopOrphan(entry, graceMs) {
      signalAll(processesWithMarker(entry.owner), 'SIGTERM')
      if (!(await treeGone(entry.owner, graceMs))) {
        for (let i = 0; i < 20 && processesWithMarker(entry.owner).length > 0; i++) {
          signalAll(processesWithMarker(entry.owner), 'SIGKILL')
          await sleep(100)
        }
      }

      const treeStopped = processesWithMarker(entry.owner).length === 0
      const containerGone = entry.container ? await removeContainer(entry.container) : true
      const gone = treeStopped && containerGone
      if (gone) rmSync(file(entry.owner), {force: true})
      return gone
    },

    async stopSupervised(entry, waitMs) {
      signalAll([{pid: entry.r1Pid, startTime: entry.r1StartTime ?? undefined}], 'SIGTERM')
      for (let waited = 0; waited < waitMs && r1Alive(entry); waited += 100) await sleep(100)
      return !r1Alive(entry) && (await treeGone(entry.owner, 1000))
    },
  }
}
