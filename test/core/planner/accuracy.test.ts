// Each engine-log case held to its bound (bench/accuracy.mjs prints the same figures).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore: plain ESM shared with the bench
import {runAccuracy} from '../../../bench/accuracy-lib.mjs'
import {estimateMemory} from '../../../src/core/planner/memory.js'
import {ROOT} from '../../helpers/cli.js'
import {loadTestCatalog} from './fixtures.js'

interface Row {
  id: string
  exclude: string | null
  kvError: number | null
  weightsError: number | null
  weightsExcluded: string | null
  fits: boolean
  fitsTruth: boolean
}

const dir = join(ROOT, 'test/fixtures/engine-logs')
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Array<{id: string}>
const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'))

describe('accuracy against real engine startup logs', async () => {
  const result = runAccuracy({estimateMemory}, await loadTestCatalog(), inputs, cases) as {rows: Row[]; kvMedianError: number; kvMaxError: number; weightsMaxError: number}
  const bounded = result.rows.filter((r) => !r.exclude && r.kvError !== null)

  it('every case has inputs, and every excluded one says why', () => {
    expect(result.rows).toHaveLength(cases.length)
    for (const r of result.rows) if (r.exclude) expect(r.exclude.length).toBeGreaterThan(10)
    expect(bounded.length).toBeGreaterThanOrEqual(7)
  })

  it.each(bounded.map((r) => [r.id, r] as const))('%s: KV capacity within 10%%, and the same start/refuse verdict', (_id, r) => {
    expect(Math.abs(r.kvError!)).toBeLessThanOrEqual(0.1)
    expect(r.fits).toBe(r.fitsTruth)
  })

  it('median KV error at most 3%', () => expect(result.kvMedianError).toBeLessThanOrEqual(0.03))

  it.each(result.rows.filter((r) => r.weightsError !== null && !r.weightsExcluded).map((r) => [r.id, r] as const))('%s: weights per GPU within 2%%', (_id, r) => {
    expect(Math.abs(r.weightsError!)).toBeLessThanOrEqual(0.02)
  })
})
