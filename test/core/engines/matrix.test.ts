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

// Nothing deprecated is emitted (the gate refuses it); the shared flag lists are a second, independent check.
const ALLOWED_DEPRECATED = new Set<string>()

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

// Older targets: test/core/engines/release-matrix.test.ts plans every release of the data through the real search and the gate.
