import {z} from 'zod'

import {ENGINES} from '../../constants.js'

// plan.schema.ts imports this file (PlanFile), so the two small schemas it would share are restated here.
const Engine = z.enum(ENGINES)
const MemoryFigures = z
  .object({gpuTotalGiB: z.number(), usableGiB: z.number(), weightsGiB: z.number(), kvCacheGiB: z.number(), activationGiB: z.number(), overheadGiB: z.number()})
  .strict()

/** The workload a disaggregated plan is sized for (defaults and their reasons: workload.ts). */
export const Workload = z
  .object({
    inputTokens: z.number().int().positive().describe('typical prompt length (tokens)'),
    outputTokens: z.number().int().positive().describe('typical output length, thinking included (tokens)'),
    ttftMs: z.number().positive().nullable().describe('time-to-first-token target (ms); null = none'),
    itlMs: z.number().positive().nullable().describe('inter-token latency target (ms); null = none'),
    given: z.boolean().describe('whether --input-tokens/--output-tokens were given (else r1\'s defaults)'),
  })
  .strict()
export type Workload = z.infer<typeof Workload>

export const PdRoleName = z.enum(['prefill', 'decode'])
export type PdRoleName = z.infer<typeof PdRoleName>

/** One role of a disaggregated plan: its instances, layout, memory plan, sizes and modelled rate. */
export const PdRolePlan = z
  .object({
    role: PdRoleName,
    instances: z.number().int().positive(),
    nodesPerInstance: z.number().int().positive(),
    gpusPerNode: z.number().int().positive(),
    tensorParallel: z.number().int(),
    dataParallel: z.number().int(),
    expertParallel: z.number().int(),
    dpAttention: z.boolean(),
    redundantExperts: z.number().int().describe('EPLB redundant experts (--ep-num-redundant-experts / num_redundant_experts)'),
    memFractionStatic: z.number().nullable(),
    gpuMemoryUtilization: z.number().nullable(),
    memory: MemoryFigures,
    kvCacheTokensPerRank: z.number().int().describe('KV pool of one rank (DP-attention rank or vLLM DP rank)'),
    ranks: z.number().int().describe('ranks with their own KV pool in one instance'),
    batchPerRank: z.number().int().describe('decode: requests per rank; prefill: requests whose KV waits for transfer'),
    maxRunningRequests: z.number().int().describe('per instance (SGLang --max-running-requests is global)'),
    chunkedPrefillSize: z.number().int().nullable().describe('per instance (SGLang --chunked-prefill-size is global)'),
    cudaGraphMaxBatch: z.number().int().nullable(),
    ratePerNode: z.number().describe('modelled tokens/s per node: prompt tokens for prefill, output tokens for decode'),
    ttftMs: z.number().nullable().describe('modelled time to first token (prefill)'),
    itlMs: z.number().nullable().describe('modelled inter-token latency (decode)'),
  })
  .strict()
export type PdRolePlan = z.infer<typeof PdRolePlan>

export const PdNode = z
  .object({
    node: z.number().int().nonnegative().describe('index in the plan: prefill nodes first, then decode nodes'),
    role: PdRoleName,
    /** --node-rank for r1 serve --role: the node's index among the nodes of its role. */
    roleRank: z.number().int().nonnegative(),
    instance: z.number().int().nonnegative(),
    rank: z.number().int().nonnegative().describe('node rank inside its instance (0 = the instance\'s leader)'),
    address: z.string().describe('the node\'s address (from --node-addresses) or a placeholder'),
    httpPort: z.number().int().nullable().describe('the port the instance serves on (leader only)'),
    argv: z.array(z.string()),
    env: z.record(z.string(), z.string()),
  })
  .strict()
export type PdNode = z.infer<typeof PdNode>

export const PdRouter = z
  .object({
    node: z.number().int().nonnegative().describe('the plan node the router runs on'),
    address: z.string(),
    port: z.number().int(),
    argv: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    /** What the router sends traffic to (leaders' URLs). */
    prefill: z.array(z.object({url: z.string(), bootstrapPort: z.number().int().nullable()}).strict()),
    decode: z.array(z.string()),
  })
  .strict()
export type PdRouter = z.infer<typeof PdRouter>

export const CalibrationRowSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    gpu: z.string(),
    phase: z.enum(['prefill', 'decode']),
    per: z.enum(['gpu', 'node']),
    conditions: z.string(),
    fit: z.boolean().describe('used to fit the efficiency (else a check)'),
    published: z.number(),
    ideal: z.number(),
    modelled: z.number(),
    ratio: z.number().describe('modelled / published'),
  })
  .strict()

/** `r1 plan` result.disaggregated, and the plan file's disaggregated part (r1 serve --role reads it). */
export const DisaggregatedPlan = z
  .object({
    recommended: z.boolean().describe('true when the disaggregated plan is the recommendation'),
    why: z.array(z.string()),
    workload: Workload,
    model: z.string(),
    modelName: z.string(),
    checkpoint: z.string(),
    checkpointId: z.string(),
    engine: Engine,
    engineVersion: z.string(),
    contextLength: z.number().int(),
    kvCacheDtype: z.enum(['bf16', 'fp16', 'fp8']),
    transferBackend: z.string().describe('SGLang --disaggregation-transfer-backend, or the vLLM KV connector'),
    gpu: z.string(),
    prefill: PdRolePlan,
    decode: PdRolePlan,
    ratio: z
      .object({prefillNodes: z.number().int(), decodeNodes: z.number().int(), decodePerPrefill: z.number()})
      .strict()
      .describe('prefill:decode nodes'),
    requestsPerSecond: z.number().describe('modelled, after the rate-matching degradation factors'),
    inputTokensPerSecond: z.number(),
    outputTokensPerSecond: z.number(),
    bound: z.enum(['prefill', 'decode']),
    aggregated: z
      .object({requestsPerSecond: z.number(), nodes: z.number().int(), batchPerRank: z.number().int(), promptsPerStep: z.number(), cycleMs: z.number()})
      .strict()
      .nullable()
      .describe('one aggregated group on all nodes, same rates'),
    efficiency: z.object({prefill: z.number(), decode: z.number()}).strict().describe('calibrated fractions of the rooflines'),
    calibration: z.array(CalibrationRowSchema),
    nodes: z.array(PdNode),
    router: PdRouter,
    passEnv: z.array(z.string()),
    warnings: z.array(z.string()),
  })
  .strict()
export type DisaggregatedPlan = z.infer<typeof DisaggregatedPlan>
