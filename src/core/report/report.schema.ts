import {z} from 'zod'

import {Engine, Goal} from '../planner/plan.schema.js'
import {Quantization} from '../profiles/model.schema.js'

/** One row: fleet entry × checkpoint × context × engine. Null where a figure does not apply (it does not fit). */
export const ReportRow = z
  .object({
    fleet: z.string().describe('the fleet entry: "8xH200", "2x8xH100", or the fleet file\'s name'),
    gpu: z.string().describe('GPU display name from the catalog'),
    gpusPerNode: z.number().int(),
    nodes: z.number().int(),
    model: z.string().describe('model profile id'),
    checkpoint: z.string().describe('Hugging Face repository id'),
    quantization: Quantization,
    context: z.number().int().describe('tokens per request (prompt + output)'),
    engine: Engine,
    fits: z.boolean(),
    reason: z.string().nullable().describe('why it does not fit or cannot run; null when it fits'),
    tensorParallel: z.number().int().nullable(),
    pipelineParallel: z.number().int().nullable(),
    dataParallel: z.number().int().nullable(),
    expertParallel: z.number().int().nullable(),
    layout: z.string().nullable().describe('the layout as `r1 plan` writes it ("TP8 DP8 EP8 (DP attention)"); null when it does not fit'),
    weightsGiB: z.number().nullable().describe('weights per GPU'),
    kvCacheGiB: z.number().nullable().describe('KV cache pool per GPU'),
    kvCacheTokens: z.number().int().nullable().describe('KV capacity in tokens, per model replica'),
    kvErrorBand: z.number().nullable().describe("the memory model's measured KV error for this engine and era, one side (0.06 = ±6%)"),
    maxConcurrency: z.number().nullable().describe('requests of `context` tokens that fit at once, over all replicas'),
    decodeTokensPerSecondCeiling: z
      .number()
      .nullable()
      .describe('memory-bandwidth roofline: output tokens/s upper bound at maxConcurrency, whole fleet entry; not a prediction'),
    costPerMillionTokensAtCeiling: z.number().nullable().describe('USD per million output tokens AT THE CEILING (a floor on the cost); null without a price'),
    costPerMillionTokensMeasured: z
      .number()
      .nullable()
      .describe('USD per million output tokens at the best published measurement for this GPU, GPU count and checkpoint family (result.published); null when none matches or without a price'),
  })
  .strict()
export type ReportRow = z.infer<typeof ReportRow>

/** A published throughput figure applied to one fleet entry: what its cost would be at the measured rate. */
export const MeasuredRate = z
  .object({
    outputTokensPerSecond: z.number().describe('the published figure as output tokens/s of the whole fleet entry'),
    published: z.number().describe('the figure as published'),
    per: z.enum(['deployment', 'gpu', 'node', 'request']),
    engine: z.string(),
    setup: z.string(),
    workload: z.string(),
    source: z.string().describe('public source (URL)'),
  })
  .strict()
export type MeasuredRate = z.infer<typeof MeasuredRate>

/** One role of a disaggregated pick, as `r1 plan --json` gives it (result.disaggregated.prefill / .decode). */
export const ReportPickRole = z
  .object({
    instances: z.number().int(),
    nodesPerInstance: z.number().int(),
    tensorParallel: z.number().int(),
    dataParallel: z.number().int(),
    expertParallel: z.number().int(),
    dpAttention: z.boolean(),
    maxRunningRequests: z.number().int().describe('per instance'),
    layout: z.string().describe('as `r1 plan` writes it'),
  })
  .strict()

/** The disaggregated plan `r1 plan` recommends over the aggregated one (its verdict), for the report's workload. */
export const ReportPickSplit = z
  .object({
    ratio: z.string().describe('prefill:decode nodes'),
    prefillNodes: z.number().int(),
    decodeNodes: z.number().int(),
    prefill: ReportPickRole,
    decode: ReportPickRole,
    requestsPerSecond: z.number().describe('modelled, for the workload (result.workload)'),
    aggregatedRequestsPerSecond: z.number().nullable().describe('one aggregated group on the same nodes, modelled'),
    outputTokensPerSecond: z.number().int().describe('modelled'),
    costPerMillionTokensModelled: z.number().nullable().describe('USD per million output tokens at the modelled rate; null without a price'),
  })
  .strict()

export type ReportPickSplit = z.infer<typeof ReportPickSplit>

/** The recommended plan of one fleet entry at one context (the planner's recommend() and disaggregation verdict, as `r1 plan` would pick). */
export const ReportPick = z
  .object({
    fleet: z.string(),
    gpu: z.string(),
    gpusPerNode: z.number().int(),
    nodes: z.number().int(),
    context: z.number().int(),
    fits: z.boolean().describe('false: nothing fits; the fields below describe the closest candidate or are null'),
    model: z.string().nullable(),
    modelName: z.string().nullable(),
    checkpoint: z.string().nullable().describe('Hugging Face repository id'),
    checkpointId: z.string().nullable(),
    quantization: Quantization.nullable(),
    engine: Engine.nullable(),
    layout: z.string().nullable().describe('as `r1 plan` writes it'),
    gpus: z.number().int().nullable().describe('GPUs the layout occupies'),
    concurrency: z.number().int().nullable().describe('whole requests of `context` tokens served at once'),
    maxConcurrency: z.number().nullable().describe("the engines' fractional figure behind `concurrency`"),
    decodeTokensPerSecondCeiling: z.number().nullable().describe('memory-bandwidth roofline at `concurrency`: an upper bound, not a prediction'),
    costPerMillionTokensAtCeiling: z.number().nullable().describe('USD per million output tokens AT THE CEILING (a floor on the cost); null without a price'),
    measured: MeasuredRate.nullable().describe('the best published measurement for this GPU, GPU count and checkpoint family; null when none matches'),
    costPerMillionTokensMeasured: z.number().nullable().describe('USD per million output tokens at `measured`; null when none matches or without a price'),
    disaggregated: ReportPickSplit.nullable().describe('set when `r1 plan` would recommend splitting prefill and decode onto separate nodes here: then the pick is that split (layout; concurrency: the running requests of the decode instances, each of the workload input + output tokens, not of `context`), and the ceiling fields are null'),
    why: z.array(z.string()).describe("the planner's reasons for the pick, or why nothing fits"),
    whyShort: z.string().nullable().describe('why nothing fits in a few words ("needs 85.6 GiB/GPU; has 79.2"); null when the pick fits'),
  })
  .strict()
export type ReportPick = z.infer<typeof ReportPick>

/** One cell of the fit matrix: a model on a fleet entry at a context, with its best checkpoint, engine and layout. */
export const FitCell = z
  .object({
    fleet: z.string(),
    model: z.string(),
    context: z.number().int(),
    fits: z.boolean(),
    checkpointId: z.string().nullable(),
    quantization: Quantization.nullable(),
    engine: Engine.nullable(),
    layout: z.string().nullable(),
    concurrency: z.number().int().nullable().describe('whole requests of `context` tokens at once'),
    reason: z.string().nullable().describe('why no checkpoint of the model fits; null when one does'),
  })
  .strict()
export type FitCell = z.infer<typeof FitCell>

/** Prefill/decode disaggregation of R1 on a multi-node fleet entry (the planner's searchDisaggregated, as `r1 plan` sizes it). */
export const DisaggregatedRow = z
  .object({
    fleet: z.string(),
    context: z.number().int(),
    model: z.string(),
    checkpoint: z.string(),
    quantization: Quantization,
    engine: Engine,
    nodes: z.number().int().describe("the fleet entry's nodes"),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    split: z.boolean().describe('a prefill/decode split was found (the fields below are null when not)'),
    recommended: z.boolean().describe('the split serves more requests/s than one aggregated group on the same nodes'),
    ratio: z.string().nullable().describe('prefill:decode nodes, "4:9"'),
    prefillNodes: z.number().int().nullable(),
    decodeNodes: z.number().int().nullable(),
    prefillTokensPerSecondPerNode: z.number().nullable().describe('modelled prompt tokens/s per prefill node'),
    decodeTokensPerSecondPerNode: z.number().nullable().describe('modelled output tokens/s per decode node'),
    requestsPerSecond: z.number().nullable().describe('modelled, of the split'),
    aggregatedRequestsPerSecond: z.number().nullable().describe('modelled, of one aggregated group on all the nodes'),
    outputTokensPerSecond: z.number().nullable().describe('modelled, of the split'),
    costPerMillionTokensModelled: z.number().nullable().describe('USD per million output tokens at the modelled rate; null without a price'),
    published: z
      .object({
        prefillTokensPerSecondPerNode: z.number(),
        decodeTokensPerSecondPerNode: z.number(),
        conditions: z.string(),
        source: z.string().describe('public source (URL)'),
      })
      .strict()
      .nullable()
      .describe('the published per-node rates for this GPU and checkpoint family; null when none matches'),
    costPerMillionTokensPublished: z.number().nullable().describe('USD per million output tokens with the same split at the published per-node rates'),
    why: z.array(z.string()),
  })
  .strict()
export type DisaggregatedRow = z.infer<typeof DisaggregatedRow>

export const ReportFleetEntry = z
  .object({
    name: z.string(),
    gpu: z.string(),
    gpuId: z.string(),
    architecture: z.string(),
    memoryGiB: z.number().describe('per GPU, as the CUDA runtime sees it'),
    bandwidthGBs: z.number().describe('per GPU'),
    gpusPerNode: z.number().int(),
    nodes: z.number().int(),
    pricePerGpuHour: z.number().nullable(),
  })
  .strict()
export type ReportFleetEntry = z.infer<typeof ReportFleetEntry>

/** Per-GPU memory split of one fitting row (the HTML memory chart). */
export const MemoryBar = z
  .object({
    fleet: z.string(),
    model: z.string(),
    checkpoint: z.string(),
    quantization: Quantization,
    engine: Engine,
    context: z.number().int(),
    gpuTotalGiB: z.number(),
    weightsGiB: z.number(),
    kvCacheGiB: z.number(),
    overheadGiB: z.number().describe('activations, CUDA context, NCCL, CUDA graphs'),
    freeGiB: z.number().describe('left outside the engine\'s budget (1 - utilization)'),
  })
  .strict()
export type MemoryBar = z.infer<typeof MemoryBar>

/** A throughput figure published for real systems (published benchmarks). */
export const PublishedFigure = z
  .object({
    setup: z.string(),
    workload: z.string(),
    engine: z.string(),
    outputTokensPerSecond: z.number(),
    per: z.enum(['deployment', 'gpu', 'node', 'request']).describe('what the figure counts'),
    source: z.string(),
    /** Fleet entries of this report it describes (same GPU, same GPU count, same checkpoint family). */
    matches: z.array(
      z
        .object({
          fleet: z.string(),
          quantization: Quantization,
          ceiling: z.number().nullable().describe('the report\'s ceiling for this entry at the smallest context, at maxConcurrency'),
          ceilingBatch1: z.number().nullable().describe('the same ceiling for one request'),
          costPerMillionTokensAtCeiling: z.number().nullable().describe('USD per million output tokens at `ceiling`'),
          costPerMillionTokensMeasured: z.number().nullable().describe('USD per million output tokens at this measured figure (as a whole-entry rate)'),
        })
        .strict(),
    ),
  })
  .strict()
export type PublishedFigure = z.infer<typeof PublishedFigure>

/** A checkpoint the report sizes: its short id (what --models takes) beside the repository the rows name. */
export const ReportCheckpoint = z
  .object({
    model: z.string(),
    id: z.string().describe('checkpoint id, e.g. "r1-0528-fp8"'),
    checkpoint: z.string().describe('Hugging Face repository id, as in the rows'),
    quantization: Quantization,
  })
  .strict()
export type ReportCheckpoint = z.infer<typeof ReportCheckpoint>

export const ReportResult = z
  .object({
    view: z.enum(['picks', 'all']).describe('picks (default): the per-fleet picks and the fit matrix; all (--all): every row too'),
    picks: z.array(ReportPick).describe('one per fleet entry × context'),
    fitMatrix: z.array(FitCell).describe('one per fleet entry × model × context'),
    disaggregated: z.array(DisaggregatedRow).describe('R1 on multi-node fleet entries, one per entry × context'),
    workload: z.object({inputTokens: z.number().int(), outputTokens: z.number().int()}).strict().describe('request lengths the disaggregated rows are sized for'),
    rows: z.array(ReportRow).optional().describe('--all only: every fleet entry × checkpoint × context × engine'),
    fleet: z.array(ReportFleetEntry),
    checkpoints: z.array(ReportCheckpoint),
    contexts: z.array(z.number().int()),
    engines: z.array(Engine),
    goal: Goal,
    memory: z.array(MemoryBar),
    published: z.array(PublishedFigure),
    /** How the ceiling and the cost are computed, in words. */
    definitions: z.array(z.string()),
    notes: z.array(z.string()),
  })
  .strict()
export type ReportResult = z.infer<typeof ReportResult>
