/**
 * The calibration store on disk: a corrupt store is set aside, never lost; several real processes writing
 * at once lose nothing (each runs dist/src/io/calibration-store.js; needs `npm run build`).
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {type CalibrationRecord, CalibrationStore} from '../../src/core/calibration/calibration.schema.js'
import {machineIdentity, openCalibrationStore, storePath} from '../../src/io/calibration-store.js'
import {stateDir} from '../../src/io/state-dir.js'
import {ROOT} from '../helpers/cli.js'

const machine = machineIdentity('gpu-box', {driverVersion: '570.86.15', gpus: [{memoryTotalMiB: 24_564, name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-1'}] as never})

export function fakeRecord(id: string, date = '2026-12-03T10:00:00.000Z'): CalibrationRecord {
  const nulls = Object.fromEntries(
    ['engineVersion', 'era', 'model', 'checkpoint', 'checkpointId', 'gpuName', 'gpuMemoryMiB', 'driverVersion', 'tensorParallel', 'pipelineParallel', 'dataParallel', 'expertParallel', 'dpAttention', 'nodes', 'gpusPerNode', 'kvCacheDtype', 'utilization', 'contextLength', 'maxNumBatchedTokens', 'maxNumSeqs', 'chunkedPrefillSize', 'cudaGraphMaxBs'].map((k) => [k, null]),
  )
  return {
    config: {...nulls, engine: 'vllm'} as CalibrationRecord['config'],
    configFrom: 'launch-line',
    date,
    id,
    logged: {activationPeakGiB: null, cudaGraphGiB: null, kvCacheGiB: 3.41, kvCacheTokens: 63_776, maxConcurrency: null, nonTorchGiB: null, totalGpuMemoryGiB: null, weightsGiB: 14.25},
    outcome: {diagnosis: null, failure: null, status: 'started', summary: null},
    source: 'import',
  }
}

describe('state folder', () => {
  it('R1_STATE_DIR, else $XDG_STATE_HOME/r1 (absolute only), else ~/.local/state/r1', () => {
    expect(stateDir({HOME: '/home/u', R1_STATE_DIR: '/srv/r1', XDG_STATE_HOME: '/x'})).toBe('/srv/r1')
    expect(stateDir({HOME: '/home/u', XDG_STATE_HOME: '/x'})).toBe('/x/r1')
    expect(stateDir({HOME: '/home/u', XDG_STATE_HOME: 'relative'})).toBe('/home/u/.local/state/r1')
    expect(stateDir({HOME: '/home/u'})).toBe('/home/u/.local/state/r1')
  })
})

describe('machine identity', () => {
  it('hashes the hostname with the GPU UUIDs; the driver does not change it, a GPU or host does', () => {
    const gpus = [{memoryTotalMiB: 24_564, name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-1'}]
    const a = machineIdentity('box', {driverVersion: '570', gpus} as never)
    expect(a.id).toMatch(/^[0-9a-f]{12}$/)
    expect(machineIdentity('box', {driverVersion: '580', gpus} as never).id).toBe(a.id)
    expect(machineIdentity('other', {driverVersion: '570', gpus} as never).id).not.toBe(a.id)
    expect(machineIdentity('box', {driverVersion: '570', gpus: [{...gpus[0], uuid: 'GPU-2'}]} as never).id).not.toBe(a.id)
  })
})

describe('calibration store', () => {
  it('writes, reads back through zod, and keeps the file private (0600, atomic: no temporary left)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-state-'))
    const store = openCalibrationStore(dir, machine)
    await store.update((r) => [...r, fakeRecord('0000000a')])
    await store.update((r) => [...r, fakeRecord('0000000b')])
    const read = await store.read()
    expect(read.records.map((r) => r.id)).toEqual(['0000000a', '0000000b'])
    expect(CalibrationStore.parse(JSON.parse(readFileSync(store.path, 'utf8'))).machine.hostname).toBe('gpu-box')
    expect(readdirSync(dir).sort()).toEqual([`calibration-${machine.id}.json`, `calibration-${machine.id}.json.sha256`])
  })

  it('a store edited by hand no longer has the hash r1 wrote: it is validated with zod again, and set aside when invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-state-'))
    const store = openCalibrationStore(dir, machine)
    await store.update((r) => [...r, fakeRecord('0000000e')])
    const text = readFileSync(store.path, 'utf8')
    writeFileSync(store.path, text.replace('"kvCacheTokens": 63776', '"kvCacheTokens": "many"'))
    const read = await store.read()
    expect(read.records).toEqual([])
    expect(read.warnings[0]).toMatch(/records\.0\.logged\.kvCacheTokens: /)
  })

  it.each([
    ['not JSON', '{"kind": "r1-calibration", "records": [', /not JSON/],
    ['not a store', '{"kind": "r1-calibration", "version": 1, "records": "x"}', /machine|records/],
  ])('a corrupt store (%s) is reported and set aside with a timestamp; nothing is lost', async (_name, text, why) => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-state-'))
    const store = openCalibrationStore(dir, machine, {now: () => new Date('2026-12-03T10:11:12.345Z')})
    writeFileSync(storePath(dir, machine), text)
    const read = await store.read()
    expect(read.records).toEqual([])
    expect(read.warnings).toHaveLength(1)
    expect(read.warnings[0]).toMatch(why)
    const aside = join(dir, `calibration-${machine.id}.json.corrupt-2026-12-03T10-11-12-345Z`)
    expect(read.warnings[0]).toContain(aside)
    expect(readFileSync(aside, 'utf8')).toBe(text)
    expect(existsSync(store.path)).toBe(false)
    // The next write starts a new store beside it.
    await store.update((r) => [...r, fakeRecord('0000000c')])
    expect((await store.read()).records.map((r) => r.id)).toEqual(['0000000c'])
    expect(readFileSync(aside, 'utf8')).toBe(text)
  })

  it('breaks the lock of a process that is gone, and waits a bounded time for a live one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-state-'))
    const store = openCalibrationStore(dir, machine, {lockTimeoutMs: 300})
    // A crashed writer's lock (a pid that cannot exist on this host).
    writeFileSync(`${store.path}.lock`, JSON.stringify({at: Date.now(), host: (await import('node:os')).hostname(), pid: 2 ** 22 + 12_345}))
    await store.update((r) => [...r, fakeRecord('0000000d')])
    expect((await store.read()).records).toHaveLength(1)
    // A live holder (this very process): the wait ends with a clear error.
    writeFileSync(`${store.path}.lock`, JSON.stringify({at: Date.now(), host: (await import('node:os')).hostname(), pid: process.pid}))
    await expect(store.update((r) => r)).rejects.toThrow(/stayed locked by process \d+ .* for 0 s/)
  })

  it('several processes writing at once: every record arrives, the file stays valid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-state-'))
    const writers = 6
    const each = 15
    const script = `
      const {machineIdentity, openCalibrationStore} = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'io', 'calibration-store.js'))})
      const [dir, w, n] = process.argv.slice(1)
      const machine = machineIdentity('gpu-box', {driverVersion: '570.86.15', gpus: [{memoryTotalMiB: 24564, name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-1'}]})
      const store = openCalibrationStore(dir, machine, {lockTimeoutMs: 60000})
      const record = ${JSON.stringify(fakeRecord('00000000'))}
      for (let i = 0; i < Number(n); i++) {
        const id = (Number(w) * 256 + i).toString(16).padStart(8, '0')
        await store.update((r) => [...r, {...record, id, date: new Date(Date.UTC(2026, 11, 3, 10, Number(w), i)).toISOString()}])
      }
    `
    const runs = Array.from({length: writers}, (_, w) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir, String(w), String(each)], {stdio: ['ignore', 'ignore', 'inherit']})
        child.on('close', resolve)
      }),
    )
    expect(await Promise.all(runs)).toEqual(Array.from({length: writers}, () => 0))
    const stored = CalibrationStore.parse(JSON.parse(readFileSync(storePath(dir, machine), 'utf8')))
    expect(stored.records).toHaveLength(writers * each)
    expect(new Set(stored.records.map((r) => r.id)).size).toBe(writers * each)
    expect(readdirSync(dir).sort()).toEqual([`calibration-${machine.id}.json`, `calibration-${machine.id}.json.sha256`])
  })
})
