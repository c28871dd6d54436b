/**
 * The hardware a plan is made for, from whichever input the user gave: --gpu NAME --count N
 * [--nodes M] (the catalog), --gpu-memory SIZE [--compute-capability X.Y] (a GPU r1 does not
 * know), or detect's result (live nvidia-smi, or a capture file).
 */
import type {DetectedGpu, DetectResult} from '../detect/detect.schema.js'
import {R1Error} from '../errors.js'
import type {GpuProfile} from '../profiles/gpu.schema.js'
import {architectureFromComputeCapability, closestGpus, findGpu, gpuCandidates, gpuSpecFromDetected, gpuSpecFromProfile} from '../profiles/gpus.js'
import type {PlanHardware} from './plan-result.schema.js'
import type {GpuSpec, Hardware} from './types.js'
import {decimalSizeNote, fmtGiB as gibText, LIMITS, parseMemorySize as parseSize} from '../units.js'

export interface HardwareFlags {
  gpu?: string
  count?: number
  nodes?: number
  gpuMemory?: string
  computeCapability?: string
}

export interface ResolvedHardware {
  hardware: Hardware
  /** What the result's `hardware` says. */
  info: PlanHardware
}

/** "80GB", "80 GiB", "81559MiB", "24" (GB) → bytes. GB are 10^9 bytes, GiB 2^30, as the units say. */
export function parseMemorySize(text: string): number {
  return readMemorySize(text).bytes
}

function readMemorySize(text: string): {bytes: number; decimal: boolean} {
  const size = parseSize(text)
  const {max, min} = LIMITS.gpuMemoryBytes
  if (!size || size.bytes < min || size.bytes > max) {
    throw new R1Error('R1_INVALID_FLAGS', `--gpu-memory must be a memory size from ${fmtGiB(min)} GiB to ${fmtGiB(max)} GiB with its unit; got ${JSON.stringify(text)}`, {
      suggestions: ['Give a size with its unit, for example --gpu-memory 80GB, --gpu-memory 24GiB or --gpu-memory 81559MiB.'],
    })
  }

  return size
}

/** --gpu / --gpu-memory: the GPUs the user describes. Null when neither was given (detect instead). */
export function hardwareFromFlags(gpus: readonly GpuProfile[], flags: HardwareFlags): ResolvedHardware | null {
  const count = flags.count ?? 1
  const nodes = flags.nodes ?? 1
  if (flags.gpu !== undefined && flags.gpuMemory !== undefined) {
    throw new R1Error('R1_INVALID_FLAGS', '--gpu and --gpu-memory describe the GPU twice', {
      suggestions: ['Pass --gpu NAME for a GPU r1 knows, or --gpu-memory SIZE [--compute-capability X.Y] for one it does not.'],
    })
  }

  if (flags.gpu !== undefined) {
    const profile = lookUpGpu(gpus, flags.gpu)
    const gpu = gpuSpecFromProfile(profile)
    return resolved(gpu, count, nodes, 'catalog', [], null, null)
  }

  if (flags.gpuMemory !== undefined) {
    const cc = flags.computeCapability ?? null
    if (cc !== null && !/^\d+\.\d+$/.test(cc)) {
      throw new R1Error('R1_INVALID_FLAGS', `--compute-capability ${JSON.stringify(cc)} is not of the form X.Y`, {
        suggestions: ['For example --compute-capability 8.9 (Ada) or 9.0 (Hopper); `nvidia-smi --query-gpu=compute_cap --format=csv` prints it.'],
      })
    }

    const {bytes, decimal} = readMemorySize(flags.gpuMemory)
    const gpu: GpuSpec = {
      architecture: cc === null ? 'unknown' : architectureFromComputeCapability(cc),
      bandwidthGBs: null,
      computeCapability: cc,
      memoryTotalBytes: bytes,
      memoryUsedBytes: null,
      name: `GPU with ${fmtGiB(bytes)} GiB`,
      nvlink: false,
      profileId: null,
      unifiedMemory: false,
    }
    const notes = cc === null ? ['no --compute-capability: engine and kernel checks that depend on it are skipped'] : []
    // The GB reading is said whenever it changes the number (80GB is 74.5 GiB, not 80).
    if (decimal && gibText(bytes) !== Number(/[\d.]+/.exec(flags.gpuMemory)?.[0]).toFixed(1)) notes.unshift(`--gpu-memory ${decimalSizeNote(flags.gpuMemory, bytes)}`)
    return resolved(gpu, count, nodes, 'memory', notes, null, null)
  }

  if (flags.computeCapability !== undefined) {
    throw new R1Error('R1_INVALID_FLAGS', '--compute-capability goes with --gpu-memory', {
      suggestions: ['Pass --gpu-memory SIZE --compute-capability X.Y for a GPU r1 does not know, or --gpu NAME for one it does.'],
    })
  }

  return null
}

/**
 * Detect's result → the hardware. Mixed GPUs: the largest group of one model (the engines want
 * identical GPUs). MIG: one slice, the smallest (an engine process sees one MIG device).
 */
export function hardwareFromDetect(detected: DetectResult, gpus: readonly GpuProfile[], flags: {count?: number; nodes?: number} = {}): ResolvedHardware {
  if (detected.gpus.length === 0) {
    throw new R1Error('R1_NO_GPU', 'no NVIDIA GPU was found', {
      suggestions: ['Plan for GPUs you describe instead: r1 plan --gpu H200 --count 8'],
    })
  }

  const groups = new Map<string, DetectedGpu[]>()
  for (const g of detected.gpus) groups.set(g.name, [...(groups.get(g.name) ?? []), g])
  // The most GPUs of one model; on a tie the larger memory (from the capture, else the catalog).
  const memory = (g: DetectedGpu) => gpuSpecFromDetected(g, gpus).memoryTotalBytes
  const group = [...groups.values()].sort((a, b) => b.length - a.length || memory(b[0]) - memory(a[0]))[0]
  const notes: string[] = []
  if (groups.size > 1) {
    const others = detected.gpus.filter((g) => g.name !== group[0].name)
    notes.push(
      `mixed GPUs: planned for the ${group.length} × ${group[0].name}; ${others.length} other GPU${others.length === 1 ? '' : 's'} (${[...new Set(others.map((g) => g.name))].join(', ')}) left out: set CUDA_VISIBLE_DEVICES to match`,
    )
  }

  const specs = group.map((g) => gpuSpecFromDetected(g, gpus))
  const used = specs.every((s) => s.memoryUsedBytes !== null) ? specs.map((s) => s.memoryUsedBytes![0]) : null
  // NVLink only where detection saw it, or (nothing detected either way) where the catalog's part has a fabric.
  const nvlink = detected.interconnect === 'nvlink' ? true : detected.interconnect === 'pcie' ? false : specs[0].nvlink
  const gpu: GpuSpec = {...specs[0], memoryTotalBytes: Math.min(...specs.map((s) => s.memoryTotalBytes)), memoryUsedBytes: used, nvlink}
  if (gpu.memoryTotalBytes <= 0) {
    throw new R1Error('R1_UNRECOGNIZED_CAPTURE', `the memory of ${gpu.name} is unknown`, {
      suggestions: ['Describe the GPU instead: r1 plan --gpu-memory SIZE --compute-capability X.Y --count N'],
    })
  }

  const mig = group.find((g) => (g.mig?.instances.length ?? 0) > 0)?.mig ?? null
  let count = flags.count ?? group.length
  let migLabel: string | null = null
  if (mig) {
    const smallest = [...mig.instances].sort((a, b) => (a.memoryMiB ?? Infinity) - (b.memoryMiB ?? Infinity))[0]
    migLabel = smallest.profile
    count = 1
    notes.push(
      `MIG is on: planned against one ${smallest.profile} slice (${fmtGiB(gpu.memoryTotalBytes)} GiB), since an engine process sees one MIG device; run one engine per slice for more`,
    )
  } else if (flags.count !== undefined && flags.count > group.length) {
    throw new R1Error('R1_INVALID_FLAGS', `--count ${flags.count} is more than the ${group.length} GPUs found`, {
      suggestions: [`Pass --count ${group.length} or less, or describe other hardware with --gpu NAME --count N.`],
    })
  }

  if (used && used.some((u) => u > 0.05 * gpu.memoryTotalBytes)) {
    const busy = used.map((u, i) => [i, u] as const).filter(([, u]) => u > 0.05 * gpu.memoryTotalBytes)
    const list = busy.map(([i, u]) => `GPU ${i} ${fmtGiB(u)} GiB`).join(', ')
    notes.push(
      `memory already in use by other processes (${list} of ${fmtGiB(gpu.memoryTotalBytes)} GiB): the plan sizes each engine against what is free on its GPUs`,
    )
  }

  return resolved(gpu, count, flags.nodes ?? 1, detected.source, notes, migLabel, detected)
}

function resolved(gpu: GpuSpec, count: number, nodes: number, source: PlanHardware['source'], notes: string[], mig: string | null, detected: DetectResult | null): ResolvedHardware {
  const hardware: Hardware = {gpu, gpusPerNode: count, nodes}
  const info: PlanHardware = {
    detected,
    gpu: {
      architecture: gpu.architecture,
      bandwidthGBs: gpu.bandwidthGBs,
      computeCapability: gpu.computeCapability,
      memoryGiB: fmtGiB(gpu.memoryTotalBytes),
      memoryTotalBytes: gpu.memoryTotalBytes,
      name: gpu.name,
      nvlink: gpu.nvlink,
      profileId: gpu.profileId,
      unifiedMemory: gpu.unifiedMemory,
    },
    gpusPerNode: count,
    mig,
    nodes,
    notes,
    source,
    summary: summarize(gpu, count, nodes, mig),
  }
  return {hardware, info}
}

/** "2 nodes × 8 × NVIDIA H100 80GB HBM3 (hopper, sm_90, 79.6 GiB each, NVLink)" */
export function summarize(gpu: GpuSpec, count: number, nodes: number, mig: string | null = null): string {
  const facts = [gpu.architecture === 'unknown' ? null : gpu.architecture, gpu.computeCapability ? `sm_${gpu.computeCapability.replace('.', '')}` : null]
  facts.push(`${fmtGiB(gpu.memoryTotalBytes)} GiB${mig ? ` MIG ${mig} slice` : ''}${count > 1 ? ' each' : ''}${gpu.unifiedMemory ? ' unified' : ''}`)
  if (gpu.nvlink && count > 1) facts.push('NVLink')
  const where = nodes > 1 ? `${nodes} nodes × ${count}` : `${count}`
  return `${where} × ${gpu.name} (${facts.filter(Boolean).join(', ')})`
}

/** --gpu NAME → the catalog row, or R1_UNKNOWN_GPU with the closest names. */
export function lookUpGpu(gpus: readonly GpuProfile[], typed: string): GpuProfile {
  const found = findGpu(gpus, typed)
  if (found) return found
  const several = gpuCandidates(gpus, typed, {prefix: 'always'})
  const close = several.length > 0 ? several : closestGpus(gpus, typed)
  const names = close.slice(0, 4).map((g) => `--gpu ${g.aliases[0] ?? g.id} (${g.displayName})`)
  const message = several.length > 1 ? `--gpu ${JSON.stringify(typed)} matches several GPUs` : `unknown GPU ${JSON.stringify(typed)}`
  throw new R1Error('R1_UNKNOWN_GPU', message, {
    suggestions: [
      ...(names.length > 0 ? [`Did you mean ${names.join(', or ')}?`] : []),
      'List the GPUs r1 knows: r1 profiles list gpus',
      'For a GPU not in the list: --gpu-memory SIZE --compute-capability X.Y',
    ],
  })
}

function fmtGiB(bytes: number): number {
  return Number(gibText(bytes))
}
