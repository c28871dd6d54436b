import {describe, expect, it} from 'vitest'

import {buildEngine, buildEngineCommand, HEAD_ADDRESS_PLACEHOLDER} from '../../../src/core/engines/index.js'
import type {ModelProfile} from '../../../src/core/profiles/catalog.js'
import {GPUS, loadModels, makePlan, type PlanShape} from './plans.js'

const models = loadModels()
const r1 = models.find((m) => m.id === 'deepseek-r1')!
const qwen32 = models.find((m) => m.id === 'r1-distill-qwen-32b')!
const gpu = (label: string) => GPUS.find((g) => g.label === label)!
const ckpt = (model: ModelProfile, id: string) => model.checkpoints.find((c) => c.id === id)!
const OPTIONS = {host: '0.0.0.0', port: 8000}

function build(shape: Omit<PlanShape, 'checkpoint' | 'gpu' | 'model'> & {checkpoint?: string; gpu?: string; model?: ModelProfile}, options: Record<string, unknown> = {}) {
  const model = shape.model ?? r1
  const checkpoint = ckpt(model, shape.checkpoint ?? 'r1-fp8')
  const plan = makePlan({...shape, checkpoint, gpu: gpu(shape.gpu ?? 'H200'), model})
  return buildEngine({checkpoint, engineVersion: shape.engineVersion, model, options: {...OPTIONS, ...options}, plan})
}

const after = (argv: string[], flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined)

describe('SGLang', () => {
  it('R1 FP8 on 8×H200 for latency: plain TP, FA3, MTP (EAGLE 3/1/4), DeepSeek sampling from the model', () => {
    const {spec, warnings} = build({engine: 'sglang', goal: 'latency', nodes: 1})
    expect(warnings).toEqual([])
    expect(spec).toEqual({
      argv: [
        'python3', '-m', 'sglang.launch_server',
        '--model-path', 'deepseek-ai/DeepSeek-R1',
        '--trust-remote-code',
        '--reasoning-parser', 'deepseek-r1',
        '--tp-size', '8',
        '--attention-backend', 'fa3',
        '--speculative-algorithm', 'EAGLE', '--speculative-num-steps', '3', '--speculative-eagle-topk', '1', '--speculative-num-draft-tokens', '4',
        '--mem-fraction-static', '0.85',
        '--context-length', '32768',
        '--max-running-requests', '64',
        '--chunked-prefill-size', '8192',
        '--cuda-graph-max-bs-decode', '64',
        '--sampling-defaults', 'model',
        '--preferred-sampling-params', '{"temperature":0.6,"top_p":0.95}',
        '--host', '0.0.0.0', '--port', '8000',
      ],
      env: {SGLANG_ENABLE_SPEC_V2: '1'},
      nodes: [],
      passEnv: [],
    })
  })

  it('R1 for throughput: DP attention with EP over all GPUs, FlashMLA for the FP8 KV cache (fp8_e4m3)', () => {
    const {argv} = build({engine: 'sglang', goal: 'throughput', kvFp8: true, nodes: 1}).spec
    expect(argv.slice(argv.indexOf('--tp-size'), argv.indexOf('--mem-fraction-static'))).toEqual([
      '--tp-size', '8', '--dp-size', '8', '--enable-dp-attention', '--ep-size', '8', '--attention-backend', 'flashmla', '--kv-cache-dtype', 'fp8_e4m3',
    ])
    expect(argv).not.toContain('--speculative-algorithm')
    // 400k KV tokens per rank / 4096 ≈ 96 requests per DP rank, 8 ranks.
    expect(after(argv, '--max-running-requests')).toBe('768')
    // 0.5.14: --cuda-graph-max-bs is a deprecated alias of --cuda-graph-max-bs-decode (shared/engine-cli).
    expect(after(argv, '--cuda-graph-max-bs-decode')).toBe('96')
    expect(argv).not.toContain('--cuda-graph-max-bs')
    expect(after(argv, '--chunked-prefill-size')).toBe('16384')
  })

  it('B200: trtllm_mla (FP8 KV capable); Ampere: triton and no FP8 KV, with a warning', () => {
    expect(after(build({engine: 'sglang', goal: 'throughput', gpu: 'B200', kvFp8: true, nodes: 1}).spec.argv, '--attention-backend')).toBe('trtllm_mla')
    const a100 = build({checkpoint: 'r1-int8', engine: 'sglang', goal: 'throughput', gpu: 'A100', kvFp8: true, nodes: 1})
    expect(after(a100.spec.argv, '--attention-backend')).toBe('triton')
    expect(a100.spec.argv).not.toContain('--kv-cache-dtype')
    expect(after(a100.spec.argv, '--quantization')).toBe('w8a8_int8')
    expect(a100.warnings).toEqual(['no sglang MLA attention backend with an FP8 KV cache runs on ampere in sglang 0.5.14: keeping the KV cache in bf16'])
  })

  it('quantization per checkpoint: none for native FP8, moe_wna16 for AWQ, modelopt_fp4 for NVFP4', () => {
    expect(build({engine: 'sglang', goal: 'latency', nodes: 1}).spec.argv).not.toContain('--quantization')
    expect(after(build({checkpoint: 'r1-awq', engine: 'sglang', goal: 'latency', nodes: 1}).spec.argv, '--quantization')).toBe('moe_wna16')
    const fp4 = build({checkpoint: 'r1-0528-fp4', engine: 'sglang', gpu: 'B200', goal: 'latency', nodes: 1})
    expect(after(fp4.spec.argv, '--quantization')).toBe('modelopt_fp4')
  })

  it('two nodes: one command per node with --nnodes/--node-rank/--dist-init-addr HEAD:PORT', () => {
    const {spec, warnings} = build({engine: 'sglang', goal: 'throughput', nodes: 2}, {distInitPort: 20_000, headAddress: '10.1.2.3'})
    expect(warnings).toEqual([])
    expect(spec.nodes.map((n) => [n.rank, n.role, after(n.argv, '--node-rank'), after(n.argv, '--nnodes'), after(n.argv, '--dist-init-addr')])).toEqual([
      [0, 'head', '0', '2', '10.1.2.3:20000'],
      [1, 'worker', '1', '2', '10.1.2.3:20000'],
    ])
    expect(spec.argv).toEqual(spec.nodes[0].argv)
    expect(after(spec.argv, '--tp-size')).toBe('16')
  })

  it('never guesses the head address', () => {
    const {spec, warnings} = build({engine: 'sglang', goal: 'throughput', nodes: 2})
    expect(after(spec.nodes[1].argv, '--dist-init-addr')).toBe(`${HEAD_ADDRESS_PLACEHOLDER}:5000`)
    expect(warnings).toEqual(["a 2-node plan needs the head node's address: pass --head-address (the commands show <head-address>)"])
  })

  it('older versions: --enable-ep-moe in 0.4.x, --enable-flashmla before 0.4.6, NEXTN before 0.5', () => {
    const old = build({engine: 'sglang', engineVersion: '0.4.6.post1', goal: 'throughput', nodes: 1}).spec.argv
    expect(old).toContain('--enable-ep-moe')
    expect(old).not.toContain('--ep-size')
    expect(old).not.toContain('--sampling-defaults')
    expect(old).not.toContain('--preferred-sampling-params')
    const flashmla = build({engine: 'sglang', engineVersion: '0.4.5', goal: 'throughput', kvFp8: true, nodes: 1}).spec.argv
    expect(flashmla).toContain('--enable-flashmla')
    expect(flashmla).not.toContain('--attention-backend')
    expect(after(flashmla, '--kv-cache-dtype')).toBe('fp8_e4m3')
    const nextn = build({engine: 'sglang', engineVersion: '0.4.10', goal: 'latency', nodes: 1})
    expect(after(nextn.spec.argv, '--speculative-algorithm')).toBe('NEXTN')
    expect(nextn.spec.env).toEqual({})
    expect(after(build({engine: 'sglang', engineVersion: '0.5.15', goal: 'latency', nodes: 1}).spec.argv, '--cuda-graph-max-bs-decode')).toBe('64')
  })

  it('says where the sampling defaults come from, or that the version has none', () => {
    expect(build({engine: 'sglang', goal: 'latency', nodes: 1}).notes).toEqual([
      "SGLang chat requests take their default sampling from deepseek-ai/DeepSeek-R1's generation_config.json (--sampling-defaults model); DeepSeek recommends temperature 0.6, top_p 0.95, so send them when that file does not set them",
    ])
    const old = build({engine: 'sglang', engineVersion: '0.4.6', goal: 'latency', nodes: 1})
    expect(old.warnings).toEqual(['SGLang 0.4.6 cannot set default sampling: send temperature 0.6 and top_p 0.95 with each request'])
    expect(old.notes).toEqual([])
  })

  it('distill on Jetson Orin: FlashInfer, small batches', () => {
    const {argv} = build({checkpoint: 'qwen-32b-bf16', engine: 'sglang', goal: 'latency', gpu: 'Jetson AGX Orin', model: qwen32, nodes: 1}).spec
    expect(after(argv, '--attention-backend')).toBe('flashinfer')
    expect(after(argv, '--max-running-requests')).toBe('8')
    expect(argv).not.toContain('--trust-remote-code')
    expect(after(argv, '--reasoning-parser')).toBe('deepseek-r1')
  })

  it('the API key goes by reference, HF_TOKEN by name when the checkpoint is gated', () => {
    const model = {...r1, checkpoints: r1.checkpoints.map((c) => ({...c, gated: true}))}
    const {spec} = build({engine: 'sglang', goal: 'latency', model, nodes: 1}, {apiKeyEnv: 'R1_API_KEY'})
    expect(after(spec.argv, '--api-key')).toBe('${R1_API_KEY}')
    expect(spec.passEnv).toEqual(['HF_TOKEN', 'R1_API_KEY'])
  })
})

describe('vLLM', () => {
  it('R1 FP8 on 8×H200 for throughput: DP8 + EP, FlashMLA for FP8 KV, recipe env, DeepSeek sampling', () => {
    const {spec, warnings} = build({engine: 'vllm', goal: 'throughput', kvFp8: true, nodes: 1})
    expect(warnings).toEqual([])
    expect(spec).toEqual({
      argv: [
        'vllm', 'serve', 'deepseek-ai/DeepSeek-R1',
        '--trust-remote-code',
        '--reasoning-parser', 'deepseek_r1',
        '--tensor-parallel-size', '1',
        '--data-parallel-size', '8',
        '--enable-expert-parallel',
        '--attention-backend', 'FLASHMLA',
        '--kv-cache-dtype', 'fp8',
        '--gpu-memory-utilization', '0.9',
        '--max-model-len', '32768',
        '--max-num-seqs', '96',
        '--max-num-batched-tokens', '16384',
        '--max-cudagraph-capture-size', '96',
        '--override-generation-config', '{"temperature":0.6,"top_p":0.95}',
        '--host', '0.0.0.0', '--port', '8000',
      ],
      env: {VLLM_USE_FLASHINFER_MOE_FP8: '1'},
      nodes: [],
      passEnv: [],
    })
  })

  it('R1 for latency: TP8 with MTP through --speculative-config', () => {
    const {argv} = build({engine: 'vllm', goal: 'latency', nodes: 1}).spec
    expect(after(argv, '--tensor-parallel-size')).toBe('8')
    expect(argv).not.toContain('--enable-expert-parallel')
    expect(JSON.parse(after(argv, '--speculative-config')!)).toEqual({method: 'mtp', num_speculative_tokens: 1})
  })

  it('B200 FP8 KV keeps vLLM’s own FP8-capable MLA backend; NVFP4 sets the FP4 MoE env and has no MTP layer', () => {
    const b200 = build({engine: 'vllm', goal: 'throughput', gpu: 'B200', kvFp8: true, nodes: 1}).spec
    expect(b200.argv).not.toContain('--attention-backend')
    expect(after(b200.argv, '--kv-cache-dtype')).toBe('fp8')
    const fp4 = build({checkpoint: 'r1-0528-fp4', engine: 'vllm', goal: 'latency', gpu: 'B200', nodes: 1})
    expect(fp4.spec.env).toEqual({VLLM_USE_FLASHINFER_MOE_FP4: '1'})
    expect(fp4.spec.argv).not.toContain('--speculative-config')
  })

  it('MTP the plan asks for but the checkpoint lacks is dropped with a warning', () => {
    const checkpoint = ckpt(r1, 'r1-0528-fp4')
    const plan = {...makePlan({checkpoint, engine: 'vllm', goal: 'latency', gpu: gpu('B200'), model: r1, nodes: 1}), speculative: 'mtp' as const}
    const built = buildEngine({checkpoint, model: r1, options: OPTIONS, plan})
    expect(built.warnings).toEqual(['no MTP speculative decoding: nvidia/DeepSeek-R1-0528-FP4-v2 does not ship the MTP layer'])
    expect(built.spec.argv).not.toContain('--speculative-config')
  })

  it('Turing distill: --dtype half, no bf16', () => {
    const {argv} = build({checkpoint: 'qwen-32b-bf16', engine: 'vllm', goal: 'latency', gpu: 'T4', model: qwen32, nodes: 1}).spec
    expect(after(argv, '--dtype')).toBe('half')
    expect(after(argv, '--tensor-parallel-size')).toBe('2')
  })

  it('renames: 0.8.5 → --enable-reasoning + deepseek_mtp + env attention backend; 0.10 → no --enable-reasoning', () => {
    // vLLM 0.8.5 has no multi-node DP (0.9.0): the gate refuses a DP 16 command over two nodes as a bug in r1.
    expect(() => build({engine: 'vllm', engineVersion: '0.8.5', goal: 'throughput', nodes: 2}, {headAddress: '10.0.0.1'})).toThrow(
      expect.objectContaining({code: 'R1_BUG', message: expect.stringContaining('offending --data-parallel-size')}),
    )
  })

  it('API key: VLLM_API_KEY is read by vLLM itself; any other name goes by reference', () => {
    const own = build({engine: 'vllm', goal: 'latency', nodes: 1}, {apiKeyEnv: 'VLLM_API_KEY'}).spec
    expect(own.argv).not.toContain('--api-key')
    expect(own.passEnv).toEqual(['VLLM_API_KEY'])
    const other = build({engine: 'vllm', goal: 'latency', nodes: 1}, {apiKeyEnv: 'MY_KEY'}).spec
    expect(after(other.argv, '--api-key')).toBe('${MY_KEY}')
    expect(other.passEnv).toEqual(['MY_KEY'])
  })

  it('buildEngineCommand returns the spec alone', () => {
    const checkpoint = ckpt(r1, 'r1-fp8')
    const plan = makePlan({checkpoint, engine: 'vllm', goal: 'latency', gpu: gpu('H200'), model: r1, nodes: 1})
    expect(buildEngineCommand({checkpoint, model: r1, options: OPTIONS, plan})).toEqual(buildEngine({checkpoint, model: r1, options: OPTIONS, plan}).spec)
  })
})
