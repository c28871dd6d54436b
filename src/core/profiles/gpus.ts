/**
 * Look-ups in the GPU catalog (profiles/gpus/*.json), shared by detect (name fallback) and the planner
 * (--gpu, what-if plans). Pure: data in, data out.
 */
import type {DetectedGpu} from '../detect/detect.schema.js'
import type {GpuSpec} from '../planner/types.js'
import type {GpuProfile} from './gpu.schema.js'

export {architectureFromComputeCapability} from '../detect/architecture.js'

const MiB = 2 ** 20
const GB = 1e9

/** Lower case, without vendor words ("NVIDIA", "GeForce", "Tesla"), spaces, dashes or underscores. */
export function normalizeGpuName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.\.\.$|…$/, '')
    .replace(/\b(nvidia|geforce|tesla)\b/g, ' ')
    .replace(/[\s_\-()]+/g, '')
}

function isTruncated(name: string): boolean {
  return /(\.\.\.|…)\s*$/.test(name)
}

/** "GRID P4-1Q", "GRID T4-16C", "GRID A100-40C" → "P4", "T4", "A100": the board behind a vGPU profile. */
function vgpuBoard(name: string): string | null {
  const m = /^(?:NVIDIA\s+)?GRID\s+(.+?)-\d+[A-Z]$/i.exec(name.trim())
  return m ? m[1] : null
}

/**
 * Every catalog row a name can mean: exact nvidia-smi name, id, alias, the normalized name, then (for names
 * nvidia-smi cut with "...", or any unique prefix) a prefix match. Several rows when the name is ambiguous
 * ("Orin (nvgpu)", "Tesla V100-SXM2...").
 */
export function gpuCandidates(gpus: readonly GpuProfile[], typed: string, options: {prefix?: 'always' | 'truncated'} = {}): GpuProfile[] {
  const raw = typed.trim()
  if (!raw) return []
  const lower = raw.toLowerCase()
  const exact = gpus.filter((g) => g.smiNames.some((s) => s.toLowerCase() === lower))
  if (exact.length > 0) return exact
  const byId = gpus.filter((g) => g.id === lower || g.aliases.some((a) => a.toLowerCase() === lower))
  if (byId.length > 0) return byId
  const board = vgpuBoard(raw)
  if (board) return gpuCandidates(gpus, board, options)
  const needle = normalizeGpuName(raw)
  if (!needle) return []
  const names = (g: GpuProfile) => [...g.smiNames, ...g.aliases, g.id, g.displayName].map((n) => normalizeGpuName(n))
  const normalized = gpus.filter((g) => names(g).includes(needle))
  if (normalized.length > 0) return normalized
  // A prefix: nvidia-smi's truncated names, or a partial name people type. Only nvidia-smi names count.
  if (!isTruncated(raw) && (options.prefix === 'truncated' || needle.length < 3)) return []
  return gpus.filter((g) => g.smiNames.some((s) => normalizeGpuName(s).startsWith(needle)))
}

/** Tolerant look-up of a name people type or nvidia-smi prints; undefined when unknown or ambiguous. */
export function findGpu(gpus: readonly GpuProfile[], typed: string): GpuProfile | undefined {
  const found = gpuCandidates(gpus, typed)
  return found.length === 1 ? found[0] : undefined
}

/** Total bytes as the CUDA runtime sees them (what vLLM and SGLang size against). */
export function gpuMemoryBytes(gpu: GpuProfile): number {
  if (gpu.cudaTotalBytes !== null) return gpu.cudaTotalBytes
  if (gpu.memoryMiB !== null) return gpu.memoryMiB * MiB
  return gpu.memoryGB * GB
}

/**
 * Whether every GPU of a node shares an NVLink fabric, as the catalog says: SXM and NVL parts.
 * A PCIe card's NVLink bridge joins pairs at most, so 8 PCIe cards talk over PCIe.
 */
export function nvlinkFabric(gpu: GpuProfile): boolean {
  return gpu.nvlink !== null && gpu.formFactor !== 'pcie' && !/bridge/i.test(gpu.nvlink.generation)
}

export function gpuSpecFromProfile(gpu: GpuProfile): GpuSpec {
  return {
    architecture: gpu.architecture,
    bandwidthGBs: gpu.bandwidthGBs,
    computeCapability: gpu.computeCapability,
    memoryTotalBytes: gpuMemoryBytes(gpu),
    memoryUsedBytes: null,
    name: gpu.smiNames[0] ?? gpu.displayName,
    nvlink: nvlinkFabric(gpu),
    profileId: gpu.id,
    unifiedMemory: gpu.unifiedMemory,
  }
}

/**
 * The spec of a detected GPU: its own memory and compute capability, the catalog for the rest (bandwidth,
 * NVLink). A MIG GPU is sized by its smallest instance (an engine sees a slice, not the card); a
 * unified-memory part by the catalog's memory.
 */
export function gpuSpecFromDetected(detected: DetectedGpu, catalog: readonly GpuProfile[]): GpuSpec {
  const candidates = gpuCandidates(catalog, detected.name, {prefix: 'truncated'})
  const close = detected.memoryTotalMiB === null ? candidates : candidates.filter((g) => memoryClose(g.memoryMiB, detected.memoryTotalMiB))
  const profile = close.length === 1 ? close[0] : candidates.length === 1 ? candidates[0] : undefined
  const migSizes = (detected.mig?.instances ?? []).map((i) => i.memoryMiB).filter((m): m is number => m !== null)
  let totalBytes: number
  if (migSizes.length > 0) totalBytes = Math.min(...migSizes) * MiB
  else if (detected.memoryTotalMiB !== null) totalBytes = detected.memoryTotalMiB * MiB
  else if (profile) totalBytes = gpuMemoryBytes(profile)
  else totalBytes = 0
  return {
    architecture: detected.architecture,
    bandwidthGBs: profile?.bandwidthGBs ?? null,
    computeCapability: detected.computeCapability ?? profile?.computeCapability ?? null,
    memoryTotalBytes: totalBytes,
    memoryUsedBytes: detected.memoryUsedMiB === null || migSizes.length > 0 ? null : [detected.memoryUsedMiB * MiB],
    name: detected.name,
    nvlink: profile ? nvlinkFabric(profile) : false,
    profileId: profile?.id ?? null,
    unifiedMemory: detected.unifiedMemory,
  }
}

/** nvidia-smi's memory.total against the catalog's, within 3% (drivers carve out slightly different amounts). */
export function memoryClose(catalogMiB: number | null, printedMiB: number | null): boolean {
  if (catalogMiB === null || printedMiB === null) return false
  return Math.abs(catalogMiB - printedMiB) / catalogMiB <= 0.03
}

/** The catalog GPUs whose names are closest to what was typed (for "Did you mean" suggestions), best first. */
export function closestGpus(gpus: readonly GpuProfile[], typed: string, limit = 3): GpuProfile[] {
  const needle = normalizeGpuName(typed)
  const scored = gpus.map((g) => ({d: Math.min(...[g.id, ...g.aliases, ...g.smiNames].map((n) => editDistance(needle, normalizeGpuName(n)))), g}))
  return scored
    .filter((s) => s.d <= Math.max(2, Math.floor(needle.length / 2)))
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map((s) => s.g)
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const held = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = held
    }
  }

  return row[b.length]
}
