/**
 * Every sentence of a recommendation holds against the candidate table beside it (issue 13 item 3):
 * each figure and each "the most" claim is checked against the ranked candidates, on real catalog
 * hardware, not only its wording.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Goal} from '../../../src/core/constants.js'
import {hardwareFromFlags} from '../../../src/core/planner/hardware.js'
import {recommend} from '../../../src/core/planner/recommend.js'
import {type Candidate, searchCandidates} from '../../../src/core/planner/search.js'
import type {Catalog} from '../../../src/core/profiles/catalog.js'
import {modelStrength} from '../../../src/core/profiles/strength.js'
import {ROOT} from '../../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog

function run(gpu: string, count: number, goal: Goal = 'throughput', context = 131_072) {
  const {hardware} = hardwareFromFlags(catalog.gpus, {count, gpu})!
  const candidates = searchCandidates({contextLength: context, engines: catalog.engines, goal, hardware, kvCacheDtype: 'auto', models: catalog.models})
  return {candidates, ...recommend(candidates, {goal})}
}

const whole = (c: Candidate) => Math.floor(c.plan.maxConcurrency)
const layoutKey = (c: Candidate) => `${c.model.id}|${c.checkpoint.id}|${c.engine.id}`

const CASES: Array<[string, number, Goal]> = [
  ['H200', 8, 'throughput'],
  ['H100', 8, 'throughput'],
  ['A100-80GB', 8, 'throughput'],
  ['L40S', 4, 'throughput'],
  ['H200', 6, 'throughput'],
  ['B200', 8, 'throughput'],
  ['RTX 4090', 2, 'throughput'],
  ['H200', 8, 'latency'],
]

describe('reasons hold against the table', () => {
  it.each(CASES)('%s × %i, --goal %s', (gpu, count, goal) => {
    const {best, candidates, ranked, why} = run(gpu, count, goal)
    expect(best?.plan.fits).toBe(true)
    const b = best!
    const text = why.join('\n')

    // 1. "X: the strongest model (mean pass@1 S) with at least 4 requests …": S is the published mean,
    //    and no stronger model holds 4 at once.
    const strongest = /^(.+?): the strongest model \(mean pass@1 ([\d.]+)\) with at least (\d+) requests/.exec(why[0])
    if (strongest) {
      expect(strongest[1]).toBe(b.model.displayName)
      expect(Number(strongest[2])).toBeCloseTo(modelStrength(b.model), 1)
      const min = Number(strongest[3])
      expect(whole(b)).toBeGreaterThanOrEqual(min)
      const stronger = ranked.filter((c) => modelStrength(c.model) > modelStrength(b.model) && c.plan.fits && c.plan.maxConcurrency >= min)
      expect(stronger).toEqual([])
    }

    // 2. "Y fits but holds at most N at once": N is Y's largest whole concurrency in the table.
    for (const m of text.matchAll(/ (\S[^.(]+?) \(mean pass@1 [\d.]+\) fits but holds at most (\d+) at once/g)) {
      const rows = ranked.filter((c) => c.model.displayName === m[1].trim() && c.plan.fits)
      expect(rows.length).toBeGreaterThan(0)
      expect(Math.max(...rows.map(whole))).toBe(Number(m[2]))
    }

    // 3. "Q would hold N at once on E": that row exists, holds N, is the most of any other checkpoint, and N > the pick's.
    const alt = /; (\w+) would hold (\d+) at once on (\w+) \(--quantization (\w+)\)/.exec(text)
    const others = ranked.filter((c) => c.model.id === b.model.id && c.checkpoint.id !== b.checkpoint.id && c.plan.fits)
    const mostOther = others.length > 0 ? Math.max(...others.map(whole)) : 0
    if (alt) {
      const row = others.find((c) => c.checkpoint.quantization.toUpperCase() === alt[1] && c.engine.displayName === alt[3] && whole(c) === Number(alt[2]))
      expect(row, alt[0]).toBeDefined()
      expect(Number(alt[2])).toBe(mostOther)
      expect(Number(alt[2])).toBeGreaterThan(whole(b))
    } else if (goal === 'throughput' && /own checkpoint/.test(text)) {
      // No cost stated: no other checkpoint holds more.
      expect(mostOther).toBeLessThanOrEqual(whole(b))
    }

    // 4. "over the goal; E would hold N at once": the other engine with the same checkpoint holds N, more than the pick.
    const sameCheckpoint = ranked.filter((c) => c.model.id === b.model.id && c.checkpoint.id === b.checkpoint.id && c.engine.id !== b.engine.id && c.plan.fits)
    const engineCost = /over the goal; (\w+) would hold (\d+) at once/.exec(text)
    if (engineCost) {
      const row = sameCheckpoint.find((c) => c.engine.displayName === engineCost[1])
      expect(row).toBeDefined()
      expect(whole(row!)).toBe(Number(engineCost[2]))
      expect(whole(row!)).toBeGreaterThan(whole(b))
    } else if (goal === 'throughput' && /preferred for/.test(text)) {
      for (const c of sameCheckpoint) expect(whole(c)).toBeLessThanOrEqual(whole(b))
    }

    // 5. "the E layout using the most GPUs that holds the most requests at once": among this
    //    model × checkpoint × engine's layouts, none uses more GPUs, and none with as many GPUs holds more.
    if (/using the most GPUs that holds the most requests/.test(text)) {
      const group = candidates.filter((c) => layoutKey(c) === layoutKey(b) && c.plan.fits)
      const gpus = Math.max(...group.map((c) => c.gpus))
      expect(b.gpus).toBe(gpus)
      expect(Math.max(...group.filter((c) => c.gpus === gpus).map((c) => c.plan.maxConcurrency))).toBe(b.plan.maxConcurrency)
    }

    // 6. No claim a plan does not make: "the most requests at once" never stands unqualified.
    expect(text).not.toMatch(/: the most requests at once \(--goal throughput\)/)
  })

  it('the issue\'s case: 8×H200, SGLang for R1 says what vLLM would hold when it holds more, and says nothing of the goal when it does not', () => {
    const {best, ranked, why} = run('H200', 8)
    const vllm = ranked.find((c) => c.model.id === 'deepseek-r1' && c.checkpoint.id === 'r1-0528-fp8' && c.engine.id === 'vllm')!
    if (whole(vllm) > whole(best!)) expect(why[2]).toBe(`SGLang: preferred for R1 (MLA, DP attention, DeepEP, MTP) over the goal; vLLM would hold ${whole(vllm)} at once (--engine vllm).`)
    else expect(why[2]).toBe('SGLang: preferred for R1 (MLA, DP attention, DeepEP, MTP).')
    // A pinned smaller context, where the pools differ: the claim and its figure follow the table there too.
    const short = run('H200', 8, 'throughput', 32_768)
    const v = short.ranked.find((c) => c.model.id === 'deepseek-r1' && c.checkpoint.id === short.best!.checkpoint.id && c.engine.id === 'vllm')
    if (v && whole(v) > whole(short.best!)) expect(short.why.join(' ')).toContain(`vLLM would hold ${whole(v)} at once`)
    else expect(short.why.join(' ')).not.toContain('over the goal')
  })

  it('Qwen-7B ranks above Llama-8B by DeepSeek\'s published evaluation (AIME 2024 55.5 vs 50.4, MATH-500 92.8 vs 89.1)', () => {
    const qwen = catalog.models.find((m) => m.id === 'r1-distill-qwen-7b')!
    const llama = catalog.models.find((m) => m.id === 'r1-distill-llama-8b')!
    expect([qwen.evaluation!.aime2024, qwen.evaluation!.math500]).toEqual([55.5, 92.8])
    expect([llama.evaluation!.aime2024, llama.evaluation!.math500]).toEqual([50.4, 89.1])
    expect(modelStrength(qwen)).toBeGreaterThan(modelStrength(llama))
    for (const m of catalog.models) expect(m.evaluation?.source).toMatch(/arxiv\.org\/abs\/2501\.12948/)
    // Only 7B and 8B on one 24 GB GPU at a short context: the stronger Qwen-7B is recommended.
    const {hardware} = hardwareFromFlags(catalog.gpus, {count: 1, gpu: 'RTX 4090'})!
    const candidates = searchCandidates({contextLength: 8192, engines: catalog.engines, goal: 'throughput', hardware, kvCacheDtype: 'auto', models: [qwen, llama]})
    expect(recommend(candidates, {goal: 'throughput'}).best!.model.id).toBe('r1-distill-qwen-7b')
  })
})
