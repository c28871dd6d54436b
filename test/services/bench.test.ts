// The bench service against the fake server: measured TTFT and ITL match the fake's delays, on a virtual clock
// that the fake's delays run on (test/helpers/virtual-clock.ts), so the figures are exact whatever the load.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import type {Catalog} from '../../src/core/profiles/catalog.js'
import {bench, benchDeps, type BenchOptions} from '../../src/services/bench.js'
import {startFakeOpenAI, type FakeOpenAI} from '../helpers/fake-openai-server.js'
import {virtualClock} from '../helpers/virtual-clock.js'

let server: FakeOpenAI | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const CATALOG = {
  engines: [],
  gpus: [{aliases: ['h200'], bandwidthGBs: 4800, displayName: 'H200 SXM 141GB', id: 'h200-sxm', smiNames: ['NVIDIA H200']}],
  models: [
    {architecture: {kind: 'gqa-dense'}, id: 'r1-distill-qwen-32b'},
    {architecture: {kind: 'mla-moe'}, id: 'deepseek-r1'},
  ],
} as unknown as Catalog

const noCatalog = async (): Promise<Catalog> => {
  throw new Error('the catalog is read only with --plan')
}

function options(extra: Partial<BenchOptions> = {}): BenchOptions {
  return {concurrency: 4, inputTokens: 32, onWarning: () => {}, outputTokens: 8, requests: 8, url: server!.url, ...extra}
}

function planFile(model: string): string {
  const plan = {
    hardware: {},
    kind: 'r1-plan',
    plan: {
      attentionBackend: null,
      checkpoint: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B',
      checkpointId: 'qwen32b-bf16',
      command: {argv: ['vllm', 'serve'], env: {}, nodes: [], passEnv: []},
      contextLength: 32768,
      dataParallel: 1,
      dpAttention: false,
      dtype: 'bfloat16',
      engine: 'vllm',
      engineVersion: '0.11.0',
      expertParallel: 1,
      fits: true,
      goal: 'throughput',
      gpu: {architecture: 'hopper', computeCapability: '9.0', memoryMiB: 143771, name: 'NVIDIA H200'},
      gpuMemoryUtilization: 0.9,
      gpusPerNode: 1,
      kvCacheDtype: 'bf16',
      kvCacheTokens: 240000,
      maxConcurrency: 7.3,
      maxContextTokens: 32768,
      memFractionStatic: null,
      memory: {activationGiB: 2, gpuTotalGiB: 140, kvCacheGiB: 55, overheadGiB: 2, usableGiB: 126, weightsGiB: 61},
      model,
      modelName: 'R1 Distill Qwen 32B',
      nodes: 1,
      pipelineParallel: 1,
      quantization: 'bf16',
      reasons: [],
      speculative: null,
      tensorParallel: 1,
    },
    version: 1,
  }
  const path = join(mkdtempSync(join(tmpdir(), 'r1-bench-')), 'plan.json')
  writeFileSync(path, JSON.stringify(plan))
  return path
}

describe('bench service', () => {
  it('measured TTFT, inter-token latency, TPOT, E2E and throughput are the fake’s delays, exactly', async () => {
    const clock = virtualClock()
    server = await startFakeOpenAI({clock: clock.server, itlMs: 40, ttftMs: 300})
    const deps = {...benchDeps(noCatalog), now: clock.now}
    const r = await bench({...deps, http: clock.wrap(deps.http)}, options({outputTokens: 6}))
    expect(r.completed).toBe(8)
    expect(r.failed).toBe(0)
    expect(r.ttftMs).toEqual({mean: 300, median: 300, p90: 300, p99: 300})
    expect(r.itlMs).toEqual({mean: 40, median: 40, p90: 40, p99: 40})
    expect(r.tpotMs.mean).toBe(40)
    // e2e = TTFT + 5 gaps
    expect(r.e2eMs).toEqual({mean: 500, median: 500, p90: 500, p99: 500})
    expect(r.totalOutputTokens).toBe(48)
    expect(r.tokenCount).toBe('usage')
    // Closed loop, 8 requests 4 at a time: two waves of 500 ms (the warm-up before is not counted).
    expect(r.durationS).toBe(1)
    expect(r.requestThroughput).toBe(8)
    expect(r.outputThroughput).toBe(48)
    expect(r.ceiling).toBeNull()
  })

  it('closed loop: at most --concurrency requests at once, the next one starts as one finishes', async () => {
    const clock = virtualClock()
    // Each request: 50 ms to the first token, then 5 gaps of 10 ms = 100 ms.
    server = await startFakeOpenAI({clock: clock.server, itlMs: 10, ttftMs: 50})
    const deps = {...benchDeps(noCatalog), now: clock.now}
    const r = await bench({...deps, http: clock.wrap(deps.http)}, options({concurrency: 3, outputTokens: 6, requests: 7}))
    // 7 requests of 100 ms, 3 at a time: waves at 0, 100, 200 (the last one alone) → 300 ms in all.
    expect(r.completed).toBe(7)
    expect(r.e2eMs.mean).toBe(100)
    expect(r.durationS).toBe(0.3)
    expect(r.requestThroughput).toBeCloseTo(7 / 0.3, 9)
  })

  it('asks for max_tokens with ignore_eos, one user message of about --input-tokens words', async () => {
    server = await startFakeOpenAI()
    await bench(benchDeps(noCatalog), options({concurrency: 2, inputTokens: 50, outputTokens: 5, requests: 3}))
    const posts = server.requests.filter((q) => q.method === 'POST')
    expect(posts).toHaveLength(4) // one warm-up, then the 3 measured
    for (const p of posts) {
      expect(p.body).toMatchObject({ignore_eos: true, max_tokens: 5, stream: true, stream_options: {include_usage: true}, temperature: 0.6, top_p: 0.95})
      expect(p.body.messages).toHaveLength(1)
      expect(p.body.messages[0].role).toBe('user')
      expect(p.body.messages[0].content.split(' ')).toHaveLength(50)
    }
  })

  it('counts chunks when the server sends no usage', async () => {
    server = await startFakeOpenAI({usage: false})
    const r = await bench(benchDeps(noCatalog), options({outputTokens: 6, requests: 2}))
    expect(r.tokenCount).toBe('chunks')
    expect(r.totalOutputTokens).toBe(12)
  })

  it('--plan: the dense bandwidth ceiling and the KV capacity beside the measurements', async () => {
    server = await startFakeOpenAI()
    const path = planFile('r1-distill-qwen-32b')
    const r = await bench(benchDeps(async () => CATALOG), options({concurrency: 2, plan: path, requests: 2}))
    expect(r.ceiling).toMatchObject({gpu: 'NVIDIA H200', kvCacheTokens: 240000, maxConcurrency: 7.3, plan: path})
    expect(r.ceiling!.decodeTokensPerSecondPerRequest).toBeCloseTo(4800e9 / (61 * 2 ** 30), 6)
    expect(r.ceiling!.decodeOutputTokensPerSecond).toBeCloseTo((2 * 4800e9) / (61 * 2 ** 30), 6)
    const moe = await bench(benchDeps(async () => CATALOG), options({plan: planFile('deepseek-r1'), requests: 1}))
    expect(moe.ceiling!.decodeOutputTokensPerSecond).toBeNull()
    expect(moe.ceiling!.note).toContain('MoE')
  })

  it('a bad plan file fails before any request', async () => {
    server = await startFakeOpenAI()
    const path = join(mkdtempSync(join(tmpdir(), 'r1-bench-')), 'plan.json')
    writeFileSync(path, '{"kind": "r1-plan", "version": 1}')
    await expect(bench(benchDeps(async () => CATALOG), options({plan: path}))).rejects.toMatchObject({code: 'R1_BAD_PLAN_FILE'})
    expect(server.requests).toHaveLength(0)
  })

  it('failed requests are counted apart; all failing is an error', async () => {
    let n = 0
    server = await startFakeOpenAI({reply: (body) => (n++ % 4 === 1 ? {message: 'overloaded', status: 503} : {answer: Array.from({length: body.max_tokens}, () => ' x')})})
    const warnings: string[] = []
    const r = await bench(benchDeps(noCatalog), options({concurrency: 1, onWarning: (m) => warnings.push(m)}))
    expect(r).toMatchObject({completed: 6, failed: 2})
    expect(r.errors).toEqual(['R1_SERVER_ERROR: the server answered 503 Service Unavailable to /v1/chat/completions: overloaded'])
    expect(warnings[0]).toContain('2 of 8 requests failed')
    await server.close()
    server = await startFakeOpenAI({reply: () => ({malformed: true})})
    await expect(bench(benchDeps(noCatalog), options())).rejects.toMatchObject({code: 'R1_BAD_STREAM'})
    expect(server.requests.filter((q) => q.method === 'POST')).toHaveLength(1) // the warm-up failed: nothing more sent
  })

  it('--dataset sends its prompts in turn', async () => {
    server = await startFakeOpenAI()
    const path = join(mkdtempSync(join(tmpdir(), 'r1-bench-')), 'prompts.jsonl')
    writeFileSync(path, '{"prompt": "alpha"}\n{"prompt": "beta"}\n')
    const r = await bench(benchDeps(noCatalog), options({concurrency: 1, dataset: path, requests: 3}))
    expect(r.completed).toBe(3)
    const sent = server.requests.filter((q) => q.method === 'POST').map((q) => q.body.messages[0].content)
    expect(sent).toEqual(['alpha', 'alpha', 'beta', 'alpha']) // the warm-up, then in turn
  })
})
