/**
 * The calibration store on disk: one JSON file per machine in the state folder
 * (<state>/calibration-<machine id>.json), validated with zod when read.
 *
 * - Writes are atomic: a temporary file in the same folder, fsync, rename, fsync of the folder.
 * - Writers take a lock file (<store>.lock, created with O_EXCL) with a bounded wait, then re-read,
 *   merge and write under it, so concurrent r1 processes neither corrupt the file nor lose records.
 *   A lock whose process is gone (same host) is broken; one older than STALE_MS too.
 * - A store that is not JSON or not valid is set aside as <store>.corrupt-<timestamp> (under the
 *   lock) and reported; it is never deleted or silently replaced.
 * - Every write is validated with zod first and leaves <store>.sha256, the hash of the bytes it wrote. A read
 *   whose bytes have that hash skips loading zod again (zod costs 0.1–0.4 s of `r1 plan`'s start-up); any
 *   other content (edited by hand, cut short, written by another tool) is validated with zod.
 */
import {createHash, randomBytes} from 'node:crypto'
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {hostname} from 'node:os'
import {dirname, join} from 'node:path'

import type {CalibrationRecord, CalibrationStore, MachineIdentity} from '../core/calibration/calibration.schema.js'
import type {DetectResult} from '../core/detect/detect.schema.js'
import {R1Error} from '../core/errors.js'

export const LOCK_TIMEOUT_MS = 10_000
const STALE_MS = 60_000
/** The newest records kept; older ones drop off when a write would pass this. */
export const MAX_RECORDS = 1000

export function hostName(): string {
  return hostname()
}

/**
 * This machine: the hostname and its GPUs. The id hashes the hostname with the GPUs' UUIDs (or, where a
 * capture lacks them, index:name:memory), so a re-imaged host with the same GPUs keeps its records and a
 * GPU swap starts a new store. The driver is recorded but not part of the id: a driver update keeps the records.
 */
export function machineIdentity(host: string, detected: Pick<DetectResult, 'driverVersion' | 'gpus'> | null): MachineIdentity {
  const gpus = (detected?.gpus ?? []).map((g) => ({memoryMiB: g.memoryTotalMiB, name: g.name, uuid: g.uuid}))
  const keys = gpus.map((g, i) => g.uuid ?? `${i}:${g.name}:${g.memoryMiB ?? '?'}`).sort()
  const id = createHash('sha256').update([host, ...keys].join('\n')).digest('hex').slice(0, 12)
  return {driverVersion: detected?.driverVersion ?? null, gpus, hostname: host, id}
}

export function storePath(dir: string, machine: Pick<MachineIdentity, 'id'>): string {
  return join(dir, `calibration-${machine.id}.json`)
}

export interface StoreRead {
  path: string
  records: CalibrationRecord[]
  /** Set when the file existed. */
  exists: boolean
  /** A corrupt store set aside, said in words. */
  warnings: string[]
}

export interface CalibrationStoreHandle {
  path: string
  read(): Promise<StoreRead>
  /** Re-read under the lock, apply `change`, write atomically; returns what was written. */
  update(change: (records: CalibrationRecord[]) => CalibrationRecord[]): Promise<StoreRead>
}

export interface StoreOptions {
  lockTimeoutMs?: number
  now?: () => Date
}

export function openCalibrationStore(dir: string, machine: MachineIdentity, options: StoreOptions = {}): CalibrationStoreHandle {
  const path = storePath(dir, machine)
  const now = options.now ?? (() => new Date())
  const timeout = options.lockTimeoutMs ?? LOCK_TIMEOUT_MS

  const locked = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await acquireLock(`${path}.lock`, path, timeout)
    try {
      return await work()
    } finally {
      release()
    }
  }

  return {
    path,
    async read() {
      const first = await readStore(path)
      if (first.kind !== 'corrupt') return {exists: first.kind === 'ok', path, records: first.kind === 'ok' ? first.store.records : [], warnings: []}
      // Set aside only under the lock: a writer may be replacing the file at this moment.
      return locked(async () => {
        const again = await readStore(path)
        const warnings = again.kind === 'corrupt' ? [setAside(path, again.why, now())] : []
        return {exists: again.kind === 'ok', path, records: again.kind === 'ok' ? again.store.records : [], warnings}
      })
    },

    update(change) {
      return locked(async () => {
        const current = await readStore(path)
        const warnings = current.kind === 'corrupt' ? [setAside(path, current.why, now())] : []
        const before = current.kind === 'ok' ? current.store.records : []
        const records = change([...before]).sort((a, b) => a.date.localeCompare(b.date)).slice(-MAX_RECORDS)
        const store: CalibrationStore = {kind: 'r1-calibration', machine, records, version: 1}
        const {CalibrationStore: schema} = await import('../core/calibration/calibration.schema.js')
        schema.parse(store) // never write what would not read back
        const text = `${JSON.stringify(store, null, 2)}\n`
        writeAtomic(path, text)
        writeAtomic(`${path}.sha256`, `${sha256(text)}\n`)
        return {exists: true, path, records, warnings}
      })
    },
  }
}

type Loaded = {kind: 'missing'} | {kind: 'ok'; store: CalibrationStore} | {kind: 'corrupt'; why: string}

async function readStore(path: string): Promise<Loaded> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {kind: 'missing'}
    throw new R1Error('R1_IO', `cannot read the calibration store ${path}: ${(error as Error).message}`, {cause: error})
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return {kind: 'corrupt', why: `not JSON: ${(error as Error).message}`}
  }

  // The very bytes r1 validated when it wrote them.
  if (readStamp(path) === sha256(text)) return {kind: 'ok', store: data as CalibrationStore}

  const {CalibrationStore: schema} = await import('../core/calibration/calibration.schema.js')
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {kind: 'corrupt', why: `${issue.path.join('.') || '(top level)'}: ${issue.message}`}
  }

  return {kind: 'ok', store: parsed.data}
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function readStamp(path: string): string | null {
  try {
    return readFileSync(`${path}.sha256`, 'utf8').trim()
  } catch {
    return null
  }
}

function setAside(path: string, why: string, at: Date): string {
  const aside = `${path}.corrupt-${at.toISOString().replaceAll(/[:.]/g, '-')}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new R1Error('R1_IO', `the calibration store ${path} is corrupt (${why}) and could not be set aside: ${(error as Error).message}`, {
        cause: error,
        suggestions: [`Move it away by hand (mv ${path} ${aside}); r1 then starts a new one.`],
      })
    }
  }

  return `the calibration store ${path} was corrupt (${why}): set aside as ${aside} (nothing deleted); a new store was started`
}

/** temp + fsync + rename + fsync of the folder: a reader sees the old file or the new one, never half. */
export function writeAtomic(path: string, text: string): void {
  const dir = dirname(path)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const tmp = join(dir, `.${randomBytes(6).toString('hex')}.${process.pid}.tmp`)
  try {
    const fd = openSync(tmp, 'wx', 0o600)
    try {
      writeSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }

    renameSync(tmp, path)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {
      // not created
    }

    throw new R1Error('R1_IO', `could not write the calibration store ${path}: ${(error as Error).message}`, {cause: error})
  }

  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  }
}

interface LockOwner {
  pid: number
  host: string
  at: number
}

/** Take <store>.lock (O_CREAT|O_EXCL), waiting up to `timeoutMs`; returns the release. */
async function acquireLock(lock: string, store: string, timeoutMs: number): Promise<() => void> {
  mkdirSync(dirname(lock), {recursive: true, mode: 0o700})
  const deadline = Date.now() + timeoutMs
  const me: LockOwner = {at: Date.now(), host: hostname(), pid: process.pid}
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600)
      try {
        writeSync(fd, JSON.stringify({...me, at: Date.now()}))
      } finally {
        closeSync(fd)
      }

      return () => {
        try {
          unlinkSync(lock)
        } catch {
          // already gone
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new R1Error('R1_IO', `cannot lock the calibration store ${store}: ${(error as Error).message}`, {cause: error})
      }
    }

    const owner = readOwner(lock)
    if (owner && isStale(owner, me.host)) {
      // Break it only if it is still the same stale lock (another process may just have broken and retaken it).
      const again = readOwner(lock)
      if (again && again.pid === owner.pid && again.at === owner.at) {
        try {
          unlinkSync(lock)
        } catch {
          // someone else broke it
        }
      }

      continue
    }

    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} on ${owner.host}, since ${new Date(owner.at).toISOString()}` : 'another process'
      throw new R1Error('R1_IO', `the calibration store ${store} stayed locked by ${who} for ${Math.round(timeoutMs / 1000)} s`, {
        suggestions: [`If no other r1 is running, remove ${lock} and try again.`],
      })
    }

    await new Promise((resolve) => setTimeout(resolve, Math.min(200, 5 + attempt * 5) + Math.random() * 10))
  }
}

function readOwner(lock: string): LockOwner | null {
  try {
    const data = JSON.parse(readFileSync(lock, 'utf8')) as Partial<LockOwner>
    return typeof data.pid === 'number' && typeof data.at === 'number' ? {at: data.at, host: String(data.host ?? ''), pid: data.pid} : null
  } catch {
    // Being written right now, or left empty by a crash: held, until it is old.
    try {
      return {at: statSync(lock).mtimeMs, host: '', pid: -1}
    } catch {
      return null
    }
  }
}

function isStale(owner: LockOwner, host: string): boolean {
  if (Date.now() - owner.at > STALE_MS) return true
  if (owner.host !== host) return false
  try {
    process.kill(owner.pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
