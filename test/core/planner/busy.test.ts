// Busy GPUs: other processes' memory, release by release, and the agreement of the plan with serve's preflight.
// Captures: test/fixtures/plan/a800-sxm4-80gb.busy-47848mib.table.txt (a real A800 with 46.7 GiB held by another
// process: a public blog post's nvidia-smi block, verbatim; shared/fixtures has no A800 capture) and
// test/fixtures/nvidia-smi/b200.driver580.table-partial.txt (shared/fixtures, 162.7 GiB used on GPU 0).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../../src/core/detect/capture.js'
import type {DetectResult} from '../../../src/core/detect/detect.schema.js'
import {estimateMemory, vllmStartMarginBytes} from '../../../src/core/planner/memory.js'
import {checkGpuMemory, type GpuFact} from '../../../src/core/serve/preflight.js'
import {type PlanDeps, type PlanFlags, planFromFlags} from '../../../src/services/plan.js'
import {FIXTURES} from '../../helpers/cli.js'
import {GiB, gpu, layout, loadTestCatalog, memoryInput, MiB, pick} from './fixtures.js'

const A800 = gpu('NVIDIA A800-SXM4-80GB', 'ampere', '8.0', 81_920)

describe('the memory model on busy GPUs', async () => {
  const cat = await loadTestCatalog()
  // The GPU of issue 11's report: an A800 with 33.6 GiB of 80 GiB in use (no capture of it exists in shared/).
  const busyA800 = {...A800, memoryUsedBytes: [Math.round(33.6 * GiB)]}

  it('vLLM (0.9.1+): the largest utilization, two decimals down, with total × util ≤ free − margin; KV sized from it', () => {
    const p = pick(cat, 'qwen-7b-bf16', 'vllm')
    const idle = estimateMemory(memoryInput(p, A800, layout(1), {contextLength: 32_768}))
    const e = estimateMemory(memoryInput(p, busyA800, layout(1), {contextLength: 32_768}))
    const free = 80 * GiB - Math.round(33.6 * GiB)
    expect(e.utilization).toBe(Math.floor(((free - vllmStartMarginBytes(1, 1)) / (80 * GiB)) * 100) / 100)
    expect(e.utilization).toBe(0.56)
    expect(e.requiredFreeBytes).toBe(Math.ceil(0.56 * 80 * GiB))
    expect(e.requiredFreeBytes).toBeLessThanOrEqual(free)
    // the budget shrinks by exactly (0.90 − 0.56) × total
    expect(idle.terms.kvBytes - e.terms.kvBytes).toBeCloseTo(0.34 * 80 * GiB, -3)
    expect(e.busy).toEqual({freeBytes: free, limitingGpu: 0, usedBytes: Math.round(33.6 * GiB)})
    expect(e.reasons.join('\n')).toMatch(/--gpu-memory-utilization 0\.56: GPU 0 has 46\.4 GiB free of 80\.0 GiB \(33\.6 GiB held by other processes\)/)
    expect(e.fits).toBe(true)
  })

  it('SGLang: other processes shrink both sides of its subtraction: pool = f × (free before weights) − weights', () => {
    const p = pick(cat, 'qwen-7b-bf16', 'sglang')
    const idle = estimateMemory(memoryInput(p, A800, layout(1), {contextLength: 32_768}))
    const e = estimateMemory(memoryInput(p, busyA800, layout(1), {contextLength: 32_768}))
    expect(e.utilization).toBe(idle.utilization)
    const pre = 80 * GiB - Math.round(33.6 * GiB) - GiB
    expect(e.terms.kvBytes).toBeCloseTo(e.utilization * pre - e.perGpu.weightsBytes, -2)
    // a reserve of (1 − f) × total would have taken (1 − f) × 33.6 GiB more
    expect(idle.terms.kvBytes - e.terms.kvBytes).toBeCloseTo(e.utilization * 33.6 * GiB, -3)
  })

  it.each([
    ['0.7.3', 0.56, 'would run out of memory'],
    ['0.8.4', 0.9, null],
    ['0.9.1', 0.56, 'refuses to start'],
    ['0.20.1', 0.56, 'refuses to start'],
  ] as const)('vLLM %s: utilization %s (%s)', (version, util, words) => {
    const p = pick(cat, 'qwen-7b-bf16', 'vllm')
    const e = estimateMemory(memoryInput(p, busyA800, layout(1), {contextLength: 8192, engineVersion: version}))
    expect(e.utilization).toBe(util)
    if (words) expect(e.reasons.join('\n')).toContain(words)
    // 0.8.x V1 charges other processes' memory to its budget (absolute peak): KV shrinks by all of it
    if (version === '0.8.4') expect(e.terms.othersBytes).toBe(Math.round(33.6 * GiB))
  })

  it('a --gpu-memory-utilization above what is free: vLLM will not start, and the plan says which GPU and why', () => {
    const p = pick(cat, 'qwen-7b-bf16', 'vllm')
    const e = estimateMemory(memoryInput(p, busyA800, layout(1), {contextLength: 8192, gpuMemoryUtilization: 0.9}))
    expect(e.fits).toBe(false)
    expect(e.startsUp).toBe(false)
    expect(e.reasons[0]).toBe('vLLM will not start: --gpu-memory-utilization 0.9 needs 72.0 GiB free at start, and GPU 0 has 46.4 GiB free of 80.0 GiB (33.6 GiB held by other processes)')
  })

  it('the busiest of the GPUs a layout uses decides; an idle GPU beside it does not', () => {
    const p = pick(cat, 'qwen-7b-bf16', 'vllm')
    const two = {...A800, memoryUsedBytes: [0, Math.round(33.6 * GiB)]}
    expect(estimateMemory(memoryInput(p, two, layout(1), {contextLength: 8192})).utilization).toBe(0.9)
    expect(estimateMemory(memoryInput(p, two, layout(2), {contextLength: 8192})).busy?.limitingGpu).toBe(1)
  })
})

function captureDeps(path: string, catalog: Awaited<ReturnType<typeof loadTestCatalog>>): PlanDeps {
  return {
    detect: async () => detectFromCapture(readFileSync(path, 'utf8'), catalog.gpus) as {result: DetectResult; warnings: string[]},
    loadCatalog: async () => catalog,
    writeFile: () => {
      throw new Error('unexpected write')
    },
  }
}

function facts(result: DetectResult): GpuFact[] {
  return result.gpus.map((g) => ({memoryTotalBytes: g.memoryTotalMiB! * MiB, memoryUsedBytes: g.memoryUsedMiB! * MiB, name: g.name}))
}

describe('r1 plan --from-file on busy GPUs, and serve\'s preflight on the same machine', async () => {
  const catalog = await loadTestCatalog()
  const a800 = join(FIXTURES, 'plan', 'a800-sxm4-80gb.busy-47848mib.table.txt')
  const b200 = join(FIXTURES, 'nvidia-smi', 'b200.driver580.table-partial.txt')

  it.each([
    [{engine: 'vllm'}],
    [{engine: 'sglang'}],
    [{engine: 'vllm', model: 'r1-distill-qwen-7b'}],
    [{context: 32_768, engine: 'sglang', model: 'r1-distill-qwen-14b'}],
  ] as Array<[PlanFlags]>)('A800 with 46.7 GiB held elsewhere, %o: the recommended command passes the engine\'s start check', async (flags) => {
    const deps = captureDeps(a800, catalog)
    const {result, warnings} = await planFromFlags(deps, {fromFile: a800, ...flags})
    const p = result.plan
    expect(p.fits).toBe(true)
    expect(warnings.join('\n')).toContain('memory already in use by other processes (GPU 0 46.7 GiB of 80 GiB): the plan sizes each engine against what is free on its GPUs')
    const detected = (await deps.detect({})).result
    const util = p.engine === 'vllm' ? p.gpuMemoryUtilization! : p.memFractionStatic!
    const check = checkGpuMemory(facts(detected), p.gpusPerNode, util, p.engine, p.requiredFreeBytes ?? null)
    expect(check.ok).toBe(true)
    if (p.engine === 'vllm') {
      // vLLM's own rule: free ≥ ceil(total × util), on the numbers nvidia-smi printed
      expect(Math.ceil(util * 81_920 * MiB)).toBeLessThanOrEqual((81_920 - 47_848) * MiB)
      expect(util).toBe(Math.floor((((81_920 - 47_848) * MiB - GiB) / (81_920 * MiB)) * 100) / 100)
      expect(p.command.argv).toContain(util.toFixed(2).replace(/0$/, ''))
      expect(p.reasons.join('\n')).toMatch(/GPU 0 has 33\.3 GiB free of 80\.0 GiB/)
    }
  })

  it('B200 with 162.7 GiB held on GPU 0: Llama-70B cannot start; the reasons say which GPU and how much to free', async () => {
    const {result} = await planFromFlags(captureDeps(b200, catalog), {engine: 'vllm', fromFile: b200, model: 'r1-distill-llama-70b', quantization: 'bf16'})
    const p = result.plan
    expect(p.fits).toBe(false)
    expect(p.reasons[0]).toMatch(/usable \(vLLM gpu_memory_utilization 0\.0\d, lowered to what is free: GPU 0 has 16\.4 GiB free\)$/)
    expect(p.reasons.join('\n')).toMatch(/^free \d+\.\d GiB on GPU 0 \(other processes hold 162\.7 GiB\) for one 131,072-token request to fit$/m)
  })

  it('B200: a distill fits in what is free, and its plan passes preflight on the same capture', async () => {
    const deps = captureDeps(b200, catalog)
    const {result} = await planFromFlags(deps, {fromFile: b200})
    const p = result.plan
    expect(p.fits).toBe(true)
    const util = p.engine === 'vllm' ? p.gpuMemoryUtilization! : p.memFractionStatic!
    expect(checkGpuMemory(facts((await deps.detect({})).result), p.gpusPerNode, util, p.engine, p.requiredFreeBytes ?? null).ok).toBe(true)
  })
})
