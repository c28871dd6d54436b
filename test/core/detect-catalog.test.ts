/** The GPU catalog (profiles/gpus) and its look-ups: findGpu, gpuMemoryBytes, the GpuSpec builders. */
import {describe, expect, it} from 'vitest'

import {architectureFromComputeCapability} from '../../src/core/detect/architecture.js'
import type {DetectedGpu} from '../../src/core/detect/detect.schema.js'
import {parseTopology} from '../../src/core/detect/topo.js'
import {parseBanner} from '../../src/core/detect/table.js'
import {findGpu, gpuMemoryBytes, gpuSpecFromDetected, gpuSpecFromProfile} from '../../src/core/profiles/gpus.js'
import {gpuCatalog} from '../helpers/gpu-catalog.js'

const catalog = gpuCatalog()
const byId = (id: string) => catalog.find((g) => g.id === id)!

describe('the GPU catalog', () => {
  it('holds at least 40 GPUs from Pascal to Blackwell plus the Jetson boards and GB10', () => {
    const discrete = catalog.filter((g) => !g.jetson)
    expect(discrete.length).toBeGreaterThanOrEqual(40)
    for (const arch of ['pascal', 'volta', 'turing', 'ampere', 'ada', 'hopper', 'blackwell']) {
      expect(discrete.some((g) => g.architecture === arch), arch).toBe(true)
    }

    const jetsons = catalog.filter((g) => g.jetson).map((g) => g.id)
    expect(jetsons).toEqual(
      expect.arrayContaining(['jetson-agx-orin-64gb', 'jetson-agx-orin-32gb', 'jetson-orin-nx-16gb', 'jetson-orin-nano-8gb', 'jetson-orin-nano-super', 'jetson-agx-xavier', 'jetson-tx2', 'jetson-nano', 'jetson-agx-thor']),
    )
    expect(byId('gb10')).toMatchObject({computeCapability: '12.1', memoryMiB: null, unifiedMemory: true})
  })

  it('agrees with itself: the architecture follows the compute capability, FP8 and FP4 follow the architecture', () => {
    for (const g of catalog) {
      expect(architectureFromComputeCapability(g.computeCapability), g.id).toBe(g.architecture)
      const major = Number(g.computeCapability.split('.')[0])
      expect(g.fp4, g.id).toBe(major >= 10)
      expect(g.fp8, g.id).toBe(['8.9', '9.0'].includes(g.computeCapability) || major >= 10)
      if (g.unifiedMemory) expect(g.memoryMiB, g.id).toBeNull()
    }
  })

  it('has the names and sizes nvidia-smi prints for the planner set', () => {
    expect(byId('h200-sxm')).toMatchObject({memoryMiB: 143771, smiNames: ['NVIDIA H200']})
    expect(byId('h100-sxm')).toMatchObject({memoryMiB: 81559, smiNames: ['NVIDIA H100 80GB HBM3']})
    expect(byId('b200').memoryMiB).toBe(183359)
    expect(byId('rtx-4090').memoryMiB).toBe(24564)
    expect(byId('v100-pcie-32gb').smiNames).toContain('Tesla PG500-216')
  })

  it('has no alias or nvidia-smi name that means two different compute capabilities', () => {
    const seen = new Map<string, string>()
    for (const g of catalog) {
      for (const a of g.aliases) {
        expect(seen.has(`alias:${a}`), a).toBe(false)
        seen.set(`alias:${a}`, g.id)
      }
    }
  })
})

describe('findGpu', () => {
  const cases: Array<[string, string | undefined]> = [
    ['h200', 'h200-sxm'],
    ['H100', 'h100-sxm'],
    ['h100-sxm', 'h100-sxm'],
    ['h100-pcie', 'h100-pcie'],
    ['a100-80gb', 'a100-sxm4-80gb'],
    ['A100-80GB', 'a100-sxm4-80gb'],
    ['a100-40gb', 'a100-sxm4-40gb'],
    ['a100', 'a100-sxm4-80gb'],
    ['rtx4090', 'rtx-4090'],
    ['rtx-4090', 'rtx-4090'],
    ['RTX 4090', 'rtx-4090'],
    ['4090', 'rtx-4090'],
    ['GeForce RTX 4090', 'rtx-4090'],
    ['NVIDIA GeForce RTX 4090', 'rtx-4090'],
    ['l40s', 'l40s'],
    ['t4', 'tesla-t4'],
    ['Tesla T4', 'tesla-t4'],
    ['b200', 'b200'],
    ['p100', 'tesla-p100-pcie-16gb'],
    ['orin-64gb', 'jetson-agx-orin-64gb'],
    ['jetson-agx-orin', 'jetson-agx-orin-64gb'],
    ['NVIDIA H100 80GB HBM3', 'h100-sxm'],
    ['NVIDIA A100 80G...', 'a100-pcie-80gb'],
    ['GRID P4-1Q', 'tesla-p4'],
    ['GRID P4-8Q', 'tesla-p4'],
    ['GeForce RTX 2080', 'rtx-2080'],
    ['Tesla PG500-216', 'v100-pcie-32gb'],
    ['Quadro RTX 4000', 'quadro-rtx-4000'],
    ['rtx pro 6000', 'rtx-pro-6000-blackwell'],
    // ambiguous or unknown: undefined, never a guess
    ['Tesla V100-SXM2...', undefined],
    ['NVIDIA GeForce ...', undefined],
    ['Orin (nvgpu)', undefined],
    ['NVIDIA Z9000', undefined],
    ['', undefined],
  ]
  for (const [typed, id] of cases) {
    it(`"${typed}" → ${id ?? 'undefined'}`, () => {
      expect(findGpu(catalog, typed)?.id).toBe(id)
    })
  }
})

describe('memory and specs', () => {
  it('gpuMemoryBytes: MiB × 2^20, or the marketing GB on unified-memory parts', () => {
    expect(gpuMemoryBytes(byId('h100-sxm'))).toBe(81559 * 2 ** 20)
    expect(gpuMemoryBytes(byId('gb10'))).toBe(128e9)
  })

  it('gpuSpecFromProfile', () => {
    expect(gpuSpecFromProfile(byId('h200-sxm'))).toEqual({
      architecture: 'hopper',
      bandwidthGBs: 4800,
      computeCapability: '9.0',
      memoryTotalBytes: 143771 * 2 ** 20,
      memoryUsedBytes: null,
      name: 'NVIDIA H200',
      nvlink: true,
      profileId: 'h200-sxm',
      unifiedMemory: false,
    })
  })

  const detected = (over: Partial<DetectedGpu>): DetectedGpu => ({
    architecture: 'volta',
    computeCapability: null,
    index: 0,
    memoryTotalMiB: 32768,
    memoryUsedMiB: 308,
    mig: null,
    name: 'Tesla V100-SXM2...',
    unifiedMemory: false,
    uuid: null,
    ...over,
  })

  it('gpuSpecFromDetected: a truncated name resolved by its memory; used memory kept', () => {
    expect(gpuSpecFromDetected(detected({}), catalog)).toMatchObject({
      bandwidthGBs: 900,
      computeCapability: '7.0',
      memoryTotalBytes: 32768 * 2 ** 20,
      memoryUsedBytes: [308 * 2 ** 20],
      nvlink: true,
      profileId: 'v100-sxm2-32gb',
    })
  })

  it('gpuSpecFromDetected: a MIG GPU is sized by its smallest instance', () => {
    const spec = gpuSpecFromDetected(
      detected({architecture: 'hopper', computeCapability: '9.0', memoryTotalMiB: 81559, mig: {instances: [{memoryMiB: 40448, profile: '3g.40gb'}, {memoryMiB: 20096, profile: '2g.20gb'}]}, name: 'NVIDIA H100 80GB HBM3'}),
      catalog,
    )
    expect(spec).toMatchObject({memoryTotalBytes: 20096 * 2 ** 20, memoryUsedBytes: null, profileId: 'h100-sxm'})
  })

  it('gpuSpecFromDetected: unified memory takes the catalog size', () => {
    const spec = gpuSpecFromDetected(detected({architecture: 'blackwell', computeCapability: '12.1', memoryTotalMiB: null, memoryUsedMiB: null, name: 'NVIDIA GB10', unifiedMemory: true}), catalog)
    expect(spec).toMatchObject({memoryTotalBytes: 128e9, profileId: 'gb10', unifiedMemory: true})
  })
})

describe('architectureFromComputeCapability', () => {
  const table: Array<[string, string]> = [
    ['3.5', 'kepler'], ['3.7', 'kepler'], ['5.0', 'maxwell'], ['5.3', 'maxwell'], ['6.0', 'pascal'], ['6.1', 'pascal'], ['6.2', 'pascal'],
    ['7.0', 'volta'], ['7.2', 'volta'], ['7.5', 'turing'], ['8.0', 'ampere'], ['8.6', 'ampere'], ['8.7', 'ampere'], ['8.9', 'ada'],
    ['9.0', 'hopper'], ['10.0', 'blackwell'], ['10.3', 'blackwell'], ['11.0', 'blackwell'], ['12.0', 'blackwell'], ['12.1', 'blackwell'],
    ['7.1', 'unknown'], ['8.8', 'unknown'], ['13.0', 'unknown'], ['nine', 'unknown'],
  ]
  for (const [cc, arch] of table) it(`${cc} → ${arch}`, () => expect(architectureFromComputeCapability(cc)).toBe(arch))
})

describe('banner and topology', () => {
  it('reads "CUDA UMD Version" (R610) and "CUDA Version" (before)', () => {
    expect(parseBanner('| NVIDIA-SMI 610.57.04              KMD Version: 610.57.04     CUDA UMD Version: 13.3     |')).toEqual({cudaVersion: '13.3', driverVersion: '610.57.04'})
    expect(parseBanner('| NVIDIA-SMI 540.4.0                Driver Version: 540.4.0      CUDA Version: N/A      |')).toEqual({cudaVersion: null, driverVersion: '540.4.0'})
  })

  it('NV# between GPUs is NVLink; PIX/SYS only is PCIe', () => {
    const nv = '\tGPU0\tGPU1\tCPU Affinity\nGPU0\t X \tNV18\t0-47\nGPU1\tNV18\t X \t0-47\n'
    const pcie = '\tGPU0\tGPU1\tCPU Affinity\nGPU0\t X \tSYS\t0-47\nGPU1\tSYS\t X \t0-47\n'
    expect(parseTopology(nv)).toBe('nvlink')
    expect(parseTopology(pcie)).toBe('pcie')
    expect(parseTopology('garbage')).toBe('unknown')
  })
})
