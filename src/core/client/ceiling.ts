/**
 * A decode ceiling to print beside bench's measurements, from the plan and the GPU's memory bandwidth.
 *
 * Roofline: at each decode step every GPU of a dense model reads its whole weight shard at least
 * once, and pipeline stages run one after the other for a given token, so one request cannot
 * decode faster than bandwidth / (PP × weights per GPU), and c concurrent requests not faster
 * than c times that. It ignores KV-cache reads and compute, so it is an upper bound, never a
 * forecast. For MoE models (R1 itself) a step reads only the experts the batch routes to, which
 * depends on the batch, and MTP speculation can emit several tokens a step: no honest bound comes
 * from the plan alone, so only the plan's KV capacity and concurrency are shown.
 */
import type {PlanConfig} from '../planner/plan.schema.js'
import {gibText} from '../units.js'

export interface CeilingInput {
  plan: Pick<PlanConfig, 'gpu' | 'kvCacheTokens' | 'maxConcurrency' | 'memory' | 'pipelineParallel' | 'speculative'>
  planPath: string
  /** From the GPU profile; null when the GPU is not in the catalog. */
  bandwidthGBs: number | null
  /** The model profile's architecture kind; null when the model is not in the catalog. */
  modelKind: 'mla-moe' | 'gqa-dense' | null
  concurrency: number
}

export interface Ceiling {
  plan: string
  gpu: string
  kvCacheTokens: number
  maxConcurrency: number
  decodeTokensPerSecondPerRequest: number | null
  decodeOutputTokensPerSecond: number | null
  note: string
}

export function decodeCeiling(input: CeilingInput): Ceiling {
  const {plan} = input
  const base = {
    decodeOutputTokensPerSecond: null,
    decodeTokensPerSecondPerRequest: null,
    gpu: plan.gpu.name,
    kvCacheTokens: plan.kvCacheTokens,
    maxConcurrency: plan.maxConcurrency,
    plan: input.planPath,
  }
  const kvOnly = 'only the plan’s KV capacity and concurrency are shown'
  if (input.modelKind === 'mla-moe') {
    return {...base, note: `no bandwidth ceiling for a MoE model (a step reads only the routed experts, which depends on the batch): ${kvOnly}`}
  }

  if (input.modelKind === null) return {...base, note: `the plan’s model is not in the catalog: ${kvOnly}`}
  if (plan.speculative !== null) return {...base, note: `speculative decoding emits several tokens per step: ${kvOnly}`}
  if (input.bandwidthGBs === null) return {...base, note: `the GPU ${plan.gpu.name} is not in the catalog (no bandwidth): ${kvOnly}`}
  const bytesPerStep = plan.memory.weightsGiB * 2 ** 30 * Math.max(1, plan.pipelineParallel)
  if (!(bytesPerStep > 0)) return {...base, note: `the plan has no weight size: ${kvOnly}`}
  const perRequest = (input.bandwidthGBs * 1e9) / bytesPerStep
  return {
    ...base,
    decodeOutputTokensPerSecond: perRequest * input.concurrency,
    decodeTokensPerSecondPerRequest: perRequest,
    note: `bandwidth roofline: ${input.bandwidthGBs} GB/s per GPU over ${gibText(plan.memory.weightsGiB)} GiB of weights per GPU${plan.pipelineParallel > 1 ? ` × ${plan.pipelineParallel} pipeline stages` : ''}; ignores KV reads and compute (an upper bound)`,
  }
}
