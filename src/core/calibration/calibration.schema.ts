/**
 * The calibration store: what the engines logged at startup on one machine, one JSON file per machine
 * (src/io/calibration-store.ts). Each record holds the configuration the engine ran with and the
 * figures it printed; never a secret, never the log itself.
 */
import {z} from 'zod'

import {ENGINES} from '../constants.js'

export const CALIBRATION_STORE_VERSION = 1

/** The machine a store belongs to (see machine.ts for how its id is made). */
export const MachineIdentity = z
  .object({
    id: z.string().describe('12 hex digits: sha256 of the hostname and the GPUs (UUIDs, else index:name:memory)'),
    hostname: z.string(),
    gpus: z.array(z.object({name: z.string(), uuid: z.string().nullable(), memoryMiB: z.number().nullable()}).strict()),
    driverVersion: z.string().nullable(),
  })
  .strict()
export type MachineIdentity = z.infer<typeof MachineIdentity>

/** How the engine was configured; null where the source (plan, launch line) does not say. */
export const CalibrationConfig = z
  .object({
    engine: z.enum(ENGINES).nullable(),
    engineVersion: z.string().nullable(),
    era: z.string().nullable().describe('the memory era of that version (r1\'s engine profile), when known'),
    model: z.string().nullable().describe('r1 model profile id, when the checkpoint is in the catalog'),
    checkpoint: z.string().nullable().describe('Hugging Face repository id or the path the engine was given'),
    checkpointId: z.string().nullable(),
    gpuName: z.string().nullable(),
    gpuMemoryMiB: z.number().nullable(),
    driverVersion: z.string().nullable(),
    tensorParallel: z.number().int().nullable(),
    pipelineParallel: z.number().int().nullable(),
    dataParallel: z.number().int().nullable(),
    expertParallel: z.number().int().nullable(),
    dpAttention: z.boolean().nullable(),
    nodes: z.number().int().nullable(),
    gpusPerNode: z.number().int().nullable(),
    kvCacheDtype: z.string().nullable(),
    utilization: z.number().nullable().describe('vLLM gpu_memory_utilization or SGLang mem_fraction_static'),
    contextLength: z.number().int().nullable(),
    maxNumBatchedTokens: z.number().int().nullable(),
    maxNumSeqs: z.number().int().nullable(),
    chunkedPrefillSize: z.number().int().nullable(),
    cudaGraphMaxBs: z.number().int().nullable(),
  })
  .strict()
export type CalibrationConfig = z.infer<typeof CalibrationConfig>

/** The terms the engine printed, per GPU, in GiB (tokens and concurrency as printed). */
export const LoggedFigures = z
  .object({
    totalGpuMemoryGiB: z.number().nullable(),
    weightsGiB: z.number().nullable(),
    activationPeakGiB: z.number().nullable(),
    nonTorchGiB: z.number().nullable(),
    cudaGraphGiB: z.number().nullable(),
    kvCacheGiB: z.number().nullable(),
    kvCacheTokens: z.number().int().nullable().describe('vLLM "GPU KV cache size" / SGLang max_total_num_tokens (smallest rank)'),
    maxConcurrency: z.number().nullable(),
  })
  .strict()
export type LoggedFigures = z.infer<typeof LoggedFigures>

export const Outcome = z
  .object({
    status: z.enum(['ready', 'started', 'failed']).describe('ready: served; started: KV cache allocated, readiness not in the log; failed: died'),
    failure: z.enum(['oom', 'insufficient-kv']).nullable(),
    /** The diagnosis (src/core/serve/diagnose.ts) and its one sentence. */
    diagnosis: z.string().nullable(),
    summary: z.string().nullable(),
  })
  .strict()
export type Outcome = z.infer<typeof Outcome>

export const CalibrationRecord = z
  .object({
    id: z.string().regex(/^[0-9a-f]{8}$/),
    date: z.string().describe('ISO 8601, when it was recorded'),
    source: z.enum(['serve', 'import']),
    configFrom: z.enum(['plan', 'launch-line', 'plan+launch-line']),
    config: CalibrationConfig,
    logged: LoggedFigures,
    outcome: Outcome,
  })
  .strict()
export type CalibrationRecord = z.infer<typeof CalibrationRecord>

export const CalibrationStore = z
  .object({
    kind: z.literal('r1-calibration'),
    version: z.literal(CALIBRATION_STORE_VERSION),
    machine: MachineIdentity,
    records: z.array(CalibrationRecord),
  })
  .strict()
export type CalibrationStore = z.infer<typeof CalibrationStore>

/** How one record was used by a plan (r1 plan --json → result.calibration.used). */
export const CalibrationUse = z
  .object({
    recordId: z.string(),
    date: z.string(),
    match: z.enum(['exact', 'nearby']),
    /** For nearby: what differs (context, utilization, gpus). */
    differs: z.array(z.string()),
    /** The measured terms carried into the arithmetic (nearby) or reported as they are (exact). */
    carried: z.array(z.string()),
    outcome: z.enum(['ready', 'started', 'failed']),
    candidate: z.string().describe('the candidate it applied to: model, checkpoint, engine, layout'),
  })
  .strict()
export type CalibrationUse = z.infer<typeof CalibrationUse>

export const PlanCalibration = z
  .object({
    enabled: z.boolean().describe('false with --no-calibration'),
    machine: z.string().nullable().describe('this machine\'s id; null when the hardware was not detected here'),
    store: z.string().nullable().describe('the store file read'),
    records: z.number().int().describe('records in the store'),
    used: z.array(CalibrationUse),
  })
  .strict()
export type PlanCalibration = z.infer<typeof PlanCalibration>

/** What a plan says of one calibrated candidate (PlanConfig.calibration). */
export const PlanCalibrationMark = z
  .object({
    match: z.enum(['exact', 'nearby']),
    recordId: z.string(),
    date: z.string(),
    note: z.string().describe('"measured on this machine, 2026-12-03", or what was carried'),
  })
  .strict()
export type PlanCalibrationMark = z.infer<typeof PlanCalibrationMark>

/** `r1 calibrate --from-log FILE --json` → result. */
export const CalibrateImportResult = z
  .object({
    machine: MachineIdentity,
    store: z.string().describe('the store file written'),
    imported: z.array(CalibrationRecord),
    skipped: z.array(z.string()).describe('launches in the log that gave no record, and why'),
    records: z.number().int().describe('records in the store now'),
  })
  .strict()
export type CalibrateImportResult = z.infer<typeof CalibrateImportResult>

/** `r1 calibrate list --json` → result. */
export const CalibrateListResult = z
  .object({
    machine: MachineIdentity,
    store: z.string(),
    records: z.array(CalibrationRecord),
  })
  .strict()
export type CalibrateListResult = z.infer<typeof CalibrateListResult>

/** `r1 calibrate forget --json` → result. */
export const CalibrateForgetResult = z
  .object({
    machine: MachineIdentity,
    store: z.string(),
    forgotten: z.array(z.string()),
    remaining: z.number().int(),
  })
  .strict()
export type CalibrateForgetResult = z.infer<typeof CalibrateForgetResult>
