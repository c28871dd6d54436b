/**
 * The memory model: per GPU, in bytes, what vLLM or SGLang allocates, and the KV capacity that
 * follows from the engine's own formula (shared/reference/memory.md). Pure and deterministic.
 *
 * vLLM:   KV = total × gpu_memory_utilization − weights − activation peak − non-torch
 *              (− CUDA-graph estimate from 0.21); blocks = floor(KV / (block × bytes/token)).
 *              It refuses to start when one request of max_model_len does not fit.
 * SGLang: pool = (total − non-torch − weights) − total × (1 − mem_fraction_static);
 *              tokens = floor(pool / cell size), aligned down to the page size.
 * Memory other processes already hold lowers the budget; the engine takes the smallest rank.
 */
import {engineDefaults, type EngineDefaults, GiB} from './engine-defaults.js'
import {kvBytesPerToken} from './kv.js'
import type {MemoryFigures} from './plan.schema.js'
import type {MemoryEstimate, MemoryInput} from './types.js'
import {weightsPerGpu} from './weights.js'

export interface EstimateOptions {
  /** vLLM --max-num-batched-tokens / --max-num-seqs when not the default (the `LLM` class uses larger ones). */
  maxNumBatchedTokens?: number
  maxNumSeqs?: number
  /** The attention backend already chosen by checkCompatibility. */
  attentionBackend?: string | null
  /** Weights per GPU when known better than the computation (a log's figure, for the accuracy bench only). */
  weightsBytes?: number
}

const BYTES_PER_ACTIVATION = 2

/** Activation peak of a forward pass over `tokens` tokens on one GPU (the profile run). */
export function activationBytes(input: Pick<MemoryInput, 'engine' | 'layout' | 'model'>, tokens: number, sampledRows = 0): number {
  const a = input.model.architecture
  const {hiddenFactor, mlpFactor, samplerBytesPerLogit} = input.engine.memory.activation
  const tp = input.layout.tensorParallel
  // The widest MLP a token meets: a dense layer's intermediate, or top-k routed experts' slices.
  const inter = a.kind === 'mla-moe' ? Math.max(a.intermediateSize, a.numExpertsPerToken * a.moeIntermediateSize) : a.intermediateSize
  const forward = tokens * BYTES_PER_ACTIVATION * ((mlpFactor * inter) / tp + hiddenFactor * a.hiddenSize)
  // The dummy sampling run: fp32 logits over the vocabulary (vocab-parallel head: split by TP, gathered for sampling).
  const sampler = sampledRows * a.vocabSize * samplerBytesPerLogit
  return Math.round(forward + sampler)
}

function gib(n: number): string {
  return `${(n / GiB).toFixed(1)} GiB`
}

export interface DetailedEstimate extends MemoryEstimate {
  defaults: EngineDefaults
}

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
  const usedByOthers = gpu.memoryUsedBytes && gpu.memoryUsedBytes.length > 0 ? Math.max(...gpu.memoryUsedBytes) : 0
  const weights = options.weightsBytes ?? weightsPerGpu(model, input.checkpoint, layout, {engine: engine.id, speculative: input.speculative})
  const perToken = kvBytesPerToken(model, layout, input.kvCacheDtype, {speculative: input.speculative})
  const block = defaults.blockSize
  const reasons: string[] = []
  let utilization: number
  let usable: number
  let kvBytes: number
  let activation: number
  const overhead = defaults.nonTorchBytes + defaults.cudaGraphBytes + usedByOthers

  if (engine.id === 'vllm') {
    utilization = input.gpuMemoryUtilization ?? defaults.utilization
    usable = total * utilization
    activation = activationBytes(input, defaults.maxNumBatchedTokens ?? 2048, defaults.maxNumSeqs ?? 256)
    kvBytes = usable - weights - activation - overhead
  } else {
    utilization = input.memFractionStatic ?? defaults.utilization
    usable = total * utilization
    activation = activationBytes(input, defaults.chunkedPrefillSize ?? 2048)
    kvBytes = total - usedByOthers - defaults.nonTorchBytes - weights - total * (1 - utilization)
  }

  const tokensPerRank = kvBytes > 0 ? Math.floor(kvBytes / (perToken * block)) * block : 0
  // SGLang DP attention: each DP rank has its own pool; one replica is the whole TP group.
  const dpAttention = engine.id === 'sglang' && layout.dpAttention
  const pools = dpAttention ? layout.dataParallel : 1
  // What the engine prints: SGLang logs max_total_num_tokens per DP-attention rank, vLLM its
  // "GPU KV cache size" per engine (DP replica). A request lives in one pool, never across two.
  const kvCacheTokens = tokensPerRank
  const replicas = dpAttention ? 1 : layout.dataParallel
  const maxContextTokens = Math.min(tokensPerRank, model.architecture.maxPositionEmbeddings)
  const perRequest = input.contextLength > 0 ? tokensPerRank / input.contextLength : 0
  // One pool: the fraction the engines print ("Maximum concurrency … 1.56x"). Several pools: whole
  // requests per pool, since a request cannot be split between DP ranks or replicas.
  const poolCount = pools * replicas
  const maxConcurrency = poolCount === 1 ? Math.floor(perRequest * 100) / 100 : Math.floor(perRequest) * poolCount

  const weightsFit = weights + (engine.id === 'vllm' ? activation + overhead : defaults.nonTorchBytes + usedByOthers) < usable
  if (!weightsFit) {
    reasons.push(`weights need ${gib(weights)} per GPU, ${gib(usable)} usable (${engine.displayName} ${engine.id === 'vllm' ? 'gpu_memory_utilization' : 'mem_fraction_static'} ${utilization})`)
  } else if (tokensPerRank <= 0) {
    reasons.push(`no memory left for the KV cache after ${gib(weights)} of weights per GPU`)
  } else if (tokensPerRank < input.contextLength) {
    // vLLM refuses to start; SGLang starts, but cannot hold one request of the context: neither serves it.
    reasons.push(
      engine.id === 'vllm'
        ? `vLLM will not start: one request of ${input.contextLength.toLocaleString('en-US')} tokens needs more KV cache than the ${tokensPerRank.toLocaleString('en-US')} tokens that fit`
        : `SGLang would start, but its KV cache holds ${tokensPerRank.toLocaleString('en-US')} tokens per request: not one ${input.contextLength.toLocaleString('en-US')}-token request`,
    )
  }

  if (input.contextLength > model.architecture.maxPositionEmbeddings) {
    reasons.push(`${model.displayName} supports at most ${model.architecture.maxPositionEmbeddings} tokens of context`)
  }

  return {
    blockSize: block,
    startsUp: weightsFit && tokensPerRank > 0 && (engine.id === 'sglang' || tokensPerRank >= input.contextLength),
    defaults,
    fits: reasons.length === 0,
    kvBytesPerToken: perToken,
    kvCacheTokens,
    maxConcurrency,
    maxContextTokens,
    perGpu: {
      activationBytes: activation,
      kvCacheBytes: Math.max(0, tokensPerRank * perToken),
      overheadBytes: overhead,
      totalBytes: total,
      usableBytes: usable,
      weightsBytes: weights,
    },
    reasons,
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
