import {z} from 'zod'

import {QUANTIZATIONS} from '../constants.js'

const Cc = z.string().regex(/^\d+\.\d+$/)
const Version = z.string().regex(/^\d+\.\d+(\.\d+)?$/)

/** A kernel family that runs one kind of checkpoint on a range of compute capabilities. */
export const QuantKernel = z
  .object({
    quantization: z.enum(QUANTIZATIONS),
    kernel: z.string().describe('"CUTLASS FP8 W8A8", "FP8 Marlin (weight-only W8A16)"'),
    minCc: Cc,
    maxCc: Cc.nullable().describe('inclusive; null = no upper bound'),
    weightOnly: z.boolean().describe('weights dequantized on the fly, activations stay 16-bit'),
    minVersion: Version.nullable(),
    /** Restricts the kernel to one model family ("r1": the 671B MoE; "distill": the dense distills). */
    family: z.enum(['r1', 'distill']).nullable().default(null),
    note: z.string().nullable(),
    source: z.string(),
  })
  .strict()
export type QuantKernel = z.infer<typeof QuantKernel>

/** An attention backend: MLA (DeepSeek-R1) or standard (the GQA distills). */
export const AttentionBackend = z
  .object({
    name: z.string().describe('the value of --attention-backend'),
    kind: z.enum(['mla', 'mha']),
    minCc: Cc,
    maxCc: Cc.nullable(),
    fp8Kv: z.boolean().describe('takes an FP8 KV cache'),
    blockSize: z.number().int().positive().describe('vLLM block / SGLang page size in tokens this backend uses by default'),
    /** Lower is chosen first when the user asks for nothing (the engine default order). */
    priority: z.number().int(),
    note: z.string().nullable(),
    source: z.string(),
  })
  .strict()
export type AttentionBackend = z.infer<typeof AttentionBackend>

/** A stretch of versions in which the engine sized memory the same way. */
export const MemoryEra = z
  .object({
    id: z.enum(['vllm-v0', 'vllm-v1', 'vllm-v1-cudagraph', 'sglang-tp-table', 'sglang-reserved-mem']),
    from: Version,
    until: Version.nullable().describe('exclusive; null = still current'),
    description: z.string(),
    source: z.string(),
  })
  .strict()
export type MemoryEra = z.infer<typeof MemoryEra>

/** vLLM get_batch_defaults: max_num_batched_tokens / max_num_seqs for `vllm serve`, by GPU memory. */
export const BatchDefault = z
  .object({
    era: z.enum(['vllm-v0', 'vllm-v1', 'vllm-v1-cudagraph']),
    minGpuGiB: z.number().nonnegative(),
    excludeAmpere: z.boolean().describe('the large default skips A100 (ampere) in vLLM'),
    maxNumBatchedTokens: z.number().int().positive().nullable().describe('null = max(max_model_len, 2048) (V0 without chunked prefill)'),
    maxNumSeqs: z.number().int().positive(),
    source: z.string(),
  })
  .strict()
export type BatchDefault = z.infer<typeof BatchDefault>

/** SGLang _handle_gpu_memory_settings buckets (GPU memory in MiB). */
export const SglangBucket = z
  .object({
    belowMiB: z.number().positive().nullable().describe('bucket applies below this capacity; null = the rest'),
    chunkedPrefillSize: z.number().int().positive(),
    cudaGraphMaxBsSmallTp: z.number().int().positive().describe('tp < 4'),
    cudaGraphMaxBsLargeTp: z.number().int().positive().describe('tp >= 4'),
  })
  .strict()
export type SglangBucket = z.infer<typeof SglangBucket>

export const EngineMemory = z
  .object({
    /** vLLM: --gpu-memory-utilization default. */
    gpuMemoryUtilization: z.number().positive().max(1).nullable(),
    /** SGLang before the reserved-memory rule: mem_fraction_static by TP size (first row whose minTp <= tp). */
    memFractionByTp: z.array(z.object({minTp: z.number().int().positive(), value: z.number()}).strict()).nullable(),
    /** SGLang reserved-memory rule (MiB): 512 + 1.5 x max(chunked_prefill, 2048) + 2 x cuda_graph_max_bs + tp x pp / 8 x 1024, at least 10 GiB above 60 GiB. */
    reservedMem: z
      .object({
        baseMiB: z.number(),
        perPrefillToken: z.number(),
        perCudaGraphBs: z.number(),
        perTpPpEighthMiB: z.number(),
        dpAttentionPerBsPerDp: z.number(),
        floorAboveMiB: z.number(),
        floorMiB: z.number(),
        speculativeMiB: z.number(),
        buckets: z.array(SglangBucket).min(1),
        source: z.string(),
      })
      .strict()
      .nullable(),
    batchDefaults: z.array(BatchDefault),
    /** Memory the engine uses outside its torch allocations (CUDA context, cuBLAS, NCCL). */
    nonTorch: z.object({singleGpuBytes: z.number(), multiGpuBytes: z.number(), source: z.string()}).strict(),
    /**
     * Activation peak of the profiling forward pass, per token of max_num_batched_tokens:
     * bytesPerElement x (mlpFactor x intermediate / TP + hiddenFactor x hidden). MoE: the routed experts' slice.
     */
    activation: z
      .object({
        mlpFactor: z.number(),
        hiddenFactor: z.number(),
        samplerBytesPerLogit: z.number().nonnegative().describe('the dummy sampling run: max_num_seqs x vocab x this, on top of the forward peak'),
        source: z.string(),
      })
      .strict(),
    /** CUDA-graph memory counted inside the budget (vLLM from 0.21). */
    cudaGraphBytes: z.number().nonnegative(),
    cudaGraphSource: z.string(),
  })
  .strict()
export type EngineMemory = z.infer<typeof EngineMemory>

/**
 * vLLM and SGLang facts (profiles/engines/*.json), each with its source.
 */
export const EngineProfile = z
  .object({
    id: z.enum(['sglang', 'vllm']),
    displayName: z.string(),
    defaultVersion: z.string().describe('the version r1 targets when none is given (the flag lists in shared/engine-flags)'),
    defaultVersionNote: z.string().optional(),
    minComputeCapability: z.string(),
    minComputeCapabilityNote: z.string().optional(),
    bf16MinComputeCapability: Cc.default('8.0'),
    eras: z.array(MemoryEra).min(1),
    quantKernels: z.array(QuantKernel),
    attentionBackends: z.array(AttentionBackend),
    memory: EngineMemory,
    /** MTP speculative decoding for R1: the architectures where the engine supports it. */
    mtp: z.object({minCc: Cc, note: z.string(), source: z.string()}).strict(),
    parallel: z
      .object({dpAttention: z.boolean(), expertParallel: z.boolean(), note: z.string(), source: z.string()})
      .strict(),
    jetson: z.string().optional(),
    sources: z.array(z.string()),
  })
  .strict()
export type EngineProfile = z.infer<typeof EngineProfile>
