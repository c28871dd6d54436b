/**
 * Per-node rates of the two phases, from rooflines scaled by efficiencies calibrated on published
 * measurements (calibration.ts). Pure.
 *
 * Prefill is bound by compute. Per prompt token a GPU does
 *   linear:    2 × active parameters (attention projections, the dense/shared MLPs, k of E routed experts, the head)
 *   attention: layers × heads × 2 × (qk_dim + v_dim) × (input + 1) / 2   (causal: a token sees half the prompt on average)
 * The linear part runs at the tensor-core peak of the checkpoint's activation precision on that GPU
 * (FP8 or INT8: 2 × BF16; NVFP4: 4 × BF16, where the GPU has it), projections the scheme leaves in BF16
 * and the attention scores at the BF16 peak (the GPU profile's dense BF16 TFLOPS).
 *   ideal prefill rate per GPU = 1 / Σ (flops / peak)
 *
 * Decode is bound by memory bandwidth (src/core/report/roofline.ts decodeCeiling): per step a GPU reads its
 * weights (routed experts: the share the step's tokens pick) and the KV of its batch; a step yields one
 * token per request.
 *   ideal decode rate per GPU = batch × bandwidth / (weights read + batch × KV length × KV bytes per token)
 *
 * Both ideals are multiplied by one efficiency per phase: what the published systems reach of the
 * roofline (communication, kernel efficiency, scheduling). The modelled inter-token latency is the ideal
 * step over the decode efficiency, and the time to first token the prompt over one rank's rate, inflated
 * 1.8× for queueing as AIConfigurator does (pd-disaggregation.md §4.4).
 */
import type {Checkpoint, ModelProfile} from '../../profiles/catalog.js'
import {decodeCeiling} from '../../report/roofline.js'

type MlaArch = Extract<ModelProfile['architecture'], {kind: 'mla-moe'}>

/** What the rates need of a GPU (the catalog profile). */
export interface RateGpu {
  denseBf16Tflops: number
  bandwidthGBs: number
  fp8: boolean
  fp4: boolean
}

/** AIConfigurator's queueing inflation of TTFT (§4.4: "TTFT, inflated by about 1.8× for queueing"). */
export const TTFT_QUEUEING = 1.8

export interface PrefillFlops {
  /** Per token: linear layers at the checkpoint's precision. */
  quantizedLinear: number
  /** Per token: linear layers in BF16 (projections the scheme does not cover, the LM head). */
  bf16Linear: number
  /** Per token: attention scores (QK^T and PV) over the causal prompt. */
  attention: number
}

function precisionFactor(activations: Checkpoint['scheme']['activations'], gpu: RateGpu): number {
  if (activations === 'fp4') return gpu.fp4 ? 4 : gpu.fp8 ? 2 : 1
  if (activations === 'fp8') return gpu.fp8 ? 2 : 1
  if (activations === 'int8') return 2
  return 1
}

/** Prompt FLOPs per token (see the file comment). Dense models: 2 × parameters + attention over their heads. */
export function prefillFlopsPerToken(model: ModelProfile, checkpoint: Checkpoint, inputTokens: number): PrefillFlops {
  const a = model.architecture
  const ctx = (inputTokens + 1) / 2
  const covers = checkpoint.scheme.covers
  if (a.kind === 'mla-moe') {
    const {attnProj, attnO} = mlaProjections(a)
    const moeLayers = a.numLayers - a.firstKDenseReplace
    const mlpActive = a.firstKDenseReplace * 3 * a.hiddenSize * a.intermediateSize + moeLayers * 3 * a.hiddenSize * a.moeIntermediateSize * (a.numExpertsPerToken + a.numSharedExperts)
    const head = a.vocabSize * a.hiddenSize
    const projQuantized = covers === 'all-linear' || covers === 'all-linear-except-dense-attention'
    const oQuantized = projQuantized || covers === 'mlp-and-o-proj'
    const mlpQuantized = covers !== 'none'
    const layers = a.numLayers
    const q = 2 * ((mlpQuantized ? mlpActive : 0) + layers * ((projQuantized ? attnProj : 0) + (oQuantized ? attnO : 0)))
    const b = 2 * ((mlpQuantized ? 0 : mlpActive) + layers * ((projQuantized ? 0 : attnProj) + (oQuantized ? 0 : attnO)) + head)
    const attention = layers * a.numAttentionHeads * 2 * (a.qkNopeHeadDim + a.qkRopeHeadDim + a.vHeadDim) * ctx
    return {attention, bf16Linear: b, quantizedLinear: q}
  }

  const h = a.hiddenSize
  const perLayer = h * a.numAttentionHeads * a.headDim * 2 + 2 * h * a.numKeyValueHeads * a.headDim + 3 * h * a.intermediateSize
  const linear = 2 * (a.numLayers * perLayer + a.vocabSize * h)
  const attention = a.numLayers * a.numAttentionHeads * 2 * 2 * a.headDim * ctx
  return covers === 'none' ? {attention, bf16Linear: linear, quantizedLinear: 0} : {attention, bf16Linear: 2 * a.vocabSize * h, quantizedLinear: linear - 2 * a.vocabSize * h}
}

function mlaProjections(a: MlaArch): {attnProj: number; attnO: number} {
  const h = a.hiddenSize
  const qk = a.qkNopeHeadDim + a.qkRopeHeadDim
  const attnProj = h * a.qLoraRank + a.qLoraRank * a.numAttentionHeads * qk + h * (a.kvLoraRank + a.qkRopeHeadDim) + a.kvLoraRank * a.numAttentionHeads * (a.qkNopeHeadDim + a.vHeadDim)
  return {attnO: a.numAttentionHeads * a.vHeadDim * h, attnProj}
}

/** The compute roofline of prefill: prompt tokens per second on one GPU at 100 % of peak. */
export function idealPrefillPerGpu(model: ModelProfile, checkpoint: Checkpoint, gpu: RateGpu, inputTokens: number): number {
  const f = prefillFlopsPerToken(model, checkpoint, inputTokens)
  const bf16 = gpu.denseBf16Tflops * 1e12
  const quant = bf16 * precisionFactor(checkpoint.scheme.activations, gpu)
  const seconds = f.quantizedLinear / quant + (f.bf16Linear + f.attention) / bf16
  return 1 / seconds
}

export interface DecodeRooflineInput {
  bandwidthGBs: number
  weightsBytesPerGpu: number
  /** Bytes of routed experts among them (0 for a dense model). */
  routedBytesPerGpu: number
  expertsPerToken: number
  numExperts: number
  /** Requests each GPU (DP-attention rank or replica GPU) decodes at once. */
  batchPerGpu: number
  /** GPUs whose tokens meet the same experts in one step (the EP group). */
  expertGroupGpus: number
  /** Mean KV length a decode step reads per request: input + output / 2. */
  kvLength: number
  kvBytesPerToken: number
}

/** The bandwidth roofline of decode on one GPU: output tokens per second and the ideal step (s). */
export function idealDecodePerGpu(input: DecodeRooflineInput): {tokensPerSecond: number; stepSeconds: number} {
  const r = decodeCeiling({
    bandwidthGBs: input.bandwidthGBs,
    batch: input.batchPerGpu,
    context: input.kvLength,
    expertsPerToken: input.expertsPerToken,
    kvBytesPerTokenPerGpu: input.kvBytesPerToken,
    kvPools: 1,
    numExperts: input.numExperts,
    routedExpertShare: input.weightsBytesPerGpu > 0 ? input.routedBytesPerGpu / input.weightsBytesPerGpu : 0,
    tokensPerExpertGroup: input.batchPerGpu * input.expertGroupGpus,
    weightsBytesPerGpu: input.weightsBytesPerGpu,
  })
  return {stepSeconds: r.stepSeconds, tokensPerSecond: r.tokensPerSecond}
}

/** Mean KV length a decode step reads: the prompt plus half the output. */
export function meanKvLength(inputTokens: number, outputTokens: number): number {
  return inputTokens + outputTokens / 2
}
