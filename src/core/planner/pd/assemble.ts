/**
 * A disaggregated search outcome → the plan's data: each role as a PlanCore (what the engine builders
 * read) and as the PdRolePlan the result shows. Pure.
 */
import {memoryFigures} from '../memory.js'
import type {PlanCore} from '../types.js'
import type {DecodeSizing, PdCandidate, PrefillSizing} from './disaggregate.js'
import type {PdRolePlan} from './pd.schema.js'
import type {RoleContext, RoleEvaluation} from './roles.js'

/** The PlanCore of one instance of a role (the engine builders' input). */
export function rolePlanCore(ctx: RoleContext, role: RoleEvaluation): PlanCore {
  const {engine, gpu, model, checkpoint} = ctx
  const m = role.memory
  return {
    attentionBackend: role.compat.attentionBackend,
    checkpoint: checkpoint.repo,
    checkpointId: checkpoint.id,
    contextLength: ctx.contextLength,
    dataParallel: role.layout.dataParallel,
    dpAttention: role.layout.dpAttention,
    dtype: role.compat.dtype,
    engine: engine.id,
    engineVersion: ctx.engineVersion,
    expertParallel: role.layout.expertParallel,
    fits: role.fits,
    goal: 'throughput',
    gpu: {architecture: gpu.architecture, computeCapability: gpu.computeCapability, memoryMiB: Math.round(gpu.memoryTotalBytes / 1024 ** 2), name: gpu.name},
    gpuMemoryUtilization: engine.id === 'vllm' ? m.utilization : null,
    gpusPerNode: role.layout.gpusPerNode,
    kvCacheDtype: role.compat.kvCacheDtype,
    kvCacheTokens: role.kvTokensPerRank,
    maxConcurrency: m.maxConcurrency,
    maxContextTokens: Math.max(0, m.maxContextTokens),
    memFractionStatic: engine.id === 'sglang' ? m.utilization : null,
    memory: memoryFigures(m),
    model: model.id,
    modelName: model.displayName,
    nodes: role.layout.nodes,
    pipelineParallel: 1,
    quantization: checkpoint.quantization,
    reasons: role.reasons,
    speculative: null,
    tensorParallel: role.layout.tensorParallel,
  }
}

export function prefillPlan(s: PrefillSizing, engine: 'sglang' | 'vllm'): PdRolePlan {
  const r = s.role
  return {
    ...common(r, engine),
    batchPerRank: s.maxRunningPerRank,
    chunkedPrefillSize: s.chunkPerRank * r.ranks,
    cudaGraphMaxBatch: null,
    instances: s.instances,
    itlMs: null,
    maxRunningRequests: s.maxRunningPerRank * r.ranks,
    nodesPerInstance: s.nodesPerInstance,
    ratePerNode: Math.round(s.ratePerNode),
    role: 'prefill',
    ttftMs: s.ttftMs,
  }
}

export function decodePlan(s: DecodeSizing, engine: 'sglang' | 'vllm'): PdRolePlan {
  const r = s.role
  return {
    ...common(r, engine),
    batchPerRank: s.batchPerRank,
    chunkedPrefillSize: null,
    cudaGraphMaxBatch: s.batchPerRank,
    instances: s.instances,
    itlMs: s.itlMs,
    maxRunningRequests: s.batchPerRank * r.ranks,
    nodesPerInstance: s.nodesPerInstance,
    ratePerNode: Math.round(s.ratePerNode),
    role: 'decode',
    ttftMs: null,
  }
}

function common(r: RoleEvaluation, engine: 'sglang' | 'vllm') {
  return {
    dataParallel: r.layout.dataParallel,
    dpAttention: r.layout.dpAttention,
    expertParallel: r.layout.expertParallel,
    gpuMemoryUtilization: engine === 'vllm' ? r.memory.utilization : null,
    gpusPerNode: r.layout.gpusPerNode,
    kvCacheTokensPerRank: r.kvTokensPerRank,
    memFractionStatic: engine === 'sglang' ? r.memory.utilization : null,
    memory: memoryFigures(r.memory),
    ranks: r.ranks,
    redundantExperts: r.redundantExperts,
    tensorParallel: r.layout.tensorParallel,
  }
}

export function ratioOf(c: PdCandidate): {prefillNodes: number; decodeNodes: number; decodePerPrefill: number} {
  const prefillNodes = c.prefill.instances * c.prefill.nodesPerInstance
  const decodeNodes = c.decode.instances * c.decode.nodesPerInstance
  return {decodeNodes, decodePerPrefill: Math.round((decodeNodes / prefillNodes) * 100) / 100, prefillNodes}
}
