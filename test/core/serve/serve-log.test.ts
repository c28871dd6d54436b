import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {compareKv, describePhase, INITIAL_LOG_STATE, type LogState, parseLogLine, reduceLog} from '../../../src/core/serve/log.js'
import {FIXTURES} from '../../helpers/cli.js'

interface Case {
  id: string
  engine: string
  excerpt: string
}

const cases = JSON.parse(readFileSync(join(FIXTURES, 'engine-logs', 'cases.json'), 'utf8')) as Case[]
const byId = (id: string): Case => {
  const c = cases.find((x) => x.id === id)
  if (!c) throw new Error(`no case ${id}`)
  return c
}

function fold(text: string): LogState {
  return text.split('\n').reduce((s, line) => reduceLog(s, parseLogLine(line)), INITIAL_LOG_STATE)
}

describe('engine log parser on the real startup logs', () => {
  it.each([
    // [case id, KV tokens the engine printed (smallest rank), phase reached]
    ['vllm-v0-distill-qwen7b-32gb-volta', 14_984 * 16, 'cuda-graphs'],
    ['vllm-v1-084-distill-qwen7b-tp2', 367_968, 'cuda-graphs'],
    ['vllm-v0-llama31-8b-rtx3090-20k', 1952 * 16, 'kv-cache'],
    ['vllm-v0-llama31-8b-rtx3090-29k-fail', 1478 * 16, 'kv-cache'],
    ['sglang-distill-qwen7b-rtx3090-wsl', 105_531, 'cuda-graphs'],
    ['sglang-llama31-8b-24gb-docker-desktop', 38_141, 'cuda-graphs'],
    ['vllm-v0-llama8b-22gb-oci-aqua-131k-fail', 2356 * 16, 'kv-cache'],
    ['vllm-v1-092-qwen2-7b-a100-vgpu-24gb', 63_776, 'cuda-graphs'],
    ['vllm-v1-091dev-llama31-8b-eagle-h100', 410_128, 'kv-cache'],
    ['sglang-046-deepseek-h100-2x8-dp-attention-partial', 274_934, 'kv-cache'],
    ['sglang-042-deepseek-r1-8xmi300x-tp8-amd', 1_061_980, 'kv-cache'],
  ])('%s: %d KV tokens, phase %s', (id, tokens, phase) => {
    const state = fold(byId(id).excerpt)
    expect(state.kvTokens).toBe(tokens)
    expect(state.phase).toBe(phase)
  })

  it('reads the weights and KV GiB the engines print', () => {
    expect(fold(byId('vllm-v0-distill-qwen7b-32gb-volta').excerpt)).toMatchObject({kvGiB: 12.8, weightsGiB: 14.2717})
    expect(fold(byId('vllm-v1-092-qwen2-7b-a100-vgpu-24gb').excerpt)).toMatchObject({kvGiB: 3.41, weightsGiB: 14.2488})
    expect(fold(byId('sglang-llama31-8b-24gb-docker-desktop').excerpt)).toMatchObject({weightsGiB: 15.02})
    expect(fold(byId('sglang-distill-qwen7b-rtx3090-wsl').excerpt).kvGiB).toBeCloseTo(5.64, 2)
    expect(fold(byId('vllm-v0-llama31-8b-rtx3090-20k').excerpt)).toMatchObject({kvGiB: 3.81, weightsGiB: 14.9888})
  })

  it('counts shards from the tqdm lines (real DeepSeek-R1 load)', () => {
    // vllm-project/vllm#14965 (8×H200)
    const line = 'Loading safetensors checkpoint shards:  31% Completed | 50/163 [00:16<00:42,  2.66it/s]'
    expect(parseLogLine(line)).toEqual({done: 50, kind: 'shards', total: 163})
    const state = reduceLog(INITIAL_LOG_STATE, parseLogLine(line))
    expect(describePhase(state)).toBe('loading weights (shards 50/163)')
  })

  it('moves forward only, and sees the HTTP server start', () => {
    let s = reduceLog(INITIAL_LOG_STATE, parseLogLine('[2025-02-04 05:29:19 TP0] Capture cuda graph end. Time elapsed: 1.79 s'))
    expect(s.phase).toBe('cuda-graphs')
    s = reduceLog(s, parseLogLine('Loading safetensors checkpoint shards: 100% Completed | 163/163 [00:50<00:00,  3.2it/s]'))
    expect(s.phase).toBe('cuda-graphs')
    s = reduceLog(s, parseLogLine('INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)'))
    expect(s.phase).toBe('http')
    expect(reduceLog(INITIAL_LOG_STATE, parseLogLine('[2025-02-04 05:29:25] The server is fired up and ready to roll!')).phase).toBe('http')
    expect(s.lines).toBe(3)
  })

  it('ignores lines it does not know', () => {
    expect(parseLogLine('INFO 07-23 10:22:09 [config.py:2285] Chunked prefill is enabled with max_num_batched_tokens=8192')).toBeNull()
    expect(describePhase(INITIAL_LOG_STATE)).toBe('starting')
  })
})

describe('KV capacity beside the plan', () => {
  it.each([
    [367_968, 360_000, 2.2, false],
    [63_776, 72_000, -11.4, true],
    [110_000, 100_000, 10, false],
    [110_100, 100_000, 10.1, true],
  ])('observed %d vs predicted %d: %d%%, warn %s', (observed, predicted, pct, warn) => {
    expect(compareKv(observed, predicted)).toEqual({differencePct: pct, observedTokens: observed, predictedTokens: predicted, warn})
  })

  it('has nothing to compare without a prediction', () => {
    expect(compareKv(1000, 0)).toBeNull()
  })
})
