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

export const EngineMemory = z
  .object({
    /** vLLM: --gpu-memory-utilization default; null on SGLang (its fraction is computed, eras.ts). */
    gpuMemoryUtilization: z.number().positive().max(1).nullable(),
    source: z.string(),
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
