/**
 * Skip layouts whose weights cannot fit even in a lower bound (the checkpoint's bytes over the GPUs
 * that share them), keeping the one that shares most so the table still says why. Pinned layouts
 * are always evaluated. This keeps r1 report's many searches fast.
 */
import type {Checkpoint, ModelProfile} from '../../profiles/catalog.js'
import type {Layout} from '../plan.schema.js'
import {checkpointBytes} from '../weights.js'
import {hasPins, type LayoutPins} from './layouts.js'

const bytesMemo = new WeakMap<Checkpoint, number>()

/** The layouts worth evaluating (see the file comment). */
export function hopeful(model: ModelProfile, checkpoint: Checkpoint, layouts: Layout[], input: {hardware: {gpu: {memoryTotalBytes: number}}; pins?: LayoutPins}): Layout[] {
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
