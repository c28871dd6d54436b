/**
 * KV-cache bytes per token on one GPU. Pure.
 * - MLA (R1): one latent of kv_lora_rank + qk_rope_head_dim (512 + 64 = 576) elements per layer,
 *   held whole by every TP rank (vLLM get_num_kv_heads() returns 1 for MLA; SGLang's MLA pool is
 *   not split by TP). DP attention spreads requests over ranks instead.
 * - GQA (distills): 2 (K and V) × KV heads per rank × head_dim per layer; heads split by TP and
 *   replicated when TP exceeds them (max(1, heads / TP)).
 * - PP splits the layers (the largest stage counts); MTP speculative decoding adds one MLA layer.
 * Sources: shared/reference/memory.md §1.2, §2.1; models.json kv_cache_formulas.
 */
import type {ModelProfile} from '../profiles/catalog.js'
import type {KvCacheDtype, Layout} from './plan.schema.js'
import {stageLayerCounts} from './weights.js'

export function kvElementBytes(dtype: KvCacheDtype): number {
  return dtype === 'fp8' ? 1 : 2
}

export interface KvOptions {
  speculative: 'mtp' | null
}

export function kvBytesPerToken(model: ModelProfile, layout: Pick<Layout, 'pipelineParallel' | 'tensorParallel'>, dtype: KvCacheDtype, options: KvOptions = {speculative: null}): number {
  const a = model.architecture
  const stages = stageLayerCounts(a.numLayers, layout.pipelineParallel)
  const last = stages.length - 1
  // The MTP layer sits after the last main layer, on the last stage.
  const perStage = stages.map((n, i) => n + (i === last && options.speculative === 'mtp' && a.kind === 'mla-moe' ? a.numNextnPredictLayers : 0))
  const layers = Math.max(...perStage)
  const bytes = kvElementBytes(dtype)
  if (a.kind === 'mla-moe') return layers * ((a.kvLoraRank + a.qkRopeHeadDim) * bytes + (a.indexerCacheBytesPerLayer ?? 0))
  const kvHeadsPerRank = Math.max(1, Math.floor(a.numKeyValueHeads / layout.tensorParallel))
  return layers * 2 * kvHeadsPerRank * a.headDim * bytes
}
