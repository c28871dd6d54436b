/** From what a capture says to DetectedGpu: architecture by compute capability, else by name from the catalog. */
import type {Architecture} from '../constants.js'
import {gpuCandidates, memoryClose} from '../profiles/gpus.js'
import type {GpuProfile} from '../profiles/gpu.schema.js'
import {architectureFromComputeCapability, architectureFromProductName, engineSupportsComputeCapability} from './architecture.js'
import type {DetectedGpu} from './detect.schema.js'
import type {RawGpu} from './raw.js'

/** Memory other processes hold above this is worth a warning (a desktop session takes a few hundred MiB). */
const USED_WARN_MiB = 1024

export interface Classified {
  computeCapability: string | null
  architecture: Architecture
  profile: GpuProfile | null
  /** Why the name could not be classified, when it could not. */
  problem: string | null
}

/** Classify a name (and the printed memory, to tell apart sizes of one truncated name) with the catalog. */
export function classifyByName(catalog: readonly GpuProfile[], name: string, memoryMiB: number | null): Classified {
  const candidates = gpuCandidates(catalog, name, {prefix: 'truncated'})
  const sized = memoryMiB === null ? [] : candidates.filter((g) => memoryClose(g.memoryMiB, memoryMiB))
  const pick = sized.length === 1 ? sized : candidates
  if (pick.length === 1) {
    const g = pick[0]
    return {architecture: g.architecture, computeCapability: g.computeCapability, problem: null, profile: g}
  }

  const ccs = new Set(pick.map((g) => g.computeCapability))
  if (pick.length > 1 && ccs.size === 1) {
    const cc = pick[0].computeCapability
    return {architecture: architectureFromComputeCapability(cc), computeCapability: cc, problem: null, profile: null}
  }

  const problem =
    pick.length > 1
      ? `"${name}" could be any of ${pick.map((g) => g.displayName).join(', ')}`
      : /(\.\.\.|…)\s*$/.test(name)
        ? `nvidia-smi cut the name to "${name}", which fits no single GPU of the catalog`
        : `"${name}" is not in the GPU catalog`
  return {architecture: 'unknown', computeCapability: null, problem, profile: null}
}

export function classifyGpus(raw: readonly RawGpu[], catalog: readonly GpuProfile[]): {gpus: DetectedGpu[]; warnings: string[]} {
  const warnings: string[] = []
  const gpus = raw.map((r): DetectedGpu => {
    const name = r.name ?? 'unknown'
    let cc = r.computeCapability
    let architecture: Architecture
    let unified = r.memoryNotSupported
    if (r.fixed) {
      cc = r.fixed.computeCapability
      architecture = cc ? architectureFromComputeCapability(cc) : 'unknown'
      unified = unified || r.fixed.unifiedMemory
    } else if (cc) {
      architecture = architectureFromComputeCapability(cc)
      const byName = r.name ? classifyByName(catalog, r.name, r.memoryTotalMiB) : null
      if (byName?.profile?.unifiedMemory) unified = true
    } else {
      const byName = r.name ? classifyByName(catalog, r.name, r.memoryTotalMiB) : null
      const printed = r.productArchitecture ? architectureFromProductName(r.productArchitecture) : 'unknown'
      if (byName && byName.architecture !== 'unknown') {
        cc = byName.computeCapability
        architecture = byName.architecture
        if (byName.profile?.unifiedMemory) unified = true
      } else if (printed !== 'unknown') {
        architecture = printed
      } else {
        architecture = 'unknown'
        const why = byName?.problem
          ? `${byName.problem} and the capture has no compute capability`
          : 'the capture prints neither a name nor a compute capability'
        warnings.push(`GPU ${r.index}: architecture unknown: ${why}. Pass --gpu NAME to plan for it.`)
      }
    }

    if (architecture === 'unknown' && (cc || r.productArchitecture) && !r.fixed) {
      warnings.push(`GPU ${r.index} (${name}): compute capability ${cc ?? r.productArchitecture} is not one r1 knows.`)
    }

    return {
      architecture,
      computeCapability: cc,
      index: r.index,
      memoryTotalMiB: r.memoryTotalMiB,
      memoryUsedMiB: r.memoryUsedMiB,
      mig: r.migEnabled ? {instances: (r.migInstances ?? []).map((i) => ({memoryMiB: i.memoryMiB, profile: i.profile}))} : null,
      name,
      unifiedMemory: unified,
      uuid: r.uuid,
    }
  })
  return {gpus, warnings: [...warnings, ...servingWarnings(gpus)]}
}

const BUSY = 'already used by other processes'

/**
 * Memory other processes hold: what r1 plan does about it (it sizes the engines to the free memory, memory.ts
 * busyGpus), and what an engine started by hand with its defaults does (vLLM 0.9.1 and later checks at start
 * that total × --gpu-memory-utilization, 0.9 by default, is free; SGLang's pool shrinks with the free memory).
 */
function busyWarning(index: number, name: string, usedMiB: number, totalMiB: number | null): string {
  if (totalMiB === null) return `GPU ${index} (${name}): ${usedMiB} MiB ${BUSY}: r1 plan sizes engines to the memory that is free (a smaller KV cache).`
  const freeMiB = totalMiB - usedMiB
  const vllm = freeMiB < 0.9 * totalMiB ? '; vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free' : ''
  return `GPU ${index} (${name}): ${usedMiB} MiB of ${totalMiB} MiB ${BUSY}: r1 plan sizes engines to the ${freeMiB} MiB that are free (a smaller KV cache)${vllm}.`
}

/** How long the list of GPU indices in the busy summary may grow before the rest is counted instead. */
const INDEX_LIST_CHARS = 120

/**
 * GPU indices as ranges, in order: [0..7, 12] → "0-7, 12". Past `maxChars` the remaining GPUs are counted, not
 * listed ("0-3, 5, 7, … and 400 more"), so the line stays short however many GPUs a capture lists.
 */
export function indexRanges(indices: readonly number[], maxChars = INDEX_LIST_CHARS): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b)
  const ranges: [number, number][] = []
  for (const i of sorted) {
    const last = ranges.at(-1)
    if (last && i === last[1] + 1) last[1] = i
    else ranges.push([i, i])
  }

  let text = ''
  let listed = 0
  for (const [a, b] of ranges) {
    const part = a === b ? `${a}` : `${a}-${b}`
    const next = text === '' ? part : `${text}, ${part}`
    if (next.length > maxChars && text !== '') return `${text}, … and ${sorted.length - listed} more`
    text = next
    listed += b - a + 1
  }

  return text
}

/**
 * One line for every GPU with memory other processes hold (a capture of a large cluster can list hundreds): how
 * many, which (as ranges), how much, and what r1 plan and vLLM do about it, in busyWarning's words.
 */
function busySummary(busy: readonly DetectedGpu[], all: number): string {
  const names = [...new Set(busy.map((g) => g.name))]
  const used = busy.map((g) => g.memoryUsedMiB ?? 0)
  const [lo, hi] = [Math.min(...used), Math.max(...used)]
  const amount = lo === hi ? `${lo} MiB each` : `${lo} to ${hi} MiB each`
  const vllmOff = busy.filter((g) => g.memoryTotalMiB !== null && (g.memoryTotalMiB - (g.memoryUsedMiB ?? 0)) < 0.9 * g.memoryTotalMiB)
  const which = vllmOff.length === busy.length ? '' : ` (GPUs ${indexRanges(vllmOff.map((g) => g.index))})`
  const vllm = vllmOff.length === 0 ? '' : `; vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free${which}`
  return `GPUs ${indexRanges(busy.map((g) => g.index))} (${busy.length} of ${all}${names.length === 1 ? `, ${names[0]}` : ''}): ${amount} ${BUSY}: r1 plan sizes engines to the memory that is free (a smaller KV cache)${vllm}.`
}

/** The warning about memory other processes hold (r1 plan says the same in its hardware notes, with what it did). */
export function isBusyMemoryWarning(warning: string): boolean {
  return warning.includes(BUSY)
}

/**
 * Warnings that matter for serving: no engine for this architecture, memory already in use, MIG on. The same
 * warning on several GPUs is one line where the first of them is ("GPUs 0-7 (8 of 8, NAME): …"), and memory in
 * use one summary (busySummary), not one line per GPU: a capture of a large machine can list hundreds.
 */
export function servingWarnings(gpus: readonly DetectedGpu[]): string[] {
  const out: string[] = []
  const groups = new Map<string, {at: number; indices: number[]; name: string; text: string}>()
  const perGpu = (g: DetectedGpu, text: string): void => {
    const key = `${g.name}\u0000${text}`
    const group = groups.get(key)
    if (group) group.indices.push(g.index)
    else groups.set(key, {at: out.push(`GPU ${g.index} (${g.name}): ${text}`) - 1, indices: [g.index], name: g.name, text})
  }

  const busy: DetectedGpu[] = []
  let busyAt = -1
  for (const g of gpus) {
    if (g.computeCapability && !engineSupportsComputeCapability(g.computeCapability)) {
      perGpu(g, `${g.architecture} (compute capability ${g.computeCapability}) is not supported by vLLM or SGLang (both need 7.0 or newer).`)
    }

    if (g.memoryUsedMiB !== null && g.memoryUsedMiB > USED_WARN_MiB && !g.mig) {
      if (busy.length === 0) busyAt = out.push(busyWarning(g.index, g.name, g.memoryUsedMiB, g.memoryTotalMiB)) - 1
      busy.push(g)
    }

    if (g.mig) {
      const n = g.mig.instances.length
      perGpu(g, `MIG is on${n > 0 ? ` (${n} instance${n === 1 ? '' : 's'})` : ''}; an engine sees one instance, not the card.`)
    }
  }

  for (const group of groups.values()) {
    if (group.indices.length > 1) out[group.at] = `GPUs ${indexRanges(group.indices)} (${group.indices.length} of ${gpus.length}, ${group.name}): ${group.text}`
  }

  if (busy.length > 1) out[busyAt] = busySummary(busy, gpus.length)
  return out
}
