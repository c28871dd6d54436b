/**
 * Tuning choices shared by the builders: attention backend per architecture, FP8 KV where the backend
 * supports it, and the batch/chunk sizes derived from the plan's KV capacity.
 * Sources: shared/reference/engines.md §1.4, §1.5 (SGLang), §2.1, §2.5 (vLLM).
 */
import type {Engine} from '../constants.js'
import type {PlanCore} from '../planner/types.js'
import type {EngineFlags} from './versions.js'

export type Jetson = 'orin' | 'thor'

/** Jetson Orin is sm_87; Jetson Thor is sm_110 under CUDA 13 (sm_101 before) (engines.md §0, §2.6). */
export function jetsonKind(computeCapability: string | null): Jetson | null {
  if (computeCapability === '8.7') return 'orin'
  if (computeCapability === '11.0' || computeCapability === '10.1') return 'thor'
  return null
}

function capability(plan: PlanCore): {major: number; minor: number} | null {
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

/** Data-centre Blackwell (SM100/SM103), where the MLA kernels with FP8 KV live. Not SM12x, not Thor. */
function isBlackwellDc(cc: {major: number; minor: number} | null): boolean {
  return cc !== null && cc.major === 10 && (cc.minor === 0 || cc.minor === 3)
}

interface MlaBackend {
  name: string
  fp8Kv: boolean
  fits: (cc: {major: number; minor: number}) => boolean
}

// engines.md §1.5 (SGLang MLA backends)
const SGLANG_MLA: MlaBackend[] = [
  {fits: (cc) => isBlackwellDc(cc), fp8Kv: true, name: 'trtllm_mla'},
  {fits: (cc) => isBlackwellDc(cc), fp8Kv: true, name: 'cutlass_mla'},
  {fits: (cc) => cc.major === 9 || isBlackwellDc(cc), fp8Kv: true, name: 'flashmla'},
  {fits: (cc) => cc.major === 9, fp8Kv: false, name: 'fa3'},
  {fits: (cc) => cc.major >= 8, fp8Kv: false, name: 'flashinfer'},
  {fits: () => true, fp8Kv: false, name: 'triton'},
]

// engines.md §2.5 (vLLM MLA backends)
const VLLM_MLA: MlaBackend[] = [
  {fits: (cc) => isBlackwellDc(cc), fp8Kv: true, name: 'FLASHINFER_MLA'},
  {fits: (cc) => isBlackwellDc(cc), fp8Kv: true, name: 'CUTLASS_MLA'},
  {fits: (cc) => cc.major === 9 || isBlackwellDc(cc), fp8Kv: true, name: 'FLASHMLA'},
  {fits: (cc) => cc.major === 9, fp8Kv: false, name: 'FLASH_ATTN_MLA'},
  {fits: () => true, fp8Kv: false, name: 'TRITON_MLA'},
]

export interface AttentionChoice {
  /** The backend to name on the command line (null: leave the engine's own choice). */
  backend: string | null
  /** Whether the KV cache is FP8. */
  fp8Kv: boolean
  warnings: string[]
}

function sglangMlaAvailable(name: string, flags: EngineFlags): boolean {
  if (name === 'trtllm_mla') return flags.has('trtllm-mla')
  if (name === 'flashmla') return flags.has('attention-backend-mla') || flags.has('enable-flashmla')
  if (name === 'triton') return true
  return flags.has('attention-backend-mla')
}

/**
 * The attention backend and KV dtype for an MLA model (DeepSeek-R1). A backend the plan names is kept;
 * otherwise SGLang gets its architecture default (trtllm_mla on SM100, fa3 on Hopper, triton elsewhere) and
 * vLLM keeps its own selector. FP8 KV needs FlashMLA, CUTLASS MLA, TRT-LLM MLA or FlashInfer MLA: where none
 * serves the GPU, the KV cache stays in the model dtype and a warning says so.
 */
export function chooseMlaAttention(engine: Engine, plan: PlanCore, flags: EngineFlags): AttentionChoice {
  const cc = capability(plan)
  const table = engine === 'sglang' ? SGLANG_MLA : VLLM_MLA
  const wantFp8 = plan.kvCacheDtype === 'fp8'
  const warnings: string[] = []
  const usable = table.filter((b) => cc !== null && b.fits(cc) && (engine === 'vllm' || sglangMlaAvailable(b.name, flags)))

  const requested = plan.attentionBackend ? normalizeBackend(engine, plan.attentionBackend) : null
  if (requested) {
    const known = table.find((b) => b.name === requested)
    if (!known) return {backend: requested, fp8Kv: wantFp8, warnings}
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
    warnings.push(`no ${engine} MLA attention backend with an FP8 KV cache runs on ${plan.gpu.architecture} at this version: keeping the KV cache in ${keep}`)
  }

  if (engine === 'vllm' || !flags.has('attention-backend-mla')) return {backend: null, fp8Kv: false, warnings}
  // SGLang's defaults (engines.md §1.5, "Match SGLang 0.5.14"): SM100/103 → trtllm_mla, SM90 → fa3, else triton.
  let backend = 'triton'
  if (isBlackwellDc(cc)) backend = flags.has('trtllm-mla') ? 'trtllm_mla' : 'flashmla'
  else if (cc?.major === 9) backend = 'fa3'
  return {backend, fp8Kv: false, warnings}
}

function normalizeBackend(engine: Engine, name: string): string {
  return engine === 'sglang' ? name.toLowerCase() : name.toUpperCase()
}

/** Attention for a dense distill: the engine's own choice, FlashInfer for SGLang on Jetson (engines.md §1.7). */
export function chooseDenseAttention(engine: Engine, plan: PlanCore): AttentionChoice {
  if (plan.attentionBackend) return {backend: normalizeBackend(engine, plan.attentionBackend), fp8Kv: plan.kvCacheDtype === 'fp8', warnings: []}
  const jetson = jetsonKind(plan.gpu.computeCapability)
  return {backend: engine === 'sglang' && jetson ? 'flashinfer' : null, fp8Kv: plan.kvCacheDtype === 'fp8', warnings: []}
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
