/**
 * The engines' own defaults, by version, GPU and layout, read from profiles/engines/*.json.
 * The planner (memory.ts) and the command builders use these SAME values. Pure.
 */
import type {Architecture, Engine, KvCacheDtypeRequest} from '../constants.js'
import type {EngineProfile, ModelProfile} from '../profiles/catalog.js'
import type {AttentionBackend, MemoryEra} from '../profiles/engine.schema.js'
import type {Layout} from './plan.schema.js'
import type {GpuSpec} from './types.js'

export const GiB = 1024 ** 3
export const MiB = 1024 ** 2

/** -1, 0 or 1; "0.8" < "0.8.4" < "0.10.0". Anything after the numbers (".dev705", "rc1") is ignored. */
export function compareVersions(a: string, b: string): number {
  const x = versionParts(a)
  const y = versionParts(b)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }

  return 0
}

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
const versionMemo = new Map<string, number[]>()

function versionParts(v: string): number[] {
  let parts = versionMemo.get(v)
  if (!parts) versionMemo.set(v, (parts = (v.match(/^\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number)))
  return parts
}

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

/** The memory era an engine version belongs to. */
export function eraFor(engine: EngineProfile, version: string): MemoryEra {
  const era = engine.eras.find((e) => compareVersions(version, e.from) >= 0 && (e.until === null || compareVersions(version, e.until) < 0))
  return era ?? engine.eras.at(-1)!
}

/**
 * The attention backend the engine picks for this model on this GPU: the first by the engine's
 * priority, or the first that takes an FP8 KV cache when one is asked for. Null when none runs here.
 */
export function pickAttentionBackend(engine: EngineProfile, model: ModelProfile, gpu: Pick<GpuSpec, 'architecture' | 'computeCapability'>, kv: KvCacheDtypeRequest): AttentionBackend | null {
  const cc = gpuCc(gpu) ?? '8.0'
  const kind = model.architecture.kind === 'mla-moe' ? 'mla' : 'mha'
  const candidates = engine.attentionBackends.filter((b) => b.kind === kind && inCcRange(cc, b)).sort((x, y) => x.priority - y.priority)
  if (kv === 'fp8') return candidates.find((b) => b.fp8Kv) ?? null
  return candidates[0] ?? null
}

export interface EngineDefaults {
  engine: Engine
  era: MemoryEra['id']
  /** vLLM gpu_memory_utilization or SGLang mem_fraction_static. */
  utilization: number
  /** vLLM block / SGLang page size, tokens. */
  blockSize: number
  attentionBackend: string | null
  /** vLLM: the profile run's batch (V0: max(max_model_len, 2048) without chunked prefill). Null on SGLang. */
  maxNumBatchedTokens: number | null
  maxNumSeqs: number | null
  /** SGLang chunked_prefill_size and cuda_graph_max_bs (GPU-memory buckets). Null on vLLM. */
  chunkedPrefillSize: number | null
  cudaGraphMaxBs: number | null
  nonTorchBytes: number
  /** CUDA-graph memory inside the budget (vLLM ≥ 0.21), else 0. */
  cudaGraphBytes: number
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

function sglangMemSettings(engine: EngineProfile, ctx: DefaultsContext): {cudaGraphMaxBs: number; chunkedPrefillSize: number; fraction: number} {
  const rule = engine.memory.reservedMem
  const gpuMiB = ctx.gpu.memoryTotalBytes / MiB
  const tp = ctx.layout.tensorParallel
  const bucket = rule?.buckets.find((b) => b.belowMiB === null || gpuMiB < b.belowMiB) ?? {chunkedPrefillSize: 4096, cudaGraphMaxBsLargeTp: 160, cudaGraphMaxBsSmallTp: 160}
  const chunkedPrefillSize = bucket.chunkedPrefillSize
  const cudaGraphMaxBs = tp < 4 ? bucket.cudaGraphMaxBsSmallTp : bucket.cudaGraphMaxBsLargeTp
  if (!rule) return {chunkedPrefillSize, cudaGraphMaxBs, fraction: 0.88}
  let reserved = rule.baseMiB + rule.perPrefillToken * Math.max(chunkedPrefillSize, 2048) + rule.perCudaGraphBs * cudaGraphMaxBs
  reserved += ((tp * ctx.layout.pipelineParallel) / 8) * rule.perTpPpEighthMiB
  if (ctx.layout.dpAttention) {
    reserved += cudaGraphMaxBs * ctx.layout.dataParallel * rule.dpAttentionPerBsPerDp
    if (cudaGraphMaxBs > 300) reserved += cudaGraphMaxBs * ctx.layout.dataParallel * 1.5
  }

  if (gpuMiB > rule.floorAboveMiB) reserved = Math.max(reserved, rule.floorMiB)
  if (ctx.speculative) reserved += rule.speculativeMiB
  return {chunkedPrefillSize, cudaGraphMaxBs, fraction: Math.round(((gpuMiB - reserved) / gpuMiB) * 1000) / 1000}
}

function vllmBatch(engine: EngineProfile, era: MemoryEra['id'], ctx: DefaultsContext): {maxNumBatchedTokens: number; maxNumSeqs: number} {
  const gib = ctx.gpu.memoryTotalBytes / GiB
  const row = engine.memory.batchDefaults.find((r) => r.era === era && gib >= r.minGpuGiB && !(r.excludeAmpere && ctx.gpu.architecture === 'ampere'))
  const seqs = row?.maxNumSeqs ?? 256
  if (row && row.maxNumBatchedTokens !== null) return {maxNumBatchedTokens: row.maxNumBatchedTokens, maxNumSeqs: seqs}
  // V0: chunked prefill off up to 32K → the profile batch is max_model_len; above, chunked prefill turns on with 2048.
  const tokens = ctx.contextLength <= 32_768 ? Math.max(ctx.contextLength, 2048) : 2048
  return {maxNumBatchedTokens: tokens, maxNumSeqs: seqs}
}

/** The engine's defaults for this version, GPU and layout. */
export function engineDefaults(engine: EngineProfile, version: string, ctx: DefaultsContext): EngineDefaults {
  const era = eraFor(engine, version)
  const backendName =
    ctx.attentionBackend === undefined ? (pickAttentionBackend(engine, ctx.model, ctx.gpu, ctx.kvCacheDtype ?? 'auto')?.name ?? null) : ctx.attentionBackend
  const kind = ctx.model.architecture.kind === 'mla-moe' ? 'mla' : 'mha'
  const backend = engine.attentionBackends.find((b) => b.name === backendName && b.kind === kind)
  const blockSize = backend?.blockSize ?? (engine.id === 'vllm' ? 16 : 1)
  const multi = ctx.layout.tensorParallel * ctx.layout.pipelineParallel > 1 || ctx.layout.nodes > 1
  const nonTorchBytes = multi ? engine.memory.nonTorch.multiGpuBytes : engine.memory.nonTorch.singleGpuBytes
  if (engine.id === 'vllm') {
    const batch = vllmBatch(engine, era.id, ctx)
    return {
      attentionBackend: backendName,
      blockSize,
      chunkedPrefillSize: null,
      cudaGraphBytes: era.id === 'vllm-v1-cudagraph' ? engine.memory.cudaGraphBytes : 0,
      cudaGraphMaxBs: null,
      engine: engine.id,
      era: era.id,
      maxNumBatchedTokens: batch.maxNumBatchedTokens,
      maxNumSeqs: batch.maxNumSeqs,
      nonTorchBytes,
      utilization: engine.memory.gpuMemoryUtilization ?? 0.9,
    }
  }

  const settings = sglangMemSettings(engine, ctx)
  let utilization = settings.fraction
  if (era.id === 'sglang-tp-table') {
    const rows = [...(engine.memory.memFractionByTp ?? [])].sort((x, y) => y.minTp - x.minTp)
    utilization = rows.find((r) => ctx.layout.tensorParallel >= r.minTp)?.value ?? 0.88
  }

  return {
    attentionBackend: backendName,
    blockSize,
    chunkedPrefillSize: settings.chunkedPrefillSize,
    cudaGraphBytes: 0,
    cudaGraphMaxBs: settings.cudaGraphMaxBs,
    engine: engine.id,
    era: era.id,
    maxNumBatchedTokens: null,
    maxNumSeqs: null,
    nonTorchBytes,
    utilization,
  }
}
