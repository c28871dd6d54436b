// The era tables, release by release: each row against the fact memory-by-version.md reads from the engine's code.
import {describe, expect, it} from 'vitest'

import {
  KV_BANDS,
  moeWorkspaceBytes,
  samplerCopies,
  sglangAutoFraction,
  sglangBatchDefaults,
  sglangEra,
  vllmBatchDefaults,
  vllmEra,
  vllmGraphCount,
  vllmRunner,
  vllmSampler,
} from '../../../src/core/planner/eras.js'
import {GiB, GPUS, loadTestCatalog, MiB} from './fixtures.js'

describe('vLLM eras', () => {
  it.each([
    ['0.6.4', 'vllm-v0', false, false, false],
    ['0.7.3', 'vllm-v0', false, false, false],
    ['0.8.0', 'vllm-v1-a', false, false, false],
    ['0.8.5', 'vllm-v1-a', false, false, false],
    ['0.9.1', 'vllm-v1-b', true, false, false],
    ['0.10.2', 'vllm-v1-b', true, false, false],
    ['0.11.0', 'vllm-v1-c', true, false, false],
    ['0.17.1', 'vllm-v1-c', true, false, false],
    ['0.18.0', 'vllm-v1-d', true, false, false],
    ['0.19.1', 'vllm-v1-d', true, false, false],
    ['0.20.0', 'vllm-v1-e', true, true, false],
    ['0.27.1', 'vllm-v1-e', true, true, false],
    ['0.28.0', 'vllm-v1-f', true, true, true],
  ] as const)('%s → %s (start check %s, CUDA graphs in the budget %s, free-memory accounting %s)', (version, id, check, graphs, free) => {
    const era = vllmEra(version)
    expect(era.id).toBe(id)
    expect(era.startupCheck).toBe(check)
    expect(era.cudaGraphInBudget).toBe(graphs)
    expect(era.freeMemoryAccounting).toBe(free)
    expect(era.source).toMatch(/@(v\d|main)/)
  })

  it('NCCL is charged to the budget before 0.11 (snapshot before distributed init), and comes out of the headroom from 0.11', () => {
    expect(vllmEra('0.10.2').ncclCharged).toBe(true)
    expect(vllmEra('0.11.0').ncclCharged).toBe(false)
    // 0.8.x V1 charges the absolute peak: other processes' memory included
    expect(vllmEra('0.8.4').budget).toBe('absolute')
    expect(vllmEra('0.9.1').budget).toBe('increase')
  })

  it.each([
    ['0.7.3', 'torch-sort', 9.6],
    ['0.10.2', 'torch-sort', 9.6],
    ['0.11.0', 'torch-sort', 9.6],
    ['0.13.0', 'torch-sort', 9.6],
    ['0.16.0', 'torch-sort', 9.6],
    ['0.17.0', 'triton', 6.9],
    ['0.20.0', 'triton', 6.9],
    ['0.21.0', 'flashinfer', 6.9],
  ] as const)('the dummy sampler at %s on MRv1: %s, %s L', (version, impl, copies) => {
    expect(vllmSampler(version)).toBe(impl)
    expect(samplerCopies(vllmSampler(version), 'mrv1')).toBe(copies)
  })

  it('the sampler: FlashInfer where installed in 0.8–0.11.0, MRv2 keeps only bf16 logits, V0 FlashInfer samples in place', () => {
    expect(vllmSampler('0.11.0', 'flashinfer')).toBe('flashinfer')
    expect(samplerCopies('flashinfer', 'mrv2')).toBe(0.5)
    expect(samplerCopies('flashinfer', null)).toBe(1.5)
  })

  it('Model Runner V2: Qwen3 dense from 0.22, every dense model from 0.25, R1 never', async () => {
    const cat = await loadTestCatalog()
    const r1 = cat.models.find((m) => m.id === 'deepseek-r1')!
    const llama = cat.models.find((m) => m.id === 'r1-distill-llama-8b')!
    const qwen3 = {architecture: {family: 'qwen3', kind: 'gqa-dense'}}
    expect([vllmRunner('0.21.0', qwen3), vllmRunner('0.22.0', qwen3)]).toEqual(['mrv1', 'mrv2'])
    expect([vllmRunner('0.24.0', llama), vllmRunner('0.25.0', llama)]).toEqual(['mrv1', 'mrv2'])
    expect(vllmRunner('0.30.0', r1)).toBe('mrv1')
  })

  it.each([
    ['0.8.0', GPUS.h100, 8192, 1024],
    ['0.8.0', GPUS.a100, 2048, 1024],
    ['0.8.5', GPUS.a100, 8192, 1024],
    ['0.9.0', GPUS.a100, 2048, 256],
    ['0.20.1', GPUS.h200, 8192, 1024],
    ['0.20.1', GPUS.rtx4090, 2048, 256],
    ['0.20.1', {...GPUS.a100, name: 'NVIDIA A800-SXM4-80GB'}, 8192, 1024],
    ['0.27.1', GPUS.b200, 8192, 1024],
    ['0.28.0', GPUS.b200, 16_384, 1024],
  ] as const)('vllm serve %s on %s: max_num_batched_tokens %s, max_num_seqs %s', (version, gpu, mnbt, seqs) => {
    expect(vllmBatchDefaults(version, gpu)).toEqual({maxNumBatchedTokens: mnbt, maxNumSeqs: seqs})
  })

  it('CUDA-graph capture sizes: 1, 2, 4 and every 8 up to min(2 × max_num_seqs, 512, mnbt)', () => {
    expect(vllmGraphCount(1024, 8192)).toBe(67)
    expect(vllmGraphCount(8, 8192)).toBe(5)
    expect(vllmGraphCount(1024, 8192, 72)).toBe(12)
  })

  it('the fused-MoE workspace: one chunk (32768 to 0.11, 16384 to 0.17) of the Triton caches; unchunked from 0.18', async () => {
    const cat = await loadTestCatalog()
    const a = cat.models.find((m) => m.id === 'deepseek-r1')!.architecture
    if (a.kind !== 'mla-moe') throw new Error('R1 is MLA-MoE')
    const chunk = (m: number) => m * 8 * 2 * ((3 * 2048) / 8 + 7168)
    expect(moeWorkspaceBytes('0.11.0', a, 65_536, 8)).toBe(chunk(32_768))
    expect(moeWorkspaceBytes('0.12.0', a, 65_536, 8)).toBe(chunk(16_384))
    expect(moeWorkspaceBytes('0.18.0', a, 8192, 8)).toBe(Math.round(6.2 * 8192 * 8 * 7168 * 2))
  })
})

describe('SGLang eras: the automatic mem_fraction_static, five formulas', () => {
  const h200 = {dp: 1, dpAttention: false, gpuMiB: 143_771, mla: true, pp: 1, speculative: false, tp: 8}
  it.each([
    ['0.4.3', 'sglang-0.4.3', 0.81],
    ['0.4.5', 'sglang-0.4.3', 0.81],
    ['0.4.6', 'sglang-0.4.6', 0.907],
    ['0.4.7', 'sglang-0.4.7', 0.872],
    ['0.4.10', 'sglang-0.4.8', 0.886],
    ['0.5.2', 'sglang-0.4.8', 0.886],
    ['0.5.6', 'sglang-0.5.3', 0.897],
    ['0.5.10', 'sglang-0.5.3', 0.886],
    ['0.5.14', 'sglang-0.5.3', 0.886],
    ['0.5.18', 'sglang-0.5.16', 0.886],
  ] as const)('R1 TP8 on H200 at %s (%s): %s, as memory-by-version.md §2.4 computes', (version, id, fraction) => {
    expect(sglangEra(version).id).toBe(id)
    expect(sglangAutoFraction(version, h200)).toBeCloseTo(fraction, 3)
  })

  it('DP attention reserves the decode graphs of every DP rank: 0.769 for --tp 8 --dp 8 on H200 (0.5.3+)', () => {
    expect(sglangAutoFraction('0.5.6', {...h200, dp: 8, dpAttention: true})).toBeCloseTo(0.769, 3)
  })

  it('H100 TP8 in the 0.4.8–0.5.2 era: reserved (9.5 + 8/2) GiB → round((81559 − 13824) / 81559, 3) = 0.831 (the reference rounds it to 0.830)', () => {
    expect(sglangAutoFraction('0.5.0', {...h200, gpuMiB: 81_559})).toBe(0.831)
  })

  it.each([
    ['0.4.6', 24_564, 1, 2048, 8],
    ['0.4.6', 81_559, 8, 8192, 160],
    ['0.4.7', 183_359, 8, 16_384, 160],
    ['0.5.0', 183_359, 8, 16_384, 160],
    ['0.5.6', 24_564, 1, 2048, 24],
    ['0.5.4', 24_564, 1, 2048, 16],
    ['0.5.6', 46_068, 4, 4096, 160],
    ['0.5.6', 143_771, 8, 8192, 512],
    ['0.5.6', 183_359, 8, 16_384, 512],
  ] as const)('%s on a %s MiB GPU at TP %s: chunked prefill %s, CUDA-graph max bs %s', (version, gpuMiB, tp, chunked, bs) => {
    expect(sglangBatchDefaults(version, {dp: 1, dpAttention: false, gpuMiB, tp})).toEqual({chunkedPrefillSize: chunked, cudaGraphMaxBs: bs})
  })
})

describe('KV bands', () => {
  it('every era has a band between 4% and 10%, with its basis', () => {
    for (const [era, band] of Object.entries(KV_BANDS)) {
      expect(band.relative, era).toBeGreaterThanOrEqual(0.04)
      expect(band.relative, era).toBeLessThanOrEqual(0.1)
      expect(band.basis.length, era).toBeGreaterThan(10)
    }
  })

  it('units', () => {
    expect(GiB / MiB).toBe(1024)
  })
})
