/**
 * The public reference deployments (shared/reference/engines.md §0, §1.1, §1.2, §2.1): the search
 * and the recommendation must agree with them, memory figures included. Needs `npm run build`
 * (dist/catalog.json, the validated profiles).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Goal, Quantization} from '../../../src/core/constants.js'
import {hardwareFromFlags} from '../../../src/core/planner/hardware.js'
import {recommend} from '../../../src/core/planner/recommend.js'
import {type Candidate, type LayoutPins, searchCandidates} from '../../../src/core/planner/search.js'
import type {Catalog} from '../../../src/core/profiles/catalog.js'
import {ROOT} from '../../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog

interface Ask {
  gpu: string
  count: number
  nodes?: number
  context?: number
  goal?: Goal
  model?: string
  quantization?: Quantization
  engine?: 'sglang' | 'vllm'
  pins?: LayoutPins
}

function plan(ask: Ask) {
  const {hardware} = hardwareFromFlags(catalog.gpus, {count: ask.count, gpu: ask.gpu, nodes: ask.nodes})!
  const goal = ask.goal ?? 'throughput'
  const candidates = searchCandidates({
    contextLength: ask.context ?? 131_072,
    engines: catalog.engines.filter((e) => !ask.engine || e.id === ask.engine),
    goal,
    hardware,
    kvCacheDtype: 'auto',
    models: catalog.models.filter((m) => !ask.model || m.id === ask.model),
    pins: ask.pins,
    quantization: ask.quantization,
  })
  return {candidates, ...recommend(candidates, {goal})}
}

/** The best layout of one checkpoint on one engine (as the table shows it). */
function row(ranked: Candidate[], checkpointId: string, engine: 'sglang' | 'vllm'): Candidate {
  const found = ranked.find((c) => c.checkpoint.id === checkpointId && c.engine.id === engine)
  if (!found) throw new Error(`no candidate ${checkpointId} on ${engine}`)
  return found
}

const r1 = (c: Candidate) => c.model.id === 'deepseek-r1'

describe('reference deployments', () => {
  it('8×H200: R1 FP8 fits on SGLang with TP 8, and is the recommendation', () => {
    const {best, candidates} = plan({gpu: 'H200', count: 8})
    expect(best!.model.id).toBe('deepseek-r1')
    expect(best!.checkpoint.quantization).toBe('fp8')
    expect(best!.engine.id).toBe('sglang')
    expect(best!.plan.fits).toBe(true)
    // Throughput: SGLang `--tp-size 8 --dp-size 8 --enable-dp-attention` (8 GPUs, 8 KV pools).
    expect([best!.plan.tensorParallel, best!.plan.dataParallel, best!.plan.dpAttention, best!.gpus]).toEqual([8, 8, true, 8])
    expect(best!.plan.maxConcurrency).toBeGreaterThanOrEqual(4)

    const tp8 = candidates.find((c) => c.checkpoint.id === 'r1-0528-fp8' && c.engine.id === 'sglang' && c.layout.tensorParallel === 8 && c.layout.dataParallel === 1 && c.layout.expertParallel === 1)!
    expect(tp8.plan.fits).toBe(true)
    expect(tp8.plan.memory.gpuTotalGiB).toBeCloseTo(140.4, 1)
    expect(tp8.plan.memory.weightsGiB).toBeCloseTo(79.3, 0)
    expect(tp8.plan.memory.kvCacheGiB).toBeGreaterThan(30)
    expect(tp8.plan.memory.weightsGiB + tp8.plan.memory.kvCacheGiB).toBeLessThanOrEqual(tp8.plan.memory.usableGiB)
    // MLA: 70,272 bytes per token (bf16 KV) on every TP rank.
    expect(tp8.memory.kvBytesPerToken).toBe(70_272)
    expect(tp8.plan.kvCacheTokens).toBe(Math.floor((tp8.memory.perGpu.kvCacheBytes / 70_272) / tp8.memory.blockSize) * tp8.memory.blockSize)
  })

  it('8×H100 80GB: R1 FP8 does not fit (weights), a 4-bit checkpoint does', () => {
    const {best, ranked} = plan({gpu: 'H100', count: 8})
    for (const engine of ['sglang', 'vllm'] as const) {
      const fp8 = row(ranked, 'r1-0528-fp8', engine)
      expect(fp8.plan.fits).toBe(false)
      expect(fp8.plan.memory.weightsGiB).toBeGreaterThan(fp8.plan.memory.usableGiB)
      expect(fp8.plan.reasons[0]).toMatch(/^weights need \d+\.\d GiB per GPU, \d+\.\d GiB usable/)
    }

    expect(row(ranked, 'r1-0528-fp8', 'sglang').plan.memory.weightsGiB).toBeCloseTo(79.3, 0)
    const awq = row(ranked, 'r1-awq', 'sglang')
    expect(awq.plan.fits).toBe(true)
    expect(awq.plan.memory.weightsGiB).toBeCloseTo(41.5, 0)
    expect(awq.plan.memory.gpuTotalGiB).toBeCloseTo(79.65, 2)
    expect(best!.model.id).toBe('deepseek-r1')
    expect(best!.checkpoint.quantization).toBe('awq')
    expect(best!.plan.fits).toBe(true)
  })

  it('2 nodes × 8 H100: R1 FP8 fits across both, with one command per node', () => {
    const {best} = plan({gpu: 'H100', count: 8, nodes: 2})
    expect(best!.checkpoint.id).toBe('r1-0528-fp8')
    expect(best!.engine.id).toBe('sglang')
    expect(best!.plan.fits).toBe(true)
    expect(best!.plan.nodes).toBe(2)
    expect(best!.gpus).toBe(16)
    // Weights split over 16 GPUs: about half of the 79.3 GiB of TP 8.
    expect(best!.plan.memory.weightsGiB).toBeGreaterThan(39)
    expect(best!.plan.memory.weightsGiB).toBeLessThan(42)
  })

  it('8×B200: R1 FP8 fits; on 4 B200 FP8 does not and NVFP4 does', () => {
    const eight = plan({gpu: 'B200', count: 8})
    expect(eight.best!.checkpoint.id).toBe('r1-0528-fp8')
    expect(eight.best!.plan.fits).toBe(true)
    expect(eight.best!.plan.memory.gpuTotalGiB).toBeCloseTo(179.1, 1)

    const four = plan({gpu: 'B200', count: 4, model: 'deepseek-r1'})
    expect(row(four.ranked, 'r1-0528-fp8', 'sglang').plan.fits).toBe(false)
    expect(row(four.ranked, 'r1-0528-fp8', 'sglang').plan.memory.weightsGiB).toBeCloseTo(157.5, 0)
    const fp4 = row(four.ranked, 'r1-0528-fp4', 'sglang')
    expect(fp4.plan.fits).toBe(true)
    expect(fp4.gpus).toBe(4)
    expect(four.best!.checkpoint.quantization).toBe('fp4')
    expect(four.best!.plan.fits).toBe(true)
  })

  it('8×A100 80GB: R1 only as AWQ', () => {
    const {best, ranked} = plan({gpu: 'A100-80GB', count: 8, model: 'deepseek-r1'})
    const fitting = ranked.filter((c) => c.plan.fits)
    expect(new Set(fitting.map((c) => c.checkpoint.quantization))).toEqual(new Set(['awq']))
    expect(best!.checkpoint.id).toBe('r1-awq')
    // FP8 has no W8A8 kernel on sm_80 in SGLang; in vLLM (weight-only Marlin) its weights do not fit.
    expect(row(ranked, 'r1-0528-fp8', 'sglang').plan.reasons[0]).toMatch(/compute capability 8\.9 or newer/)
    expect(row(ranked, 'r1-0528-fp8', 'vllm').plan.reasons[0]).toMatch(/^weights need 85\.\d GiB per GPU, 72\.0 GiB usable/)
  })

  it('16×A100 (2 nodes): R1 INT8 on SGLang', () => {
    const {best} = plan({gpu: 'A100-80GB', count: 8, nodes: 2})
    expect(best!.checkpoint.id).toBe('r1-int8')
    expect(best!.engine.id).toBe('sglang')
    expect(best!.plan.fits).toBe(true)
    expect(best!.gpus).toBe(16)
    expect(best!.plan.memory.weightsGiB).toBeCloseTo(40.9, 0)
  })

  it('4×L40S: a distill, no R1', () => {
    const {best, ranked} = plan({gpu: 'L40S', count: 4})
    expect(ranked.filter(r1).every((c) => !c.plan.fits)).toBe(true)
    expect(best!.model.family).toBe('distill')
    expect(best!.plan.fits).toBe(true)
    expect(best!.plan.memory.gpuTotalGiB).toBeCloseTo(45, 0)
  })

  it('1×RTX 4090 (24 GB): Qwen-7B and Llama-8B in BF16; Qwen-14B only quantized (FP8 on sm_89, or AWQ); Qwen-32B BF16 never', () => {
    const {ranked} = plan({context: 16_384, count: 1, gpu: 'RTX 4090'})
    const qwen7 = row(ranked, 'qwen-7b-bf16', 'vllm')
    expect(qwen7.plan.fits).toBe(true)
    expect(qwen7.plan.memory.weightsGiB).toBeCloseTo(14.2, 1)
    expect(qwen7.plan.dtype).toBe('bfloat16')
    const llama8 = row(ranked, 'llama-8b-bf16', 'vllm')
    expect(llama8.plan.fits).toBe(true)
    expect(llama8.plan.memory.weightsGiB).toBeCloseTo(15.0, 1)

    const qwen14 = row(ranked, 'qwen-14b-bf16', 'vllm')
    expect(qwen14.plan.fits).toBe(false)
    expect(qwen14.plan.reasons[0]).toBe('weights need 27.5 GiB per GPU, 21.6 GiB usable (vLLM gpu_memory_utilization 0.9)')
    const qwen14fp8 = row(ranked, 'qwen-14b-fp8', 'vllm')
    expect(qwen14fp8.plan.fits).toBe(true)
    expect(qwen14fp8.plan.memory.weightsGiB).toBeCloseTo(15.2, 1)
    expect(row(ranked, 'qwen-14b-awq', 'vllm').plan.fits).toBe(true)

    // Qwen-32B BF16: 61 GiB of weights, at any context.
    const tiny = plan({context: 1024, count: 1, gpu: 'RTX 4090', model: 'r1-distill-qwen-32b', quantization: 'bf16'})
    expect(tiny.candidates.every((c) => !c.plan.fits)).toBe(true)
    expect(tiny.best!.plan.memory.weightsGiB).toBeCloseTo(61.0, 0)
  })

  it('1×T4: distills up to 7B, in fp16, on vLLM', () => {
    const {best, ranked} = plan({count: 1, gpu: 'T4'})
    const fitting = ranked.filter((c) => c.plan.fits)
    expect(fitting.length).toBeGreaterThan(0)
    for (const c of fitting) {
      expect(c.engine.id).toBe('vllm')
      expect(c.plan.dtype).toBe('half')
      expect(['r1-distill-qwen-1.5b', 'r1-distill-qwen-7b']).toContain(c.model.id)
      expect(c.plan.reasons).toContain('no bf16 below sm_80: serving in fp16')
    }

    expect(best!.model.id).toBe('r1-distill-qwen-7b')
    expect(best!.plan.memory.gpuTotalGiB).toBeCloseTo(15, 0)
    expect(row(ranked, 'qwen-7b-bf16', 'sglang').plan.reasons[0]).toMatch(/^SGLang needs compute capability 8\.0 or newer/)
  })

  it('Jetson AGX Orin 64GB: distills only', () => {
    const {best, ranked} = plan({count: 1, gpu: 'jetson-agx-orin-64gb'})
    expect(ranked.filter(r1).every((c) => !c.plan.fits)).toBe(true)
    expect(best!.model.family).toBe('distill')
    expect(best!.plan.fits).toBe(true)
    expect(best!.plan.gpu.computeCapability).toBe('8.7')
    expect(best!.plan.memory.weightsGiB).toBeLessThan(best!.plan.memory.usableGiB)
  })

  it('P100: no engine, with the reason', () => {
    const {best, ranked, why} = plan({count: 1, gpu: 'P100'})
    expect(ranked.every((c) => !c.plan.fits)).toBe(true)
    expect(best!.plan.fits).toBe(false)
    expect(row(ranked, 'qwen-1.5b-bf16', 'vllm').plan.reasons[0]).toMatch(/^vLLM needs compute capability 7\.5 or newer; Tesla P100-PCIE-16GB is 6\.0 \(Pascal\)/)
    expect(row(ranked, 'qwen-1.5b-bf16', 'sglang').plan.reasons[0]).toMatch(/^SGLang needs compute capability 8\.0 or newer/)
    expect(why[0]).toMatch(/^Nothing fits as asked/)
    expect(best!.plan.memory.gpuTotalGiB).toBeCloseTo(15.9, 1)
  })
})
