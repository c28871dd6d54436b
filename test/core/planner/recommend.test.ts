/** The recommendation rule and its reasons, on the real catalog (needs dist/catalog.json). */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Goal} from '../../../src/core/constants.js'
import {hardwareFromFlags} from '../../../src/core/planner/hardware.js'
import {checkpointTier, MIN_CONCURRENCY, RECOMMENDATION_RULE, recommend} from '../../../src/core/planner/recommend.js'
import {searchCandidates} from '../../../src/core/planner/search.js'
import type {Catalog} from '../../../src/core/profiles/catalog.js'
import {ROOT} from '../../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog

function run(gpu: string, count: number, options: {context?: number; goal?: Goal; models?: string[]; minConcurrency?: number} = {}) {
  const {hardware} = hardwareFromFlags(catalog.gpus, {count, gpu})!
  const goal = options.goal ?? 'throughput'
  const candidates = searchCandidates({
    contextLength: options.context ?? 131_072,
    engines: catalog.engines,
    goal,
    hardware,
    kvCacheDtype: 'auto',
    models: catalog.models.filter((m) => !options.models || options.models.includes(m.id)),
  })
  return {candidates, ...recommend(candidates, {goal, minConcurrency: options.minConcurrency})}
}

describe('the recommendation rule', () => {
  it('is stated with its threshold', () => {
    expect(MIN_CONCURRENCY).toBe(4)
    expect(RECOMMENDATION_RULE).toMatch(/^The strongest model \(by the mean pass@1 of DeepSeek's published AIME 2024, MATH-500, GPQA Diamond and LiveCodeBench figures\) that serves the requested context with at least 4 requests of that length at once/)
  })

  it('8×H200: R1, explained in four lines', () => {
    const {best, why} = run('H200', 8)
    expect(best!.model.id).toBe('deepseek-r1')
    expect(why).toHaveLength(4)
    expect(why[0]).toBe('DeepSeek-R1 671B: the strongest model (mean pass@1 78.6) with at least 4 requests of 131,072 tokens at once.')
    // The preferences that cost requests at once say so, with the figure from the table.
    expect(why[1]).toMatch(/^FP8: the model's own checkpoint, preferred to quantized ones; AWQ would hold \d+ at once on (vLLM|SGLang) \(--quantization awq\)\.$/)
    expect(why[2]).toMatch(/^SGLang: preferred for R1 \(MLA, DP attention, DeepEP, MTP\)( over the goal; vLLM would hold \d+ at once \(--engine vllm\))?\.$/)
    expect(why[3]).toBe('Layout: the SGLang layout using the most GPUs that holds the most requests at once (--goal throughput).')
  })

  it('a stronger model that fits without useful concurrency loses to a weaker one that has it (4×L40S)', () => {
    const {best, ranked, why} = run('L40S', 4)
    const llama70 = ranked.filter((c) => c.model.id === 'r1-distill-llama-70b' && c.plan.fits)
    expect(llama70.length).toBeGreaterThan(0)
    for (const c of llama70) expect(c.plan.maxConcurrency).toBeLessThan(4)
    expect(best!.model.id).toBe('r1-distill-qwen-32b')
    expect(best!.plan.maxConcurrency).toBeGreaterThanOrEqual(4)
    // The claim about the stronger model holds against the table: its most requests at once.
    const most = Math.max(...ranked.filter((c) => c.model.id === 'r1-distill-llama-70b' && c.plan.fits).map((c) => Math.floor(c.plan.maxConcurrency)))
    expect(why[0]).toMatch(new RegExp(` DeepSeek-R1-Distill-Llama-70B \\(mean pass@1 71\\.8\\) fits but holds at most ${most} at once\\.$`))
  })

  it('when no model reaches the threshold, the strongest that serves one request (1×T4 at 128K)', () => {
    const {best, why} = run('T4', 1)
    expect(best!.plan.fits).toBe(true)
    expect(best!.plan.maxConcurrency).toBeLessThan(4)
    expect(best!.model.id).toBe('r1-distill-qwen-7b')
    expect(why[0]).toMatch(/^No model serves 4 requests of 131,072 tokens at once; DeepSeek-R1-Distill-Qwen-7B \(mean pass@1 58\.8\) is the strongest that serves one/)
  })

  it('minConcurrency moves the line', () => {
    // 20 at once: FP8 falls short on both engines (16 at once with SGLang's DP attention or vLLM's DP + EP, whose
    // profile run takes 6–7 GiB per GPU beside 93 GiB of weights); the AWQ checkpoint's smaller weights leave room for it.
    const twenty = run('H200', 8, {minConcurrency: 20})
    expect([twenty.best!.model.id, twenty.best!.checkpoint.quantization]).toEqual(['deepseek-r1', 'awq'])
    expect(twenty.best!.plan.maxConcurrency).toBeGreaterThanOrEqual(20)
    // Nobody serves 1000 at once: the strongest that serves one.
    const many = run('H200', 8, {minConcurrency: 1000})
    expect(many.best!.model.id).toBe('deepseek-r1')
    expect(many.why[0]).toMatch(/^No model serves 1000 requests of 131,072 tokens at once/)
  })

  it('the engine that suits the architecture: SGLang for R1, unless it cannot serve it usefully (8×H100)', () => {
    const {best, why} = run('H100', 8)
    expect(best!.engine.id).toBe('vllm')
    expect(best!.checkpoint.id).toBe('r1-awq')
    expect(why[2]).toMatch(/^vLLM, because SGLang serves only [\d.]+ at once with its best checkpoint \(AWQ\)\.$/)
    expect(why[1]).toMatch(/^AWQ \(cognitivecomputations\/DeepSeek-R1-AWQ\), because on vLLM FP8 does not fit: weights need/)
  })

  it('vLLM for the distills', () => {
    const {best} = run('H200', 8, {models: ['r1-distill-qwen-7b']})
    expect(best!.engine.id).toBe('vllm')
    expect(best!.checkpoint.id).toBe('qwen-7b-bf16')
  })

  it('the layout suits the goal: throughput fills the GPUs with replicas, latency takes the widest TP', () => {
    const tput = run('H200', 8, {models: ['r1-distill-qwen-7b']}).best!
    expect([tput.layout.tensorParallel, tput.layout.dataParallel]).toEqual([1, 8])
    const lat = run('H200', 8, {goal: 'latency', models: ['r1-distill-qwen-7b']}).best!
    expect([lat.layout.tensorParallel, lat.layout.dataParallel]).toEqual([4, 1])

    const r1 = run('H200', 8, {goal: 'latency', models: ['deepseek-r1']}).best!
    expect([r1.layout.tensorParallel, r1.layout.dataParallel, r1.layout.dpAttention]).toEqual([8, 1, false])
    expect(r1.plan.speculative).toBe('mtp')
  })

  it('ranks one candidate per model × checkpoint × engine, fitting ones first', () => {
    const {candidates, ranked} = run('H100', 8)
    const keys = ranked.map((c) => `${c.model.id}|${c.checkpoint.id}|${c.engine.id}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(new Set(keys).size).toBe(new Set(candidates.map((c) => `${c.model.id}|${c.checkpoint.id}|${c.engine.id}`)).size)
    const firstMiss = ranked.findIndex((c) => !c.plan.fits)
    expect(ranked.slice(firstMiss).every((c) => !c.plan.fits)).toBe(true)
  })

  it('checkpoint tiers: the model’s own, then BF16/FP8, INT8, NVFP4, AWQ; weight-only FP8 after INT8', () => {
    const {ranked} = run('H200', 8, {models: ['deepseek-r1']})
    const tier = (id: string) => checkpointTier(ranked.find((c) => c.checkpoint.id === id)!)
    expect([tier('r1-0528-fp8'), tier('r1-0528-bf16'), tier('r1-int8'), tier('r1-0528-fp4'), tier('r1-awq')]).toEqual([0, 1, 2, 3, 4])
    const ampere = run('A100-80GB', 8, {models: ['deepseek-r1']}).ranked
    expect(checkpointTier(ampere.find((c) => c.checkpoint.id === 'r1-0528-fp8')!)).toBe(2.5)
  })

  it('nothing fits: the closest candidate and why, no memory advice when the GPU is the problem (P100)', () => {
    const {best, why} = run('P100', 1)
    expect(best!.plan.fits).toBe(false)
    expect(best!.compat.ok).toBe(false)
    expect(why).toHaveLength(1)
    expect(why[0]).toMatch(/^Nothing fits as asked\. The closest is .+: vLLM needs compute capability 7\.5 or newer/)
  })

  it('nothing fits for memory: suggests what to change', () => {
    const {best, why} = run('RTX 4090', 1, {models: ['deepseek-r1']})
    expect(best!.plan.fits).toBe(false)
    expect(why[1]).toMatch(/^Try a smaller --context/)
  })

  it('no candidates: no recommendation', () => {
    expect(recommend([], {goal: 'throughput'})).toEqual({best: null, ranked: [], why: []})
  })
})
