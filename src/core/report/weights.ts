/**
 * Which part of a checkpoint's weight bytes are routed experts: the roofline reads only the
 * experts a step's tokens pick, and everything else in full. A ratio over the whole checkpoint,
 * from the memory model's own byte counts (planner/weights.ts: matrixBytes, checkpointBytes), applied
 * to the weights per GPU. Per GPU the share differs slightly (replicated attention projections),
 * which moves a ceiling by a few per cent at most.
 */
import {checkpointBytes, matrixBytes} from '../planner/weights.js'
import type {Checkpoint, ModelProfile} from '../profiles/catalog.js'

const cache = new WeakMap<Checkpoint, number>()

export function routedExpertShare(model: ModelProfile, checkpoint: Checkpoint): number {
  const a = model.architecture
  if (a.kind !== 'mla-moe') return 0
  const held = cache.get(checkpoint)
  if (held !== undefined) return held
  // Routed experts carry the quantized format under every scheme but 'none' (planner/weights.ts isQuantized).
  const quantized = checkpoint.scheme.covers !== 'none'
  const h = a.hiddenSize
  const inter = a.moeIntermediateSize
  const expert =
    2 * matrixBytes({in: h, out: inter}, checkpoint.scheme, quantized) + matrixBytes({in: inter, out: h}, checkpoint.scheme, quantized)
  const routed = (a.numLayers - a.firstKDenseReplace) * a.numRoutedExperts * expert
  const total = checkpointBytes(model, {...checkpoint, includesMtp: false})
  const share = Math.min(1, routed / total)
  cache.set(checkpoint, share)
  return share
}
