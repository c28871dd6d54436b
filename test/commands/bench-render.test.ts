import {describe, expect, it} from 'vitest'

import {renderBench} from '../../src/cli/render/bench.js'
import {painter} from '../../src/cli/style.js'
import type {BenchResult} from '../../src/core/client/client.schema.js'

const d = (x: number) => ({mean: x, median: x, p90: x, p99: x})
const RESULT: BenchResult = {
  ceiling: null,
  completed: 8,
  concurrency: 4,
  durationS: 2,
  e2eMs: d(500),
  errors: [],
  failed: 0,
  inputTokens: 512,
  itlMs: d(20),
  model: 'r1-distill-qwen-32b',
  outputThroughput: 512,
  outputTokens: 128,
  requestThroughput: 4,
  requests: 8,
  tokenCount: 'usage',
  totalInputTokens: 4096,
  totalOutputTokens: 1024,
  totalTokenThroughput: 2560,
  tpotMs: d(20),
  ttftMs: d(100),
  url: 'http://127.0.0.1:8000',
}

describe('bench renderer', () => {
  it('plain rows without a plan (no PLAN column)', () => {
    const out = renderBench(RESULT, painter(false), false)
    expect(out).toContain('output throughput\t512.0 tok/s\n')
    expect(out).toContain('TTFT (ms)\t100.0\t100.0\t100.0\t100.0\n')
  })

  it('the plan’s ceiling and KV capacity beside the measurements', () => {
    const ceiling = {
      decodeOutputTokensPerSecond: 300,
      decodeTokensPerSecondPerRequest: 75,
      gpu: 'NVIDIA H200',
      kvCacheTokens: 240000,
      maxConcurrency: 7.3,
      note: 'bandwidth roofline',
      plan: 'plan.json',
    }
    const out = renderBench({...RESULT, ceiling}, painter(false), true)
    expect(out).toMatch(/output throughput\s+512\.0 tok\/s\s+plan ceiling 300\.0 tok\/s/)
    expect(out).toMatch(/TPOT \(ms\)\s+20\.0\s+20\.0\s+20\.0\s+20\.0\s+floor 13\.33 ms/)
    // Whole requests, as people read them (the plan's 7.3 is in the JSON).
    expect(out).toContain('plan plan.json (NVIDIA H200): KV cache 240,000 tokens, 7 requests of full context at once')
  })
})
