/** The layout enumeration, the divisibility rules, and the hardware inputs of `r1 plan` (needs dist/catalog.json). */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../../src/core/detect/capture.js'
import {R1Error} from '../../../src/core/errors.js'
import {hardwareFromDetect, hardwareFromFlags, lookUpGpu, parseMemorySize} from '../../../src/core/planner/hardware.js'
import type {Layout} from '../../../src/core/planner/plan.schema.js'
import {divisors, enumerateLayouts, evaluate, fmtInt, layoutGpus, layoutReasons, searchCandidates, withReplicas} from '../../../src/core/planner/search.js'
import type {Hardware} from '../../../src/core/planner/types.js'
import type {Catalog, ModelProfile} from '../../../src/core/profiles/catalog.js'
import {FIXTURES, ROOT} from '../../helpers/cli.js'
import {codeOf} from '../../helpers/errors.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog
const model = (id: string): ModelProfile => catalog.models.find((m) => m.id === id)!
const checkpoint = (modelId: string, id: string) => model(modelId).checkpoints.find((c) => c.id === id)!
const hw = (gpu: string, count: number, nodes = 1): Hardware => hardwareFromFlags(catalog.gpus, {count, gpu, nodes})!.hardware
/** tp/pp/dp/ep + DP attention, nodes × GPUs per node. */
const short = (l: Layout) => `${l.tensorParallel}/${l.pipelineParallel}/${l.dataParallel}/${l.expertParallel}${l.dpAttention ? ' dpa' : ''} ${l.nodes}x${l.gpusPerNode}`

describe('layout enumeration', () => {
  it('R1 on 8 GPUs, SGLang: TP 8 with and without EP, DP attention over the 8, DP replicas of smaller TP', () => {
    const layouts = enumerateLayouts(model('deepseek-r1'), 'sglang', hw('H200', 8), {}).map(short)
    expect(layouts).toEqual(expect.arrayContaining(['8/1/1/1 1x8', '8/1/1/8 1x8', '8/1/8/8 dpa 1x8', '4/1/2/1 1x8', '4/1/1/1 1x4', '1/1/1/1 1x1']))
    expect(new Set(layouts).size).toBe(layouts.length)
  })

  it('R1 on 8 GPUs, vLLM: DP 8 + EP 8 (EP spans TP × DP), TP 8 + EP 8; no SGLang-style DP attention', () => {
    const layouts = enumerateLayouts(model('deepseek-r1'), 'vllm', hw('H200', 8), {})
    expect(layouts.map(short)).toEqual(expect.arrayContaining(['1/1/8/8 1x8', '8/1/1/8 1x8', '4/1/2/8 1x8']))
    expect(layouts.some((l) => l.dpAttention)).toBe(false)
  })

  it('every layout fits the GPUs it is given', () => {
    for (const [gpus, nodes] of [[1, 1], [2, 1], [4, 1], [8, 1], [8, 2], [8, 4], [6, 1]] as const) {
      const hardware = hw('H100', gpus, nodes)
      for (const m of catalog.models) {
        for (const engine of ['sglang', 'vllm'] as const) {
          for (const l of enumerateLayouts(m, engine, hardware, {})) {
            const used = layoutGpus(engine, l)
            expect(used).toBeLessThanOrEqual(gpus * nodes)
            expect(l.nodes * l.gpusPerNode).toBe(used)
            if (l.nodes > 1) expect(l.gpusPerNode).toBe(gpus)
          }
        }
      }
    }
  })

  it('a distill stays on one node with SGLang; vLLM spreads DP replicas over the nodes; R1 spans them', () => {
    const two = hw('H100', 8, 2)
    expect(enumerateLayouts(model('r1-distill-qwen-7b'), 'sglang', two, {}).every((l) => l.nodes === 1)).toBe(true)
    expect(enumerateLayouts(model('r1-distill-qwen-7b'), 'vllm', two, {}).map(short)).toContain('1/1/16/1 2x8')
    const r1 = enumerateLayouts(model('deepseek-r1'), 'sglang', two, {}).map(short)
    // SGLang's two-node examples: --tp 16; --tp 16 --dp 2 --enable-dp-attention; and TP 8 × PP 2.
    expect(r1).toEqual(expect.arrayContaining(['16/1/1/1 2x8', '16/1/2/16 dpa 2x8', '8/2/1/1 2x8']))
  })

  it('a distill never gets expert parallelism or DP attention', () => {
    const layouts = enumerateLayouts(model('r1-distill-llama-70b'), 'sglang', hw('H200', 8), {})
    expect(layouts.every((l) => l.expertParallel === 1 && !l.dpAttention)).toBe(true)
    expect(layouts.map(short)).toEqual(expect.arrayContaining(['8/1/1/1 1x8', '2/1/4/1 1x8', '1/1/8/1 1x8']))
  })

  it('pins keep only the layouts they allow, and try a pinned one the enumeration lacks', () => {
    const pinned = enumerateLayouts(model('deepseek-r1'), 'sglang', hw('H200', 8), {tensorParallel: 4})
    expect(pinned.length).toBeGreaterThan(0)
    expect(pinned.every((l) => l.tensorParallel === 4)).toBe(true)
    expect(enumerateLayouts(model('deepseek-r1'), 'sglang', hw('H200', 8), {dataParallel: 1, expertParallel: 1, pipelineParallel: 1, tensorParallel: 8}).map(short)).toEqual(['8/1/1/1 1x8'])
    // PP on one node is not enumerated; pinned, it is tried.
    expect(enumerateLayouts(model('r1-distill-qwen-32b'), 'vllm', hw('H200', 8), {pipelineParallel: 2, tensorParallel: 4}).map(short)).toEqual(['4/2/1/1 1x8'])
  })

  it('divisors', () => {
    expect(divisors(8)).toEqual([1, 2, 4, 8])
    expect(divisors(6)).toEqual([1, 2, 3, 6])
  })
})

describe('divisibility the engines check', () => {
  const at = (tp: number, extra: Partial<Layout> = {}): Layout => ({dataParallel: 1, dpAttention: false, expertParallel: 1, gpusPerNode: tp, nodes: 1, pipelineParallel: 1, tensorParallel: tp, ...extra})

  it('R1: TP must divide the 128 heads, EP the 256 experts', () => {
    expect(layoutReasons(model('deepseek-r1'), checkpoint('deepseek-r1', 'r1-0528-fp8'), at(3))).toEqual(['TP 3 does not divide the 128 attention heads'])
    expect(layoutReasons(model('deepseek-r1'), checkpoint('deepseek-r1', 'r1-0528-fp8'), at(8, {expertParallel: 6}))).toEqual(['EP 6 does not divide the 256 experts'])
    expect(layoutReasons(model('deepseek-r1'), checkpoint('deepseek-r1', 'r1-0528-fp8'), at(8, {expertParallel: 8}))).toEqual([])
  })

  it('GQA: TP and the KV heads must divide one another (Qwen-1.5B has 2 KV heads)', () => {
    expect(layoutReasons(model('r1-distill-qwen-1.5b'), checkpoint('r1-distill-qwen-1.5b', 'qwen-1.5b-bf16'), at(3))).toEqual(['TP 3 and the 2 KV heads do not divide one another'])
    expect(layoutReasons(model('r1-distill-qwen-1.5b'), checkpoint('r1-distill-qwen-1.5b', 'qwen-1.5b-bf16'), at(4))).toEqual([])
  })

  it('AWQ: each TP slice of the MLP holds whole 128-wide groups (Qwen-14B: 13824 / 8 = 1728 does not)', () => {
    const awq = checkpoint('r1-distill-qwen-14b', 'qwen-14b-awq')
    expect(layoutReasons(model('r1-distill-qwen-14b'), awq, at(8))).toEqual(['TP 8 splits the 13824-wide MLP into slices that are not whole 128-wide quantization groups'])
    expect(layoutReasons(model('r1-distill-qwen-14b'), awq, at(4))).toEqual([])
    expect(layoutReasons(model('r1-distill-qwen-14b'), checkpoint('r1-distill-qwen-14b', 'qwen-14b-bf16'), at(8))).toEqual([])
  })

  it('GPUs of a layout: SGLang DP attention shares the TP group; vLLM DP ranks are extra GPUs', () => {
    expect(layoutGpus('sglang', at(8, {dataParallel: 8, dpAttention: true}))).toBe(8)
    expect(layoutGpus('vllm', at(1, {dataParallel: 8, expertParallel: 8}))).toBe(8)
    expect(layoutGpus('sglang', at(4, {dataParallel: 2}))).toBe(8)
  })
})

describe('the search', () => {
  it('skips layouts whose weights cannot fit, keeping one per checkpoint and engine that says why', () => {
    const candidates = searchCandidates({contextLength: 8192, engines: catalog.engines, goal: 'throughput', hardware: hw('RTX 4090', 1), kvCacheDtype: 'auto', models: [model('deepseek-r1')]})
    expect(candidates).toHaveLength(model('deepseek-r1').checkpoints.length * 2)
    for (const c of candidates) expect(c.plan.fits).toBe(false)
    expect(candidates.find((c) => c.checkpoint.id === 'r1-0528-fp8' && c.engine.id === 'vllm')!.plan.reasons[0]).toMatch(/^weights need 626\.9 GiB per GPU, 21\.6 GiB usable/)
  })

  it('a plan carries the catalog GPU, the engine default version, and the engine-specific utilization', () => {
    const candidates = searchCandidates({contextLength: 32_768, engines: catalog.engines, goal: 'latency', hardware: hw('H200', 8), kvCacheDtype: 'auto', models: [model('r1-distill-qwen-7b')], quantization: 'bf16'})
    const vllm = candidates.find((c) => c.engine.id === 'vllm')!.plan
    expect(vllm.gpu).toEqual({architecture: 'hopper', computeCapability: '9.0', memoryMiB: 143_771, name: 'NVIDIA H200'})
    expect(vllm.engineVersion).toBe(catalog.engines.find((e) => e.id === 'vllm')!.defaultVersion)
    expect(vllm.gpuMemoryUtilization).toBe(0.9)
    expect(vllm.memFractionStatic).toBeNull()
    expect(vllm.checkpoint).toBe('deepseek-ai/DeepSeek-R1-Distill-Qwen-7B')
    const sglang = candidates.find((c) => c.engine.id === 'sglang')!.plan
    expect(sglang.gpuMemoryUtilization).toBeNull()
    expect(sglang.memFractionStatic).toBeGreaterThan(0.5)
  })

  it('a context above the model maximum does not fit, with the reason', () => {
    const candidates = searchCandidates({contextLength: 163_840, engines: catalog.engines, goal: 'throughput', hardware: hw('H200', 8), kvCacheDtype: 'auto', models: [model('r1-distill-qwen-7b')], quantization: 'bf16'})
    for (const c of candidates) {
      expect(c.plan.fits).toBe(false)
      expect(c.plan.reasons.join(' ')).toMatch(/131072 tokens of context/)
    }
  })

  it('a replicated layout derived from its single replica equals a full evaluation', () => {
    for (const [gpu, count, modelId, ckptId, engine, context] of [
      ['H200', 8, 'r1-distill-qwen-7b', 'qwen-7b-bf16', 'vllm', 131_072],
      ['L40S', 4, 'r1-distill-qwen-14b', 'qwen-14b-awq', 'sglang', 32_768],
      ['RTX 3090', 2, 'r1-distill-llama-8b', 'llama-8b-bf16', 'vllm', 8192],
      ['H200', 8, 'deepseek-r1', 'r1-awq', 'sglang', 131_072],
    ] as const) {
      const input = {contextLength: context, engines: catalog.engines, goal: 'throughput' as const, hardware: hw(gpu, count), kvCacheDtype: 'auto' as const, models: [model(modelId)]}
      const eng = catalog.engines.find((e) => e.id === engine)!
      const one: Layout = {dataParallel: 1, dpAttention: false, expertParallel: 1, gpusPerNode: 1, nodes: 1, pipelineParallel: 1, tensorParallel: 1}
      const many: Layout = {...one, dataParallel: count, gpusPerNode: count}
      if (modelId === 'deepseek-r1') {
        one.tensorParallel = 4
        one.gpusPerNode = 4
        many.tensorParallel = 4
        many.dataParallel = 2
      }

      const derived = withReplicas(evaluate(input, model(modelId), checkpoint(modelId, ckptId), eng, one), many, context)
      const full = evaluate(input, model(modelId), checkpoint(modelId, ckptId), eng, many)
      expect(derived.plan).toEqual(full.plan)
      expect(derived.memory.maxConcurrency).toBe(full.memory.maxConcurrency)
      expect(derived.gpus).toBe(full.gpus)
    }
  })

  it('fmtInt', () => {
    expect(fmtInt(131_072)).toBe('131,072')
    expect(fmtInt(999)).toBe('999')
    expect(fmtInt(1_234_567.4)).toBe('1,234,567')
  })
})

describe('hardware', () => {
  it.each([
    ['80GB', 80e9],
    ['80 GB', 80e9],
    ['24GiB', 24 * 2 ** 30],
    ['81559MiB', 81_559 * 2 ** 20],
    ['24', 24e9],
    ['1.5TB', 1.5e12],
  ])('--gpu-memory %s', (text, bytes) => {
    expect(parseMemorySize(text)).toBe(bytes)
  })

  it('--gpu-memory that is not a size is a usage error', () => {
    expect(codeOf(() => parseMemorySize('lots'))).toBe('R1_INVALID_FLAGS')
    expect(codeOf(() => parseMemorySize('0GB'))).toBe('R1_INVALID_FLAGS')
  })

  it.each([
    ['H200', 'h200-sxm'],
    ['h100-sxm', 'h100-sxm'],
    ['A100-80GB', 'a100-sxm4-80gb'],
    ['RTX 4090', 'rtx-4090'],
    ['NVIDIA H100 80GB HBM3', 'h100-sxm'],
  ])('--gpu %s → %s', (typed, id) => {
    expect(lookUpGpu(catalog.gpus, typed).id).toBe(id)
  })

  it('an unknown --gpu names the closest ones', () => {
    try {
      lookUpGpu(catalog.gpus, 'H1OO')
      expect.unreachable()
    } catch (error) {
      const e = error as R1Error
      expect(e.code).toBe('R1_UNKNOWN_GPU')
      expect(e.message).toBe('unknown GPU "H1OO"')
      expect(e.suggestions[0]).toMatch(/^Did you mean --gpu h100 \(H100 SXM/)
      expect(e.suggestions).toContain('List the GPUs r1 knows: r1 profiles list gpus')
    }
  })

  it('--gpu with --count and --nodes', () => {
    const {hardware, info} = hardwareFromFlags(catalog.gpus, {count: 8, gpu: 'H100', nodes: 2})!
    expect(hardware).toMatchObject({gpusPerNode: 8, nodes: 2})
    expect(hardware.gpu.memoryTotalBytes).toBe(81_559 * 2 ** 20)
    expect(info.source).toBe('catalog')
    expect(info.summary).toBe('2 nodes × 8 × NVIDIA H100 80GB HBM3 (hopper, sm_90, 79.6 GiB each, NVLink)')
  })

  it('--gpu-memory with --compute-capability: an unknown GPU of that architecture', () => {
    const {hardware, info} = hardwareFromFlags(catalog.gpus, {computeCapability: '8.9', count: 2, gpuMemory: '48GB'})!
    expect(hardware.gpu).toMatchObject({architecture: 'ada', computeCapability: '8.9', memoryTotalBytes: 48e9, profileId: null})
    expect(info.source).toBe('memory')
    // 48GB is 44.7 GiB: said, since the reading changes the number.
    expect(info.notes).toEqual(['--gpu-memory 48GB reads as 44.7 GiB (GB = 10^9 bytes, GiB = 2^30); write 48GiB if you meant 48 × 2^30 bytes'])
    const bare = hardwareFromFlags(catalog.gpus, {gpuMemory: '24GiB'})!
    expect(bare.hardware.gpu).toMatchObject({architecture: 'unknown', computeCapability: null})
    expect(bare.info.notes).toEqual(['no --compute-capability: engine and kernel checks that depend on it are skipped'])
  })

  it('contradictory hardware flags are usage errors; no flags means detection', () => {
    expect(codeOf(() => hardwareFromFlags(catalog.gpus, {gpu: 'H200', gpuMemory: '80GB'}))).toBe('R1_INVALID_FLAGS')
    expect(codeOf(() => hardwareFromFlags(catalog.gpus, {computeCapability: '9.0'}))).toBe('R1_INVALID_FLAGS')
    expect(codeOf(() => hardwareFromFlags(catalog.gpus, {computeCapability: 'nine', gpuMemory: '80GB'}))).toBe('R1_INVALID_FLAGS')
    expect(hardwareFromFlags(catalog.gpus, {count: 4})).toBeNull()
  })

  const capture = (file: string) => detectFromCapture(readFileSync(join(FIXTURES, 'plan', file), 'utf8'), catalog.gpus).result

  it('a capture of 8 H100: all eight, their own memory', () => {
    const {hardware, info} = hardwareFromDetect(capture('h100-sxm5-80gb-x8.driver565.table.txt'), catalog.gpus)
    expect(hardware.gpusPerNode).toBe(8)
    expect(hardware.gpu.memoryTotalBytes).toBe(81_559 * 2 ** 20)
    expect(hardware.gpu.profileId).toBe('h100-sxm')
    expect(info.source).toBe('file')
    expect(info.detected!.gpus).toHaveLength(8)
  })

  it('MIG: one slice, sized by the smallest instance, and it says so', () => {
    const {hardware, info} = hardwareFromDetect(capture('a100-sxm4-80gb-mig.q.xml'), catalog.gpus)
    expect(hardware.gpusPerNode).toBe(1)
    expect(hardware.gpu.memoryTotalBytes).toBe(19_968 * 2 ** 20)
    expect(info.mig).toBe('1g.20gb')
    expect(info.notes[0]).toMatch(/^MIG is on: planned against one 1g\.20gb slice \(19\.5 GiB\)/)
    expect(info.summary).toContain('MIG 1g.20gb slice')
  })

  it('mixed GPUs: the larger group, the rest named', () => {
    const {hardware, info} = hardwareFromDetect(capture('titan-v_rtx-5880-ada.list.txt'), catalog.gpus)
    expect(hardware.gpu.name).toBe('NVIDIA RTX 5880 Ada Generation')
    expect(hardware.gpusPerNode).toBe(1)
    expect(info.notes[0]).toMatch(/^mixed GPUs: planned for the 1 × NVIDIA RTX 5880 Ada Generation; 1 other GPU \(NVIDIA TITAN V\) left out/)
  })

  it('--count above the GPUs found is a usage error', () => {
    expect(codeOf(() => hardwareFromDetect(capture('h100-sxm5-80gb-x8.driver565.table.txt'), catalog.gpus, {count: 16}))).toBe('R1_INVALID_FLAGS')
    expect(hardwareFromDetect(capture('h100-sxm5-80gb-x8.driver565.table.txt'), catalog.gpus, {count: 4}).hardware.gpusPerNode).toBe(4)
  })
})
