/**
 * Issue 14's fuzz test: a few hundred mutations of the real captures and profiles on every npm test (fixed seed,
 * a few seconds), each with a deadline; exit codes only in {0, 2, 3, 4}, never R1_BUG. `npm run fuzz` runs the
 * long form (FUZZ_COUNT=5000, FUZZ_SPAWN real bin/run.js runs) and prints the counts.
 */
import {describe, expect, it} from 'vitest'

import type {GpuProfile} from '../src/core/profiles/gpu.schema.js'
import {loadCatalog} from '../src/io/profiles.js'
import {fuzz} from './helpers/fuzz.js'

const COUNT = Number(process.env.FUZZ_COUNT ?? 300)
const SPAWN = Number(process.env.FUZZ_SPAWN ?? 0)
const SEED = Number(process.env.FUZZ_SEED ?? 14)

describe('fuzz: mutated captures and profiles', () => {
  it(`${COUNT} mutations (seed ${SEED}): exit codes in {0, 2, 3, 4}, no R1_BUG, none past its deadline, nothing left running`, async () => {
    const catalog = (await loadCatalog()).gpus as GpuProfile[]
    const counts = await fuzz({catalog, count: COUNT, deadlineMs: 1000, seed: SEED, spawn: SPAWN})
    if (process.env.FUZZ_COUNT) console.log(`fuzz: ${JSON.stringify({...counts, findings: counts.findings.length})}\n${counts.findings.join('\n')}`)
    expect(counts.findings).toEqual([])
    expect(counts.bugs).toBe(0)
    expect(counts.hangs).toBe(0)
    expect(counts.orphans).toBe(0)
    expect(counts.inputs).toBe(COUNT)
  }, 600_000)
})
