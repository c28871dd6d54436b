import {z} from 'zod'

import {ENGINES, GOALS, KV_CACHE_DTYPE_REQUESTS} from '../constants.js'
import {Architecture} from '../detect/detect.schema.js'
import {PlanCalibrationMark} from '../calibration/calibration.schema.js'
import {Quantization} from '../profiles/model.schema.js'
import {DisaggregatedPlan} from './pd/pd.schema.js'

export const Engine = z.enum(ENGINES)
export const Goal = z.enum(GOALS)
/** --kv-cache-dtype as the user asks for it. */
export const KvCacheDtypeRequest = z.enum(KV_CACHE_DTYPE_REQUESTS)

/** The KV dtype the plan resolved to (fp16 where bf16 is missing, below sm_80). */
export const KvCacheDtype = z.enum(['bf16', 'fp16', 'fp8'])
export type KvCacheDtype = z.infer<typeof KvCacheDtype>

/** A parallel layout. expertParallel is the EP size (1 = off); dpAttention spreads requests over DP ranks. */
export const Layout = z
  .object({
    tensorParallel: z.number().int().positive(),
    pipelineParallel: z.number().int().positive(),
    dataParallel: z.number().int().positive(),
    expertParallel: z.number().int().positive(),
    dpAttention: z.boolean(),
    nodes: z.number().int().positive(),
    gpusPerNode: z.number().int().positive(),
  })
  .strict()
export type Layout = z.infer<typeof Layout>

export const MemoryFigures = z
  .object({
    gpuTotalGiB: z.number(),
    usableGiB: z.number(),
    weightsGiB: z.number(),
    kvCacheGiB: z.number(),
    activationGiB: z.number(),
    overheadGiB: z.number(),
  })
  .strict()
export type MemoryFigures = z.infer<typeof MemoryFigures>

export const NodeCommand = z
  .object({
    rank: z.number().int().nonnegative(),
    role: z.enum(['head', 'worker']),
    /** Commands to run first on this node (for example `ray start --head`). */
    before: z.array(z.array(z.string())),
    argv: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    /** What the node is, in words (disaggregated plans: "node 3: decode 0, rank 0"). */
    label: z.string().optional(),
  })
  .strict()
export type NodeCommand = z.infer<typeof NodeCommand>

export const CommandSpec = z
  .object({
    argv: z.array(z.string()),
    /** Non-secret environment values. */
    env: z.record(z.string(), z.string()),
    /** Secrets passed through from the caller's environment by name only (HF_TOKEN, the API key). */
    passEnv: z.array(z.string()),
    /** One entry per node for several-node plans; empty on one node. */
    nodes: z.array(NodeCommand),
  })
  .strict()
export type CommandSpec = z.infer<typeof CommandSpec>

export const PlanConfig = z
  .object({
    model: z.string().describe('model profile id, e.g. "deepseek-r1"'),
    modelName: z.string(),
    checkpoint: z.string().describe('Hugging Face repository id'),
    checkpointId: z.string(),
    quantization: Quantization,
    engine: Engine,
    engineVersion: z.string(),
    goal: Goal,
    tensorParallel: z.number().int(),
    pipelineParallel: z.number().int(),
    dataParallel: z.number().int(),
    expertParallel: z.number().int(),
    dpAttention: z.boolean(),
    layout: z.string().optional().describe('the layout as r1 writes it everywhere: "TP8 DP8 EP8 (DP attention)", "TP2 PP3", "TP8 PP2 on 2 nodes"'),
    nodes: z.number().int(),
    gpusPerNode: z.number().int(),
    gpu: z
      .object({
        name: z.string(),
        architecture: Architecture,
        computeCapability: z.string().nullable(),
        memoryMiB: z.number().nullable(),
      })
      .strict(),
    dtype: z.enum(['bfloat16', 'half']),
    kvCacheDtype: KvCacheDtype,
    attentionBackend: z.string().nullable(),
    speculative: z.enum(['mtp']).nullable(),
    gpuMemoryUtilization: z.number().nullable().describe('vLLM --gpu-memory-utilization'),
    memFractionStatic: z.number().nullable().describe('SGLang --mem-fraction-static'),
    contextLength: z.number().int(),
    fits: z.boolean(),
    kvCacheTokens: z.number().int().describe('per model replica: vLLM "GPU KV cache size", SGLang max_total_num_tokens'),
    kvCacheTokensRange: z
      .tuple([z.number().int(), z.number().int()])
      .optional()
      .describe('kvCacheTokens within the memory model\'s measured error for this engine and era (low, high); absent in plan files written before it'),
    kvErrorBand: z.number().optional().describe('that error, one side, as a fraction (0.06 = ±6%), measured on real startup logs (bench:accuracy)'),
    memoryEra: z.string().optional().describe('the engine\'s memory era for this release, e.g. vllm-v1-e, sglang-0.5.3'),
    tight: z.boolean().optional().describe('one request of the context fits the prediction but not the low end of its band'),
    requiredFreeBytes: z
      .number()
      .optional()
      .describe('free memory each GPU needs when the engine starts: vLLM ceil(total × util) (its own check), SGLang what keeps one request of the context'),
    maxContextTokens: z.number().int().describe('the largest context one request can have'),
    maxConcurrency: z.number().describe('requests of contextLength that fit at once'),
    memory: MemoryFigures,
    reasons: z.array(z.string()),
    /** Set when a record of this machine's calibration store (r1 calibrate) changed the figures. */
    calibration: PlanCalibrationMark.optional().describe('what this machine measured for this configuration, when r1 used it'),
    command: CommandSpec,
  })
  .strict()
export type PlanConfig = z.infer<typeof PlanConfig>

/** The file `r1 plan --out` writes and `r1 serve --plan` reads. */
export const PlanFile = z
  .object({
    kind: z.literal('r1-plan'),
    version: z.literal(1),
    plan: PlanConfig,
    /** The hardware the plan was made for (detect's result, or the described GPUs). */
    hardware: z.unknown(),
    /** The disaggregated plan, when it is the recommendation (`r1 serve --plan FILE --role prefill|decode|router`). */
    disaggregated: DisaggregatedPlan.optional(),
  })
  .strict()
export type PlanFile = z.infer<typeof PlanFile>
