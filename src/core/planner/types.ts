/**
 * Contracts between the planner's parts: the memory model (memory.ts), the compatibility
 * rules (compat.ts), the search (search.ts) and the engine command builders (../engines/).
 * Types only: no zod, no runtime cost.
 */
import type {Architecture, Goal, KvCacheDtypeRequest} from '../constants.js'
import type {Checkpoint, EngineProfile, ModelProfile} from '../profiles/catalog.js'
import type {KvCacheDtype, Layout, PlanConfig} from './plan.schema.js'

/** The GPU a plan is made for: from detect (live or a capture), the catalog (--gpu) or --gpu-memory. */
export interface GpuSpec {
  name: string
  /** Catalog id when known. */
  profileId: string | null
  architecture: Architecture
  computeCapability: string | null
  /** Total memory as the CUDA runtime sees it (what vLLM and SGLang size against), bytes. */
  memoryTotalBytes: number
  /** Memory already used by other processes, per GPU (live detect only); the engine takes the smallest rank's budget. */
  memoryUsedBytes: number[] | null
  bandwidthGBs: number | null
  nvlink: boolean
  unifiedMemory: boolean
}

export interface Hardware {
  gpu: GpuSpec
  gpusPerNode: number
  nodes: number
}

export interface MemoryInput {
  model: ModelProfile
  checkpoint: Checkpoint
  engine: EngineProfile
  engineVersion: string
  gpu: GpuSpec
  layout: Layout
  kvCacheDtype: KvCacheDtype
  contextLength: number
  /** Overrides; when absent the engine's own default for this version, TP size and GPU applies. */
  gpuMemoryUtilization?: number
  memFractionStatic?: number
  speculative: 'mtp' | null
}

export interface MemoryPerGpu {
  totalBytes: number
  /** What the engine lets itself use: total × utilization (vLLM) / total × mem_fraction_static (SGLang). */
  usableBytes: number
  weightsBytes: number
  kvCacheBytes: number
  activationBytes: number
  /** Non-torch memory (CUDA context, NCCL, cuBLAS) plus CUDA graphs where the engine counts them. */
  overheadBytes: number
}

/** Each term of the engine's arithmetic, per GPU (bytes), as bench:accuracy compares them with the logs. */
export interface MemoryTerms {
  weightsBytes: number
  /** The profile run's peak: max(forward pass, dummy sampler pass) (vLLM); 0 on SGLang (no profiling). */
  peakBytes: number
  forwardBytes: number
  samplerBytes: number
  nonTorchBytes: number
  /** The CUDA-graph estimate; charged to the budget only where cudaGraphInBudget. */
  cudaGraphBytes: number
  cudaGraphInBudget: boolean
  /** Other processes' memory charged to the budget (vLLM 0.8.x V1) or taken from SGLang's `pre`. */
  othersBytes: number
  kvBytes: number
}

/** Memory other processes hold, and what the engine's start check needs (busy GPUs). */
export interface BusyGpus {
  /** Free memory on the most used GPU, bytes (total − used). */
  freeBytes: number
  /** Index of that GPU among the planned ones. */
  limitingGpu: number
  usedBytes: number
}

export interface MemoryEstimate {
  /** The utilization actually used (gpu_memory_utilization or mem_fraction_static). */
  utilization: number
  perGpu: MemoryPerGpu
  /** KV bytes per token on one GPU (MLA: whole latent on every TP rank; GQA: heads split by TP). */
  kvBytesPerToken: number
  /** Block (vLLM) or page (SGLang) size the token count is rounded to. */
  blockSize: number
  /** Per model replica: vLLM "GPU KV cache size", SGLang max_total_num_tokens. */
  kvCacheTokens: number
  /** The largest context one request can have (min of KV capacity and the model's maximum). */
  maxContextTokens: number
  /** Requests of contextLength that fit at once, over all replicas. */
  maxConcurrency: number
  /** Weights fit and at least one request of contextLength can be held: the engine serves the context. */
  fits: boolean
  /** The engine starts at all (SGLang starts even when one request of the context cannot be held; vLLM refuses). */
  startsUp: boolean
  /** Plain words, e.g. "weights need 80.3 GiB per GPU, 79.6 GiB usable". Empty when it fits. */
  reasons: string[]
  /** The engine's memory era for this release (eras.ts). */
  era: string
  /** The KV error band of that era, one side (0.06 = ±6%), measured on real logs. */
  kvBand: number
  /** kvCacheTokens ± the band, block-rounded: what the engine will log, within the model's measured error. */
  kvCacheTokensRange: [number, number]
  /** One request of the context fits the prediction but not its lower band: within the model's own error of failing. */
  tight: boolean
  terms: MemoryTerms
  /** Free memory each planned GPU must have when the engine starts (vLLM: ceil(total × util), its own check; SGLang: what keeps one request of the context). */
  requiredFreeBytes: number
  /** Set when other processes hold memory on the planned GPUs. */
  busy: BusyGpus | null
}

export interface CompatInput {
  model: ModelProfile
  checkpoint: Checkpoint
  engine: EngineProfile
  engineVersion: string
  gpu: GpuSpec
  kvCacheDtype: KvCacheDtypeRequest
  goal: Goal
  layout: Layout
}

export interface CompatResult {
  /** False when the engine cannot serve this checkpoint on this GPU at all. */
  ok: boolean
  /** Why not, in plain words ("vLLM needs compute capability 7.5 or newer"). */
  reasons: string[]
  /** Non-blocking facts worth saying ("no bf16 below sm_80: serving in fp16"). */
  notes: string[]
  dtype: 'bfloat16' | 'half'
  kvCacheDtype: KvCacheDtype
  attentionBackend: string | null
  speculative: 'mtp' | null
}

/** A plan before its command is built. */
export type PlanCore = Omit<PlanConfig, 'command'>

export interface BuildOptions {
  host: string
  port: number
  /** Several nodes: the head's address (never guessed) and the rendezvous port. */
  headAddress?: string
  distInitPort?: number
  /** Name of the environment variable that holds the API key (the value is never in argv). */
  apiKeyEnv?: string | null
}
