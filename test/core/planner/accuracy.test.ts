// Each engine-log case held to its era's band, and the targets of bench:accuracy (which prints the same figures).
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore: plain ESM shared with the bench
import {CASE_FILES, loadCases, runAccuracy} from '../../../bench/accuracy-lib.mjs'
import {KV_BANDS} from '../../../src/core/planner/eras.js'
import {estimateMemory} from '../../../src/core/planner/memory.js'
import {ROOT} from '../../helpers/cli.js'
import {loadTestCatalog} from './fixtures.js'

interface Row {
  id: string
  era: keyof typeof KV_BANDS
  band: number | null
  r1: boolean
  exclude: string | null
  kvError: number | null
  weightsError: number | null
  weightsExcluded: string | null
  fits: boolean
  fitsTruth: boolean
}

interface Result {
  rows: Row[]
  kvMedianError: number
  kvWithin8: number
  r1MaxError: number
  verdictMismatches: string[]
  weightsMaxError: number
}

const {cases, inputs} = loadCases(join(ROOT, 'test/fixtures/engine-logs')) as {cases: Array<{id: string; file: string}>; inputs: unknown}

describe('accuracy against real engine startup logs', async () => {
  const result = runAccuracy({estimateMemory}, await loadTestCatalog(), inputs, cases) as Result
  const bounded = result.rows.filter((r) => !r.exclude && r.kvError !== null)

  it('covers every case of every file; every excluded one says why', () => {
    expect(CASE_FILES).toEqual(['cases.json', 'cases-2026-12.json'])
    expect(cases.filter((c) => c.file === 'cases-2026-12.json')).toHaveLength(21)
    expect(result.rows).toHaveLength(cases.length)
    for (const r of result.rows) if (r.exclude) expect(r.exclude.length).toBeGreaterThan(40)
    expect(bounded.length).toBeGreaterThanOrEqual(24)
  })

  it.each(bounded.map((r) => [r.id, r] as const))('%s: KV capacity within its era\'s band, and the same start/refuse verdict', (_id, r) => {
    expect(r.band).toBe(KV_BANDS[r.era].relative)
    expect(Math.abs(r.kvError!)).toBeLessThanOrEqual(r.band!)
    expect(r.fits).toBe(r.fitsTruth)
  })

  it('the targets: median KV error at most 3%, 80% of cases within 8%, every R1 671B case within 8%', () => {
    expect(result.kvMedianError).toBeLessThanOrEqual(0.03)
    expect(result.kvWithin8).toBeGreaterThanOrEqual(0.8)
    expect(bounded.filter((r) => r.r1).length).toBeGreaterThanOrEqual(4)
    expect(result.r1MaxError).toBeLessThanOrEqual(0.08)
  })

  it('start/refuse verdicts match every log that states one (the failures included)', () => {
    expect(result.verdictMismatches).toEqual([])
    expect(result.rows.filter((r) => !r.exclude && r.fitsTruth === false).length).toBeGreaterThanOrEqual(4)
  })

  it.each(result.rows.filter((r) => r.weightsError !== null && r.weightsError !== undefined && !r.weightsExcluded).map((r) => [r.id, r] as const))(
    '%s: weights per GPU within 2%%',
    (_id, r) => {
      expect(Math.abs(r.weightsError!)).toBeLessThanOrEqual(0.02)
    },
  )
})
