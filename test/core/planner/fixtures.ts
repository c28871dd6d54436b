// Shared test data: the built-in catalog (validated by zod, as the build does) and GPU specs.
import {join} from 'node:path'

import type {Architecture} from '../../../src/core/constants.js'
import {buildCatalog} from '../../../src/core/profiles/catalog.schema.js'
import type {Catalog, Checkpoint, EngineProfile, ModelProfile} from '../../../src/core/profiles/catalog.js'
import type {Layout} from '../../../src/core/planner/plan.schema.js'
import type {GpuSpec, MemoryInput} from '../../../src/core/planner/types.js'
import {readProfileFiles} from '../../../src/io/profiles.js'
import {ROOT} from '../../helpers/cli.js'

export const MiB = 1024 ** 2
export const GiB = 1024 ** 3

let catalog: Catalog | undefined
export async function loadTestCatalog(): Promise<Catalog> {
  catalog ??= buildCatalog({engines: [], gpus: [], models: []}, await readProfileFiles(join(ROOT, 'profiles')))
  return catalog
}

export function gpu(name: string, architecture: Architecture, cc: string | null, memoryMiB: number, extra: Partial<GpuSpec> = {}): GpuSpec {
  return {
    architecture,
    bandwidthGBs: null,
    computeCapability: cc,
    memoryTotalBytes: memoryMiB * MiB,
    memoryUsedBytes: null,
    name,
    nvlink: false,
    profileId: null,
    unifiedMemory: false,
    ...extra,
  }
}

// Totals as nvidia-smi prints them (memory.total, MiB).
export const GPUS = {
  a100: gpu('NVIDIA A100-SXM4-80GB', 'ampere', '8.0', 81_920),
  b200: gpu('NVIDIA B200', 'blackwell', '10.0', 183_359),
  h100: gpu('NVIDIA H100 80GB HBM3', 'hopper', '9.0', 81_559),
  h200: gpu('NVIDIA H200', 'hopper', '9.0', 143_771),
  l40s: gpu('NVIDIA L40S', 'ada', '8.9', 46_068),
  orin: gpu('Orin (nvgpu)', 'ampere', '8.7', 62_800, {unifiedMemory: true}),
  p100: gpu('Tesla P100-PCIE-16GB', 'pascal', '6.0', 16_280),
  rtx4090: gpu('NVIDIA GeForce RTX 4090', 'ada', '8.9', 24_564),
  t4: gpu('Tesla T4', 'turing', '7.5', 15_360),
}

export function layout(tp: number, extra: Partial<Layout> = {}): Layout {
  return {dataParallel: 1, dpAttention: false, expertParallel: 1, gpusPerNode: tp, nodes: 1, pipelineParallel: 1, tensorParallel: tp, ...extra}
}

export interface Picked {
  model: ModelProfile
  checkpoint: Checkpoint
  engine: EngineProfile
}

export function pick(cat: Catalog, checkpointId: string, engineId: 'sglang' | 'vllm'): Picked {
  for (const model of cat.models) {
    const checkpoint = model.checkpoints.find((c) => c.id === checkpointId)
    if (checkpoint) return {checkpoint, engine: cat.engines.find((e) => e.id === engineId)!, model}
  }

  throw new Error(`no checkpoint ${checkpointId}`)
}

export function memoryInput(p: Picked, g: GpuSpec, l: Layout, extra: Partial<MemoryInput> = {}): MemoryInput {
  return {
    checkpoint: p.checkpoint,
    contextLength: 32_768,
    engine: p.engine,
    engineVersion: p.engine.defaultVersion,
    gpu: g,
    kvCacheDtype: g.architecture === 'turing' || g.architecture === 'pascal' ? 'fp16' : 'bf16',
    layout: l,
    model: p.model,
    speculative: null,
    ...extra,
  }
}
