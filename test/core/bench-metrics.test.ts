import {describe, expect, it} from 'vitest'

import {decodeCeiling} from '../../src/core/client/ceiling.js'
import {runPool} from '../../src/core/client/pool.js'
import {loadMetrics, passAtOne, percentile, sampleStd} from '../../src/core/client/stats.js'

describe('statistics', () => {
  it('percentiles interpolate linearly like numpy', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    expect(percentile(xs, 50)).toBe(5.5)
    expect(percentile(xs, 90)).toBeCloseTo(9.1)
    expect(percentile(xs, 99)).toBeCloseTo(9.91)
    expect(percentile([], 50)).toBe(0)
  })

  it('pass@1 averages per problem, standard error over problems', () => {
    // 3 problems, K = 4: 4/4, 2/4, 0/4 → per-problem 1, 0.5, 0 → mean 0.5, std 0.5, SE 0.5/√3
    const r = passAtOne([
      {correct: 4, samples: 4},
      {correct: 2, samples: 4},
      {correct: 0, samples: 4},
    ])
    expect(r.passAt1).toBe(0.5)
    expect(r.standardError).toBeCloseTo(0.5 / Math.sqrt(3), 12)
    expect(r).toMatchObject({correct: 6, problems: 3, samples: 12})
    expect(sampleStd([1, 0.5, 0])).toBe(0.5)
  })

  it('vLLM’s metric definitions', () => {
    const m = loadMetrics(
      [
        {e2eMs: 1000, inputTokens: 10, itlMs: [100, 100, 100], ok: true, outputTokens: 4, ttftMs: 700},
        {e2eMs: 500, inputTokens: 10, itlMs: [50], ok: true, outputTokens: 2, ttftMs: 450},
        {e2eMs: 0, inputTokens: 0, itlMs: [], ok: false, outputTokens: 0, ttftMs: 0},
      ],
      2000,
    )
    expect(m).toMatchObject({completed: 2, durationS: 2, failed: 1, outputThroughput: 3, requestThroughput: 1, totalOutputTokens: 6, totalTokenThroughput: 13})
    // TPOT per request: (1000 − 700) / 3 = 100 and (500 − 450) / 1 = 50
    expect(m.tpotMs.mean).toBe(75)
    expect(m.itlMs.mean).toBe(87.5)
    expect(m.ttftMs.median).toBe(575)
  })
})

describe('the plan’s decode ceiling', () => {
  const plan = {
    gpu: {architecture: 'hopper' as const, computeCapability: '9.0', memoryMiB: 143771, name: 'NVIDIA H200'},
    kvCacheTokens: 500_000,
    maxConcurrency: 15.2,
    memory: {activationGiB: 2, gpuTotalGiB: 140, kvCacheGiB: 60, overheadGiB: 2, usableGiB: 126, weightsGiB: 64},
    pipelineParallel: 1,
    speculative: null,
  }

  it('dense: bandwidth over the weights each GPU reads per step, times concurrency', () => {
    const c = decodeCeiling({bandwidthGBs: 4800, concurrency: 8, modelKind: 'gqa-dense', plan, planPath: 'p.json'})
    const perRequest = 4800e9 / (64 * 2 ** 30)
    expect(c.decodeTokensPerSecondPerRequest).toBeCloseTo(perRequest, 6)
    expect(c.decodeOutputTokensPerSecond).toBeCloseTo(perRequest * 8, 6)
    expect(c).toMatchObject({gpu: 'NVIDIA H200', kvCacheTokens: 500_000, maxConcurrency: 15.2})
  })

  it('pipeline stages add up for one token', () => {
    const c = decodeCeiling({bandwidthGBs: 4800, concurrency: 1, modelKind: 'gqa-dense', plan: {...plan, pipelineParallel: 2}, planPath: 'p.json'})
    expect(c.decodeTokensPerSecondPerRequest).toBeCloseTo(4800e9 / (128 * 2 ** 30), 6)
  })

  it.each([
    ['mla-moe' as const, 4800, null, 'MoE'],
    [null, 4800, null, 'not in the catalog'],
    ['gqa-dense' as const, null, null, 'no bandwidth'],
    ['gqa-dense' as const, 4800, 'mtp' as const, 'speculative'],
  ])('no honest ceiling for %s / %s / %s: KV figures only', (kind, bw, spec, note) => {
    const c = decodeCeiling({bandwidthGBs: bw, concurrency: 8, modelKind: kind, plan: {...plan, speculative: spec}, planPath: 'p.json'})
    expect(c.decodeOutputTokensPerSecond).toBeNull()
    expect(c.kvCacheTokens).toBe(500_000)
    expect(c.note).toContain(note)
  })
})

describe('worker pool', () => {
  it('keeps at most N in flight and returns results in order', async () => {
    let inFlight = 0
    let most = 0
    const out = await runPool([5, 1, 4, 2, 3, 0], 2, async (x) => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((r) => setTimeout(r, x))
      inFlight--
      return x * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30, 0])
    expect(most).toBe(2)
  })
})
