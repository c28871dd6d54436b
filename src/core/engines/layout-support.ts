/**
 * Whether an engine release can run a parallel layout at all: the flags the layout needs exist in that release
 * (interface.ts) and the behaviour behind them is there (semantics.ts). The search asks this, so a plan never
 * needs a command the release would refuse (vLLM 0.8.5 on 2×8 GPUs gets TP/PP over Ray, not DP 16).
 */
import type {Engine} from '../constants.js'
import type {Layout} from '../planner/plan.schema.js'
import {engineFlagsFor} from './versions.js'

/** Why the release cannot run the layout (empty when it can). */
export function layoutSupportReasons(engine: Engine, version: string, layout: Layout): string[] {
  const flags = engineFlagsFor(engine, version)
  const name = engine === 'vllm' ? 'vLLM' : 'SGLang'
  const at = `${name} ${flags.version}`
  const reasons: string[] = []
  const need = (flag: string, what: string) => {
    if (!flags.current(flag)) reasons.push(`${at} has no ${flag}: no ${what}`)
  }

  if (engine === 'vllm') {
    if (layout.dataParallel > 1) need('--data-parallel-size', 'data parallelism (from 0.8.3)')
    if (layout.pipelineParallel > 1) need('--pipeline-parallel-size', 'pipeline parallelism')
    if (layout.expertParallel > 1) need('--enable-expert-parallel', 'expert parallelism (from 0.8.0)')
    if (layout.dataParallel > 1 && layout.nodes > 1 && reasons.length === 0) {
      const perReplica = layout.tensorParallel * layout.pipelineParallel
      const local = layout.gpusPerNode % perReplica === 0 && flags.current('--data-parallel-size-local')
      if (!flags.has('multi-node-dp')) {
        reasons.push(`${at} cannot spread data parallelism over nodes (multi-node DP arrived in 0.9.0): several nodes run TP/PP over Ray`)
      } else if (!local && !flags.current('--data-parallel-backend')) {
        reasons.push(`${at} cannot lay out ${perReplica}-GPU replicas over ${layout.gpusPerNode}-GPU nodes (the Ray DP backend arrived in 0.9.1)`)
      }
    }
  } else {
    if (layout.dataParallel > 1) need('--dp-size', 'data parallelism')
    if (layout.dpAttention) need('--enable-dp-attention', 'DP attention')
    if (layout.pipelineParallel > 1) need('--pp-size', 'pipeline parallelism (from 0.4.6.post2)')
    if (layout.expertParallel > 1 && !flags.current('--enable-ep-moe') && !flags.current('--ep-size')) reasons.push(`${at} has no expert parallelism flag`)
    if (layout.nodes > 1) need('--nnodes', 'several nodes')
  }

  return reasons
}

/** Why the release cannot load a checkpoint the way r1 names its quantization (null when it can). */
export function checkpointSupportReason(engine: Engine, version: string, quantization: string | null, repo: string): string | null {
  if (!quantization) return null
  const flags = engineFlagsFor(engine, version)
  if (flags.accepts('--quantization', quantization)) return null
  return `${engine === 'vllm' ? 'vLLM' : 'SGLang'} ${flags.version} has no --quantization ${quantization} (needed for ${repo})`
}
