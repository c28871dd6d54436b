/**
 * The decode-throughput ceiling of the memory-bandwidth roofline, and the cost at that ceiling.
 *
 * Decode reads, for every step, each GPU's share of the active weights plus the KV cache of every
 * request in the batch; one step yields one token per request. So, per step and per GPU:
 *
 *   bytes = activeWeightsPerGpu(batch) + requestsPerKvPool × context × kvBytesPerTokenPerGpu
 *   step  = bytes / bandwidth
 *   ceiling (tokens/s, whole deployment) = batch / step
 *
 * The batch is the concurrency at the context: floor(maxConcurrency) requests (at least one), each
 * holding the full context (or as much of it as one request can hold). For a mixture of experts, the routed experts a step reads are the ones its tokens
 * pick: with `tokens` tokens each choosing k of E experts (uniform routing), the expected share of
 * experts read is 1 − (1 − k/E)^tokens. Everything else (attention, dense layers, shared experts,
 * embeddings and head) is read in full every step. Compute, communication and scheduling are
 * ignored: real systems sit well below (6–10 % of it at batch 1 for R1, by the published figures in
 * published.ts).
 */
export interface RooflineInput {
  /** Per GPU, GB/s (10^9 bytes). */
  bandwidthGBs: number
  /** Weights held by one GPU, bytes. */
  weightsBytesPerGpu: number
  /** Share of those bytes that are routed experts (0 for a dense model). */
  routedExpertShare: number
  /** Routed experts per token (k) and in total (E); ignored when routedExpertShare is 0. */
  expertsPerToken: number
  numExperts: number
  /** KV bytes per token on one GPU. */
  kvBytesPerTokenPerGpu: number
  context: number
  /** Requests in flight over the whole deployment. */
  batch: number
  /** Independent KV pools (model replicas or DP-attention ranks) the batch is spread over. */
  kvPools: number
  /** Tokens that meet the same experts in one step (the whole EP group's batch). */
  tokensPerExpertGroup: number
}

export interface Roofline {
  tokensPerSecond: number
  activeWeightsBytesPerGpu: number
  kvReadBytesPerGpu: number
  stepSeconds: number
}

export function expertsReadShare(tokens: number, expertsPerToken: number, numExperts: number): number {
  if (numExperts <= 0 || tokens <= 0) return 0
  const p = Math.min(1, expertsPerToken / numExperts)
  return 1 - (1 - p) ** tokens
}

export function decodeCeiling(input: RooflineInput): Roofline {
  const share = Math.min(1, Math.max(0, input.routedExpertShare))
  const read = share > 0 ? expertsReadShare(input.tokensPerExpertGroup, input.expertsPerToken, input.numExperts) : 0
  const activeWeightsBytesPerGpu = input.weightsBytesPerGpu * (1 - share) + input.weightsBytesPerGpu * share * read
  // The step lasts as long as the busiest pool's GPUs read: requests are whole, so round up.
  const requestsPerPool = Math.ceil(input.batch / Math.max(1, input.kvPools))
  const kvReadBytesPerGpu = requestsPerPool * input.context * input.kvBytesPerTokenPerGpu
  const stepSeconds = (activeWeightsBytesPerGpu + kvReadBytesPerGpu) / (input.bandwidthGBs * 1e9)
  return {activeWeightsBytesPerGpu, kvReadBytesPerGpu, stepSeconds, tokensPerSecond: input.batch / stepSeconds}
}

/** The batch the ceiling is computed at: the requests of `context` tokens that fit at once (at least one). */
export function ceilingBatch(maxConcurrency: number): number {
  return Math.max(1, Math.floor(maxConcurrency))
}

/** USD per million output tokens: what the fleet entry costs per hour over what it can emit per hour. */
export function costPerMillionTokens(pricePerGpuHour: number | null, gpus: number, tokensPerSecond: number | null): number | null {
  if (pricePerGpuHour === null || tokensPerSecond === null || tokensPerSecond <= 0) return null
  return (pricePerGpuHour * gpus * 1e6) / (tokensPerSecond * 3600)
}

export const ROOFLINE_DEFINITIONS: readonly string[] = [
  'decodeTokensPerSecondCeiling is a CEILING, not a prediction: the memory-bandwidth roofline of decode. Per step each GPU reads its share of the active weights plus the KV cache of the requests in its pool; one step emits one token per request. Ceiling = batch × bandwidth / (active weight bytes per GPU + KV bytes read per GPU).',
  'Batch: the concurrency at the context, floor(maxConcurrency) requests (at least 1), each holding the full context. MoE: the routed experts read per step are those the batch picks, 1 − (1 − k/E)^tokens of them (uniform routing); attention, dense layers, shared experts, embeddings and head are read in full.',
  'Compute, communication, MoE dispatch and scheduling are ignored: measured systems sit well below the ceiling (for R1 at batch 1 about 6–10 % of it; see the measured figures and their sources).',
  'costPerMillionTokensAtCeiling = price per GPU-hour × GPUs the layout occupies × 10^6 / (ceiling × 3600): a FLOOR on the cost, since the ceiling is an upper bound on throughput.',
  'costPerMillionTokensMeasured = price per GPU-hour × GPUs of the fleet entry × 10^6 / (measured output tokens/s × 3600), at the best published measurement of one deployment with the same GPU, GPU count and checkpoint family (R1 only; null where none matches).',
]
