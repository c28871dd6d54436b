/**
 * Fleet entries for `r1 report`: parsing the `--fleet` spec (`8xH200`, `2x8xH100`, `1xRTX4090@0.39`)
 * and resolving each GPU name through the catalog. Pure: no zod (the fleet file's schema is in
 * fleet.schema.ts and is loaded only when a file is given).
 */
import {R1Error} from '../errors.js'
import {LIMITS, rangeText} from '../units.js'
import type {GpuProfile} from '../profiles/catalog.js'

/** One fleet entry as the user described it (from --fleet, --fleet-file or the default fleet). */
export interface FleetEntrySpec {
  /** Shown in every row: "8xH200", or the fleet file's `name`. */
  name: string
  /** A GPU name, alias or catalog id, resolved through the catalog. */
  gpu: string
  gpusPerNode: number
  nodes: number
  /** US dollars per GPU-hour; null when not given. */
  pricePerGpuHour: number | null
}

export interface FleetEntry {
  name: string
  gpu: GpuProfile
  gpusPerNode: number
  nodes: number
  pricePerGpuHour: number | null
}

const SPEC = /^(?:(\d+)\s*[x×*]\s*)?(?:(\d+)\s*[x×*]\s*)?([^@]+?)\s*(?:@\s*\$?(\d+(?:\.\d+)?))?$/i

const FORMAT_HINT = 'Write each entry as COUNTxGPU or NODESxCOUNTxGPU, optionally @PRICE per GPU-hour: --fleet "8xH200,2x8xH100,1xRTX4090@0.39".'

/** Parse `--fleet "8xH200,2x8xH100@2.49,1xT4"`: NODESx COUNTx GPU @PRICE, comma separated. */
export function parseFleetSpec(spec: string): FleetEntrySpec[] {
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  if (parts.length === 0) {
    throw new R1Error('R1_USAGE', '--fleet is empty', {suggestions: [FORMAT_HINT]})
  }

  return parts.map((part) => parseFleetEntry(part))
}

export function parseFleetEntry(part: string): FleetEntrySpec {
  const m = SPEC.exec(part.trim())
  if (!m) {
    throw new R1Error('R1_USAGE', `cannot read the fleet entry "${part}"`, {suggestions: [FORMAT_HINT]})
  }

  const [, a, b, gpu, price] = m
  const nodes = b === undefined ? 1 : Number(a)
  const gpusPerNode = b === undefined ? (a === undefined ? 1 : Number(a)) : Number(b)
  if (nodes < 1 || gpusPerNode < 1) {
    throw new R1Error('R1_USAGE', `the fleet entry "${part}" has no GPUs`, {suggestions: [FORMAT_HINT]})
  }

  checkFleetNumbers(part, {gpusPerNode, nodes, pricePerGpuHour: price === undefined ? null : Number(price)}, 'R1_INVALID_FLAGS')

  const name = `${nodes > 1 ? `${nodes}x` : ''}${gpusPerNode}x${gpu}`
  return {gpu, gpusPerNode, name, nodes, pricePerGpuHour: price === undefined ? null : Number(price)}
}

/** GPUs per node, nodes and price within r1's ranges (src/core/units.ts LIMITS): huge numbers are refused, never searched. */
export function checkFleetNumbers(where: string, e: {gpusPerNode: number; nodes: number; pricePerGpuHour: number | null}, code: 'R1_INVALID_FLAGS' | 'R1_BAD_FLEET_FILE' = 'R1_BAD_FLEET_FILE'): void {
  const out = (what: string, r: {min: number; max: number}, got: number) =>
    new R1Error(code, `fleet entry "${where}": ${what} must be from ${rangeText(r)}; got ${got}`, {suggestions: [FORMAT_HINT]})
  if (!Number.isSafeInteger(e.gpusPerNode) || e.gpusPerNode > LIMITS.gpusPerNode.max) throw out('GPUs per node', LIMITS.gpusPerNode, e.gpusPerNode)
  if (!Number.isSafeInteger(e.nodes) || e.nodes > LIMITS.nodes.max) throw out('nodes', LIMITS.nodes, e.nodes)
  if (e.pricePerGpuHour !== null && !(e.pricePerGpuHour >= 0 && e.pricePerGpuHour <= LIMITS.pricePerGpuHour.max)) {
    throw out('the price per GPU-hour', LIMITS.pricePerGpuHour, e.pricePerGpuHour)
  }
}

/** Finds a GPU profile by name; throws R1_UNKNOWN_GPU (with suggestions) when there is none. */
export type GpuResolver = (name: string, index: number) => GpuProfile

/** Resolve every entry's GPU; unknown names fail with the entry named in the message. */
export function resolveFleet(specs: readonly FleetEntrySpec[], resolveGpu: GpuResolver): FleetEntry[] {
  return specs.map((s, i) => ({
    gpu: resolveGpu(s.gpu, i),
    gpusPerNode: s.gpusPerNode,
    name: s.name,
    nodes: s.nodes,
    pricePerGpuHour: s.pricePerGpuHour,
  }))
}

export function totalGpus(entry: {gpusPerNode: number; nodes: number}): number {
  return entry.gpusPerNode * entry.nodes
}
