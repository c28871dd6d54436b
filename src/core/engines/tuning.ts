/**
 * Tuning choices shared by the builders: attention backend per architecture, FP8 KV where the backend
 * supports it, and the batch/chunk sizes derived from the plan's KV capacity.
 * Sources: shared/reference/engines.md §1.4, §1.5 (SGLang), §2.1, §2.5 (vLLM).
 */
import type {Engine} from '../constants.js'
import type {PlanCore} from '../planner/types.js'
import {type Capability, isBlackwellDc, MLA_BACKENDS, type MlaBackend, VLLM_DENSE_ENV_BACKENDS} from './semantics.js'
import {atLeast, parseVersion} from './version.js'
import type {EngineFlags} from './versions.js'

export type Jetson = 'orin' | 'thor'

/** Jetson Orin is sm_87; Jetson Thor is sm_110 under CUDA 13 (sm_101 before) (engines.md §0, §2.6). */
export function jetsonKind(computeCapability: string | null): Jetson | null {
  if (computeCapability === '8.7') return 'orin'
  if (computeCapability === '11.0' || computeCapability === '10.1') return 'thor'
  return null
}

export function capability(plan: Pick<PlanCore, 'gpu'>): {major: number; minor: number} | null {
  const cc = plan.gpu.computeCapability
  if (cc) {
    const [major, minor] = cc.split('.').map(Number)
    if (Number.isFinite(major)) return {major, minor: Number.isFinite(minor) ? minor : 0}
  }

  const byArch: Record<string, {major: number; minor: number}> = {
    ada: {major: 8, minor: 9},
    ampere: {major: 8, minor: 0},
    blackwell: {major: 10, minor: 0},
    hopper: {major: 9, minor: 0},
    kepler: {major: 3, minor: 5},
    maxwell: {major: 5, minor: 2},
    pascal: {major: 6, minor: 0},
    turing: {major: 7, minor: 5},
    volta: {major: 7, minor: 0},
  }
  return byArch[plan.gpu.architecture] ?? null
}

/** Whether a release offers an MLA backend: SGLang's --attention-backend choices (or --enable-flashmla before
 * flashmla was a choice); vLLM's backend enum from 0.13, its VLLM_ATTENTION_BACKEND names before (semantics.ts). */
function mlaAvailable(engine: Engine, backend: MlaBackend, flags: EngineFlags): boolean {
  if (engine === 'sglang') return flags.accepts('--attention-backend', backend.name) || (backend.name === 'flashmla' && flags.current('--enable-flashmla'))
  if (flags.option('--attention-backend')) return flags.accepts('--attention-backend', backend.name)
  return flags.has('attention-backend-env') && backend.envSince !== undefined && atLeast(parseVersion(flags.version)!, backend.envSince)
}

export interface AttentionChoice {
  /** The backend to name on the command line (null: leave the engine's own choice). */
  backend: string | null
  /** Whether the KV cache is FP8. */
  fp8Kv: boolean
  warnings: string[]
}

/**
 * The attention backend and KV dtype for an MLA model (DeepSeek-R1). A backend the plan names is kept;
 * otherwise SGLang gets its architecture default (trtllm_mla on SM100, fa3 on Hopper, triton elsewhere, each where
 * the release has it) and vLLM keeps its own selector. FP8 KV needs FlashMLA, CUTLASS MLA, TRT-LLM MLA or
 * FlashInfer MLA: where none serves the GPU at this release, the KV cache stays in the model dtype and a warning
 * says so.
 */
export function chooseMlaAttention(engine: Engine, plan: PlanCore, flags: EngineFlags): AttentionChoice {
  const cc = capability(plan)
  const table = MLA_BACKENDS[engine]
  const wantFp8 = plan.kvCacheDtype === 'fp8'
  const warnings: string[] = []
  const usable = table.filter((b) => cc !== null && b.fits(cc) && mlaAvailable(engine, b, flags))

  const requested = plan.attentionBackend ? normalizeBackend(engine, plan.attentionBackend) : null
  if (requested) {
    const known = table.find((b) => b.name === requested)
    if (!known) return {backend: requested, fp8Kv: wantFp8, warnings}
    if (!usable.includes(known)) {
      // The plan names the engine's current default; an older release or another GPU may not have it.
      const alternative = wantFp8 ? (usable.find((b) => b.fp8Kv) ?? null) : null
      if (alternative) {
        const why = cc !== null && !known.fits(cc) ? `runs on ${known.hardware} only` : `is not in ${engine} ${flags.version}`
        warnings.push(`${requested} ${why}: using ${alternative.name} for the FP8 KV cache`)
        return {backend: alternative.name, fp8Kv: true, warnings}
      }

      if (wantFp8) warnings.push(`no ${engine} MLA attention backend with an FP8 KV cache runs on ${plan.gpu.architecture} in ${engine} ${flags.version}: keeping the KV cache in ${plan.dtype === 'half' ? 'fp16' : 'bf16'}`)
      return {backend: engine === 'sglang' ? sglangDefault(cc, usable, flags) : null, fp8Kv: false, warnings}
    }

    if (wantFp8 && !known.fp8Kv) {
      const alternative = usable.find((b) => b.fp8Kv)
      if (alternative) {
        warnings.push(`${requested} has no FP8 KV cache: using ${alternative.name} for the FP8 KV cache`)
        return {backend: alternative.name, fp8Kv: true, warnings}
      }

      warnings.push(`${requested} has no FP8 KV cache: keeping the KV cache in ${plan.dtype === 'half' ? 'fp16' : 'bf16'}`)
      return {backend: requested, fp8Kv: false, warnings}
    }

    return {backend: requested, fp8Kv: wantFp8, warnings}
  }

  const keep = plan.dtype === 'half' ? 'fp16' : 'bf16'
  if (wantFp8) {
    const fp8 = usable.find((b) => b.fp8Kv)
    // vLLM's own selector already prefers an FP8-capable MLA backend on SM100 (FLASHINFER_MLA).
    if (fp8) return {backend: engine === 'vllm' && isBlackwellDc(cc) ? null : fp8.name, fp8Kv: true, warnings}
    warnings.push(`no ${engine} MLA attention backend with an FP8 KV cache runs on ${plan.gpu.architecture} in ${engine} ${flags.version}: keeping the KV cache in ${keep}`)
  }

  if (engine === 'vllm') return {backend: null, fp8Kv: false, warnings}
  // SGLang's defaults (engines.md §1.5, "Match SGLang 0.5.14"): SM100/103 → trtllm_mla, SM90 → fa3, else triton;
  // an older release without the default backend gets the next one it has, or its own choice.
  return {backend: sglangDefault(cc, usable, flags), fp8Kv: false, warnings}
}

function sglangDefault(cc: Capability | null, usable: readonly MlaBackend[], flags: EngineFlags): string | null {
  const preference = isBlackwellDc(cc) ? ['trtllm_mla', 'flashmla', 'triton'] : cc?.major === 9 ? ['fa3', 'triton'] : ['triton']
  return preference.find((name) => usable.some((b) => b.name === name) && flags.accepts('--attention-backend', name)) ?? null
}

function normalizeBackend(engine: Engine, name: string): string {
  return engine === 'sglang' ? name.toLowerCase() : name.toUpperCase()
}

/** Attention for a dense distill: the engine's own choice, FlashInfer for SGLang on Jetson (engines.md §1.7). */
export function chooseDenseAttention(engine: Engine, plan: PlanCore, flags: EngineFlags): AttentionChoice {
  const fp8Kv = plan.kvCacheDtype === 'fp8'
  const jetson = jetsonKind(plan.gpu.computeCapability)
  const wanted = plan.attentionBackend ? normalizeBackend(engine, plan.attentionBackend) : engine === 'sglang' && jetson ? 'flashinfer' : null
  // The plan's backend is the engine's own default on this GPU (profiles/engines): name it only where the release
  // has it (SGLang's choices; vLLM's enum from 0.13), else leave the choice to the engine as that release makes it.
  const known = flags.option('--attention-backend')
    ? flags.accepts('--attention-backend', wanted ?? '')
    : engine === 'vllm' && flags.has('attention-backend-env') && VLLM_DENSE_ENV_BACKENDS.includes(wanted ?? '')
  if (!wanted || !known) return {backend: null, fp8Kv, warnings: []}
  return {backend: wanted, fp8Kv, warnings: []}
}

/** The tokens of a typical request when sizing batches: reasoning answers run long, prompts are short. */
const TYPICAL_REQUEST_TOKENS = 4096

export interface BatchSizes {
  /** Requests one engine instance (one DP rank for vLLM DP) runs at once. */
  maxRunningPerRank: number
  /** Prefill chunk (SGLang --chunked-prefill-size, vLLM --max-num-batched-tokens). */
  prefillChunk: number
  /** Largest CUDA-graph batch. */
  cudaGraphMaxBs: number
}

function roundDown8(n: number): number {
  return n >= 16 ? Math.floor(n / 8) * 8 : Math.max(1, Math.floor(n))
}

/**
 * Batch sizes from the plan's KV capacity: requests of a typical length (the context when shorter) that fit in the
 * KV cache of one rank, capped at 1024 for throughput and 64 for latency (8 on Jetson, as the vLLM Thor recipe).
 */
export function batchSizes(plan: Pick<PlanCore, 'contextLength' | 'goal' | 'gpu' | 'kvCacheTokens'>): BatchSizes {
  const typical = Math.max(1, Math.min(plan.contextLength, TYPICAL_REQUEST_TOKENS))
  const jetson = jetsonKind(plan.gpu.computeCapability) !== null
  const cap = jetson ? 8 : plan.goal === 'throughput' ? 1024 : 64
  const perRank = Math.max(1, Math.min(cap, roundDown8(plan.kvCacheTokens / typical)))
  const bigGpu = (plan.gpu.memoryMiB ?? 0) >= 70 * 1024
  const fast = plan.gpu.architecture === 'hopper' || plan.gpu.architecture === 'blackwell'
  let prefillChunk = 2048
  if (bigGpu && fast) prefillChunk = plan.goal === 'throughput' ? 16_384 : 8192
  else if (bigGpu) prefillChunk = 8192
  else if ((plan.gpu.memoryMiB ?? 0) >= 40 * 1024) prefillChunk = 4096
  return {cudaGraphMaxBs: Math.min(perRank, 512), maxRunningPerRank: perRank, prefillChunk}
}
