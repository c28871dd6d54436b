import {z} from 'zod'

import {ARCHITECTURES} from '../constants.js'

export const Architecture = z.enum(ARCHITECTURES)

export const MigInstance = z.object({
  profile: z.string().describe('MIG profile as nvidia-smi prints it, e.g. "3g.40gb"'),
  memoryMiB: z.number().nullable(),
})
export type MigInstance = z.infer<typeof MigInstance>

export const DetectedGpu = z.object({
  index: z.number().int(),
  name: z.string(),
  uuid: z.string().nullable(),
  memoryTotalMiB: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  computeCapability: z.string().nullable().describe('"9.0", or null when unknown'),
  architecture: Architecture,
  unifiedMemory: z.boolean(),
  mig: z.object({instances: z.array(MigInstance)}).nullable(),
})
export type DetectedGpu = z.infer<typeof DetectedGpu>

export const HostFacts = z.object({
  cpuModel: z.string().nullable(),
  cpuCores: z.number().nullable(),
  ramTotalBytes: z.number().nullable(),
  ramAvailableBytes: z.number().nullable(),
  os: z.string().nullable(),
  hfCachePath: z.string().nullable(),
  hfCacheFreeBytes: z.number().nullable(),
  shmBytes: z.number().nullable(),
})
export type HostFacts = z.infer<typeof HostFacts>

export const DetectResult = z.object({
  source: z.enum(['nvidia-smi', 'file', 'jetson']),
  driverVersion: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  interconnect: z.enum(['nvlink', 'pcie', 'unknown']).nullable(),
  gpus: z.array(DetectedGpu),
  host: HostFacts.nullable(),
})
export type DetectResult = z.infer<typeof DetectResult>
