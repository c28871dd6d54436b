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
    weightsGiB: z.number().nullable().describe('weights per GPU'),
    kvCacheGiB: z.number().nullable().describe('KV cache pool per GPU'),
    kvCacheTokens: z.number().int().nullable().describe('KV capacity in tokens, per model replica'),
    kvErrorBand: z.number().nullable().describe("the memory model's measured KV error for this engine and era, one side (0.06 = ±6%)"),
    maxConcurrency: z.number().nullable().describe('requests of `context` tokens that fit at once, over all replicas'),
    decodeTokensPerSecondCeiling: z
      .number()
      .nullable()
      .describe('memory-bandwidth roofline: output tokens/s upper bound at maxConcurrency, whole fleet entry; not a prediction'),
    costPerMillionTokens: z.number().nullable().describe('USD per million output tokens at the ceiling; null without a price'),
  })
  .strict()
export type ReportRow = z.infer<typeof ReportRow>

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
    rows: z.array(ReportRow),
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
