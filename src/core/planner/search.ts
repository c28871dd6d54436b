/**
 * The search: every checkpoint × engine × parallel layout that can be tried on the hardware,
 * each with its compatibility verdict and memory plan (from compat.ts and memory.ts; no
 * arithmetic of its own). Pure and fast: r1 report runs it for every fleet entry.
 *
 * Layout convention (the memory model, compat and the builders read it the same way): a layout
 * says what the engine's flags say.
 * - vLLM uses tensorParallel × pipelineParallel × dataParallel GPUs. Its DP + EP layout for R1
 *   (`--tensor-parallel-size 1 --data-parallel-size 8 --enable-expert-parallel`) is TP 1, DP 8,
 *   EP 8 with dpAttention false: EP spans TP × DP.
 * - SGLang uses the same count without DP attention (DP replicas), and tensorParallel ×
 *   pipelineParallel GPUs with it: `--tp-size 8 --dp-size 8 --enable-dp-attention` is TP 8,
 *   DP 8 on 8 GPUs (the attention TP of one DP rank is TP / DP).
 */
import type {Goal, KvCacheDtypeRequest, Quantization} from '../constants.js'
import {checkpointSupportReason, layoutSupportReasons} from '../engines/layout-support.js'
import {R1Error} from '../errors.js'
import type {Checkpoint, EngineProfile, ModelProfile} from '../profiles/catalog.js'
import {checkCompatibility} from './compat.js'
import {batchSizes} from '../engines/tuning.js'
import {layoutText} from './layout-text.js'
import {type EstimateOptions, estimateMemory, memoryFigures} from './memory.js'
import type {Layout} from './plan.schema.js'
import {checkpointBytes, weightsPerGpu} from './weights.js'
import type {CompatResult, Hardware, MemoryEstimate, MemoryInput, PlanCore} from './types.js'

export interface LayoutPins {
  tensorParallel?: number
  pipelineParallel?: number
  dataParallel?: number
  expertParallel?: number
}

export interface SearchInput {
  /** The models to consider (already filtered by --model). */
  models: readonly ModelProfile[]
  /** The engines to consider (already filtered by --engine). */
  engines: readonly EngineProfile[]
  hardware: Hardware
  /** Only checkpoints of this family (--quantization). */
  quantization?: Quantization
  /** Only this checkpoint (--model named a repository). */
  checkpointId?: string
  /** --engine-version; each engine's default version otherwise. */
  engineVersion?: string
  contextLength: number
  goal: Goal
  kvCacheDtype: KvCacheDtypeRequest
  pins?: LayoutPins
  gpuMemoryUtilization?: number
  memFractionStatic?: number
}

export interface Candidate {
  model: ModelProfile
  checkpoint: Checkpoint
  engine: EngineProfile
  layout: Layout
  /** GPUs the layout occupies, over all its nodes. */
  gpus: number
  compat: CompatResult
  memory: MemoryEstimate
  plan: PlanCore
}

const MAX_TP_PER_NODE = 8

/** GPUs a layout occupies (see the file comment). */
export function layoutGpus(engine: EngineProfile['id'], layout: Layout): number {
  const dp = engine === 'sglang' && layout.dpAttention ? 1 : layout.dataParallel
  return layout.tensorParallel * layout.pipelineParallel * dp
}

export function searchCandidates(input: SearchInput): Candidate[] {
  const out: Candidate[] = []
  // What the engine release cannot express at all (a missing flag or value): not a candidate (engines/layout-support.ts).
  const unsupported: string[] = []
  for (const model of input.models) {
    const checkpoints = model.checkpoints.filter(
      (c) => (!input.quantization || c.quantization === input.quantization) && (!input.checkpointId || c.id === input.checkpointId),
    )
    if (checkpoints.length === 0) continue
    for (const engine of input.engines) {
      const version = input.engineVersion ?? engine.defaultVersion
      const layouts = enumerateLayouts(model, engine.id, input.hardware, input.pins ?? {}).filter((l) => {
        const reasons = layoutSupportReasons(engine.id, version, l)
        unsupported.push(...reasons)
        return reasons.length === 0
      })
      for (const checkpoint of checkpoints) {
        const reason = checkpointSupportReason(engine.id, version, checkpoint.engineQuantization[engine.id], checkpoint.repo)
        if (reason) {
          unsupported.push(reason)
          continue
        }

        const single = new Map<string, Candidate>()
        for (const layout of hopeful(model, checkpoint, layouts, input)) {
          // Busy GPUs: each replica's GPUs have their own free memory, so every layout is evaluated.
          const base = replicable(layout) && !input.hardware.gpu.memoryUsedBytes ? single.get(`${layout.tensorParallel}/${layout.pipelineParallel}`) : undefined
          const c = base ? withReplicas(base, layout, input.contextLength) : evaluate(input, model, checkpoint, engine, layout)
          if (replicable(layout) && layout.dataParallel === 1) single.set(`${layout.tensorParallel}/${layout.pipelineParallel}`, c)
          out.push(c)
        }
      }
    }
  }

  if (out.length === 0 && unsupported.length > 0) {
    throw new R1Error('R1_USAGE', `nothing to plan: ${unsupported[0]}`, {suggestions: [...new Set(unsupported)].slice(1, 3).concat('Plan for a newer release with --engine-version, or drop the pins.')})
  }

  return out
}

/**
 * Skip layouts whose weights cannot fit even in a lower bound (the checkpoint's bytes over the GPUs
 * that share them), keeping the one that shares most so the table still says why. Pinned layouts
 * are always evaluated. This keeps r1 report's many searches fast.
 */
const bytesMemo = new WeakMap<Checkpoint, number>()

/** Plain DP replicas on one node: every GPU holds what a single replica's GPU holds. */
export function replicable(l: Layout): boolean {
  return l.expertParallel === 1 && !l.dpAttention && l.nodes === 1
}

/**
 * A replicated layout from its single-replica twin, without evaluating it again: compatibility,
 * weights and the KV pool per GPU do not depend on the number of plain replicas; the concurrency
 * is the memory model's (whole requests per replica × replicas; one replica: the fraction). A test checks that
 * this equals a full evaluation.
 */
export function withReplicas(base: Candidate, layout: Layout, contextLength: number): Candidate {
  const dp = layout.dataParallel
  const perRequest = contextLength > 0 ? base.memory.kvCacheTokens / contextLength : 0
  const maxConcurrency = dp === 1 ? Math.floor(perRequest * 100) / 100 : Math.floor(perRequest) * dp
  const memory = {...base.memory, maxConcurrency}
  const plan = {...base.plan, dataParallel: dp, gpusPerNode: layout.gpusPerNode, layout: layoutText(layout), maxConcurrency: base.plan.fits ? maxConcurrency : Math.max(0, maxConcurrency)}
  return {...base, gpus: layout.tensorParallel * layout.pipelineParallel * dp, layout, memory, plan}
}

function hopeful(model: ModelProfile, checkpoint: Checkpoint, layouts: Layout[], input: SearchInput): Layout[] {
  if (layouts.length <= 1 || hasPins(input.pins ?? {})) return layouts
  let bytes = bytesMemo.get(checkpoint)
  if (bytes === undefined) bytesMemo.set(checkpoint, (bytes = checkpointBytes(model, checkpoint)))
  const moe = model.architecture.kind === 'mla-moe'
  const bound = (l: Layout) => bytes / ((moe ? Math.max(l.tensorParallel, l.expertParallel) : l.tensorParallel) * l.pipelineParallel)
  const limit = input.hardware.gpu.memoryTotalBytes
  const kept = layouts.filter((l) => bound(l) <= limit)
  if (kept.length > 0) return kept
  return [layouts.reduce((a, b) => (bound(b) < bound(a) ? b : a))]
}

/**
 * weightsPerGpu depends on TP, PP, EP and (SGLang DP attention) DP, not on DP replicas: compute it
 * once per distinct split (of each checkpoint, over every search of the run).
 */
const weightsMemo = new WeakMap<Checkpoint, Map<string, number>>()
function weightsFor(model: ModelProfile, checkpoint: Checkpoint, engine: EngineProfile['id'], l: Layout, speculative: 'mtp' | null): number {
  // Keyed by the checkpoint (weights do not depend on the GPU): r1 report reuses them across fleet entries and contexts.
  let memo = weightsMemo.get(checkpoint)
  if (!memo) weightsMemo.set(checkpoint, (memo = new Map()))
  const dpa = engine === 'sglang' && l.dpAttention ? l.dataParallel : 0
  const key = `${model.id}|${checkpoint.id}|${engine}|${l.tensorParallel}|${l.pipelineParallel}|${l.expertParallel}|${dpa}|${speculative}`
  let bytes = memo.get(key)
  if (bytes === undefined) memo.set(key, (bytes = weightsPerGpu(model, checkpoint, l, {engine, speculative})))
  return bytes
}

/** One candidate: compatibility, memory, and the plan (without its command). */
export function evaluate(input: SearchInput, model: ModelProfile, checkpoint: Checkpoint, engine: EngineProfile, layout: Layout): Candidate {
  const engineVersion = input.engineVersion ?? engine.defaultVersion
  const {gpu} = input.hardware
  const compat = checkCompatibility({
    checkpoint,
    engine,
    engineVersion,
    goal: input.goal,
    gpu,
    kvCacheDtype: input.kvCacheDtype,
    layout,
    model,
  })
  const memoryInput: MemoryInput = {
    checkpoint,
    contextLength: input.contextLength,
    engine,
    engineVersion,
    gpu,
    gpuMemoryUtilization: input.gpuMemoryUtilization,
    kvCacheDtype: compat.kvCacheDtype,
    layout,
    memFractionStatic: input.memFractionStatic,
    model,
    speculative: compat.speculative,
  }
  const options: EstimateOptions = {attentionBackend: compat.attentionBackend, weightsBytes: weightsFor(model, checkpoint, engine.id, layout, compat.speculative)}
  let memory = estimateMemory(memoryInput, options)
  // vLLM profiles the batch the command passes (--max-num-batched-tokens, --max-num-seqs, --max-cudagraph-capture-size,
  // sized from the KV capacity by the builder): estimate again with it until the sizes settle (two or three rounds).
  if (engine.id === 'vllm') {
    const gpuInfo = {architecture: gpu.architecture, computeCapability: gpu.computeCapability, memoryMiB: Math.round(gpu.memoryTotalBytes / 1024 ** 2), name: gpu.name}
    for (let round = 0; round < 3; round++) {
      const sizes = batchSizes({contextLength: input.contextLength, goal: input.goal, gpu: gpuInfo, kvCacheTokens: memory.kvCacheTokens})
      const batch = {cudaGraphMaxSize: sizes.cudaGraphMaxBs, maxNumBatchedTokens: Math.max(sizes.prefillChunk, sizes.maxRunningPerRank), maxNumSeqs: sizes.maxRunningPerRank}
      if (options.maxNumSeqs === batch.maxNumSeqs && options.maxNumBatchedTokens === batch.maxNumBatchedTokens) break
      Object.assign(options, batch)
      memory = estimateMemory(memoryInput, options)
    }
  }

  const blocking = [...compat.reasons, ...layoutReasons(model, checkpoint, layout)]

  const fits = compat.ok && blocking.length === 0 && memory.fits
  const reasons = unique([...blocking, ...memory.reasons, ...compat.notes])
  const plan: PlanCore = {
    attentionBackend: compat.attentionBackend,
    checkpoint: checkpoint.repo,
    checkpointId: checkpoint.id,
    contextLength: input.contextLength,
    dataParallel: layout.dataParallel,
    dpAttention: layout.dpAttention,
    dtype: compat.dtype,
    engine: engine.id,
    engineVersion,
    expertParallel: layout.expertParallel,
    fits,
    goal: input.goal,
    gpu: {
      architecture: gpu.architecture,
      computeCapability: gpu.computeCapability,
      memoryMiB: Math.round(gpu.memoryTotalBytes / 1024 ** 2),
      name: gpu.name,
    },
    gpuMemoryUtilization: engine.id === 'vllm' ? memory.utilization : null,
    gpusPerNode: layout.gpusPerNode,
    kvCacheDtype: compat.kvCacheDtype,
    kvCacheTokens: fits ? memory.kvCacheTokens : Math.max(0, memory.kvCacheTokens),
    kvCacheTokensRange: memory.kvCacheTokensRange,
    kvErrorBand: memory.kvBand,
    layout: layoutText(layout),
    maxConcurrency: fits ? memory.maxConcurrency : Math.max(0, memory.maxConcurrency),
    maxContextTokens: Math.max(0, memory.maxContextTokens),
    memFractionStatic: engine.id === 'sglang' ? memory.utilization : null,
    memory: memoryFigures(memory),
    memoryEra: memory.era,
    model: model.id,
    modelName: model.displayName,
    nodes: layout.nodes,
    pipelineParallel: layout.pipelineParallel,
    quantization: checkpoint.quantization,
    reasons,
    requiredFreeBytes: memory.requiredFreeBytes,
    speculative: compat.speculative,
    tensorParallel: layout.tensorParallel,
    tight: memory.tight,
  }
  return {checkpoint, compat, engine, gpus: layoutGpus(engine.id, layout), layout, memory, model, plan}
}

/** Divisibility the engines check at load time (heads, KV heads, experts, quantization groups). */
export function layoutReasons(model: ModelProfile, checkpoint: Checkpoint, layout: Layout): string[] {
  const reasons: string[] = []
  const a = model.architecture
  const tp = layout.tensorParallel
  // (compat.ts checks the attention heads of the dense models, and EP on them.)
  if (a.kind === 'gqa-dense') {
    const kv = a.numKeyValueHeads
    if (kv % tp !== 0 && tp % kv !== 0) reasons.push(`TP ${tp} and the ${kv} KV heads do not divide one another`)
  } else if (a.numAttentionHeads % tp !== 0) {
    reasons.push(`TP ${tp} does not divide the ${a.numAttentionHeads} attention heads`)
  }

  if (a.kind === 'mla-moe' && layout.expertParallel > 1 && a.numRoutedExperts % layout.expertParallel !== 0) {
    reasons.push(`EP ${layout.expertParallel} does not divide the ${a.numRoutedExperts} experts`)
  }

  if (layout.pipelineParallel > a.numLayers) reasons.push(`PP ${layout.pipelineParallel} is more than the ${a.numLayers} layers`)
  const scales = checkpoint.scheme.scales
  if (scales.kind === 'group') {
    // Each TP rank's slice of the MLP input must hold whole quantization groups (AWQ/GPTQ kernels).
    const inter = a.kind === 'gqa-dense' ? a.intermediateSize : a.moeIntermediateSize
    const shard = a.kind === 'mla-moe' && layout.expertParallel > 1 ? 1 : tp
    if (inter % shard !== 0 || (inter / shard) % scales.groupSize !== 0) {
      reasons.push(`TP ${tp} splits the ${inter}-wide MLP into slices that are not whole ${scales.groupSize}-wide quantization groups`)
    }
  }

  return reasons
}

/**
 * The layouts worth trying for one model on one engine: TP over the divisors of the GPUs of a
 * node (up to 8), across nodes as TP or TP × PP; DP attention and expert parallelism only for
 * the MoE model; DP replicas to fill the GPUs. Pinned values replace the enumerated ones.
 */
export function enumerateLayouts(model: ModelProfile, engine: EngineProfile['id'], hardware: Hardware, pins: LayoutPins): Layout[] {
  const perNode = hardware.gpusPerNode
  const nodes = hardware.nodes
  const total = perNode * nodes
  const moe = model.architecture.kind === 'mla-moe'
  const seen = new Set<string>()
  const out: Layout[] = []
  const add = (tp: number, pp: number, dp: number, ep: number, dpAttention: boolean) => {
    const layout = makeLayout(engine, perNode, tp, pp, dp, ep, dpAttention)
    if (!layout || layoutGpus(engine, layout) > total) return
    if (pins.tensorParallel !== undefined && layout.tensorParallel !== pins.tensorParallel) return
    if (pins.pipelineParallel !== undefined && layout.pipelineParallel !== pins.pipelineParallel) return
    if (pins.dataParallel !== undefined && layout.dataParallel !== pins.dataParallel) return
    if (pins.expertParallel !== undefined && layout.expertParallel !== pins.expertParallel) return
    const key = `${layout.tensorParallel}/${layout.pipelineParallel}/${layout.dataParallel}/${layout.expertParallel}/${layout.dpAttention}`
    if (seen.has(key)) return
    seen.add(key)
    out.push(layout)
  }

  const tps = divisors(perNode).filter((d) => d <= MAX_TP_PER_NODE)
  // One node (also on several nodes: a distill needs only one; the plan says so).
  for (const tp of tps) {
    const fill = Math.floor(perNode / tp)
    for (const dp of unique([1, fill])) {
      add(tp, 1, dp, 1, false)
      if (moe && tp > 1) add(tp, 1, dp, engine === 'vllm' ? tp * dp : tp, false)
    }
  }

  // Pipeline parallelism inside a node when tensor parallelism alone cannot use its GPUs: a node of
  // 3, 6 or 12 GPUs (TP must divide the attention heads) or of more than 8; also whenever --pp is pinned.
  // On several nodes the stages run on across them (TP 2 × PP 6 on 2 nodes of 6).
  const wantPp = !tpFillsNode(model, perNode) || pins.pipelineParallel !== undefined
  if (wantPp) {
    for (const tp of tps) {
      // A distill fits in one node: its stages stay there (as its TP does), unless pinned.
      for (const n of unique([1, moe || hasPins(pins) ? nodes : 1])) {
        const pp = (perNode / tp) * n
        if (pp <= 1) continue
        add(tp, pp, 1, 1, false)
        if (moe && tp > 1) add(tp, pp, 1, tp, false)
      }
    }
  }

  // Data-parallel attention with expert parallelism over one node: SGLang `--tp-size N --dp-size N
  // --enable-dp-attention --ep-size N`; vLLM `--data-parallel-size N --enable-expert-parallel`.
  if (moe && perNode > 1) {
    if (engine === 'sglang') add(perNode, 1, perNode, perNode, true)
    else add(1, 1, perNode, perNode, false)
  }

  if (nodes > 1) {
    // Across nodes: TP over all GPUs, or TP in the node and PP over the nodes. A distill fits in one
    // node, so it stays there (with vLLM, DP replicas can span the nodes).
    if (moe || hasPins(pins)) {
      add(total, 1, 1, 1, false)
      add(perNode, nodes, 1, 1, false)
    }

    if (moe) {
      add(total, 1, 1, total, false)
      if (engine === 'sglang') {
        add(total, 1, total, total, true)
        // SGLang's two-node example: `--tp 16 --dp 2 --enable-dp-attention`.
        add(total, 1, nodes, total, true)
      } else {
        add(1, 1, total, total, false)
      }
    } else if (engine === 'vllm') {
      // Dense models across nodes: TP inside the node, vLLM DP replicas over the nodes.
      for (const tp of tps) add(tp, 1, total / tp, 1, false)
    }
  }

  // Pinned values that the enumeration above did not produce: try them as asked.
  if (out.length === 0 && hasPins(pins)) {
    const pp = pins.pipelineParallel ?? 1
    const fill = Math.floor(total / pp / (pins.dataParallel ?? 1))
    const tp = pins.tensorParallel ?? Math.max(1, Math.min(fill, MAX_TP_PER_NODE))
    const dp = pins.dataParallel ?? 1
    const ep = pins.expertParallel ?? 1
    if (engine === 'sglang' && moe && dp > 1 && tp % dp === 0) add(tp, pp, dp, ep, true)
    if (out.length === 0) add(tp, pp, dp, ep, false)
  }

  return out
}

/** Whether TP over every GPU of a node is a valid split of the model's attention (and at most 8 wide). */
export function tpFillsNode(model: ModelProfile, perNode: number): boolean {
  if (perNode > MAX_TP_PER_NODE) return false
  const a = model.architecture
  if (a.numAttentionHeads % perNode !== 0) return false
  if (a.kind === 'gqa-dense') return a.numKeyValueHeads % perNode === 0 || perNode % a.numKeyValueHeads === 0
  return true
}

function makeLayout(engine: EngineProfile['id'], perNode: number, tp: number, pp: number, dp: number, ep: number, dpAttention: boolean): Layout | null {
  if (tp < 1 || pp < 1 || dp < 1 || ep < 1 || !Number.isInteger(dp)) return null
  const base: Layout = {dataParallel: dp, dpAttention, expertParallel: ep, gpusPerNode: 1, nodes: 1, pipelineParallel: pp, tensorParallel: tp}
  const gpus = layoutGpus(engine, base)
  if (gpus <= perNode) return {...base, gpusPerNode: gpus}
  if (gpus % perNode !== 0) return null
  return {...base, gpusPerNode: perNode, nodes: gpus / perNode}
}

function hasPins(p: LayoutPins): boolean {
  return p.tensorParallel !== undefined || p.pipelineParallel !== undefined || p.dataParallel !== undefined || p.expertParallel !== undefined
}

export function divisors(n: number): number[] {
  const out: number[] = []
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d)
  return out
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}

/** 131072 → "131,072" (without toLocaleString, whose first call loads ICU: ~50 ms). */
export function fmtInt(n: number): string {
  const sign = n < 0 ? '-' : ''
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
