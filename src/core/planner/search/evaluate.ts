/**
 * One candidate of the search: a checkpoint on an engine release in one layout, with its compatibility
 * verdict (compat.ts), its memory plan (memory.ts, re-estimated for vLLM with the batch its command sets)
 * and the load-time divisibility checks of the engines. No arithmetic of its own.
 */
import type {Goal, KvCacheDtypeRequest, Quantization} from '../../constants.js'
import type {Checkpoint, EngineProfile, ModelProfile} from '../../profiles/catalog.js'
import {batchSizes} from '../../engines/tuning.js'
import {checkCompatibility} from '../compat.js'
import {layoutText} from '../layout-text.js'
import {type EstimateOptions, estimateMemory, memoryFigures} from '../memory.js'
import type {Layout} from '../plan.schema.js'
import type {CompatResult, Hardware, MemoryEstimate, MemoryInput, PlanCore} from '../types.js'
import {weightsPerGpu} from '../weights.js'
import {layoutGpus, type LayoutPins, unique} from './layouts.js'

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
