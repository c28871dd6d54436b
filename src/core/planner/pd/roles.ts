/**
 * One role instance of a disaggregated plan (a prefill or a decode server spanning whole nodes): its
 * parallel layout, the redundant experts EPLB adds, its memory plan (the engines' own arithmetic,
 * memory.ts) and the batch sizes that follow from its KV pool. Pure.
 *
 * Layouts (pd-disaggregation.md §1.4, §2.6; the published recipes):
 * - SGLang, R1: `--tp-size N --dp-size N --enable-dp-attention --moe-a2a-backend deepep` over all N GPUs of
 *   the instance (attention TP 1 per rank, EP = TP, LMSYS #6017, Dynamo, LWS example).
 * - vLLM, R1: `--tensor-parallel-size 1 --data-parallel-size N --enable-expert-parallel` (llm-d wide-EP).
 * - A dense distill (only with --disaggregate on): TP over the node's GPUs, one node per instance.
 * Redundant experts: the recipes use 32 (256 + 32 = 288 physical experts). The physical count must split
 * evenly over the EP ranks, so r1 takes the fewest redundant experts, at least 32, that make it do
 * (EP 72 → 32, EP 64 → 64): an r1 rule derived from that constraint (inferred).
 */
import type {KvCacheDtypeRequest} from '../../constants.js'
import type {Checkpoint, EngineProfile, ModelProfile} from '../../profiles/catalog.js'
import {checkCompatibility} from '../compat.js'
import {type DetailedEstimate, estimateMemory} from '../memory.js'
import type {Layout} from '../plan.schema.js'
import type {CompatResult, GpuSpec} from '../types.js'
import {matrixBytes, weightsPerGpu} from '../weights.js'

export type PdRole = 'prefill' | 'decode'

export const MIN_REDUNDANT_EXPERTS = 32

/** Recipe memory fractions (SGLang --mem-fraction-static; vLLM --gpu-memory-utilization): §1.8 sets B/B2, §2.8 set D. */
export const ROLE_UTILIZATION: Record<EngineProfile['id'], Record<PdRole, number>> = {
  sglang: {decode: 0.835, prefill: 0.85},
  vllm: {decode: 0.9, prefill: 0.8},
}

export interface RoleContext {
  model: ModelProfile
  checkpoint: Checkpoint
  engine: EngineProfile
  engineVersion: string
  gpu: GpuSpec
  gpusPerNode: number
  /** The longest request the servers accept (--context). */
  contextLength: number
  kvCacheDtype: KvCacheDtypeRequest
  memFractionStatic?: number
  gpuMemoryUtilization?: number
}

export interface RoleEvaluation {
  role: PdRole
  nodes: number
  layout: Layout
  redundantExperts: number
  compat: CompatResult
  memory: DetailedEstimate
  /** Weights per GPU (redundant experts included) and the routed experts among them. */
  weightsBytes: number
  routedBytes: number
  /** KV tokens one rank's pool holds (a DP-attention rank, a vLLM DP rank, or the TP group). */
  kvTokensPerRank: number
  /** Ranks with their own KV pool and scheduler. */
  ranks: number
  fits: boolean
  reasons: string[]
}

export function isMoe(model: ModelProfile): boolean {
  return model.architecture.kind === 'mla-moe'
}

/** The layout of a role instance over `nodes` whole nodes (see the file comment). */
export function roleLayout(engine: EngineProfile['id'], model: ModelProfile, nodes: number, gpusPerNode: number): Layout {
  const n = nodes * gpusPerNode
  if (!isMoe(model)) {
    const tp = Math.min(gpusPerNode, 8)
    return {dataParallel: 1, dpAttention: false, expertParallel: 1, gpusPerNode: tp, nodes: 1, pipelineParallel: 1, tensorParallel: tp}
  }

  if (engine === 'sglang') return {dataParallel: n, dpAttention: true, expertParallel: n, gpusPerNode, nodes, pipelineParallel: 1, tensorParallel: n}
  return {dataParallel: n, dpAttention: false, expertParallel: n, gpusPerNode, nodes, pipelineParallel: 1, tensorParallel: 1}
}

/** The fewest redundant experts, at least 32, that make the physical experts split evenly over EP ranks. */
export function redundantExperts(model: ModelProfile, ep: number): number {
  const a = model.architecture
  if (a.kind !== 'mla-moe' || ep <= 1) return 0
  const physical = Math.ceil((a.numRoutedExperts + MIN_REDUNDANT_EXPERTS) / ep) * ep
  return physical - a.numRoutedExperts
}

/** Weights per GPU with the redundant experts, and the routed-expert bytes among them. */
export function roleWeights(model: ModelProfile, checkpoint: Checkpoint, engine: EngineProfile['id'], layout: Layout, redundant: number): {total: number; routed: number} {
  const base = weightsPerGpu(model, checkpoint, layout, {engine, speculative: null})
  const a = model.architecture
  if (a.kind !== 'mla-moe') return {routed: 0, total: base}
  // Routed experts are spread over max(TP, EP) ranks; doubling EP halves them: R/E = 2 × (W(E) − W(2E)).
  const div = Math.max(layout.tensorParallel, layout.expertParallel)
  const wider = weightsPerGpu(model, checkpoint, {...layout, expertParallel: 2 * div}, {engine, speculative: null})
  const routed = 2 * (base - wider)
  const extra = (routed * redundant) / a.numRoutedExperts
  return {routed: routed + extra, total: base + extra + replicatedUnderDpAttention(model, checkpoint, engine, layout)}
}

/**
 * SGLang PD roles run `--moe-dense-tp-size 1 --enable-dp-lm-head` with DeepEP: the three dense MLPs, the
 * shared experts and the LM head are whole on every rank (attention TP 1), where weights.ts splits them by
 * TP. The difference, per GPU (pd-disaggregation.md §1.4).
 */
function replicatedUnderDpAttention(model: ModelProfile, checkpoint: Checkpoint, engine: EngineProfile['id'], layout: Layout): number {
  const a = model.architecture
  if (a.kind !== 'mla-moe' || engine !== 'sglang' || !layout.dpAttention || layout.tensorParallel <= 1) return 0
  const scheme = checkpoint.scheme
  const quantized = scheme.covers !== 'none' && scheme.covers !== 'moe-experts'
  const h = a.hiddenSize
  const mlp = (inter: number) => 3 * matrixBytes({in: h, out: inter}, scheme, quantized)
  const whole = a.firstKDenseReplace * mlp(a.intermediateSize) + (a.numLayers - a.firstKDenseReplace) * mlp(a.moeIntermediateSize * a.numSharedExperts) + a.vocabSize * h * 2
  return whole * (1 - 1 / layout.tensorParallel)
}

export function evaluateRole(ctx: RoleContext, role: PdRole, nodes: number): RoleEvaluation {
  const {engine, model} = ctx
  const layout = roleLayout(engine.id, model, nodes, ctx.gpusPerNode)
  const redundant = redundantExperts(model, layout.expertParallel)
  const compat = checkCompatibility({
    checkpoint: ctx.checkpoint,
    engine,
    engineVersion: ctx.engineVersion,
    goal: 'throughput',
    gpu: ctx.gpu,
    kvCacheDtype: ctx.kvCacheDtype,
    layout,
    model,
  })
  const weights = roleWeights(model, ctx.checkpoint, engine.id, layout, redundant)
  const pinned = engine.id === 'sglang' ? ctx.memFractionStatic : ctx.gpuMemoryUtilization
  const utilization = pinned ?? ROLE_UTILIZATION[engine.id][role]
  const memory = estimateMemory(
    {
      checkpoint: ctx.checkpoint,
      contextLength: ctx.contextLength,
      engine,
      engineVersion: ctx.engineVersion,
      gpu: ctx.gpu,
      gpuMemoryUtilization: engine.id === 'vllm' ? utilization : undefined,
      kvCacheDtype: compat.kvCacheDtype,
      layout,
      memFractionStatic: engine.id === 'sglang' ? utilization : undefined,
      model,
      speculative: null,
    },
    {attentionBackend: compat.attentionBackend, weightsBytes: weights.total},
  )
  const reasons = [...compat.reasons, ...memory.reasons]
  const a = model.architecture
  if (a.kind === 'mla-moe' && layout.dpAttention && a.numAttentionHeads % (layout.tensorParallel / layout.dataParallel) !== 0) {
    reasons.push(`attention TP ${layout.tensorParallel / layout.dataParallel} does not divide the ${a.numAttentionHeads} heads`)
  }

  const ranks = isMoe(model) ? layout.dataParallel : 1
  return {
    compat,
    fits: compat.ok && reasons.length === 0 && memory.fits,
    kvTokensPerRank: Math.max(0, memory.kvCacheTokens),
    layout,
    memory,
    nodes,
    ranks,
    reasons,
    redundantExperts: redundant,
    role,
    routedBytes: weights.routed,
    weightsBytes: weights.total,
  }
}
