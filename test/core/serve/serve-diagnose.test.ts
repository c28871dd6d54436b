import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {diagnose, type DiagnosisContext} from '../../../src/core/serve/diagnose.js'
import {FIXTURES} from '../../helpers/cli.js'

interface Failure {
  id: string
  expect: string | null
  engine: 'sglang' | 'vllm'
  lines: string[]
}

const failures = JSON.parse(readFileSync(join(FIXTURES, 'engine-logs', 'failures.json'), 'utf8')) as Failure[]

const ctx = (engine: 'sglang' | 'vllm', over: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  contextLength: 32_768,
  engine,
  engineVersion: '0.11.0',
  gpusPerNode: 1,
  hfTokenSet: false,
  kvCacheDtype: 'bf16',
  nodes: 1,
  tensorParallel: 1,
  ...over,
})

describe('diagnosis table on real failure lines', () => {
  it.each(failures.map((f) => [f.id, f] as const))('%s', (_id, f) => {
    const d = diagnose(f.lines, ctx(f.engine))
    expect(d?.id ?? null).toBe(f.expect)
    if (d) expect(f.lines.map((l) => l.trim())).toContain(d.line)
  })

  it('suggests the plan\'s next options for a KV shortfall, sized from what fits', () => {
    const f = failures.find((x) => x.id === 'vllm-v0-max-seq-len-29k')!
    const d = diagnose(f.lines, ctx('vllm', {contextLength: 29_000}))!
    expect(d.summary).toBe('The context (29,000 tokens) does not fit in the KV cache the engine could allocate (23,648 tokens).')
    expect(d.suggestions).toEqual([
      'Plan a shorter context: r1 plan ... --context 23552.',
      'Plan an FP8 KV cache, which halves its size: r1 plan ... --kv-cache-dtype fp8.',
      'Plan more GPUs, which spreads the weights thinner: r1 plan ... --count 2.',
    ])
  })

  it('reads the vLLM V1 wording, with its estimated maximum length', () => {
    const line =
      "ValueError: To serve at least one request with the models's max seq len (163840), (10.72 GiB KV cache is needed, which is larger than the available KV cache memory (4.09 GiB). Based on the available memory, the estimated maximum model length is 65536. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."
    const d = diagnose([line], ctx('vllm', {contextLength: 163_840, kvCacheDtype: 'fp8', tensorParallel: 8, gpusPerNode: 8}))!
    expect(d.id).toBe('max-seq-len-exceeds-kv')
    expect(d.suggestions).toEqual(['Plan a shorter context: r1 plan ... --context 65536.', 'Plan more nodes, which spreads the weights thinner: r1 plan ... --nodes 2.'])
  })

  it('prefers the most specific failure when a log shows several', () => {
    const oom = 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 224.00 MiB.'
    const blocks = 'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.'
    expect(diagnose([oom, blocks], ctx('vllm'))?.id).toBe('no-cache-blocks')
  })

  it('names the refused flag and the installed version', () => {
    const d = diagnose(['vllm: error: unrecognized arguments: --kv-cache-memory-bytes 1000'], ctx('vllm', {engineVersion: '0.8.4'}))!
    expect(d.summary).toContain('--kv-cache-memory-bytes 1000')
    expect(d.suggestions[0]).toContain('vllm 0.8.4')
  })

  it('tells a user with a token that the token lacks access', () => {
    const f = failures.find((x) => x.id === 'gated-hub-401')!
    expect(diagnose(f.lines, ctx('vllm', {hfTokenSet: true}))?.suggestions[0]).toMatch(/HF_TOKEN is set but has no access/)
  })

  it('does not apply an engine\'s own message to the other engine', () => {
    expect(diagnose(['RuntimeError: Not enough memory. Please try to increase --mem-fraction-static.'], ctx('vllm'))).toBeNull()
  })
})
