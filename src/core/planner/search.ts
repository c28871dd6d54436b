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
import {checkpointSupportReason, layoutSupportReasons} from '../engines/layout-support.js'
import {R1Error} from '../errors.js'
import {type Candidate, evaluate, type SearchInput} from './search/evaluate.js'
import {enumerateLayouts} from './search/layouts.js'
import {hopeful} from './search/prune.js'
import {replicable, withReplicas} from './search/replicas.js'

export {type Candidate, evaluate, layoutReasons, type SearchInput} from './search/evaluate.js'
export {divisors, enumerateLayouts, layoutGpus, type LayoutPins, tpFillsNode} from './search/layouts.js'
export {replicable, withReplicas} from './search/replicas.js'
export {fmtInt} from './format.js'

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
