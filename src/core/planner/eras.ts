/**
 * The engines' memory eras: tables keyed by release, each row read from the engine's code at a tag
 * (shared/reference/memory-by-version.md, cited as `path@tag`). Version string in → era → terms.
 * Pure. Figures not read from code are marked CALIBRATED with the log they come from and the case
 * that checks them; bench:accuracy prints every term against the logs.
 */

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

// r1 report asks this of the same few strings hundreds of thousands of times.
const versionMemo = new Map<string, number[]>()
function versionParts(v: string): number[] {
  let parts = versionMemo.get(v)
  if (!parts) versionMemo.set(v, (parts = (v.match(/^\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number)))
  return parts
}

export const GiB = 1024 ** 3
export const MiB = 1024 ** 2

// The search asks for the era of the same one or two releases for every candidate.
const rowMemo = new WeakMap<readonly unknown[], Map<string, unknown>>()

/** The first row whose `from` is at or below the version (rows sorted newest first). */
function rowFor<T extends {from: string}>(rows: readonly T[], version: string): T {
  let memo = rowMemo.get(rows)
  if (!memo) rowMemo.set(rows, (memo = new Map()))
  let row = memo.get(version) as T | undefined
  if (row === undefined) memo.set(version, (row = rows.find((r) => compareVersions(version, r.from) >= 0) ?? rows.at(-1)!))
  return row
}

// ---------------------------------------------------------------------------------------------
// vLLM

export type VllmEraId = 'vllm-v0' | 'vllm-v1-a' | 'vllm-v1-b' | 'vllm-v1-c' | 'vllm-v1-d' | 'vllm-v1-e' | 'vllm-v1-f'

export interface VllmEra {
  id: VllmEraId
  from: string
  /**
   * How the budget is charged. 'increase': total × util − weights − torch peak increase − non-torch
   * increase (from a baseline snapshot). 'absolute': total × util − absolute torch peak − (device used −
   * torch allocated), so other processes' memory is charged to the budget.
   */
  budget: 'increase' | 'absolute'
  /** The baseline snapshot is taken before NCCL init (NCCL and custom all-reduce buffers are charged) or after (they come out of the 1 − util headroom). */
  ncclCharged: boolean
  /** Refuses to start when free memory at start is below total × util. */
  startupCheck: boolean
  /** MRv1 subtracts its CUDA-graph estimate from the budget (MRv2 never does). */
  cudaGraphInBudget: boolean
  /** Fragmentation and persistent buffers are charged too (mem_get_info accounting). */
  freeMemoryAccounting: boolean
  source: string
}

/** Newest first. */
export const VLLM_ERAS: readonly VllmEra[] = [
  {
    budget: 'increase', cudaGraphInBudget: true, freeMemoryAccounting: true, from: '0.28.0', id: 'vllm-v1-f', ncclCharged: false, startupCheck: true,
    // PR #49208 (2026-07-20) is in main@2026-08-17, which precedes the 0.28 branch cut; docs.vllm.ai v0.29.0 mem_utils shows it. 0.26/0.27 not verified: r1 keeps them in V1-e.
    source: 'vllm/utils/mem_utils.py@main 2026-08-17 (total_consumed + transient_peak_headroom, PR #49208)',
  },
  {
    budget: 'increase', cudaGraphInBudget: true, freeMemoryAccounting: false, from: '0.20.0', id: 'vllm-v1-e', ncclCharged: false, startupCheck: true,
    source: 'vllm/envs.py@v0.20.0 VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS default "1" (PR #38284); gpu_worker.py@v0.21.0 determine_available_memory',
  },
  {
    budget: 'increase', cudaGraphInBudget: false, freeMemoryAccounting: false, from: '0.18.0', id: 'vllm-v1-d', ncclCharged: false, startupCheck: true,
    source: 'vllm/v1/worker/gpu_worker.py@v0.18.0 profile_cudagraph_memory (PR #30515); vllm/envs.py@v0.18.0 estimate off by default',
  },
  {
    budget: 'increase', cudaGraphInBudget: false, freeMemoryAccounting: false, from: '0.11.0', id: 'vllm-v1-c', ncclCharged: false, startupCheck: true,
    source: 'vllm/v1/worker/gpu_worker.py@v0.11.0 init_device: distributed init BEFORE MemorySnapshot (PR #25359); request_memory() in vllm/v1/worker/utils.py@v0.14.0',
  },
  {
    budget: 'increase', cudaGraphInBudget: false, freeMemoryAccounting: false, from: '0.9.1', id: 'vllm-v1-b', ncclCharged: true, startupCheck: true,
    source: 'vllm/v1/worker/gpu_worker.py@v0.9.1 init_snapshot + "Free memory on device ... is less than desired GPU memory utilization" (PR #19312)',
  },
  {
    budget: 'absolute', cudaGraphInBudget: false, freeMemoryAccounting: false, from: '0.8.0', id: 'vllm-v1-a', ncclCharged: true, startupCheck: false,
    source: 'vllm/v1/worker/gpu_worker.py@v0.8.0/@v0.8.5 determine_available_memory: total × util − peak_memory (absolute)',
  },
  {
    budget: 'increase', cudaGraphInBudget: false, freeMemoryAccounting: false, from: '0.0', id: 'vllm-v0', ncclCharged: true, startupCheck: false,
    source: 'vllm/worker/worker.py@v0.7.3 determine_num_available_blocks + vllm/utils.py memory_profiling (baseline before NCCL, no free-memory check)',
  },
]

export function vllmEra(version: string): VllmEra {
  return rowFor(VLLM_ERAS, version)
}

/** Model Runner V2 (vllm/config/vllm.py@main use_v2_model_runner): dense models only; DeepseekV3ForCausalLM (R1) stays on MRv1. */
export function vllmRunner(version: string, model: {architecture: {kind: string; family?: string}}): 'mrv1' | 'mrv2' {
  if (model.architecture.kind !== 'gqa-dense') return 'mrv1'
  // PR #44443 (all dense, v0.25.0 release notes); PR #39337 (Qwen3 dense, after v0.21.0 → 0.22).
  if (compareVersions(version, '0.25.0') >= 0) return 'mrv2'
  if (model.architecture.family === 'qwen3' && compareVersions(version, '0.22.0') >= 0) return 'mrv2'
  return 'mrv1'
}

export type SamplerImpl = 'flashinfer' | 'torch-sort' | 'triton'

export interface SamplerRow {
  from: string
  /** The default path; 0.8.0–0.11.0 use FlashInfer only where it is installed (docker images), torch sort otherwise (pip). */
  impl: SamplerImpl
  source: string
}

/** Which top-k/top-p path the dummy sampler pass (temperature 0.5, top_p 0.9, top_k = vocab − 1) takes, MRv1. Newest first. */
export const VLLM_SAMPLERS: readonly SamplerRow[] = [
  {from: '0.21.0', impl: 'flashinfer', source: 'VLLM_USE_FLASHINFER_SAMPLER default True (PR #40376, first tag v0.21.0)'},
  {from: '0.17.0', impl: 'triton', source: 'topk_topp_triton.py@v0.19.0, in place when batch ≥ 8 (PR #33538, first tag v0.17.0)'},
  {from: '0.11.1', impl: 'torch-sort', source: 'vllm/v1/sample/ops/topk_topp_sampler.py@v0.11.2: sort → mask → softmax/cumsum → scatter; FlashInfer opt-in (PR #26859)'},
  {from: '0.8.0', impl: 'torch-sort', source: 'topk_topp_sampler.py@v0.10.2: FlashInfer when importable; requirements/cuda.txt@v0.8.5…@v0.11.0 has none, so a pip install sorts (docker images ship FlashInfer)'},
  {from: '0.0', impl: 'torch-sort', source: 'vllm/model_executor/layers/sampler.py@v0.7.3 _apply_top_k_top_p (torch sort; FlashInfer sampling when installed)'},
]

/**
 * Peak of the dummy sampler pass in units of L = rows × vocab × 4 B (fp32 logits).
 * - torch sort: 9.6 L, calibrated in memory-by-version.md §1.3 on two logs (bf16 logits 0.5 + fp32 1 +
 *   sorted values 1 + int64 indices 2 + radix-sort buffers ≈ 5); it also matches the logged V0 peak of
 *   case vllm-v0-distill-qwen7b-32gb-volta (1.40 GiB).
 * - Triton (0.17–0.20) and FlashInfer (0.21+; 0.8–0.11.0 where installed): memory-by-version.md infers
 *   ≈ 3.5 L; the logs disagree. CALIBRATED at 6.9 L from the Llama-3.3-70B TP4 H200 series at
 *   0.18.0/0.19.0 (91.57 GiB KV, a note of cases-2026-12.json, not a bench case); checked on the B200
 *   0.18.0, RTX 4090 0.24.0, R1 0.11.0 and R1 0.20.0 cases.
 * - V0 with FlashInfer sampling: fp32 logits + bf16 ≈ 1.5 L (inferred; it samples in place).
 * - MRv2: the dummy batch needs no processing, so only the bf16 logits: 0.5 L (gpu/sample/sampler.py@main).
 */
export function samplerCopies(impl: SamplerImpl, runner: 'mrv1' | 'mrv2' | null): number {
  if (runner === 'mrv2') return 0.5
  if (impl === 'torch-sort') return 9.6
  return runner === null ? 1.5 : 6.9
}

export function vllmSampler(version: string, override?: SamplerImpl): SamplerImpl {
  return override ?? rowFor(VLLM_SAMPLERS, version).impl
}

/** `vllm serve` max_num_batched_tokens / max_num_seqs (EngineArgs._set_default_args_v1 / get_batch_defaults). */
export function vllmBatchDefaults(version: string, gpu: {memoryTotalBytes: number; name: string}): {maxNumBatchedTokens: number | null; maxNumSeqs: number} {
  const gib = gpu.memoryTotalBytes / GiB
  const name = gpu.name.toLowerCase()
  if (compareVersions(version, '0.8.0') < 0) return {maxNumBatchedTokens: null, maxNumSeqs: 256} // V0: by chunked prefill (vllm/config.py@v0.7.3)
  if (compareVersions(version, '0.8.5') < 0) {
    // arg_utils.py@v0.8.0: device name contains h100/h200.
    return /h100|h200/.test(name) ? {maxNumBatchedTokens: 8192, maxNumSeqs: 1024} : {maxNumBatchedTokens: 2048, maxNumSeqs: 1024}
  }

  // PR #51726 (main 2026-08-11; 0.28+ inferred): ≥ 160 GiB → 16384.
  if (compareVersions(version, '0.28.0') >= 0 && gib >= 160) return {maxNumBatchedTokens: 16_384, maxNumSeqs: 1024}
  // PR #17073 (0.8.5): ≥ 70 GiB; PR #17885 (0.9.0): and not an A100.
  const large = gib >= 70 && (compareVersions(version, '0.9.0') < 0 || !name.includes('a100'))
  if (large) return {maxNumBatchedTokens: 8192, maxNumSeqs: 1024}
  return {maxNumBatchedTokens: 2048, maxNumSeqs: 256}
}

/** CUDA-graph capture sizes: min(max_num_seqs × 2, 512, mnbt) (vllm/config/vllm.py@v0.11.x–v0.21); 1024 on SM100 from main. */
export function vllmGraphCount(maxNumSeqs: number, maxNumBatchedTokens: number, maxCaptureSize?: number): number {
  const max = Math.min(maxCaptureSize ?? maxNumSeqs * 2, 512, maxNumBatchedTokens)
  const sizes = [1, 2, 4].filter((s) => s <= max)
  for (let s = 8; s <= max; s += 8) sizes.push(s)
  return sizes.length
}

/**
 * The CUDA-graph estimate (gpu_model_runner.py@v0.21.0 profile_cudagraph_memory: first capture + second ×
 * (n − 1), measured as the drop in free memory). The code gives no closed form, so:
 * CALIBRATED on logged captures: ≈ 0.4 GiB of pool plus, at the full set of ~67 sizes, ≈ 4.2 MiB per
 * dense layer (Llama-3.1-8B 0.52, Qwen2.5-7B 0.53, Llama-3.3-70B 0.74 GiB) or ≈ 20 MiB per MoE layer
 * (DeepSeek-V3.2 at 0.18.0: 1.62 GiB). Checked on R1 at 0.20.0 (logged 2.28) in bench:accuracy.
 */
export function vllmCudaGraphEstimate(model: {architecture: {kind: string; numLayers: number}}, graphs: number): number {
  const perLayer = model.architecture.kind === 'mla-moe' ? 20 * MiB : 4.2 * MiB
  return Math.round(0.4 * GiB + model.architecture.numLayers * perLayer * Math.min(1, graphs / 67))
}

/**
 * Fused-MoE workspace in the profile forward (V1 skips attention, so for R1 the MoE sets the forward peak).
 * VLLM_FUSED_MOE_CHUNK_SIZE: 32768 (≤ 0.11), 16384 (0.12–0.17); removed in 0.18.0 (PR #34086).
 * Until 0.17 the workspace is the Triton fused-MoE caches of one chunk (layers/fused_moe, memory-by-version §1.9):
 * cache1 M·topk·2I/TP + cache2 M·topk·I/TP + cache3 M·topk·H, 16-bit.
 * CALIBRATED from 0.18: the unchunked modular kernel's peak is ≈ 6.2 × the cache3 term per batched token
 * (from the R1 H200 TP8 series at 0.18.0/0.19.0, 42.79 GiB KV, a note of cases-2026-12.json, not a bench
 * case); checked on the DeepSeek-V3.2 0.18.0 and R1 0.20.0 cases.
 */
export function moeWorkspaceBytes(version: string, a: {hiddenSize: number; moeIntermediateSize: number; numExpertsPerToken: number}, tokens: number, tp: number): number {
  const k = a.numExpertsPerToken
  if (compareVersions(version, '0.18.0') >= 0) return Math.round(6.2 * tokens * k * a.hiddenSize * 2)
  const chunk = compareVersions(version, '0.12.0') >= 0 ? 16_384 : 32_768
  const m = Math.min(tokens, chunk)
  return Math.round(m * k * 2 * ((3 * a.moeIntermediateSize) / tp + a.hiddenSize))
}

/**
 * Memory outside torch that the budget is charged with (cuBLAS/cuDNN workspaces, custom all-reduce IPC
 * buffers, NCCL where the baseline precedes NCCL init). No formula exists in the code (it is a measured
 * difference). CALIBRATED: one GPU 0.2 GiB (V0 logs print 0.05–0.35); several GPUs after NCCL init
 * (V1-c+) 1.2 GiB, from the Llama-3.3-70B TP4 H200 0.13.0/0.16.0 notes (90.23/90.30 GiB KV, not bench
 * cases), checked on the R1 TP8 and Llama TP4 cases; before 0.11 NCCL adds 0.5 GiB (estimate, unchecked).
 */
export function vllmNonTorchBytes(era: VllmEra, tp: number, pp: number): number {
  if (tp * pp <= 1) return Math.round(0.2 * GiB)
  return Math.round((era.ncclCharged ? 1.7 : 1.2) * GiB)
}

/**
 * V0 with MLA (R1) profiles max(max_model_len, 2048) tokens as one prefill (chunked prefill is off for
 * MLA in V0 from PR #12639). The code's peak is not statically countable (memory-by-version §3 D leaves
 * 8–10 GiB unexplained): CALIBRATED ≈ 155 KiB per profiled token at TP8 (PR #14842's log), activation
 * and non-torch together. No second R1 V0 log exists to check it on.
 */
export const V0_MLA_BYTES_PER_TOKEN = 155 * 1024

// ---------------------------------------------------------------------------------------------
// SGLang

export type SglangEraId = 'sglang-0.4.3' | 'sglang-0.4.6' | 'sglang-0.4.7' | 'sglang-0.4.8' | 'sglang-0.5.3' | 'sglang-0.5.16'

export interface SglangEra {
  id: SglangEraId
  from: string
  source: string
}

/** The automatic mem_fraction_static, five formula changes after the first (server_args.py). Newest first. */
export const SGLANG_ERAS: readonly SglangEra[] = [
  {from: '0.5.16', id: 'sglang-0.5.16', source: 'python/sglang/srt/server_args.py@v0.5.16/@v0.5.18: reserve_for_graph_mb + activation tokens'},
  {from: '0.5.3', id: 'sglang-0.5.3', source: 'python/sglang/srt/server_args.py@v0.5.3/@v0.5.6/@v0.5.13/@v0.5.14 _handle_gpu_memory_settings (reserved from chunked prefill and graphs)'},
  {from: '0.4.8', id: 'sglang-0.4.8', source: 'python/sglang/srt/server_args.py@v0.4.10/@v0.5.0rc2/@v0.5.2 (reserved by GPU size and tp·pp)'},
  {from: '0.4.7', id: 'sglang-0.4.7', source: 'python/sglang/srt/server_args.py@v0.4.7 (tp·pp table, large-GPU adjustments)'},
  {from: '0.4.6', id: 'sglang-0.4.6', source: 'python/sglang/srt/server_args.py@v0.4.6 ((gpu_mem − 13 GiB) / gpu_mem above 80 GiB)'},
  {from: '0.0', id: 'sglang-0.4.3', source: 'python/sglang/srt/server_args.py@v0.4.3/@v0.4.5 (by tp_size)'},
]

export function sglangEra(version: string): SglangEra {
  return rowFor(SGLANG_ERAS, version)
}

export interface SglangContext {
  /** nvidia-smi memory.total of the smallest GPU, MiB (get_nvgpu_memory_capacity). */
  gpuMiB: number
  tp: number
  pp: number
  dp: number
  dpAttention: boolean
  speculative: boolean
  mla: boolean
}

function tpTable(p: number): number {
  if (p >= 16) return 0.79
  if (p >= 8) return 0.81
  if (p >= 4) return 0.85
  if (p >= 2) return 0.87
  return 0.88
}

/** chunked_prefill_size and cuda_graph_max_bs defaults (§2.5). */
export function sglangBatchDefaults(version: string, c: Pick<SglangContext, 'dp' | 'dpAttention' | 'gpuMiB' | 'tp'>): {chunkedPrefillSize: number; cudaGraphMaxBs: number} {
  const g = c.gpuMiB
  const small = c.tp < 4
  if (compareVersions(version, '0.5.3') >= 0) {
    // _handle_gpu_memory_settings@v0.5.3/@v0.5.6/@v0.5.18
    if (g < 20 * 1024) return {chunkedPrefillSize: 2048, cudaGraphMaxBs: 8}
    if (g < 35 * 1024) return {chunkedPrefillSize: 2048, cudaGraphMaxBs: small ? (compareVersions(version, '0.5.5') >= 0 ? 24 : 16) : 80}
    if (g < 60 * 1024) return {chunkedPrefillSize: 4096, cudaGraphMaxBs: small ? 32 : 160}
    if (g < 160 * 1024) return {chunkedPrefillSize: 8192, cudaGraphMaxBs: small ? 256 : 512}
    return {chunkedPrefillSize: 16_384, cudaGraphMaxBs: 512}
  }

  let chunked: number
  if (compareVersions(version, '0.4.8') >= 0) chunked = g < 35 * 1024 ? 2048 : g < 160 * 1024 ? 8192 : 16_384
  else if (compareVersions(version, '0.4.7') >= 0) chunked = g > 180_000 ? 16_384 : g < 25_000 ? 2048 : 8192
  else chunked = g < 25_000 ? 2048 : 8192
  const limit = compareVersions(version, '0.4.8') >= 0 ? 35 * 1024 : 25_000
  return {chunkedPrefillSize: chunked, cudaGraphMaxBs: g < limit ? (small ? 8 : 80) : 160}
}

/** The automatic mem_fraction_static for this release (§2.4). */
export function sglangAutoFraction(version: string, c: SglangContext): number {
  const era = sglangEra(version)
  const g = c.gpuMiB
  const p = c.tp * c.pp
  switch (era.id) {
    case 'sglang-0.4.3': {
      return tpTable(c.tp)
    }

    case 'sglang-0.4.6': {
      return g <= 81_920 ? tpTable(c.tp) : (g - 13 * 1024) / g
    }

    case 'sglang-0.4.7': {
      let f = g <= 81_920 ? tpTable(p) : 0.88
      if (g > 180_000) f = 0.79
      else if (g > 96 * 1024) f = Math.min(f + (48 * 1024 * (1 - f)) / g, (g - (c.speculative ? 20 : 18) * 1024) / g)
      else if (c.speculative) f *= 0.95
      return f
    }

    case 'sglang-0.4.8': {
      let reserved = g < 35 * 1024 ? (2.8 + p / 10) * 1024 : g < 90 * 1024 ? (9.5 + p / 2) * 1024 : g < 160 * 1024 ? (12 + p / 2) * 1024 : 32 * 1024
      if (c.speculative) reserved += (compareVersions(version, '0.5.2') >= 0 ? 2 : 2) * 1024
      if (c.dpAttention) reserved += 4 * 1024
      return Math.round(((g - reserved) / g) * 1000) / 1000
    }

    case 'sglang-0.5.3':
    case 'sglang-0.5.16': {
      const {chunkedPrefillSize, cudaGraphMaxBs} = sglangBatchDefaults(version, c)
      const dp = c.dpAttention ? c.dp : 1
      let graphs = cudaGraphMaxBs * 2
      if (c.dpAttention) graphs += cudaGraphMaxBs * dp * 3 + (cudaGraphMaxBs > 300 ? cudaGraphMaxBs * dp * 1.5 : 0)
      // Piecewise (prefill) graphs on by default from 0.5.10 unless DP attention, spec or PP turn them
      // off (_handle_piecewise_cuda_graph@v0.5.10): 1.5 GiB for MLA. The non-MLA term (8 MiB per capture
      // size) needs the default size list, which was not read: left out (a distill's fraction is ≤ 0.01 high).
      const piecewise = compareVersions(version, '0.5.10') >= 0 && !c.dpAttention && !c.speculative && c.pp === 1 && c.mla
      if (piecewise) graphs += 1.5 * 1024
      let reserved = 512 + Math.max(chunkedPrefillSize, 2048) * 1.5 + graphs + (p / 8) * 1024
      if (g > 60 * 1024) reserved = Math.max(reserved, 10 * 1024)
      // Spec add-on until 0.5.13 (+2 GiB to 0.5.9, +4 GiB 0.5.10–0.5.13); from 0.5.14 draft weights are counted instead.
      if (c.speculative && compareVersions(version, '0.5.14') < 0) reserved += (compareVersions(version, '0.5.10') >= 0 ? 4 : 2) * 1024
      return Math.round(((g - reserved) / g) * 1000) / 1000
    }
  }
}

/**
 * Memory gone before the weights load (CUDA context, NCCL, cuBLAS): SGLang's `pre` is total − this −
 * other processes. CALIBRATED from "Load weight begin. avail mem" lines: 0.8–1.2 GiB under the total
 * on 24 GB cards (cases sglang-distill-qwen7b-rtx3090-wsl, sglang-llama31-8b-24gb-docker-desktop);
 * +0.5 GiB for NCCL and custom all-reduce with several GPUs (estimate).
 */
export function sglangPreWeightsBytes(tp: number, pp: number): number {
  return tp * pp > 1 ? Math.round(1.5 * GiB) : GiB
}

// ---------------------------------------------------------------------------------------------
// Error bands

export interface KvBand {
  /** Relative error of the predicted KV capacity, one side (0.08 = ±8%). */
  relative: number
  /** How it was measured. */
  basis: string
}

/**
 * The KV band per engine and era, measured by bench:accuracy on the real logs of test/fixtures/engine-logs:
 * the era's largest |error| rounded up to a whole percent, plus one point, at least 4% (two or three logs
 * do not show the spread); an era without a bounded log takes its neighbour's. test/core/planner/accuracy.test.ts
 * fails when a case leaves its era's band. Calibration records (issue 12) replace it with their own.
 */
export const KV_BANDS: Readonly<Record<VllmEraId | SglangEraId, KvBand>> = {
  'sglang-0.4.3': {basis: '1 log (0.4.2, RTX 3090): 0.9%', relative: 0.04},
  'sglang-0.4.6': {basis: 'no bounded log of this era: as 0.4.8', relative: 0.06},
  'sglang-0.4.7': {basis: 'no bounded log of this era: as 0.4.8', relative: 0.06},
  'sglang-0.4.8': {basis: '1 log (0.4.9, 24 GB card): 4.1%', relative: 0.06},
  'sglang-0.5.3': {basis: 'no bounded log of this era (the pool formula is unchanged, the fraction is computed): as 0.4.8', relative: 0.06},
  'sglang-0.5.16': {basis: 'no bounded log of this era: as 0.4.8', relative: 0.06},
  'vllm-v0': {basis: '4 logs (0.6.4–0.7.3): up to 8.5%', relative: 0.1},
  'vllm-v1-a': {basis: 'no bounded log of this era: as V1-c (its budget also charges other processes)', relative: 0.06},
  'vllm-v1-b': {basis: '2 logs (0.9.2, 0.10.1): up to 1.2%', relative: 0.04},
  'vllm-v1-c': {basis: '7 logs (0.11.0–0.15.1, R1 TP8 included): up to 4.3%; the R1 series notes at 0.11.2/0.14.1 reach 5.8%', relative: 0.06},
  'vllm-v1-d': {basis: '3 logs (0.18.0): up to 2.5%', relative: 0.04},
  'vllm-v1-e': {basis: '3 logs (0.20.0–0.24.0, R1 TP8 included): up to 2.2%', relative: 0.04},
  'vllm-v1-f': {basis: '3 logs (0.28.0, Model Runner V2): up to 8.3%', relative: 0.1},
}
