import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {R1Error} from '../../src/core/errors.js'
import type {Catalog} from '../../src/core/profiles/catalog.js'
import {DEFAULT_FLEET} from '../../src/core/report/default-fleet.js'
import {parseFleetEntry, parseFleetSpec, resolveFleet} from '../../src/core/report/fleet.js'
import {badFleetFile, issuePath} from '../../src/core/report/fleet-file.js'
import {parseContexts, resolveGpuName, selectModels} from '../../src/core/report/options.js'
import {matchPublished, measuredFor} from '../../src/core/report/published.js'
import {checkFleetSize, FLEET_LIMITS} from '../../src/core/report/limits.js'
import {ceilingBatch, costPerMillionTokens, decodeCeiling, expertsReadShare} from '../../src/core/report/roofline.js'
import {routedExpertShare} from '../../src/core/report/weights.js'
import {ROOT} from '../helpers/cli.js'
import {codeOf} from '../helpers/errors.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog
const gpu = (name: string) => resolveGpuName(catalog.gpus, name)

describe('--fleet spec', () => {
  it.each([
    ['8xH200', {gpu: 'H200', gpusPerNode: 8, name: '8xH200', nodes: 1, pricePerGpuHour: null}],
    ['2x8xH100', {gpu: 'H100', gpusPerNode: 8, name: '2x8xH100', nodes: 2, pricePerGpuHour: null}],
    ['1xRTX4090', {gpu: 'RTX4090', gpusPerNode: 1, name: '1xRTX4090', nodes: 1, pricePerGpuHour: null}],
    ['8xA100-80GB', {gpu: 'A100-80GB', gpusPerNode: 8, name: '8xA100-80GB', nodes: 1, pricePerGpuHour: null}],
    ['4 × L40S @ $0.99', {gpu: 'L40S', gpusPerNode: 4, name: '4xL40S', nodes: 1, pricePerGpuHour: 0.99}],
    ['2x8xH100@2.49', {gpu: 'H100', gpusPerNode: 8, name: '2x8xH100', nodes: 2, pricePerGpuHour: 2.49}],
    ['T4', {gpu: 'T4', gpusPerNode: 1, name: '1xT4', nodes: 1, pricePerGpuHour: null}],
  ])('%s', (spec, expected) => {
    expect(parseFleetEntry(spec)).toEqual(expected)
  })

  it('reads the issue\'s example fleet, in order', () => {
    const specs = parseFleetSpec('8xH200,8xH100,2x8xH100,8xB200,8xA100-80GB,4xL40S,1xRTX4090,1xT4')
    expect(specs.map((s) => [s.nodes, s.gpusPerNode, s.gpu])).toEqual([
      [1, 8, 'H200'],
      [1, 8, 'H100'],
      [2, 8, 'H100'],
      [1, 8, 'B200'],
      [1, 8, 'A100-80GB'],
      [1, 4, 'L40S'],
      [1, 1, 'RTX4090'],
      [1, 1, 'T4'],
    ])
    const fleet = resolveFleet(specs, (n) => gpu(n))
    expect(fleet.map((f) => f.gpu.id)).toEqual(['h200-sxm', 'h100-sxm', 'h100-sxm', 'b200', 'a100-sxm4-80gb', 'l40s', 'rtx-4090', 'tesla-t4'])
  })

  it.each(['', ' , ', '0xH100', '2x0xH100', '8xH100@'])('refuses %j as a usage error', (spec) => {
    expect(codeOf(() => parseFleetSpec(spec))).toBe('R1_USAGE')
  })

  it('takes a GPU named by digits only ("1x4090")', () => {
    expect(resolveFleet(parseFleetSpec('1x4090'), (n) => gpu(n))[0].gpu.id).toBe('rtx-4090')
  })

  it('an unknown GPU is R1_UNKNOWN_GPU with the closest names as suggestions', () => {
    let error: R1Error | undefined
    try {
      gpu('H2000')
    } catch (error_) {
      error = error_ as R1Error
    }

    expect(error?.code).toBe('R1_UNKNOWN_GPU')
    expect(error?.message).toBe('unknown GPU "H2000"')
    expect(error?.suggestions.join(' ')).toContain('h200')
    expect(error?.suggestions.at(-1)).toContain('r1 profiles list gpus')
  })
})

describe('the default fleet', () => {
  const fleet = resolveFleet(DEFAULT_FLEET, (n) => gpu(n))

  it('has at least 15 entries, every one resolving to a catalog GPU', () => {
    expect(fleet.length).toBeGreaterThanOrEqual(15)
    expect(new Set(fleet.map((f) => f.name)).size).toBe(fleet.length)
  })

  it('covers every architecture from Pascal to Blackwell, Jetson included, and a two-node entry', () => {
    const archs = new Set(fleet.map((f) => f.gpu.architecture))
    for (const a of ['pascal', 'volta', 'turing', 'ampere', 'ada', 'hopper', 'blackwell']) expect(archs, a).toContain(a)
    expect(fleet.filter((f) => f.gpu.jetson).map((f) => f.gpu.id).sort()).toEqual(['jetson-agx-orin-64gb', 'jetson-agx-thor'])
    expect(fleet.find((f) => f.name === '2x8xH100')).toMatchObject({gpusPerNode: 8, nodes: 2})
  })
})

describe('--context and --models', () => {
  it('reads token counts and k suffixes, sorted and unique', () => {
    expect(parseContexts('131072,8k, 32K,8192')).toEqual([8192, 32_768, 131_072])
    expect(codeOf(() => parseContexts('8k,lots'))).toBe('R1_INVALID_FLAGS')
    expect(codeOf(() => parseContexts('0'))).toBe('R1_INVALID_FLAGS')
    // The same reading as r1 plan --context: 128K, 1M, thousands separators.
    expect(parseContexts('128K,1M')).toEqual([131_072, 1_048_576])
    expect(codeOf(() => parseContexts('99999999999'))).toBe('R1_INVALID_FLAGS')
  })

  it('defaults to every checkpoint of every model', () => {
    const all = selectModels(catalog, undefined)
    expect(all.reduce((n, m) => n + m.checkpoints.length, 0)).toBe(catalog.models.reduce((n, m) => n + m.checkpoints.length, 0))
  })

  it('takes models by alias and single checkpoints by id or repository, in catalog order', () => {
    const picked = selectModels(catalog, 'qwen-32b,r1-awq,deepseek-ai/DeepSeek-R1')
    expect(picked.map((m) => [m.model.id, m.checkpoints.map((c) => c.id)])).toEqual([
      ['deepseek-r1', ['r1-fp8', 'r1-awq']],
      ['r1-distill-qwen-32b', ['qwen-32b-bf16', 'qwen-32b-fp8', 'qwen-32b-awq']],
    ])
    expect(codeOf(() => selectModels(catalog, 'gpt-5'))).toBe('R1_UNKNOWN_MODEL')
  })
})

describe('fleet file errors', () => {
  it('name the field path and the line', () => {
    expect(issuePath(['fleet', 2, 'count'])).toBe('fleet[2].count')
    const e = badFleetFile('f.yaml', [{message: 'Too small: expected number to be >0', path: ['fleet', 2, 'count']}], () => 9)
    expect(e.code).toBe('R1_BAD_FLEET_FILE')
    expect(e.message).toBe('f.yaml: fleet[2].count (line 9): Too small: expected number to be >0')
  })
})

describe('the roofline ceiling', () => {
  it('expert reads: k/E for one token, all experts for a large batch', () => {
    expect(expertsReadShare(1, 8, 256)).toBeCloseTo(8 / 256, 12)
    expect(expertsReadShare(0, 8, 256)).toBe(0)
    expect(expertsReadShare(10_000, 8, 256)).toBeCloseTo(1, 9)
  })

  it('dense model, batch 1: bandwidth over weights plus one request\'s KV', () => {
    // 16 GB of weights, 1 GB/s... per GPU: 1000 GB/s; KV 100 KB/token × 10,000 tokens = 1 GB.
    const r = decodeCeiling({
      bandwidthGBs: 1000,
      batch: 1,
      context: 10_000,
      expertsPerToken: 0,
      kvBytesPerTokenPerGpu: 100_000,
      kvPools: 1,
      numExperts: 0,
      routedExpertShare: 0,
      tokensPerExpertGroup: 1,
      weightsBytesPerGpu: 16e9,
    })
    expect(r.kvReadBytesPerGpu).toBe(1e9)
    expect(r.stepSeconds).toBeCloseTo(17e9 / 1e12, 12)
    expect(r.tokensPerSecond).toBeCloseTo(1e12 / 17e9, 9)
  })

  it('requests are whole: one request over 8 KV pools still reads its whole KV on the GPU that holds it', () => {
    const base = {bandwidthGBs: 1000, context: 10_000, expertsPerToken: 0, kvBytesPerTokenPerGpu: 100_000, numExperts: 0, routedExpertShare: 0, tokensPerExpertGroup: 1, weightsBytesPerGpu: 16e9}
    const one = decodeCeiling({...base, batch: 1, kvPools: 8})
    expect(one.kvReadBytesPerGpu).toBe(1e9)
    expect(one.tokensPerSecond).toBeCloseTo(1e12 / 17e9, 9)
    // 16 requests over 8 pools: two each.
    expect(decodeCeiling({...base, batch: 16, kvPools: 8}).kvReadBytesPerGpu).toBe(2e9)
  })

  it('R1 at batch 1 on 8×H200 matches engines.md §6\'s rule of thumb (~1,000 tok/s)', () => {
    // engines.md §6: 8 × 4.8 TB/s over ~37 GB of active FP8 weights ≈ 1,000 tok/s.
    const r1 = catalog.models.find((m) => m.id === 'deepseek-r1')!
    const fp8 = r1.checkpoints.find((c) => c.id === 'r1-fp8')!
    const share = routedExpertShare(r1, fp8)
    expect(share).toBeGreaterThan(0.95)
    expect(share).toBeLessThan(0.99)
    const r = decodeCeiling({
      bandwidthGBs: 4800,
      batch: 1,
      context: 0,
      expertsPerToken: 8,
      kvBytesPerTokenPerGpu: 0,
      kvPools: 1,
      numExperts: 256,
      routedExpertShare: share,
      tokensPerExpertGroup: 1,
      weightsBytesPerGpu: 690e9 / 8,
    })
    expect(r.activeWeightsBytesPerGpu / 1e9).toBeGreaterThan(3.5)
    expect(r.activeWeightsBytesPerGpu / 1e9).toBeLessThan(5.5)
    expect(r.tokensPerSecond).toBeGreaterThan(850)
    expect(r.tokensPerSecond).toBeLessThan(1400)
  })

  it('a dense model has no routed experts; R1 BF16 routes a larger share than its AWQ checkpoint keeps in full', () => {
    const qwen = catalog.models.find((m) => m.id === 'r1-distill-qwen-32b')!
    expect(routedExpertShare(qwen, qwen.checkpoints[0])).toBe(0)
    const r1 = catalog.models.find((m) => m.id === 'deepseek-r1')!
    const bf16 = routedExpertShare(r1, r1.checkpoints.find((c) => c.quantization === 'bf16')!)
    const awq = routedExpertShare(r1, r1.checkpoints.find((c) => c.quantization === 'awq')!)
    expect(bf16).toBeGreaterThan(0.95)
    expect(awq).toBeGreaterThan(0.9)
  })

  it('batch is the concurrency at the context, at least one request', () => {
    expect(ceilingBatch(0.4)).toBe(1)
    expect(ceilingBatch(37.9)).toBe(37)
  })

  it('cost per million output tokens: price × GPUs / tokens per hour', () => {
    // 8 GPUs at $2.50 = $20/h; 1,000 tok/s = 3.6 M tok/h → $5.556 per M.
    expect(costPerMillionTokens(2.5, 8, 1000)).toBeCloseTo(20 / 3.6, 9)
    expect(costPerMillionTokens(null, 8, 1000)).toBeNull()
    expect(costPerMillionTokens(2.5, 8, null)).toBeNull()
  })
})

describe('measured figures beside the ceiling', () => {
  const fleet = resolveFleet(parseFleetSpec('8xB200,8xH200,2x8xH100,12x8xH100,1xRTX4090'), (n) => gpu(n))
  const fleetsOf = (published: ReturnType<typeof matchPublished>, source: string, tps: number) =>
    published.find((p) => p.source.includes(source) && p.outputTokensPerSecond === tps)?.matches.map((m) => m.fleet)

  it('match the same GPU, size and checkpoint family', () => {
    const seen: string[] = []
    const published = matchPublished(fleet, (f, q) => {
      seen.push(`${f}|${q}`)
      return {atBatch1: 1, atConcurrency: 2, gpus: 8}
    })
    expect(fleetsOf(published, 'sgl-cookbook', 105)).toEqual(['8xB200'])
    expect(fleetsOf(published, 'vllm-project/recipes', 61)).toEqual(['8xH200'])
    // 96×H100 over 12 nodes describes a 12-node fleet, not a 2-node one.
    expect(fleetsOf(published, 'LMSYS', 22_300)).toEqual(['12x8xH100'])
    // Wide EP over several H200 nodes: no single-node H200 entry.
    expect(fleetsOf(published, 'vLLM blog', 2200)).toBeUndefined()
    expect(published.some((p) => p.matches.some((m) => m.fleet === '1xRTX4090'))).toBe(false)
    expect(seen).toContain('8xB200|fp4')
  })

  it('leave out entries the report has no ceiling for', () => {
    const published = matchPublished(fleet, (f, q) => (q === 'fp8' && f === '8xB200' ? {atBatch1: 900, atConcurrency: 9000, gpus: 8} : {atBatch1: null, atConcurrency: null, gpus: null}))
    expect(published.map((p) => p.outputTokensPerSecond)).toEqual([105, 795, 2283, 1469])
    expect(published[0].matches).toEqual([{ceiling: 9000, ceilingBatch1: 900, costPerMillionTokensAtCeiling: null, costPerMillionTokensMeasured: null, fleet: '8xB200', quantization: 'fp8'}])
  })
})

describe('the measured rate a pick is costed at', () => {
  const entry = (spec: string) => resolveFleet(parseFleetSpec(spec), (n) => gpu(n))[0]

  it.each([
    ['8xB200@4.99', 'fp8', 2283],
    ['8xB200@4.99', 'fp4', 30_000],
    // The AWQ card's batch-32 figure, not its one-request figure.
    ['8xH200@3.5', 'awq', 963],
    ['8xH200@3.5', 'fp8', 61],
  ] as const)('%s %s: the best published figure of one deployment of that size, %d tok/s', (spec, q, tps) => {
    expect(measuredFor(entry(spec), q)?.outputTokensPerSecond).toBe(tps)
  })

  it('none for per-node or per-GPU figures of many-node disaggregated or wide-EP systems, nor another size', () => {
    expect(measuredFor(entry('12x8xH100'), 'fp8')).toBeNull()
    expect(measuredFor(entry('2x8xH200'), 'fp8')).toBeNull()
    expect(measuredFor(entry('4xB200'), 'fp8')).toBeNull()
  })
})

describe('fleet size limits', () => {
  const spec = (i: number, gpuName = 'H100') => ({gpu: gpuName, gpusPerNode: 8, name: `m${i}`, nodes: 1 + (i % 2), pricePerGpuHour: null})

  it('refuses more entries, more shapes, or --all over its limit, with R1_USAGE', () => {
    expect(() => checkFleetSize(Array.from({length: FLEET_LIMITS.entries}, (_, i) => spec(i)), false)).not.toThrow()
    expect(codeOf(() => checkFleetSize(Array.from({length: FLEET_LIMITS.entries + 1}, (_, i) => spec(i)), false))).toBe('R1_USAGE')
    expect(codeOf(() => checkFleetSize(Array.from({length: FLEET_LIMITS.allEntries + 1}, (_, i) => spec(i)), true))).toBe('R1_USAGE')
    const shapes = Array.from({length: FLEET_LIMITS.shapes + 1}, (_, i) => ({...spec(i), gpusPerNode: 1 + (i % 8), nodes: 1 + Math.floor(i / 8)}))
    expect(codeOf(() => checkFleetSize(shapes, false))).toBe('R1_USAGE')
  })
})
