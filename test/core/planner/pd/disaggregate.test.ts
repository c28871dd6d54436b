import {beforeAll, describe, expect, test} from 'vitest'

import {calibrate, type Calibration, rateGpu} from '../../../../src/core/planner/pd/calibration.js'
import {type DisaggregateMode, nodesOf, searchDisaggregated} from '../../../../src/core/planner/pd/disaggregate.js'
import {redundantExperts, roleLayout} from '../../../../src/core/planner/pd/roles.js'
import type {Workload} from '../../../../src/core/planner/pd/pd.schema.js'
import type {Catalog} from '../../../../src/core/profiles/catalog.js'
import {gpuSpecFromProfile} from '../../../../src/core/profiles/gpus.js'
import {loadTestCatalog} from '../fixtures.js'

let catalog: Catalog
let calibration: Calibration

beforeAll(async () => {
  catalog = await loadTestCatalog()
  const model = catalog.models.find((m) => m.id === 'deepseek-r1')!
  calibration = calibrate({checkpoints: model.checkpoints, engine: catalog.engines.find((e) => e.id === 'sglang')!, gpus: catalog.gpus, model})
})

function search(gpuId: string, nodes: number, inputTokens: number, outputTokens: number, extra: {itlMs?: number; mode?: DisaggregateMode; engine?: 'sglang' | 'vllm'; model?: string; checkpoint?: string} = {}) {
  const model = catalog.models.find((m) => m.id === (extra.model ?? 'deepseek-r1'))!
  const engine = catalog.engines.find((e) => e.id === (extra.engine ?? 'sglang'))!
  const profile = catalog.gpus.find((g) => g.id === gpuId)!
  const gpu = gpuSpecFromProfile(profile)
  const workload: Workload = {given: true, inputTokens, itlMs: extra.itlMs ?? null, outputTokens, ttftMs: null}
  return searchDisaggregated({
    calibration,
    checkpoint: model.checkpoints.find((c) => c.id === (extra.checkpoint ?? 'r1-fp8')) ?? model.checkpoints[0],
    contextLength: 131_072,
    engine,
    engineVersion: engine.id === 'sglang' ? '0.5.14' : '0.20.1',
    gpu,
    gpusPerNode: 8,
    hardware: {gpu, gpusPerNode: 8, nodes},
    kvCacheDtype: 'auto',
    mode: extra.mode ?? 'auto',
    model,
    rates: rateGpu(profile),
    workload,
  })
}

describe('calibration on the published rates (pd-disaggregation.md §4.1)', () => {
  test('the fitted rows come back within 3 % of the published figures; efficiencies are fractions of the rooflines', () => {
    const fitted = calibration.rows.filter((r) => r.fit)
    expect(fitted.map((r) => r.id)).toEqual(['lmsys-h100-prefill-1k', 'lmsys-h100-prefill-2k', 'lmsys-h100-prefill-4k', 'lmsys-h100-decode-2k'])
    for (const r of fitted) expect(Math.abs(r.modelled / r.published - 1)).toBeLessThan(0.03)
    expect(calibration.prefillEfficiency).toBeGreaterThan(0.2)
    expect(calibration.prefillEfficiency).toBeLessThan(0.4)
    expect(calibration.decodeEfficiency).toBeGreaterThan(0.1)
    expect(calibration.decodeEfficiency).toBeLessThan(0.3)
  })

  test('the prefill model carries to GB200 (not fitted) within 10 %, and the checks are listed honestly', () => {
    const gb = calibration.rows.filter((r) => r.gpu === 'gb200')
    expect(gb).toHaveLength(2)
    for (const r of gb) expect(Math.abs(r.ratio - 1)).toBeLessThan(0.1)
    // DeepSeek's production decode runs well above the model (batch and KV precision not published): shown, not hidden.
    const ds = calibration.rows.find((r) => r.id === 'deepseek-h800-decode')!
    expect(ds.fit).toBe(false)
    expect(ds.ratio).toBeLessThan(0.8)
  })
})

describe('disaggregated search', () => {
  test('Done when: 13 × 8 H100, 2,000 in / 2,000 out → disaggregated, prefill:decode between 1:2 and 1:3.5', () => {
    const out = search('h100-sxm', 13, 2000, 2000)
    expect(out.recommended).toBe(true)
    const c = out.candidate!
    const ratio = (c.decode.instances * c.decode.nodesPerInstance) / (c.prefill.instances * c.prefill.nodesPerInstance)
    expect(ratio).toBeGreaterThanOrEqual(2)
    expect(ratio).toBeLessThanOrEqual(3.5)
    expect(nodesOf(c)).toBe(13)
    expect(out.why[0]).toMatch(/^Disaggregated: /)
    expect(out.aggregated!.requestsPerSecond).toBeLessThan(c.requestsPerSecond)
    // Decode: DP attention over the whole instance, the batch from the KV pool.
    expect(c.decode.role.layout.dpAttention).toBe(true)
    expect(c.decode.role.layout.dataParallel).toBe(c.decode.nodesPerInstance * 8)
    expect(c.decode.batchPerRank).toBe(Math.min(256, Math.floor(c.decode.role.kvTokensPerRank / 4000)))
  })

  test('one node stays aggregated and says why', () => {
    const out = search('h200-sxm', 1, 2000, 2000)
    expect(out.recommended).toBe(false)
    expect(out.candidate).toBeNull()
    expect(out.why[0]).toMatch(/one node/)
  })

  test('short outputs stay aggregated: each rank gets more than one prompt per decode step', () => {
    const out = search('h100-sxm', 13, 2000, 100)
    expect(out.recommended).toBe(false)
    expect(out.aggregated!.promptsPerStep).toBeGreaterThanOrEqual(1)
    expect(out.why[0]).toMatch(/^Stays aggregated: .*new prompts per decode step/)
  })

  test('R1 reasoning outputs (2,000 / 6,000) need more decode than 2,000 / 2,000', () => {
    const long = search('h100-sxm', 13, 2000, 6000).candidate!
    const even = search('h100-sxm', 13, 2000, 2000).candidate!
    const share = (c: typeof long) => (c.decode.instances * c.decode.nodesPerInstance) / nodesOf(c)
    expect(share(long)).toBeGreaterThanOrEqual(share(even))
    expect(long.decode.ratePerNode).toBeLessThan(even.decode.ratePerNode)
  })

  test('too few nodes for both roles: R1 FP8 on 2 × 8 H100 cannot be split', () => {
    const out = search('h100-sxm', 2, 2000, 2000)
    expect(out.candidate).toBeNull()
    expect(out.why[0]).toMatch(/^Stays aggregated: .*cannot be split/)
  })

  test('--itl caps the decode batch', () => {
    const free = search('h100-sxm', 13, 2000, 2000).candidate!
    const capped = search('h100-sxm', 13, 2000, 2000, {itlMs: 60}).candidate!
    expect(capped.decode.batchLimit).toBe('itl')
    expect(capped.decode.itlMs).toBeLessThanOrEqual(60)
    expect(capped.decode.batchPerRank).toBeLessThan(free.decode.batchPerRank)
  })

  test('vLLM roles use DP + EP with TP 1 (llm-d wide-EP)', () => {
    const c = search('h200-sxm', 6, 2000, 6000, {engine: 'vllm', mode: 'on'}).candidate!
    expect(c.prefill.role.layout).toMatchObject({dpAttention: false, tensorParallel: 1})
    expect(c.decode.role.layout.expertParallel).toBe(c.decode.role.layout.dataParallel)
  })

  test('--disaggregate on plans a distill too (one node per instance)', () => {
    const out = search('h100-sxm', 3, 2000, 6000, {checkpoint: 'none', mode: 'on', model: 'r1-distill-llama-70b'})
    expect(out.candidate).not.toBeNull()
    expect(out.candidate!.prefill.nodesPerInstance).toBe(1)
    expect(out.recommended).toBe(true)
  })
})

describe('redundant experts', () => {
  test.each([
    [8, 32],
    [32, 32],
    [64, 64],
    [72, 32],
    [80, 64],
    [144, 32],
  ])('EP %i → %i redundant experts (physical experts split evenly, at least 32)', (ep, r) => {
    const model = catalog.models.find((m) => m.id === 'deepseek-r1')!
    expect(redundantExperts(model, ep)).toBe(r)
    expect((256 + r) % ep).toBe(0)
  })

  test('SGLang role layout: TP = DP = EP over the instance', () => {
    const model = catalog.models.find((m) => m.id === 'deepseek-r1')!
    expect(roleLayout('sglang', model, 9, 8)).toMatchObject({dataParallel: 72, dpAttention: true, expertParallel: 72, nodes: 9, tensorParallel: 72})
  })
})
