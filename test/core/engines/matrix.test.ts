/**
 * The whole matrix: every model checkpoint × every architecture × both goals × one and two nodes × both engines
 * (× FP8 KV on and off), built for the default target versions and checked flag by flag against the engines'
 * own flag lists (test/fixtures/engine-flags, copied verbatim from shared/engine-flags).
 */
import {describe, expect, it} from 'vitest'

import {ENGINES, GOALS} from '../../../src/core/constants.js'
import {buildEngine} from '../../../src/core/engines/index.js'
import {checkArgv} from './flag-check.js'
import {GPUS, loadModels, makePlan} from './plans.js'

const models = loadModels()
const OPTIONS = {apiKeyEnv: 'R1_API_KEY', headAddress: '10.0.0.1', host: '0.0.0.0', port: 8000}

// Deprecated aliases we still emit on purpose: the new spelling's first release is unknown (versions.ts).
const ALLOWED_DEPRECATED = new Set(['--cuda-graph-max-bs'])

describe('engine command matrix (default versions)', () => {
  it('covers every checkpoint of every model profile', () => {
    const checkpoints = models.flatMap((m) => m.checkpoints.map((c) => c.id))
    expect(models.map((m) => m.id)).toContain('deepseek-r1')
    expect(checkpoints).toContain('r1-fp8')
    expect(checkpoints.length).toBeGreaterThanOrEqual(10)
  })

  for (const engine of ENGINES) {
    it(`${engine}: every option string and every value with choices is accepted`, () => {
      let builds = 0
      const seen = new Set<string>()
      for (const model of models)
        for (const checkpoint of model.checkpoints)
          for (const gpu of GPUS)
            for (const goal of GOALS)
              for (const nodes of [1, 2])
                for (const kvFp8 of [false, true]) {
                  const plan = makePlan({checkpoint, engine, goal, gpu, kvFp8, model, nodes})
                  const {spec} = buildEngine({checkpoint, model, options: OPTIONS, plan})
                  const commands = spec.nodes.length > 0 ? spec.nodes.map((n) => n.argv).filter((a) => a[0] !== 'ray') : [spec.argv]
                  const label = `${checkpoint.id} ${gpu.label} ${goal} ${nodes}n kv=${kvFp8 ? 'fp8' : 'auto'}`
                  for (const argv of commands) {
                    let checked
                    try {
                      checked = checkArgv(engine, argv)
                    } catch (error) {
                      throw new Error(`${label}: ${(error as Error).message}\n${argv.join(' ')}`)
                    }

                    for (const flag of checked) {
                      seen.add(flag.flag)
                      if (flag.deprecated && !ALLOWED_DEPRECATED.has(flag.given)) throw new Error(`${label}: deprecated ${flag.given}`)
                    }

                    // Secrets by name only; never VLLM_USE_V1.
                    expect(argv.join(' ')).not.toMatch(/hf_[A-Za-z0-9]{10}/)
                    expect(Object.keys(spec.env)).not.toContain('VLLM_USE_V1')
                  }

                  builds++
                }

      expect(builds).toBe(models.reduce((n, m) => n + m.checkpoints.length, 0) * GPUS.length * 2 * 2 * 2)
      // The matrix reached the tuning, not just the basics.
      const expected =
        engine === 'sglang'
          ? ['--model-path', '--reasoning-parser', '--tp-size', '--dp-size', '--enable-dp-attention', '--ep-size', '--speculative-algorithm', '--attention-backend', '--kv-cache-dtype', '--quantization', '--mem-fraction-static', '--context-length', '--max-running-requests', '--chunked-prefill-size', '--nnodes', '--node-rank', '--dist-init-addr', '--api-key', '--sampling-defaults', '--preferred-sampling-params', '--dtype', '--pp-size']
          : ['--reasoning-parser', '--tensor-parallel-size', '--pipeline-parallel-size', '--data-parallel-size', '--enable-expert-parallel', '--speculative-config', '--kv-cache-dtype', '--attention-backend', '--gpu-memory-utilization', '--max-model-len', '--max-num-seqs', '--override-generation-config', '--data-parallel-size-local', '--data-parallel-address', '--data-parallel-rpc-port', '--data-parallel-start-rank', '--headless', '--distributed-executor-backend', '--api-key', '--dtype', '--quantization']
      for (const flag of expected) expect(seen, flag).toContain(flag)
    })
  }
})

/**
 * Older targets: nothing a version does not know. The sets come from renames.md (flags removed by a version, and
 * flags new after the ~v0.11 vLLM build / registered only from a given SGLang release).
 */
describe('engine command matrix (older versions)', () => {
  const VLLM_NEW_AFTER_V011 = ['--attention-backend', '--max-cudagraph-capture-size', '--all2all-backend', '--moe-backend', '--master-addr', '--nnodes', '--node-rank', '-ep', '-sc']
  const VLLM_GONE_BY_V010 = ['--enable-reasoning', '--num-scheduler-steps']
  const SGLANG_GONE = ['--enable-ep-moe', '--enable-deepep-moe', '--enable-flashinfer-mla', '--enable-flashmla', '--enable-flashinfer-trtllm-moe']
  const cases: Array<{engine: 'sglang' | 'vllm'; version: string; forbidden: string[]; env?: string[]}> = [
    {engine: 'vllm', forbidden: [...VLLM_NEW_AFTER_V011, '--speculative-config', '--enable-expert-parallel', '--data-parallel-size-local'], version: '0.7.3'},
    {engine: 'vllm', forbidden: [...VLLM_NEW_AFTER_V011, '--override-generation-config', '--reasoning-parser', '--speculative-config', '--num-speculative-tokens'], version: '0.7.0'},
    {engine: 'vllm', forbidden: [...VLLM_NEW_AFTER_V011, '--data-parallel-size-local', '--headless'], version: '0.8.5'},
    {engine: 'vllm', forbidden: [...VLLM_NEW_AFTER_V011, ...VLLM_GONE_BY_V010], version: '0.10.1'},
    {engine: 'vllm', forbidden: [...VLLM_NEW_AFTER_V011, ...VLLM_GONE_BY_V010, '--enable-chunked-prefill'], version: '0.11.0'},
    {engine: 'vllm', forbidden: [...VLLM_GONE_BY_V010, '--cuda-graph-sizes', '--enable-chunked-prefill'], version: '0.20.1'},
    {engine: 'sglang', forbidden: ['--ep-size', 'fa3', 'flashmla', 'trtllm_mla', 'cutlass_mla', '--enable-flashmla', '--sampling-defaults', '--preferred-sampling-params', '--cuda-graph-max-bs-decode'], version: '0.4.3'},
    {engine: 'sglang', forbidden: ['--ep-size', '--sampling-defaults', '--cuda-graph-max-bs-decode', '--enable-flashmla'], version: '0.4.6.post1'},
    {engine: 'sglang', forbidden: [...SGLANG_GONE, '--sampling-defaults', '--cuda-graph-max-bs-decode'], version: '0.5.0rc2'},
    {engine: 'sglang', forbidden: [...SGLANG_GONE, '--cuda-graph-max-bs'], version: '0.5.15'},
  ]

  for (const {engine, version, forbidden} of cases) {
    it(`${engine} ${version}: emits none of ${forbidden.length} flags it does not know, and never VLLM_USE_V1`, () => {
      let checked = 0
      for (const model of models)
        for (const checkpoint of model.checkpoints)
          for (const gpu of GPUS)
            for (const goal of GOALS)
              for (const nodes of [1, 2]) {
                const plan = makePlan({checkpoint, engine, engineVersion: version, goal, gpu, kvFp8: true, model, nodes})
                const {spec} = buildEngine({checkpoint, model, options: OPTIONS, plan})
                for (const node of spec.nodes.length > 0 ? spec.nodes : [{argv: spec.argv, env: spec.env}]) {
                  const bad = node.argv.filter((word) => forbidden.includes(word))
                  expect(bad, `${checkpoint.id} ${gpu.label} ${goal} ${nodes}n: ${node.argv.join(' ')}`).toEqual([])
                  expect(Object.keys(node.env)).not.toContain('VLLM_USE_V1')
                  checked++
                }
              }

      expect(checked).toBeGreaterThan(500)
    })
  }
})
