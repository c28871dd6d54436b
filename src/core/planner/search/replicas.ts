/**
 * Plain data-parallel replicas on one node: a replicated layout from its single-replica twin, without
 * evaluating it again.
 */
import {layoutText} from '../layout-text.js'
import type {Layout} from '../plan.schema.js'
import type {Candidate} from './evaluate.js'

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
