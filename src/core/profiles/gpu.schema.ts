import {z} from 'zod'

import {Architecture} from '../detect/detect.schema.js'
import {LIMITS, numIn} from './bounds.schema.js'

/** One GPU of the catalog (profiles/gpus/*.json). Users add their own with --profiles DIR. */
export const GpuProfile = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/).describe('stable id, also the file name: "h200-sxm"'),
    displayName: z.string().describe('"H200 SXM 141GB"'),
    smiNames: z.array(z.string()).min(1).describe('exact names nvidia-smi prints (all driver eras)'),
    aliases: z.array(z.string()).default([]).describe('names people type: "h200", "h200-sxm"'),
    architecture: Architecture,
    computeCapability: z.string().regex(/^\d+\.\d+$/),
    memoryGB: numIn(0, LIMITS.gpuMemoryGB, {above: true}).describe('marketing size'),
    memoryMiB: numIn(0, LIMITS.gpuMemoryMiB, {above: true}).nullable().describe('memory.total as nvidia-smi prints it; null on unified-memory parts'),
    cudaTotalBytes: z
      .number()
      .positive()
      .nullable()
      .describe('torch.cuda.mem_get_info()[1] / cudaMemGetInfo total; null when not measured (derived from memoryMiB)'),
    bandwidthGBs: numIn(0, 1e6, {above: true}),
    denseBf16Tflops: numIn(0, 1e7).nullable().describe('dense tensor-core BF16 (FP16 where no BF16) TFLOPS'),
    bf16: z.boolean(),
    fp8: z.boolean(),
    fp4: z.boolean(),
    nvlink: z.object({generation: z.string(), bandwidthGBs: z.number()}).nullable(),
    unifiedMemory: z.boolean().default(false),
    jetson: z.boolean().default(false),
    formFactor: z.enum(['sxm', 'pcie', 'nvl', 'superchip', 'consumer', 'workstation', 'embedded', 'laptop', 'vgpu']),
    source: z.string(),
    verified: z.boolean().describe('false for rows marked † or (exp) in the reference'),
  })
  .strict()
export type GpuProfile = z.infer<typeof GpuProfile>
