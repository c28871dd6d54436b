import {z} from 'zod'

import {QUANTIZATIONS} from '../constants.js'
import {intIn, LIMITS, numIn} from './bounds.schema.js'

/** User-facing checkpoint families (--quantization). */
export const Quantization = z.enum(QUANTIZATIONS)

/** Architecture of a DeepSeek-V3-class MoE with MLA (models.json "deepseek-ai/DeepSeek-R1"). */
export const MlaMoeArchitecture = z
  .object({
    kind: z.literal('mla-moe'),
    numLayers: intIn(1, LIMITS.layers),
    firstKDenseReplace: intIn(0, LIMITS.layers),
    hiddenSize: intIn(1, LIMITS.width),
    intermediateSize: intIn(1, LIMITS.width),
    moeIntermediateSize: intIn(1, LIMITS.width),
    numRoutedExperts: intIn(1, LIMITS.experts),
    numExpertsPerToken: intIn(1, LIMITS.experts),
    numSharedExperts: intIn(0, LIMITS.experts),
    numAttentionHeads: intIn(1, LIMITS.heads),
    qLoraRank: intIn(1, LIMITS.width),
    kvLoraRank: intIn(1, LIMITS.width),
    qkRopeHeadDim: intIn(1, LIMITS.width),
    qkNopeHeadDim: intIn(1, LIMITS.width),
    vHeadDim: intIn(1, LIMITS.width),
    vocabSize: intIn(1, LIMITS.vocab),
    maxPositionEmbeddings: intIn(1, LIMITS.context),
    numNextnPredictLayers: intIn(0, 64),
    tieWordEmbeddings: z.boolean(),
    /** DeepSeek-V3.2's sparse attention caches an FP8 indexer key (+ scale) per token and layer beside the latent. */
    indexerCacheBytesPerLayer: intIn(0, 1 << 20).optional(),
  })
  .strict()

/** Dense decoder with grouped-query attention (Qwen2, Llama). */
export const GqaDenseArchitecture = z
  .object({
    kind: z.literal('gqa-dense'),
    family: z.enum(['qwen2', 'qwen3', 'llama']),
    numLayers: intIn(1, LIMITS.layers),
    hiddenSize: intIn(1, LIMITS.width),
    intermediateSize: intIn(1, LIMITS.width),
    numAttentionHeads: intIn(1, LIMITS.heads),
    numKeyValueHeads: intIn(1, LIMITS.heads),
    headDim: intIn(1, LIMITS.width),
    vocabSize: intIn(1, LIMITS.vocab),
    maxPositionEmbeddings: intIn(1, LIMITS.context),
    qkvBias: z.boolean(),
    tieWordEmbeddings: z.boolean(),
  })
  .strict()

export const ModelArchitecture = z.discriminatedUnion('kind', [MlaMoeArchitecture, GqaDenseArchitecture])
export type ModelArchitecture = z.infer<typeof ModelArchitecture>

/** How a checkpoint stores its weights: which tensors are quantized, to what, with which scales. */
export const QuantScheme = z
  .object({
    weights: z.enum(['bf16', 'fp8_e4m3', 'int8', 'int4', 'nvfp4']),
    /** Which linear layers carry the quantized format; the rest (embeddings, norms, router, head) stay BF16. */
    covers: z
      .enum(['none', 'all-linear', 'mlp', 'mlp-and-o-proj', 'moe-experts', 'all-linear-except-dense-attention'])
      .describe('none: all BF16; all-linear: attention and MLP projections; mlp: dense MLPs and (shared + routed) experts; mlp-and-o-proj: mlp plus attention o_proj; moe-experts: routed experts only'),
    activations: z.enum(['bf16', 'fp8', 'int8', 'fp4']).default('bf16'),
    scales: z
      .discriminatedUnion('kind', [
        z.object({kind: z.literal('none')}).strict(),
        z.object({kind: z.literal('block'), block: z.tuple([z.number().int(), z.number().int()]), bytes: z.number()}).strict(),
        z.object({kind: z.literal('channel'), bytes: z.number()}).strict(),
        z.object({kind: z.literal('group'), groupSize: z.number().int(), bytes: z.number(), zeroPoints: z.boolean()}).strict(),
        /** A scale of `bytes` per group of `groupSize` consecutive weights (NVFP4: one FP8 scale per 16). */
        z.object({kind: z.literal('microblock'), groupSize: z.number().int(), bytes: z.number()}).strict(),
      ])
      .default({kind: 'none'}),
  })
  .strict()
export type QuantScheme = z.infer<typeof QuantScheme>

export const Checkpoint = z
  .object({
    id: z.string().describe('stable id: "r1-fp8"'),
    repo: z.string().describe('Hugging Face repository id'),
    aliases: z.array(z.string()).default([]),
    quantization: Quantization,
    scheme: QuantScheme,
    /** What the engines call it (null = detected from the checkpoint's config, no flag). */
    engineQuantization: z.object({sglang: z.string().nullable(), vllm: z.string().nullable()}).strict(),
    diskBytes: numIn(0, LIMITS.diskBytes, {above: true}).describe('published size of the repository files'),
    includesMtp: z.boolean().default(false).describe('the MTP layer is stored in the files'),
    gated: z.boolean(),
    trustRemoteCode: z.boolean(),
    /** Architectures the checkpoint's kernels need, beyond the engine's own rules (FP4: Blackwell only). */
    requires: z.object({minComputeCapability: z.string().nullable(), note: z.string().nullable()}).strict().optional(),
    source: z.string(),
  })
  .strict()
export type Checkpoint = z.infer<typeof Checkpoint>

/**
 * DeepSeek's published evaluation of the model (the R1 paper's Tables 4 and 5, repeated on each
 * model card): pass@1 in percent, sampled at temperature 0.6, top-p 0.95, 64 samples per question
 * (AIME 2024, MATH-500, GPQA Diamond, LiveCodeBench 2024-08..2025-01), and the Codeforces rating.
 * r1 ranks the models by the mean of the four pass@1 figures (modelStrength).
 */
export const ModelEvaluation = z
  .object({
    aime2024: z.number().min(0).max(100),
    math500: z.number().min(0).max(100),
    gpqaDiamond: z.number().min(0).max(100),
    liveCodeBench: z.number().min(0).max(100),
    codeforcesRating: z.number().nullable(),
    source: z.string().describe('where the figures are published: a paper or a model card, with its URL'),
  })
  .strict()
export type ModelEvaluation = z.infer<typeof ModelEvaluation>

export const ModelProfile = z
  .object({
    id: z.string().describe('"deepseek-r1", "r1-distill-qwen-32b"'),
    displayName: z.string(),
    family: z.enum(['r1', 'distill']),
    /** DeepSeek's published evaluation; the recommendation prefers the strongest model (modelStrength) that serves the context. */
    evaluation: ModelEvaluation.nullable(),
    /** Only for a model without a published evaluation: its rank by hand (larger is stronger; the mean pass@1 scale, 0–100). */
    strength: z.number().min(0).max(100).optional(),
    baseModel: z.string().nullable(),
    aliases: z.array(z.string()).default([]),
    advertisedContext: intIn(1, LIMITS.context),
    architecture: ModelArchitecture,
    activeParams: numIn(0, LIMITS.params, {above: true}).nullable().describe('published, for cross-checks only'),
    checkpoints: z.array(Checkpoint).min(1),
    sources: z.array(z.string()),
  })
  .strict()
export type ModelProfile = z.infer<typeof ModelProfile>

