/**
 * Parameter counts and weight bytes, computed from the architecture and the checkpoint's
 * quantization scheme (never typed in). Pure.
 *
 * Conventions (vLLM and SGLang DeepSeek-V2/V3 and Llama/Qwen2 model code):
 * - column/row-parallel projections are split by tensor parallelism; MLA's q_a_proj and
 *   kv_a_proj_with_mqa are ReplicatedLinear (every TP rank keeps them whole);
 * - embeddings and the LM head are vocab-parallel (split by TP); SGLang's DP attention keeps the
 *   embedding whole on each rank;
 * - routed experts are split over max(TP, EP) ranks (intermediate split under TP, whole experts
 *   under EP); shared experts and dense MLPs by TP; the router is replicated;
 * - pipeline parallelism splits the layers; the first stage carries the embedding, the last the head;
 * - the MTP layer (layer 61 of R1) is loaded only for MTP speculative decoding.
 */
import type {Engine} from '../constants.js'
import type {Checkpoint, ModelArchitecture, ModelProfile, QuantScheme} from '../profiles/catalog.js'
import type {Layout} from './plan.schema.js'

type Role = 'attn' | 'attn-o' | 'attn-replicated' | 'mlp' | 'expert' | 'shared-expert'

interface Matrix {
  out: number
  in: number
  role: Role
}

type MlaArch = Extract<ModelArchitecture, {kind: 'mla-moe'}>
type GqaArch = Extract<ModelArchitecture, {kind: 'gqa-dense'}>

const BF16 = 2

function isQuantized(scheme: QuantScheme, role: Role, denseLayer: boolean): boolean {
  switch (scheme.covers) {
    case 'none': {
      return false
    }

    case 'all-linear': {
      return true
    }

    case 'mlp': {
      return role === 'mlp' || role === 'expert' || role === 'shared-expert'
    }

    case 'mlp-and-o-proj': {
      return role === 'mlp' || role === 'expert' || role === 'shared-expert' || role === 'attn-o'
    }

    case 'moe-experts': {
      return role === 'expert'
    }

    case 'all-linear-except-dense-attention': {
      return !(denseLayer && (role === 'attn' || role === 'attn-o' || role === 'attn-replicated'))
    }
  }
}

function elementBytes(scheme: QuantScheme): number {
  switch (scheme.weights) {
    case 'bf16': {
      return BF16
    }

    case 'fp8_e4m3':
    case 'int8': {
      return 1
    }

    case 'int4':
    case 'nvfp4': {
      return 0.5
    }
  }
}

/** Bytes of one weight matrix (out × in) stored under the scheme, scales included. */
export function matrixBytes(m: {in: number; out: number}, scheme: QuantScheme, quantized: boolean): number {
  const n = m.out * m.in
  if (!quantized || scheme.weights === 'bf16') return n * BF16
  const body = n * elementBytes(scheme)
  const s = scheme.scales
  switch (s.kind) {
    case 'none': {
      return body
    }

    case 'block': {
      return body + Math.ceil(m.out / s.block[0]) * Math.ceil(m.in / s.block[1]) * s.bytes
    }

    case 'channel': {
      return body + m.out * s.bytes
    }

    case 'group': {
      return body + m.out * Math.ceil(m.in / s.groupSize) * (s.bytes + (s.zeroPoints ? 0.5 : 0))
    }

    case 'microblock': {
      return body + (n / s.groupSize) * s.bytes + 4
    }
  }
}

function mlaAttention(a: MlaArch): Matrix[] {
  const qk = a.qkNopeHeadDim + a.qkRopeHeadDim
  return [
    {in: a.hiddenSize, out: a.qLoraRank, role: 'attn-replicated'},
    {in: a.qLoraRank, out: a.numAttentionHeads * qk, role: 'attn'},
    {in: a.hiddenSize, out: a.kvLoraRank + a.qkRopeHeadDim, role: 'attn-replicated'},
    {in: a.kvLoraRank, out: a.numAttentionHeads * (a.qkNopeHeadDim + a.vHeadDim), role: 'attn'},
    {in: a.numAttentionHeads * a.vHeadDim, out: a.hiddenSize, role: 'attn-o'},
  ]
}

const mlp = (hidden: number, inter: number, role: Role): Matrix[] => [
  {in: hidden, out: inter, role},
  {in: hidden, out: inter, role},
  {in: inter, out: hidden, role},
]

/** What one GPU holds of each kind of tensor: divisors by layout. */
interface Split {
  tp: number
  /** Attention TP size (TP / DP under SGLang DP attention). */
  attnTp: number
  /** Ranks the routed experts are spread over. */
  expertDiv: number
  /** Embedding divisor (1 when DP attention keeps it whole). */
  embedDiv: number
}

const WHOLE: Split = {attnTp: 1, embedDiv: 1, expertDiv: 1, tp: 1}

function divisorFor(role: Role, split: Split): number {
  switch (role) {
    case 'attn':
    case 'attn-o': {
      return split.attnTp
    }

    case 'attn-replicated': {
      return 1
    }

    case 'mlp':
    case 'shared-expert': {
      return split.tp
    }

    case 'expert': {
      return split.expertDiv
    }
  }
}

function sumMatrices(ms: Matrix[], scheme: QuantScheme, dense: boolean, split: Split, count = 1): number {
  let total = 0
  for (const m of ms) total += (matrixBytes(m, scheme, isQuantized(scheme, m.role, dense)) * count) / divisorFor(m.role, split)
  return total
}

interface LayerBytes {
  /** Bytes of each decoder layer on one GPU, in order. */
  layers: number[]
  embedding: number
  head: number
  finalNorm: number
  /** The MTP module's own bytes on one GPU (R1), 0 for dense models. */
  mtp: number
}

function mlaLayers(a: MlaArch, scheme: QuantScheme, split: Split): LayerBytes {
  const h = a.hiddenSize
  const attn = mlaAttention(a)
  const norms = (a.qLoraRank + a.kvLoraRank + 2 * h) * BF16
  const routerBytes = a.numRoutedExperts * h * BF16 + a.numRoutedExperts * 4
  const moe = (dense: boolean): number =>
    sumMatrices(attn, scheme, dense, split) +
    norms +
    sumMatrices(mlp(h, a.moeIntermediateSize, 'expert'), scheme, false, split, a.numRoutedExperts) +
    sumMatrices(mlp(h, a.moeIntermediateSize * a.numSharedExperts, 'shared-expert'), scheme, false, split) +
    routerBytes
  const denseLayer = sumMatrices(attn, scheme, true, split) + norms + sumMatrices(mlp(h, a.intermediateSize, 'mlp'), scheme, true, split)
  const moeLayer = moe(false)
  const layers: number[] = []
  for (let i = 0; i < a.numLayers; i++) layers.push(i < a.firstKDenseReplace ? denseLayer : moeLayer)
  // MTP: one more MoE decoder layer, eh_proj (2h → h, BF16, replicated) and three norms.
  const mtp = a.numNextnPredictLayers * (moeLayer + 2 * h * h * BF16 + 3 * h * BF16)
  const vocabBytes = a.vocabSize * h * BF16
  return {embedding: vocabBytes / split.embedDiv, finalNorm: h * BF16, head: vocabBytes / split.tp, layers, mtp}
}

function gqaLayers(a: GqaArch, scheme: QuantScheme, split: Split): LayerBytes {
  const h = a.hiddenSize
  const qDim = a.numAttentionHeads * a.headDim
  // KV heads per rank: split by TP, replicated when TP exceeds them.
  const kvHeadsPerRank = Math.max(1, a.numKeyValueHeads / split.tp)
  const kvShare = kvHeadsPerRank / a.numKeyValueHeads
  const kv: Matrix = {in: h, out: a.numKeyValueHeads * a.headDim, role: 'attn-replicated'}
  const q = sumMatrices([{in: h, out: qDim, role: 'attn'}], scheme, false, split)
  const kvBytes = 2 * matrixBytes(kv, scheme, isQuantized(scheme, 'attn', false)) * kvShare
  const o = sumMatrices([{in: qDim, out: h, role: 'attn-o'}], scheme, false, split)
  const bias = a.qkvBias ? (qDim / split.tp + 2 * a.numKeyValueHeads * a.headDim * kvShare) * BF16 : 0
  const layer = q + kvBytes + o + bias + sumMatrices(mlp(h, a.intermediateSize, 'mlp'), scheme, false, split) + 2 * h * BF16
  const vocabBytes = a.vocabSize * h * BF16
  return {
    embedding: vocabBytes / split.embedDiv,
    finalNorm: h * BF16,
    head: a.tieWordEmbeddings ? 0 : vocabBytes / split.tp,
    layers: Array.from({length: a.numLayers}, () => layer),
    mtp: 0,
  }
}

function layerBytes(model: ModelProfile, scheme: QuantScheme, split: Split): LayerBytes {
  const a = model.architecture
  return a.kind === 'mla-moe' ? mlaLayers(a, scheme, split) : gqaLayers(a, scheme, split)
}

/** Layers per pipeline stage: vLLM/SGLang give the remainder to the first stages. */
export function stageLayerCounts(numLayers: number, pp: number): number[] {
  const base = Math.floor(numLayers / pp)
  return Array.from({length: pp}, (_, i) => base + (i < numLayers % pp ? 1 : 0))
}

const BF16_SCHEME: QuantScheme = {activations: 'bf16', covers: 'none', scales: {kind: 'none'}, weights: 'bf16'}

/** Parameters of the model (main model; with the MTP module when asked, as stored on Hugging Face: its own embedding and head copies included). */
export function paramCount(model: ModelProfile, options: {includeMtp?: boolean} = {}): number {
  const b = layerBytes(model, BF16_SCHEME, WHOLE)
  const main = b.layers.reduce((s, x) => s + x, 0) + b.embedding + b.head + b.finalNorm
  // The stored MTP layer carries its own copy of the embedding and the head (layer 61 in the files).
  const mtp = options.includeMtp && b.mtp > 0 ? b.mtp + b.embedding + b.head : 0
  // Router bias is FP32 (4 bytes): count it as one parameter per element.
  const a = model.architecture
  const routerBiasExtra = a.kind === 'mla-moe' ? (a.numLayers - a.firstKDenseReplace + (options.includeMtp ? 1 : 0)) * a.numRoutedExperts * 2 : 0
  return (main + mtp - routerBiasExtra) / BF16
}

/** Bytes of the checkpoint's weights as stored (MTP included when the checkpoint carries it). */
export function checkpointBytes(model: ModelProfile, checkpoint: Checkpoint): number {
  const b = layerBytes(model, checkpoint.scheme, WHOLE)
  const main = b.layers.reduce((s, x) => s + x, 0) + b.embedding + b.head + b.finalNorm
  return main + (checkpoint.includesMtp && b.mtp > 0 ? b.mtp + b.embedding + b.head : 0)
}

export interface WeightsOptions {
  engine: Engine
  /** MTP speculative decoding loads the MTP layer (R1). */
  speculative: 'mtp' | null
}

/**
 * Weight bytes on the most loaded GPU for this layout. Under DP attention (SGLang) the attention
 * TP size is TP / DP; vLLM's data parallel ranks are separate engines of TP GPUs each.
 */
export function weightsPerGpu(model: ModelProfile, checkpoint: Checkpoint, layout: Layout, options: WeightsOptions): number {
  const tp = layout.tensorParallel
  const dpAtt = layout.dpAttention && options.engine === 'sglang'
  const attnTp = dpAtt ? Math.max(1, tp / layout.dataParallel) : tp
  const ep = layout.expertParallel
  const split: Split = {attnTp, embedDiv: dpAtt ? 1 : tp, expertDiv: Math.max(tp, ep), tp}
  const b = layerBytes(model, checkpoint.scheme, split)
  const stages = stageLayerCounts(b.layers.length, layout.pipelineParallel)
  let start = 0
  let most = 0
  for (const [i, count] of stages.entries()) {
    let bytes = b.layers.slice(start, start + count).reduce((s, x) => s + x, 0)
    start += count
    if (i === 0) bytes += b.embedding
    if (i === stages.length - 1) {
      bytes += b.head + b.finalNorm
      if (options.speculative === 'mtp') {
        // SGLang's NextN draft shares the target's embedding and head; vLLM's DeepSeekMTP loads its own.
        bytes += b.mtp + (options.engine === 'vllm' ? b.embedding + b.head : 0)
      }
    }

    most = Math.max(most, bytes)
  }

  return Math.round(most)
}
