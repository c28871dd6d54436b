/**
 * The one way r1 writes a parallel layout, in plan, the picker, serve, report and JSON:
 * "TP8", "TP2 PP3", "TP1 DP8 EP8", "TP8 DP8 EP8 (DP attention)", "TP8 PP2 on 2 nodes".
 * LAYOUT_HELP explains it once, in `r1 plan --help` and `r1 report --help`. Pure.
 */
import type {Layout} from './plan.schema.js'

export const LAYOUT_HELP = `LAYOUT
  TP8 = tensor parallelism over 8 GPUs; PP3 = 3 pipeline stages; DP4 = 4 data-parallel
  replicas; EP8 = experts spread over 8 GPUs (R1). "(DP attention)" = SGLang's data-parallel
  attention: the DP ranks split the attention inside the TP group (no extra GPUs) while the
  experts stay shared. "on 2 nodes" when the layout spans nodes.`

export function layoutText(l: Pick<Layout, 'tensorParallel' | 'pipelineParallel' | 'dataParallel' | 'expertParallel' | 'dpAttention' | 'nodes'>): string {
  const parts = [`TP${l.tensorParallel}`]
  if (l.pipelineParallel > 1) parts.push(`PP${l.pipelineParallel}`)
  if (l.dataParallel > 1) parts.push(`DP${l.dataParallel}`)
  if (l.expertParallel > 1) parts.push(`EP${l.expertParallel}`)
  if (l.dpAttention && l.dataParallel > 1) parts.push('(DP attention)')
  if (l.nodes > 1) parts.push(`on ${l.nodes} nodes`)
  return parts.join(' ')
}
