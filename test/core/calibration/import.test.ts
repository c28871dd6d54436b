/**
 * Startup logs → calibration records, on every real log in test/fixtures/engine-logs (cases.json and
 * cases-2026-12.json, copied verbatim from shared/fixtures).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {CalibrationConfig} from '../../../src/core/calibration/calibration.schema.js'
import {finishFigures, foldFigures, INITIAL_FIGURES} from '../../../src/core/calibration/figures.js'
import {importLog} from '../../../src/core/calibration/import.js'
import {launchSettings, parseLaunchLine, splitWords} from '../../../src/core/calibration/launch-line.js'
import {R1Error} from '../../../src/core/errors.js'
import type {Catalog} from '../../../src/core/profiles/catalog.js'
import {FIXTURES} from '../../helpers/cli.js'

interface Case {
  id: string
  excerpt: string
  logged: Record<string, unknown>
}

const read = (name: string): Case[] => JSON.parse(readFileSync(join(FIXTURES, 'engine-logs', name), 'utf8')) as Case[]
const CASES = [...read('cases.json'), ...read('cases-2026-12.json')]
const catalog = JSON.parse(readFileSync(join(FIXTURES, '..', '..', 'dist', 'catalog.json'), 'utf8')) as Catalog
const options = {driverVersion: null, engines: catalog.engines, models: catalog.models, plan: null}

const hasLaunchLine = (c: Case) => c.excerpt.split('\n').some((l) => !/\busage:/.test(l) && parseLaunchLine(l) !== null)
const num = (v: unknown): number | null => (Array.isArray(v) ? Math.min(...(v as number[])) : typeof v === 'number' ? v : null)

/** What each real log with a launch line shows, read from the excerpt by hand. */
const LAUNCHES: Record<string, {config: Partial<CalibrationConfig>; status: 'started' | 'failed'; failure?: string; skipped?: number} | {error: RegExp}> = {
  'sglang-042-deepseek-r1-8xmi300x-tp8-amd': {
    config: {checkpoint: 'deepseek-ai/DeepSeek-R1', checkpointId: 'r1-fp8', chunkedPrefillSize: 8192, contextLength: 163_840, engine: 'sglang', model: 'deepseek-r1', tensorParallel: 8, utilization: null},
    status: 'started',
  },
  // The failed start (default --mem-fraction-static), then the post's successful command, which has no figures after it.
  'sglang-044ish-deepseek-r1-fp8-8xh20-96gb-tp8-default-memfrac-fail': {
    config: {checkpoint: 'deepseek-ai/DeepSeek-R1', contextLength: null, engine: 'sglang', model: 'deepseek-r1', tensorParallel: 8, utilization: null},
    failure: 'insufficient-kv',
    skipped: 1,
    status: 'failed',
  },
  'sglang-distill-qwen7b-rtx3090-wsl': {
    config: {
      checkpoint: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', checkpointId: 'qwen-7b-bf16', chunkedPrefillSize: 2048, contextLength: 131_072, cudaGraphMaxBs: 8, engine: 'sglang',
      engineVersion: null, kvCacheDtype: 'auto', model: 'r1-distill-qwen-7b', tensorParallel: 1, utilization: 0.88,
    },
    status: 'started',
  },
  'vllm-v1-0130nv-qwen2.5-14b-fp8dyn-dgx-spark-gb10-util015-fail': {config: {checkpoint: null, engine: 'vllm', utilization: 0.15}, failure: 'insufficient-kv', status: 'failed'},
  'vllm-v1-0200-qwen3-8b-awq-t4-kaggle-eager-4k': {config: {contextLength: 4096, engine: 'vllm', engineVersion: '0.20.0', era: 'vllm-v1-e'}, status: 'started'},
  'vllm-v1-0280-qwen3-14b-bf16-l40s-defaults': {config: {checkpoint: 'Qwen/Qwen3-14B', contextLength: 40_960, engine: 'vllm', model: null, utilization: null}, status: 'started'},
  // A blog's table of two runs beside the command: no engine log line to read figures from.
  'vllm-v1-0280-qwen3-14b-awq-l40s-tuned-1k': {error: /the log: no memory figure r1 reads/},
  'vllm-v1-092-qwen2-7b-a100-vgpu-24gb': {config: {checkpoint: 'Qwen/Qwen2-7B-Instruct', contextLength: 4096, engine: 'vllm', tensorParallel: 1, utilization: 0.8}, status: 'started'},
}

describe('calibrate --from-log on the real logs', () => {
  it('finds a launch line in exactly the logs the table lists', () => {
    expect(CASES.filter(hasLaunchLine).map((c) => c.id).sort()).toEqual(Object.keys(LAUNCHES).sort())
  })

  for (const c of CASES.filter(hasLaunchLine)) {
    it(`${c.id}: imports with the configuration its launch line shows`, () => {
      const want = LAUNCHES[c.id]
      if ('error' in want) {
        expect(() => importLog(c.excerpt, options)).toThrow(want.error)
        return
      }

      const {drafts, skipped} = importLog(c.excerpt, options)
      expect(drafts).toHaveLength(1)
      expect(drafts[0].config).toMatchObject(want.config)
      expect(drafts[0].configFrom).toBe('launch-line')
      expect(drafts[0].outcome.status).toBe(want.status)
      expect(drafts[0].outcome.failure).toBe(want.failure ?? null)
      expect(skipped).toHaveLength(want.skipped ?? 0)
    })
  }

  it('refuses a log without a launch line and without --plan, saying what is missing (stable code)', () => {
    const c = CASES.find((x) => x.id === 'vllm-v1-0240-qwen2.5-7b-bf16-rtx4090-2k')!
    let error: unknown
    try {
      importLog(c.excerpt, options)
    } catch (e) {
      error = e
    }

    expect(error).toBeInstanceOf(R1Error)
    expect((error as R1Error).code).toBe('R1_UNUSABLE_LOG')
    expect((error as R1Error).message).toContain('no launch line')
    expect((error as R1Error).suggestions[0]).toContain('--plan plan.json')
  })

  it('refuses a parsed benchmark record (JSON, not engine log lines): nothing to read a configuration or figure from', () => {
    const c = CASES.find((x) => x.id === 'vllm-v1-0110-deepseek-r1-0528-fp8-8xh200-tp8-8k')!
    expect(() => importLog(c.excerpt, options)).toThrow(/no launch line/)
  })
})

describe('the figures of every real log', () => {
  // Where the excerpt holds engine log lines, each figure r1 reads equals the one the case records.
  for (const c of CASES) {
    let state = INITIAL_FIGURES
    for (const line of c.excerpt.split('\n')) state = foldFigures(state, line)
    const f = finishFigures(state)
    const l = c.logged
    const checks: [string, number | null, number | null][] = [
      ['weights', f.weightsGiB, num(l.weights_gib ?? l.model_loading_gib ?? l.model_loading_gib_per_rank ?? l.weights_gb ?? l.weights_mem_usage_gb)],
      ['activation', f.activationPeakGiB, num(l.activation_peak_gib)],
      ['non-torch', f.nonTorchGiB, num(l.non_torch_gib)],
      ['KV GiB', f.kvCacheGiB, num(l.kv_cache_gib ?? l.available_kv_cache_gib ?? l.kv_size_gb)],
      ['KV tokens', f.kvCacheTokens, num(l.kv_tokens ?? l.max_total_num_tokens ?? l.kv_tokens_error_msg)],
      ['concurrency', f.maxConcurrency, num(l.max_concurrency)],
    ]
    const read = checks.filter(([, mine]) => mine !== null)
    if (read.length === 0) continue
    it(`${c.id}: ${read.map(([name]) => name).join(', ')}`, () => {
      for (const [name, mine, theirs] of read) {
        if (theirs === null) continue
        // vllm-v1-0151's excerpt appends a second, failed start whose KV figure comes last (the case keeps it apart).
        if (c.id.startsWith('vllm-v1-0151') && name === 'KV GiB') expect(mine).toBe(l.contaminated_failed_start_available_kv_cache_gib)
        else expect(mine, name).toBeCloseTo(theirs, 2)
      }
    })
  }

  it('derives SGLang weights from the free memory before and after loading (22.76 − 8.37 GB)', () => {
    const c = CASES.find((x) => x.id === 'sglang-distill-qwen7b-rtx3090-wsl')!
    let state = INITIAL_FIGURES
    for (const line of c.excerpt.split('\n')) state = foldFigures(state, line)
    expect(finishFigures(state).weightsGiB).toBe(14.39)
    expect(finishFigures(state, {gpuTotalGiB: 24}).nonTorchGiB).toBe(1.24)
  })

  it('turns vLLM V0 blocks into tokens with the block size (14,984 × 16)', () => {
    const c = CASES.find((x) => x.id === 'vllm-v0-distill-qwen7b-32gb-volta')!
    let state = INITIAL_FIGURES
    for (const line of c.excerpt.split('\n')) state = foldFigures(state, line)
    expect(finishFigures(state).kvCacheTokens).toBe(239_744)
    expect(finishFigures(state, {blockSize: 32}).kvCacheTokens).toBe(479_488)
  })
})

describe('launch lines', () => {
  it.each([
    ["INFO 04-18 15:02:58 [api_server.py:1043] non-default args: {'model_tag': 'deepseek-ai/DeepSeek-R1', 'model': 'deepseek-ai/DeepSeek-R1', 'tensor_parallel_size': 8, 'gpu_memory_utilization': 0.92, 'max_model_len': 8192, 'enable_expert_parallel': True, 'data_parallel_size': 2}", {dataParallel: 2, engine: 'vllm', expertParallel: 16, model: 'deepseek-ai/DeepSeek-R1', tensorParallel: 8, utilization: 0.92, contextLength: 8192}],
    ["[2025-07-14 05:48:30] server_args=ServerArgs(model_path='deepseek-ai/DeepSeek-R1', tp_size=8, dp_size=8, enable_dp_attention=True, mem_fraction_static=0.835, context_length=65536, kv_cache_dtype='fp8_e4m3', chunked_prefill_size=4096, cuda_graph_max_bs=128)", {dataParallel: 8, dpAttention: true, engine: 'sglang', kvCacheDtype: 'fp8_e4m3', tensorParallel: 8, utilization: 0.835, contextLength: 65_536, cudaGraphMaxBs: 128}],
    ["INFO 08-27 21:02:58 [core.py:74] Initializing a V1 LLM engine (v0.10.1.1) with config: model='meta-llama/Llama-3.1-8B-Instruct', speculative_config=None, dtype=torch.bfloat16, max_seq_len=131072, tensor_parallel_size=1, pipeline_parallel_size=1, kv_cache_dtype=auto", {engine: 'vllm', engineVersion: '0.10.1.1', kvCacheDtype: 'auto', contextLength: 131_072, tensorParallel: 1, pipelineParallel: 1}],
    ['$ vllm serve "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B" --tensor-parallel-size=2 --max-model-len 32768 --gpu-memory-utilization 0.85', {engine: 'vllm', model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', tensorParallel: 2, contextLength: 32_768, utilization: 0.85}],
  ])('%s', (line, want) => {
    const l = parseLaunchLine(line)
    expect(l).not.toBeNull()
    expect(launchSettings([l!])).toMatchObject(want)
  })

  it('splits quoted words without a shell', () => {
    expect(splitWords(`--model "/models/My Model" --x 'a b' --y`)).toEqual(['--model', '/models/My Model', '--x', 'a b', '--y'])
  })

  it('does not take an engine\'s usage text for a launch', () => {
    const {drafts} = importLog('usage: vllm serve [model_tag] [options]\nvllm serve Qwen/Qwen3-14B\nGPU KV cache size: 1,000 tokens', options)
    expect(drafts[0].config.checkpoint).toBe('Qwen/Qwen3-14B')
  })
})
