/**
 * The memory model: per GPU, in bytes, what vLLM or SGLang allocates at this release, and the KV
 * capacity that follows from the engine's own formula (eras.ts, shared/reference/memory-by-version.md).
 * Pure and deterministic.
 *
 * vLLM:   KV = total × util − weights − profile peak − non-torch [− CUDA-graph estimate, MRv1 from 0.20]
 *              [− other processes, 0.8.x V1]; the peak is max(forward pass over max_num_batched_tokens,
 *              dummy sampler over min(max_num_seqs, mnbt) rows × vocab × fp32 × copies); blocks =
 *              floor(KV / (block × bytes/token)). It refuses to start when one request of max_model_len
 *              does not fit, and (from 0.9.1) when free memory is below total × util.
 * SGLang: pre = free memory before the weights (total − other processes − context/NCCL);
 *              pool = (pre − weights) − pre × (1 − mem_fraction_static); tokens = floor(pool / cell size).
 * Every KV figure carries the era's measured error band (eras.ts KV_BANDS).
 */
import {engineDefaults, type EngineDefaults} from './engine-defaults.js'
import {
  GiB,
  KV_BANDS,
  moeWorkspaceBytes,
  samplerCopies,
  type SamplerImpl,
  sglangPreWeightsBytes,
  V0_MLA_BYTES_PER_TOKEN,
  vllmCudaGraphEstimate,
  vllmEra,
  vllmGraphCount,
  vllmNonTorchBytes,
  vllmSampler,
} from './eras.js'
import {fmtGiB} from '../units.js'
import {kvBytesPerToken} from './kv.js'
import type {MemoryFigures} from './plan.schema.js'
import type {BusyGpus, MemoryEstimate, MemoryInput, MemoryTerms} from './types.js'
import {weightsPerGpu} from './weights.js'

export interface EstimateOptions {
  /** vLLM --max-num-batched-tokens / --max-num-seqs when not the default. */
  maxNumBatchedTokens?: number
  maxNumSeqs?: number
  /** vLLM --max-cudagraph-capture-size when the command sets it. */
  cudaGraphMaxSize?: number
  /** vLLM --enforce-eager: no CUDA graphs, so no graph estimate. */
  enforceEager?: boolean
  /** The top-k/top-p path when known (FlashInfer installed in 0.8–0.11.0 images, or V0). */
  sampler?: SamplerImpl
  /** The attention backend already chosen by checkCompatibility. */
  attentionBackend?: string | null
  /** Weights per GPU when known better than the computation (the search's memo). */
  weightsBytes?: number
  /**
   * The KV error band to use instead of the era's measured one (eras.ts KV_BANDS), one side as a fraction:
   * a calibration record of this engine, model and GPU (issue 12) narrows it, down to 0.
   */
  kvBand?: number
}

const BYTES_PER_ACTIVATION = 2
/** The forward pass's MLP peak per token: gate_up out (2 I), SiLU-and-mul out (I), a transient (I/2), 16-bit. */
const MLP_FACTOR = 3.5

export {GiB} from './eras.js'

/**
 * Safety margin between nvidia-smi's free memory and what vLLM's start check sees: the engine's own CUDA
 * context (≈ 0.5 GiB with torch's caching allocator and cuBLAS handles, the 0.8–1.2 GiB gap of SGLang's
 * "Load weight begin. avail mem" lines on 24 GB cards), plus NCCL communicators and custom all-reduce
 * buffers, created before the snapshot from 0.11 (gpu_worker.py@v0.11.0). 1 GiB on one GPU, 1.5 GiB with several.
 */
export function vllmStartMarginBytes(tp: number, pp: number): number {
  return tp * pp > 1 ? Math.round(1.5 * GiB) : GiB
}

/** The profile run's peak (vLLM): forward pass and dummy sampler pass. */
function vllmPeak(input: MemoryInput, defaults: EngineDefaults, override?: SamplerImpl): {forward: number; sampler: number; peak: number} {
  const a = input.model.architecture
  const tp = input.layout.tensorParallel
  const tokens = defaults.maxNumBatchedTokens ?? 2048
  const seqs = defaults.maxNumSeqs ?? 256
  const h = a.hiddenSize
  if (defaults.era === 'vllm-v0' && a.kind === 'mla-moe') {
    const all = V0_MLA_BYTES_PER_TOKEN * tokens
    return {forward: all, peak: all, sampler: 0}
  }

  // Dense: the MLP over the batch (attention is skipped in V1's profile; V0's is small beside it).
  // MoE (R1): the dense layers' MLP, or the fused-MoE workspace, whichever is larger.
  const dense = tokens * BYTES_PER_ACTIVATION * ((MLP_FACTOR * a.intermediateSize) / tp + h)
  const forward = a.kind === 'mla-moe' ? Math.max(dense, moeWorkspaceBytes(input.engineVersion, a, tokens, tp) + 4 * tokens * h * BYTES_PER_ACTIVATION) : dense
  // V0 samples the last token of max_num_seqs prompts; V1 min(max_num_seqs, mnbt) rows of hidden states.
  const rows = Math.min(seqs, tokens)
  const copies = samplerCopies(vllmSampler(input.engineVersion, override), defaults.runner)
  const sampler = Math.round(copies * rows * a.vocabSize * 4 + (tokens + rows) * h * BYTES_PER_ACTIVATION)
  return {forward: Math.round(forward), peak: Math.max(Math.round(forward), sampler), sampler}
}

/** The GPUs the engine runs on (CUDA_VISIBLE_DEVICES 0..n−1, as serve's preflight checks them) and the busiest one. */
function busyGpus(input: MemoryInput): BusyGpus | null {
  const used = input.gpu.memoryUsedBytes?.slice(0, input.layout.gpusPerNode) ?? []
  if (used.length === 0) return null
  const most = Math.max(...used)
  // Below 1% of the GPU is the driver's own bookkeeping on an idle GPU (nvidia-smi shows a few MiB).
  if (most <= 0.01 * input.gpu.memoryTotalBytes) return null
  return {freeBytes: input.gpu.memoryTotalBytes - most, limitingGpu: used.indexOf(most), usedBytes: most}
}

const floor2 = (x: number): number => Math.floor(x * 100 + 1e-9) / 100

/** Bytes as people read them, with the one rounding the tables and JSON use (units.fmtGiB). */
function gib(n: number): string {
  return `${fmtGiB(n)} GiB`
}

function int(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

export type DetailedEstimate = MemoryEstimate & {defaults: EngineDefaults}

export function estimateMemory(input: MemoryInput, options: EstimateOptions = {}): DetailedEstimate {
  const {engine, gpu, layout, model} = input
  const defaults = engineDefaults(engine, input.engineVersion, {
    attentionBackend: options.attentionBackend,
    contextLength: input.contextLength,
    gpu,
    kvCacheDtype: input.kvCacheDtype === 'fp8' ? 'fp8' : 'auto',
    layout,
    model,
    speculative: input.speculative,
  })
  if (options.maxNumBatchedTokens !== undefined) defaults.maxNumBatchedTokens = options.maxNumBatchedTokens
  if (options.maxNumSeqs !== undefined) defaults.maxNumSeqs = options.maxNumSeqs
  const total = gpu.memoryTotalBytes
  const busy = busyGpus(input)
  const weights = options.weightsBytes ?? weightsPerGpu(model, input.checkpoint, layout, {engine: engine.id, speculative: input.speculative})
  const perToken = kvBytesPerToken(model, layout, input.kvCacheDtype, {speculative: input.speculative})
  const block = defaults.blockSize
  const context = input.contextLength
  const reasons: string[] = []
  const notes: string[] = []
  const band = options.kvBand ?? KV_BANDS[defaults.era].relative
  const tokensOf = (bytes: number): number => (bytes > 0 ? Math.floor(bytes / (perToken * block)) * block : 0)
  // Bytes of KV one request of the context needs, with the band's margin (the lower end must hold it).
  const oneRequest = Math.ceil(context / block) * block * perToken
  const oneRequestWithBand = oneRequest / (1 - band)

  let utilization: number
  let usable: number
  let kvBytes: number
  let terms: MemoryTerms
  let requiredFree: number
  let weightsFit: boolean
  let freeToRelease = 0
  let flagName: string
  if (engine.id === 'vllm') {
    flagName = '--gpu-memory-utilization'
    const era = vllmEra(input.engineVersion)
    const {forward, peak, sampler} = vllmPeak(input, defaults, options.sampler)
    const nonTorch = defaults.era === 'vllm-v0' && model.architecture.kind === 'mla-moe' ? 0 : vllmNonTorchBytes(era, layout.tensorParallel, layout.pipelineParallel)
    const graphs = vllmGraphCount(defaults.maxNumSeqs ?? 256, defaults.maxNumBatchedTokens ?? 2048, options.cudaGraphMaxSize)
    const graphEstimate = options.enforceEager || defaults.era === 'vllm-v0' ? 0 : vllmCudaGraphEstimate(model, graphs)
    const graphInBudget = era.cudaGraphInBudget && defaults.runner === 'mrv1' && graphEstimate > 0
    const others = era.budget === 'absolute' && busy ? busy.usedBytes : 0
    const nonKv = weights + peak + nonTorch + (graphInBudget ? graphEstimate : 0) + others
    const margin = vllmStartMarginBytes(layout.tensorParallel, layout.pipelineParallel)
    const asked = input.gpuMemoryUtilization
    utilization = asked ?? defaults.utilization
    // Busy GPUs: the largest utilization (two decimals, down) with total × util ≤ free − margin.
    if (busy && era.budget !== 'absolute') {
      const most = floor2((busy.freeBytes - margin) / total)
      const why = `GPU ${busy.limitingGpu} has ${gib(busy.freeBytes)} free of ${gib(total)} (${gib(busy.usedBytes)} held by other processes)`
      if (asked === undefined && most < utilization) {
        utilization = Math.max(0, most)
        notes.push(
          `${flagName} ${utilization.toFixed(2)}: ${why}; vLLM ${era.startupCheck ? 'refuses to start' : 'would run out of memory'} when free memory is below total × utilization, and the engine's CUDA context and NCCL take ${gib(margin)} before it checks`,
        )
      } else if (asked !== undefined && asked > most) {
        reasons.push(
          era.startupCheck
            ? `vLLM will not start: ${flagName} ${asked} needs ${gib(Math.ceil(asked * total))} free at start, and ${why}`
            : `vLLM ${input.engineVersion} does not check free memory, but ${flagName} ${asked} needs ${gib(asked * total)} and ${why}: it would run out of memory`,
        )
      }
    }

    usable = total * utilization
    kvBytes = usable - nonKv
    weightsFit = nonKv < usable
    terms = {
      cudaGraphBytes: graphEstimate,
      cudaGraphInBudget: graphInBudget,
      forwardBytes: forward,
      kvBytes: Math.max(0, kvBytes),
      nonTorchBytes: nonTorch,
      othersBytes: others,
      peakBytes: peak,
      samplerBytes: sampler,
      weightsBytes: weights,
    }
    // vLLM 0.14+ request_memory(): math.ceil(total × util) must be free.
    requiredFree = Math.ceil(utilization * total)
    const neededUtil = Math.ceil(((nonKv + oneRequestWithBand) / total) * 100) / 100
    if (busy && neededUtil <= defaults.utilization) freeToRelease = Math.max(0, neededUtil * total + margin - busy.freeBytes)
  } else {
    flagName = '--mem-fraction-static'
    utilization = input.memFractionStatic ?? defaults.utilization
    const others = busy ? busy.usedBytes : 0
    // `pre` (free before the weights, min over ranks) shrinks by what other processes hold: both sides of the subtraction.
    const pre = total - others - sglangPreWeightsBytes(layout.tensorParallel, layout.pipelineParallel)
    usable = pre * utilization
    kvBytes = pre - weights - pre * (1 - utilization)
    weightsFit = weights < usable
    terms = {
      cudaGraphBytes: 0,
      cudaGraphInBudget: false,
      forwardBytes: 0,
      kvBytes: Math.max(0, kvBytes),
      nonTorchBytes: sglangPreWeightsBytes(layout.tensorParallel, layout.pipelineParallel),
      othersBytes: others,
      peakBytes: 0,
      samplerBytes: 0,
      weightsBytes: weights,
    }
    // Free memory at start that keeps one request of the context in the lower band: utilization × pre ≥ weights + request.
    requiredFree = Math.ceil((weights + oneRequestWithBand) / utilization + sglangPreWeightsBytes(layout.tensorParallel, layout.pipelineParallel))
    if (busy) {
      freeToRelease = Math.max(0, requiredFree - busy.freeBytes)
      if (others > 0) notes.push(`GPU ${busy.limitingGpu} has ${gib(busy.freeBytes)} free of ${gib(total)}: SGLang's reserve and pool both shrink (mem_fraction_static × ${gib(pre)} free before the weights)`)
    }
  }

  const tokensPerRank = tokensOf(kvBytes)
  const low = tokensOf(kvBytes > 0 ? tokensPerRank * perToken * (1 - band) : 0)
  const high = tokensOf(kvBytes > 0 ? tokensPerRank * perToken * (1 + band) : 0)
  // SGLang DP attention: each DP rank has its own pool; one replica is the whole TP group.
  const dpAttention = engine.id === 'sglang' && layout.dpAttention
  const pools = dpAttention ? layout.dataParallel : 1
  const replicas = dpAttention ? 1 : layout.dataParallel
  const maxContextTokens = Math.min(tokensPerRank, model.architecture.maxPositionEmbeddings)
  const perRequest = context > 0 ? tokensPerRank / context : 0
  // One pool: the fraction the engines print ("Maximum concurrency … 1.56x"). Several pools: whole
  // requests per pool, since a request cannot be split between DP ranks or replicas.
  const poolCount = pools * replicas
  const maxConcurrency = poolCount === 1 ? Math.floor(perRequest * 100) / 100 : Math.floor(perRequest) * poolCount
  const tight = weightsFit && tokensPerRank >= context && low < context

  if (!weightsFit) {
    const lowered = busy ? `, ${engine.id === 'vllm' ? 'lowered to what is free' : 'of the memory free before the weights'}: GPU ${busy.limitingGpu} has ${gib(busy.freeBytes)} free` : ''
    const setting = `${engine.displayName} ${engine.id === 'vllm' ? 'gpu_memory_utilization' : 'mem_fraction_static'} ${utilization}${lowered}`
    reasons.push(
      weights >= usable
        ? `weights need ${gib(weights)} per GPU, ${gib(usable)} usable (${setting})`
        : `weights (${gib(weights)}) and the profile run (${gib(usable - kvBytes - weights)}) need ${gib(usable - kvBytes)} per GPU, ${gib(usable)} usable (${setting})`,
    )
  } else if (tokensPerRank <= 0) {
    reasons.push(`no memory left for the KV cache after ${gib(weights)} of weights per GPU`)
  } else if (tokensPerRank < context) {
    // vLLM refuses to start; SGLang starts, but cannot hold one request of the context: neither serves it.
    reasons.push(
      engine.id === 'vllm'
        ? `vLLM will not start: one request of ${int(context)} tokens needs more KV cache than the ${int(tokensPerRank)} tokens that fit`
        : `SGLang would start, but its KV cache holds ${int(tokensPerRank)} tokens per request: not one ${int(context)}-token request`,
    )
  } else if (tight) {
    const margin = [`a --context of ${int(Math.floor(low / block) * block)} or less`]
    if (engine.id === 'vllm' && utilization < 0.95 && !busy) margin.push(`${flagName} ${Math.min(0.95, utilization + 0.02).toFixed(2)}`)
    if (engine.id === 'sglang' && utilization < 0.95 && !busy) margin.push(`${flagName} ${Math.min(0.95, utilization + 0.02).toFixed(3)}`)
    if (input.kvCacheDtype !== 'fp8') margin.push('--kv-cache-dtype fp8 (half the bytes per token)')
    reasons.push(
      `tight: one ${int(context)}-token request fits the predicted ${int(tokensPerRank)} KV tokens, but not the low end of the model's ±${Math.round(band * 100)}% error (${int(low)}); margin comes from ${margin.join(', or ')}`,
    )
  }

  if (busy && freeToRelease > 0 && reasons.length > 0) {
    reasons.push(`free ${gib(freeToRelease)} on GPU ${busy.limitingGpu} (other processes hold ${gib(busy.usedBytes)}) for one ${int(context)}-token request to fit`)
  }

  if (context > model.architecture.maxPositionEmbeddings) {
    reasons.push(`${model.displayName} supports at most ${model.architecture.maxPositionEmbeddings} tokens of context`)
  }

  const startsUp =
    weightsFit && tokensPerRank > 0 && (engine.id === 'sglang' || tokensPerRank >= context) && !reasons.some((r) => r.startsWith('vLLM will not start'))
  return {
    blockSize: block,
    busy,
    defaults,
    era: defaults.era,
    fits: reasons.length === 0,
    kvBand: band,
    kvBytesPerToken: perToken,
    kvCacheTokens: tokensPerRank,
    kvCacheTokensRange: [low, high],
    maxConcurrency,
    maxContextTokens,
    perGpu: {
      activationBytes: terms.peakBytes,
      kvCacheBytes: Math.max(0, tokensPerRank * perToken),
      overheadBytes: terms.nonTorchBytes + (terms.cudaGraphInBudget ? terms.cudaGraphBytes : 0) + terms.othersBytes,
      totalBytes: total,
      usableBytes: usable,
      weightsBytes: weights,
    },
    reasons: [...reasons, ...notes],
    requiredFreeBytes: requiredFree,
    startsUp,
    terms,
    tight,
    utilization,
  }
}

/** The per-GPU figures as `r1 plan` shows them (GiB, two decimals). */
export function memoryFigures(estimate: MemoryEstimate): MemoryFigures {
  const g = (n: number): number => Math.round((n / GiB) * 100) / 100
  const p = estimate.perGpu
  return {
    activationGiB: g(p.activationBytes),
    gpuTotalGiB: g(p.totalBytes),
    kvCacheGiB: g(p.kvCacheBytes),
    overheadGiB: g(p.overheadBytes),
    usableGiB: g(p.usableBytes),
    weightsGiB: g(p.weightsBytes),
  }
}
