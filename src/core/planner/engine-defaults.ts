/**
 * The engines' own defaults, by version, GPU and layout: the era tables of eras.ts, and the attention
 * backends of profiles/engines/*.json. The planner (memory.ts) and the command builders use these SAME values. Pure.
 */
import type {Architecture, Engine, KvCacheDtypeRequest} from '../constants.js'
import type {EngineProfile, ModelProfile} from '../profiles/catalog.js'
import type {AttentionBackend} from '../profiles/engine.schema.js'
import {compareVersions, type SglangContext, type SglangEraId, sglangAutoFraction, sglangBatchDefaults, sglangEra, type VllmEraId, vllmBatchDefaults, vllmEra, vllmRunner} from './eras.js'
import type {Layout} from './plan.schema.js'
import type {GpuSpec} from './types.js'

export const GiB = 1024 ** 3
export const MiB = 1024 ** 2

export {compareVersions} from './eras.js'

/** "8.9" → 89, "10.0" → 100. */
export function ccNumber(cc: string): number {
  let n = ccMemo.get(cc)
  if (n === undefined) {
    const [major, minor] = cc.split('.').map(Number)
    ccMemo.set(cc, (n = major * 10 + (minor ?? 0)))
  }

  return n
}

// Memos: r1 report asks these of the same few strings hundreds of thousands of times.
const ccMemo = new Map<string, number>()
const ARCH_CC: Record<Architecture, string | null> = {
  ada: '8.9',
  ampere: '8.0',
  blackwell: '10.0',
  hopper: '9.0',
  kepler: '3.5',
  maxwell: '5.2',
  pascal: '6.0',
  turing: '7.5',
  unknown: null,
  volta: '7.0',
}

/** The GPU's compute capability, or the first one of its architecture when only that is known. */
export function gpuCc(gpu: Pick<GpuSpec, 'architecture' | 'computeCapability'>): string | null {
  return gpu.computeCapability ?? ARCH_CC[gpu.architecture]
}

export function inCcRange(cc: string, range: {maxCc: string | null; minCc: string}): boolean {
  const n = ccNumber(cc)
  return n >= ccNumber(range.minCc) && (range.maxCc === null || n <= ccNumber(range.maxCc))
}

/**
 * The attention backend the engine picks for this model on this GPU: the first by the engine's
 * priority, or the first that takes an FP8 KV cache when one is asked for. Null when none runs here.
 */
export function pickAttentionBackend(engine: EngineProfile, model: ModelProfile, gpu: Pick<GpuSpec, 'architecture' | 'computeCapability'>, kv: KvCacheDtypeRequest): AttentionBackend | null {
  const cc = gpuCc(gpu) ?? '8.0'
  const kind = model.architecture.kind === 'mla-moe' ? 'mla' : 'mha'
  // Asked for every candidate of the search with the same few answers: memoised per engine profile.
  let memo = backendMemo.get(engine)
  if (!memo) backendMemo.set(engine, (memo = new Map()))
  const key = `${kind}|${cc}|${kv}`
  let picked = memo.get(key)
  if (picked === undefined) memo.set(key, (picked = pickBackend(engine, kind, cc, kv)))
  return picked
}

const backendMemo = new WeakMap<EngineProfile, Map<string, AttentionBackend | null>>()

function pickBackend(engine: EngineProfile, kind: 'mla' | 'mha', cc: string, kv: KvCacheDtypeRequest): AttentionBackend | null {
  const candidates = engine.attentionBackends.filter((b) => b.kind === kind && inCcRange(cc, b)).sort((x, y) => x.priority - y.priority)
  if (kv === 'fp8') return candidates.find((b) => b.fp8Kv) ?? null
  return candidates[0] ?? null
}

export interface EngineDefaults {
  engine: Engine
  /** The memory era of this release (eras.ts): vllm-v0 … vllm-v1-f, sglang-0.4.3 … sglang-0.5.16. */
  era: VllmEraId | SglangEraId
  /** vLLM Model Runner (V1 runner or MRv2 for dense models from 0.22/0.25); null on SGLang. */
  runner: 'mrv1' | 'mrv2' | null
  /** vLLM gpu_memory_utilization default or SGLang's automatic mem_fraction_static. */
  utilization: number
  /** vLLM block / SGLang page size, tokens. */
  blockSize: number
  attentionBackend: string | null
  /** vLLM: the profile run's batch (V0: max(max_model_len, 2048) without chunked prefill). Null on SGLang. */
  maxNumBatchedTokens: number | null
  maxNumSeqs: number | null
  /** SGLang chunked_prefill_size and cuda_graph_max_bs. Null on vLLM. */
  chunkedPrefillSize: number | null
  cudaGraphMaxBs: number | null
}

export interface DefaultsContext {
  gpu: GpuSpec
  layout: Layout
  model: ModelProfile
  contextLength: number
  speculative: 'mtp' | null
  kvCacheDtype?: KvCacheDtypeRequest
  /** Already chosen (compat); otherwise picked here. */
  attentionBackend?: string | null
}

/**
 * V0 batch (vllm/config.py@v0.7.3 SchedulerConfig, arg_utils.py@v0.8.0 _set_default_args_v0): without chunked
 * prefill the profile is max(max_model_len, 2048) tokens; chunked prefill turns on above 32K (2048), except
 * for MLA: v0.7.1–v0.7.3 force it off after mnbt was set (2048), from PR #12639 (0.8.x V0) MLA keeps it off.
 */
function v0Batch(version: string, ctx: DefaultsContext): number {
  const mla = ctx.model.architecture.kind === 'mla-moe'
  if (mla && compareVersions(version, '0.7.4') >= 0) return Math.max(ctx.contextLength, 2048)
  return ctx.contextLength <= 32_768 ? Math.max(ctx.contextLength, 2048) : 2048
}

/** The engine's defaults for this version, GPU and layout. */
export function engineDefaults(engine: EngineProfile, version: string, ctx: DefaultsContext): EngineDefaults {
  const backendName =
    ctx.attentionBackend === undefined ? (pickAttentionBackend(engine, ctx.model, ctx.gpu, ctx.kvCacheDtype ?? 'auto')?.name ?? null) : ctx.attentionBackend
  const kind = ctx.model.architecture.kind === 'mla-moe' ? 'mla' : 'mha'
  const backend = engine.attentionBackends.find((b) => b.name === backendName && b.kind === kind)
  const blockSize = backend?.blockSize ?? (engine.id === 'vllm' ? 16 : 1)
  if (engine.id === 'vllm') {
    const era = vllmEra(version)
    const batch = vllmBatchDefaults(version, ctx.gpu)
    return {
      attentionBackend: backendName,
      blockSize,
      chunkedPrefillSize: null,
      cudaGraphMaxBs: null,
      engine: engine.id,
      era: era.id,
      maxNumBatchedTokens: batch.maxNumBatchedTokens ?? v0Batch(version, ctx),
      maxNumSeqs: batch.maxNumSeqs,
      runner: era.id === 'vllm-v0' ? null : vllmRunner(version, ctx.model),
      utilization: engine.memory.gpuMemoryUtilization ?? 0.9,
    }
  }

  const sc = sglangContext(ctx)
  const batch = sglangBatchDefaults(version, sc)
  return {
    attentionBackend: backendName,
    blockSize,
    chunkedPrefillSize: batch.chunkedPrefillSize,
    cudaGraphMaxBs: batch.cudaGraphMaxBs,
    engine: engine.id,
    era: sglangEra(version).id,
    maxNumBatchedTokens: null,
    maxNumSeqs: null,
    runner: null,
    utilization: sglangAutoFraction(version, sc),
  }
}

export function sglangContext(ctx: Pick<DefaultsContext, 'gpu' | 'layout' | 'model' | 'speculative'>): SglangContext {
  return {
    dp: ctx.layout.dataParallel,
    dpAttention: ctx.layout.dpAttention,
    gpuMiB: Math.floor(ctx.gpu.memoryTotalBytes / MiB),
    mla: ctx.model.architecture.kind === 'mla-moe',
    pp: ctx.layout.pipelineParallel,
    speculative: ctx.speculative !== null,
    tp: ctx.layout.tensorParallel,
  }
}
