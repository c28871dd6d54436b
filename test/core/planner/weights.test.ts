import {describe, expect, it} from 'vitest'

import type {QuantScheme} from '../../../src/core/profiles/catalog.js'
import {checkpointBytes, matrixBytes, paramCount, stageLayerCounts, weightsPerGpu} from '../../../src/core/planner/weights.js'
import {GiB, layout, loadTestCatalog, pick} from './fixtures.js'

const within = (actual: number, expected: number, tolerance: number): void => {
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance)
}

describe('parameter counts from the architecture', async () => {
  const cat = await loadTestCatalog()
  const model = (id: string) => cat.models.find((m) => m.id === id)!

  it('DeepSeek-R1: 671B main model, 685B with the stored MTP module (within 2%)', () => {
    within(paramCount(model('deepseek-r1')), 671e9, 0.02)
    within(paramCount(model('deepseek-r1'), {includeMtp: true}), 685e9, 0.02)
  })

  it.each([
    ['r1-distill-qwen-1.5b', 1_777_088_000],
    ['r1-distill-qwen-7b', 7_615_616_512],
    ['r1-distill-qwen-14b', 14_770_033_664],
    ['r1-distill-qwen-32b', 32_763_876_352],
    ['r1-distill-llama-8b', 8_030_261_248],
    ['r1-distill-llama-70b', 70_553_706_496],
  ])('%s has exactly the parameters of models.json (%d)', (id, expected) => {
    expect(paramCount(model(id))).toBe(expected)
  })
})

describe('checkpoint bytes against published sizes (within 2%)', async () => {
  const cat = await loadTestCatalog()
  const bytes = (id: string) => {
    const p = pick(cat, id, 'vllm')
    return checkpointBytes(p.model, p.checkpoint)
  }

  it('R1 FP8 (128x128 block scales, MTP stored) ≈ 688 GB on disk', () => within(bytes('r1-fp8'), 688e9, 0.02))
  it('Qwen-32B BF16 ≈ 65.5 GB', () => within(bytes('qwen-32b-bf16'), 65.5e9, 0.02))
  it('Llama-70B BF16 ≈ 141 GB', () => within(bytes('llama-70b-bf16'), 141e9, 0.02))
  it('Llama-70B AWQ ≈ 40 GB (casperhansen, 9 shards)', () => within(bytes('llama-70b-awq'), 40e9, 0.02))
  it('R1 BF16 upcast is about twice the FP8 files', () => within(bytes('r1-0528-bf16') / bytes('r1-fp8'), 1.99, 0.02))
  it('every checkpoint lists a disk size within 2% of the computed one', () => {
    for (const m of cat.models) for (const c of m.checkpoints) within(checkpointBytes(m, c), c.diskBytes, 0.02)
  })
})

describe('scales are counted with the weights', () => {
  const fp8: QuantScheme = {activations: 'fp8', covers: 'all-linear', scales: {block: [128, 128], bytes: 4, kind: 'block'}, weights: 'fp8_e4m3'}
  const awq: QuantScheme = {activations: 'bf16', covers: 'all-linear', scales: {bytes: 2, groupSize: 128, kind: 'group', zeroPoints: true}, weights: 'int4'}
  it('FP8 block: one fp32 scale per 128x128 block', () => {
    expect(matrixBytes({in: 7168, out: 1536}, fp8, true)).toBe(7168 * 1536 + 56 * 12 * 4)
  })
  it('AWQ: half a byte per weight, an fp16 scale and a 4-bit zero per 128 inputs per output', () => {
    expect(matrixBytes({in: 4096, out: 4096}, awq, true)).toBe(4096 * 4096 * 0.5 + 4096 * 32 * 2.5)
  })
  it('unquantized tensors stay BF16', () => expect(matrixBytes({in: 10, out: 10}, fp8, false)).toBe(200))
})

describe('weights per GPU', async () => {
  const cat = await loadTestCatalog()

  it('R1 FP8 at TP8: the FP8 layers / 8 plus what every rank keeps whole (q_a, kv_a, router), about 79 GiB', () => {
    const p = pick(cat, 'r1-fp8', 'sglang')
    const perGpu = weightsPerGpu(p.model, p.checkpoint, layout(8), {engine: 'sglang', speculative: null})
    const main = checkpointBytes(p.model, {...p.checkpoint, includesMtp: false})
    expect(perGpu).toBeGreaterThan(main / 8)
    expect(perGpu / GiB).toBeGreaterThan(78.5)
    expect(perGpu / GiB).toBeLessThan(80.5)
  })

  it('MTP speculative decoding loads the MTP layer (more weights)', () => {
    const p = pick(cat, 'r1-fp8', 'sglang')
    const off = weightsPerGpu(p.model, p.checkpoint, layout(8), {engine: 'sglang', speculative: null})
    const on = weightsPerGpu(p.model, p.checkpoint, layout(8), {engine: 'sglang', speculative: 'mtp'})
    expect((on - off) / GiB).toBeGreaterThan(1.3)
    expect((on - off) / GiB).toBeLessThan(1.6)
  })

  it('EP spreads whole experts: TP8 EP8 holds the same expert bytes as TP8', () => {
    const p = pick(cat, 'r1-fp8', 'sglang')
    const tp = weightsPerGpu(p.model, p.checkpoint, layout(8), {engine: 'sglang', speculative: null})
    const ep = weightsPerGpu(p.model, p.checkpoint, layout(8, {expertParallel: 8}), {engine: 'sglang', speculative: null})
    expect(Math.abs(ep - tp) / GiB).toBeLessThan(0.01)
  })

  it('SGLang DP attention keeps attention and embedding whole on each rank (more weights per GPU)', () => {
    const p = pick(cat, 'r1-fp8', 'sglang')
    const tp = weightsPerGpu(p.model, p.checkpoint, layout(8), {engine: 'sglang', speculative: null})
    const dp = weightsPerGpu(p.model, p.checkpoint, layout(8, {dataParallel: 8, dpAttention: true, expertParallel: 8}), {engine: 'sglang', speculative: null})
    expect((dp - tp) / GiB).toBeGreaterThan(8)
  })

  it('BF16 distills: 2 bytes per parameter split by TP (logged: Qwen-7B 14.27 GiB at TP1, 7.14 GiB at TP2)', () => {
    const p = pick(cat, 'qwen-7b-bf16', 'vllm')
    within(weightsPerGpu(p.model, p.checkpoint, layout(1), {engine: 'vllm', speculative: null}) / GiB, 14.27, 0.02)
    within(weightsPerGpu(p.model, p.checkpoint, layout(2), {engine: 'vllm', speculative: null}) / GiB, 7.1441, 0.02)
  })

  it('PP splits the layers: the heaviest stage carries the embedding or the head', () => {
    expect(stageLayerCounts(61, 2)).toEqual([31, 30])
    const p = pick(cat, 'llama-70b-bf16', 'vllm')
    const one = weightsPerGpu(p.model, p.checkpoint, layout(1), {engine: 'vllm', speculative: null})
    const two = weightsPerGpu(p.model, p.checkpoint, layout(1, {pipelineParallel: 2}), {engine: 'vllm', speculative: null})
    expect(two).toBeGreaterThan(one / 2)
    expect(two).toBeLessThan(one / 2 + 2 * GiB)
  })
})
