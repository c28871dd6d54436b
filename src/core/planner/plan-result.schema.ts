import {z} from 'zod'

import {PlanCalibration} from '../calibration/calibration.schema.js'
import {Architecture, DetectResult} from '../detect/detect.schema.js'
import {DisaggregatedPlan} from './pd/pd.schema.js'
import {PlanConfig} from './plan.schema.js'

/** The hardware a plan was made for, in one shape whatever it came from. */
export const PlanHardware = z
  .object({
    source: z.enum(['nvidia-smi', 'file', 'jetson', 'catalog', 'memory']).describe('detected live, a capture file, --gpu, or --gpu-memory'),
    summary: z.string().describe('the hardware in one line'),
    gpu: z
      .object({
        name: z.string(),
        profileId: z.string().nullable(),
        architecture: Architecture,
        computeCapability: z.string().nullable(),
        memoryTotalBytes: z.number().describe('per GPU (per MIG slice when MIG is on)'),
        memoryGiB: z.number(),
        bandwidthGBs: z.number().nullable(),
        nvlink: z.boolean(),
        unifiedMemory: z.boolean(),
      })
      .strict(),
    gpusPerNode: z.number().int(),
    nodes: z.number().int(),
    mig: z.string().nullable().describe('the MIG slice planned against, when MIG is on'),
    /** Facts about the hardware worth knowing (MIG, mixed GPUs, memory already in use). */
    notes: z.array(z.string()),
    detected: DetectResult.nullable().describe("detect's result when the hardware was detected or read from a capture"),
  })
  .strict()
export type PlanHardware = z.infer<typeof PlanHardware>

/** `r1 plan --json` → result. */
export const PlanResult = z
  .object({
    hardware: PlanHardware,
    plan: PlanConfig.describe('the recommended (or chosen, or pinned) plan; fits=false when nothing fits'),
    why: z.array(z.string()).describe('why this plan, in two to four lines'),
    rule: z.string().describe('the recommendation rule'),
    candidates: z.array(PlanConfig).describe('the best layout of each model × checkpoint × engine, best first'),
    recommendedIndex: z
      .number()
      .int()
      .nullable()
      .describe("the recommended plan's index in candidates (the row plan marks with *); null when nothing fits or the plan is not among them"),
    disaggregated: DisaggregatedPlan.nullable().describe('the prefill/decode plan for R1 on several nodes (or --disaggregate on); recommended=true when it is the answer'),
    calibration: PlanCalibration.optional().describe("this machine's calibration records the plan used (r1 calibrate); absent when the hardware was described, not detected"),
  })
  .strict()
export type PlanResult = z.infer<typeof PlanResult>
