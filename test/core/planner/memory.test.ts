import {describe, expect, it} from 'vitest'

import {engineDefaults} from '../../../src/core/planner/engine-defaults.js'
import {estimateMemory, memoryFigures} from '../../../src/core/planner/memory.js'
import {GiB, GPUS, layout, loadTestCatalog, memoryInput, MiB, pick} from './fixtures.js'

describe('the memory model: scenarios the planner relies on', async () => {
  const cat = await loadTestCatalog()
  const est = (ck: string, engine: 'sglang' | 'vllm', g: keyof typeof GPUS, tp: number, extra = {}) =>
    estimateMemory(memoryInput(pick(cat, ck, engine), GPUS[g], layout(tp), extra))

  it('8 x H200: R1 FP8 fits on SGLang with TP 8, with hundreds of thousands of tokens of MLA cache', () => {
    const e = est('r1-fp8', 'sglang', 'h200', 8)
    expect(e.fits).toBe(true)
    expect(e.kvCacheTokens).toBeGreaterThan(400_000)
    expect(e.kvBytesPerToken).toBe(70_272)
  })

  it('8 x H100 80GB: R1 FP8 does not fit (weights); the AWQ 4-bit checkpoint does', () => {
    const fp8 = est('r1-fp8', 'sglang', 'h100', 8)
    expect(fp8.fits).toBe(false)
    expect(fp8.reasons[0]).toMatch(/^weights need \d+\.\d GiB per GPU/)
    expect(est('r1-awq', 'sglang', 'h100', 8).fits).toBe(true)
  })

  it('2 nodes x 8 H100: R1 FP8 fits across both with TP 16', () => {
    const e = estimateMemory(memoryInput(pick(cat, 'r1-fp8', 'sglang'), GPUS.h100, layout(16, {gpusPerNode: 8, nodes: 2})))
    expect(e.fits).toBe(true)
    expect(e.perGpu.weightsBytes / GiB).toBeLessThan(42)
  })

  it('8 x B200: R1 FP8 fits, and the FP4 checkpoint fits on 4', () => {
    expect(est('r1-fp8', 'sglang', 'b200', 8).fits).toBe(true)
    expect(est('r1-0528-fp4', 'sglang', 'b200', 4).fits).toBe(true)
    expect(est('r1-0528-fp4', 'vllm', 'b200', 4).fits).toBe(true)
  })

  it('8 x A100 80GB: only the AWQ checkpoint fits; INT8 needs 16', () => {
    expect(est('r1-fp8', 'vllm', 'a100', 8).fits).toBe(false)
    expect(est('r1-int8', 'sglang', 'a100', 8).fits).toBe(false)
    expect(est('r1-awq', 'sglang', 'a100', 8).fits).toBe(true)
    expect(est('r1-int8', 'sglang', 'a100', 16).fits).toBe(true)
  })

  it('4 x L40S: a distill (Qwen-32B BF16 at TP 4) fits, R1 does not', () => {
    expect(est('qwen-32b-bf16', 'vllm', 'l40s', 4).fits).toBe(true)
    expect(est('r1-awq', 'vllm', 'l40s', 4).fits).toBe(false)
  })

  it('1 x RTX 4090: Qwen-7B and Llama-8B in BF16 fit; Qwen-14B only quantized; Qwen-32B BF16 never', () => {
    expect(est('qwen-7b-bf16', 'vllm', 'rtx4090', 1, {contextLength: 8192}).fits).toBe(true)
    expect(est('llama-8b-bf16', 'vllm', 'rtx4090', 1, {contextLength: 8192}).fits).toBe(true)
    expect(est('qwen-14b-bf16', 'vllm', 'rtx4090', 1, {contextLength: 8192}).fits).toBe(false)
    expect(est('qwen-14b-fp8', 'vllm', 'rtx4090', 1, {contextLength: 8192}).fits).toBe(true)
    expect(est('qwen-14b-awq', 'vllm', 'rtx4090', 1, {contextLength: 8192}).fits).toBe(true)
    expect(est('qwen-32b-bf16', 'vllm', 'rtx4090', 1, {contextLength: 2048}).fits).toBe(false)
  })

  it('1 x T4 (fp16 on vLLM): Qwen-1.5B fits, Qwen-7B only as AWQ', () => {
    expect(est('qwen-1.5b-bf16', 'vllm', 't4', 1, {contextLength: 8192}).fits).toBe(true)
    expect(est('qwen-7b-bf16', 'vllm', 't4', 1, {contextLength: 4096}).fits).toBe(false)
    expect(est('qwen-7b-awq', 'vllm', 't4', 1, {contextLength: 4096}).fits).toBe(true)
  })

  it('Jetson AGX Orin 64GB: distills fit (Qwen-14B BF16 at 0.8)', () => {
    expect(est('qwen-14b-bf16', 'vllm', 'orin', 1, {contextLength: 8192, gpuMemoryUtilization: 0.8}).fits).toBe(true)
  })
})

describe('the engines own formulas', async () => {
  const cat = await loadTestCatalog()

  it('vLLM: KV = total x util - weights - activation - overhead, rounded down to whole blocks', () => {
    const p = pick(cat, 'llama-8b-bf16', 'vllm')
    const e = estimateMemory(memoryInput(p, GPUS.rtx4090, layout(1), {contextLength: 8192}))
    const p0 = e.perGpu
    expect(e.utilization).toBe(0.9)
    expect(p0.usableBytes).toBeCloseTo(p0.totalBytes * 0.9, 0)
    const kv = p0.usableBytes - p0.weightsBytes - p0.activationBytes - p0.overheadBytes
    expect(e.kvCacheTokens).toBe(Math.floor(kv / (131_072 * 16)) * 16)
    expect(e.kvCacheTokens % e.blockSize).toBe(0)
  })

  it('vLLM refuses to start when one request of max-model-len does not fit; SGLang starts but does not serve it', () => {
    const vllm = estimateMemory(memoryInput(pick(cat, 'llama-8b-bf16', 'vllm'), GPUS.rtx4090, layout(1), {contextLength: 131_072}))
    expect(vllm.fits).toBe(false)
    expect(vllm.reasons[0]).toContain('vLLM will not start')
    const sglang = estimateMemory(memoryInput(pick(cat, 'llama-8b-bf16', 'sglang'), GPUS.rtx4090, layout(1), {contextLength: 131_072}))
    expect(sglang.startsUp).toBe(true)
    expect(sglang.fits).toBe(false)
    expect(sglang.reasons[0]).toBe(
      `SGLang would start, but its KV cache holds ${sglang.kvCacheTokens.toLocaleString('en-US')} tokens per request: not one 131,072-token request`,
    )
    expect(sglang.maxConcurrency).toBeLessThan(1)
    expect(sglang.maxContextTokens).toBe(sglang.kvCacheTokens)
  })

  it('SGLang: pool = (pre - weights) - pre x (1 - mem_fraction_static), pre = free before the weights, in whole pages', () => {
    const p = pick(cat, 'r1-fp8', 'sglang')
    const e = estimateMemory(memoryInput(p, GPUS.h200, layout(8), {kvCacheDtype: 'fp8'}), {attentionBackend: 'flashmla'})
    expect(e.blockSize).toBe(64)
    expect(e.kvBytesPerToken).toBe(35_136)
    expect(e.kvCacheTokens % 64).toBe(0)
    const pre = e.perGpu.totalBytes - e.terms.nonTorchBytes
    expect(e.terms.nonTorchBytes).toBe(1.5 * GiB)
    const pool = pre - e.perGpu.weightsBytes - pre * (1 - e.utilization)
    expect(e.kvCacheTokens).toBe(Math.floor(pool / (35_136 * 64)) * 64)
  })

  it('vLLM from 0.9.1: other processes do not lower the budget while they fit in the 1 - util headroom; beyond, the utilization drops', () => {
    const p = pick(cat, 'qwen-7b-bf16', 'vllm')
    const free = estimateMemory(memoryInput(p, GPUS.h100, layout(2), {contextLength: 8192}))
    const some = estimateMemory(memoryInput(p, {...GPUS.h100, memoryUsedBytes: [0, 4 * GiB]}, layout(2), {contextLength: 8192}))
    expect(some.kvCacheTokens).toBe(free.kvCacheTokens)
    expect(some.utilization).toBe(0.9)
    const busy = estimateMemory(memoryInput(p, {...GPUS.h100, memoryUsedBytes: [0, 20 * GiB]}, layout(2), {contextLength: 8192}))
    expect(busy.utilization).toBe(Math.floor(((81_559 * MiB - 20 * GiB - 1.5 * GiB) / (81_559 * MiB)) * 100) / 100)
    expect(busy.kvCacheTokens).toBeLessThan(free.kvCacheTokens)
    expect(busy.busy).toEqual({freeBytes: 81_559 * MiB - 20 * GiB, limitingGpu: 1, usedBytes: 20 * GiB})
  })

  it('DP attention (SGLang): one pool per DP rank, as SGLang logs it; whole requests per pool over all pools', () => {
    const p = pick(cat, 'r1-fp8', 'sglang')
    const e = estimateMemory(memoryInput(p, GPUS.h200, layout(8, {dataParallel: 8, dpAttention: true, expertParallel: 8}), {contextLength: 8192}))
    expect(e.fits).toBe(true)
    // the pool of one rank: the KV bytes of one GPU over the MLA latent (70,272 B/token in bf16)
    expect(e.kvCacheTokens).toBe(Math.floor(e.perGpu.kvCacheBytes / 70_272))
    expect(e.maxContextTokens).toBe(Math.min(e.kvCacheTokens, 163_840))
    expect(e.maxConcurrency).toBe(Math.floor(e.kvCacheTokens / 8192) * 8)
    // a request lives in one pool: at a context that fits 1.x times per pool, 8 pools hold 8 requests
    const long = estimateMemory(
      memoryInput(p, GPUS.h200, layout(8, {dataParallel: 8, dpAttention: true, expertParallel: 8}), {contextLength: 163_840}),
    )
    expect(long.kvCacheTokens / 163_840).toBeGreaterThan(1)
    expect(long.kvCacheTokens / 163_840).toBeLessThan(2)
    expect(long.maxConcurrency).toBe(8)
  })

  it.each(['vllm', 'sglang'] as const)('%s: a context inside the error band is tight: not recommended, with what gives margin; a calibrated band of 0 lifts it', (engine) => {
    const p = pick(cat, 'llama-8b-bf16', engine)
    const base = estimateMemory(memoryInput(p, GPUS.rtx4090, layout(1), {contextLength: 8192}))
    const [low, high] = base.kvCacheTokensRange
    expect(low).toBeLessThan(base.kvCacheTokens)
    expect(high).toBeGreaterThan(base.kvCacheTokens)
    expect(base.kvBand).toBe(engine === 'vllm' ? 0.04 : 0.06)
    const context = base.kvCacheTokens - 1024
    const tight = estimateMemory(memoryInput(p, GPUS.rtx4090, layout(1), {contextLength: context}))
    expect(tight.kvCacheTokens).toBeGreaterThanOrEqual(context)
    expect(tight.tight).toBe(true)
    expect(tight.fits).toBe(false)
    expect(tight.startsUp).toBe(true)
    expect(tight.reasons[0]).toMatch(/^tight: one [\d,]+-token request fits the predicted [\d,]+ KV tokens, but not the low end of the model's ±\d+% error/)
    expect(tight.reasons[0]).toContain('--kv-cache-dtype fp8')
    const calibrated = estimateMemory(memoryInput(p, GPUS.rtx4090, layout(1), {contextLength: context}), {kvBand: 0})
    expect([calibrated.tight, calibrated.fits, calibrated.kvCacheTokensRange[0]]).toEqual([false, true, calibrated.kvCacheTokens])
  })

  it('is deterministic and reports GiB figures for the plan', () => {
    const input = memoryInput(pick(cat, 'r1-fp8', 'vllm'), GPUS.h200, layout(8))
    expect(estimateMemory(input)).toEqual(estimateMemory(input))
    const figures = memoryFigures(estimateMemory(input))
    expect(Object.keys(figures).sort()).toEqual(['activationGiB', 'gpuTotalGiB', 'kvCacheGiB', 'overheadGiB', 'usableGiB', 'weightsGiB'])
    expect(figures.gpuTotalGiB).toBe(140.4)
  })
})

describe('engine defaults by version', async () => {
  const cat = await loadTestCatalog()
  const sglang = cat.engines.find((e) => e.id === 'sglang')!
  const vllm = cat.engines.find((e) => e.id === 'vllm')!
  const model = cat.models.find((m) => m.id === 'deepseek-r1')!
  const ctx = (g = GPUS.h200, tp = 8) => ({contextLength: 32_768, gpu: g, layout: layout(tp), model, speculative: null})

  it('SGLang before the reserved-memory rule: mem_fraction_static by TP (0.88 / 0.87 / 0.85 / 0.81 / 0.79)', () => {
    expect([1, 2, 4, 8, 16].map((tp) => engineDefaults(sglang, '0.4.6', ctx(GPUS.rtx4090, tp)).utilization)).toEqual([0.88, 0.87, 0.85, 0.81, 0.79])
  })

  it('SGLang 0.5.14: (gpu_mem - reserved) / gpu_mem with the H200 bucket (chunked prefill 8192, cuda graph bs 512)', () => {
    const d = engineDefaults(sglang, '0.5.14', ctx())
    expect(d.chunkedPrefillSize).toBe(8192)
    expect(d.cudaGraphMaxBs).toBe(512)
    // + 1.5 GiB for MLA's piecewise (prefill) CUDA graphs, on by default from 0.5.10: 0.886 (memory-by-version §2.4).
    const reserved = 512 + 1.5 * 8192 + 2 * 512 + (8 / 8) * 1024 + 1.5 * 1024
    expect(d.utilization).toBe(Math.round(((143_771 - reserved) / 143_771) * 1000) / 1000)
    expect(d.utilization).toBe(0.886)
    expect(d.attentionBackend).toBe('fa3')
  })

  it('vLLM: 0.9 utilization, V1 batch defaults by GPU memory (8192/1024 above 70 GiB except A100), V0 before 0.8', () => {
    expect(engineDefaults(vllm, '0.20.1', ctx()).maxNumBatchedTokens).toBe(8192)
    expect(engineDefaults(vllm, '0.20.1', ctx()).maxNumSeqs).toBe(1024)
    expect(engineDefaults(vllm, '0.20.1', ctx(GPUS.a100)).maxNumBatchedTokens).toBe(2048)
    expect(engineDefaults(vllm, '0.20.1', ctx(GPUS.rtx4090, 1)).maxNumBatchedTokens).toBe(2048)
    expect(engineDefaults(vllm, '0.7.3', ctx(GPUS.rtx4090, 1)).maxNumBatchedTokens).toBe(32_768)
    expect(engineDefaults(vllm, '0.20.1', ctx()).era).toBe('vllm-v1-e')
    expect(engineDefaults(vllm, '0.20.1', ctx()).runner).toBe('mrv1')
    expect(engineDefaults(vllm, '0.20.1', ctx()).utilization).toBe(0.9)
  })

  it('block size follows the attention backend (FlashMLA 64, CUTLASS MLA 128, FLASHINFER_MLA 64 on B200)', () => {
    expect(engineDefaults(vllm, '0.20.1', {...ctx(), attentionBackend: 'FLASHMLA'}).blockSize).toBe(64)
    expect(engineDefaults(vllm, '0.20.1', {...ctx(), attentionBackend: 'CUTLASS_MLA'}).blockSize).toBe(128)
    expect(engineDefaults(vllm, '0.20.1', ctx(GPUS.b200)).attentionBackend).toBe('FLASHINFER_MLA')
    expect(engineDefaults(sglang, '0.5.14', ctx(GPUS.b200)).attentionBackend).toBe('trtllm_mla')
  })
})
