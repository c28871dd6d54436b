/**
 * How large a fleet `r1 report` sizes. Entries of the same hardware (GPU, GPUs per node, nodes) are
 * searched once (build.ts), so the work grows with the distinct shapes, and the output with the
 * entries (and with --all, with entries × checkpoints × contexts × engines). Pure.
 */
import {R1Error} from '../errors.js'
import {fmtCount} from '../units.js'
import type {FleetEntrySpec} from './fleet.js'

export const FLEET_LIMITS = {
  /** Fleet entries in one report (each adds its picks, fit-matrix cells and memory bars: about 10 KB of JSON). */
  entries: 1000,
  /** Distinct GPU × GPUs per node × nodes among them (each costs one planner search per context, about 50 ms). */
  shapes: 100,
  /** Fleet entries with --all (every row of each: about 130 per entry at the default contexts). */
  allEntries: 200,
  /** Bytes of a fleet file (1,000 entries take 60–150 KB), checked before it is parsed. */
  fileBytes: 512 * 1024,
} as const

export const FLEET_LIMITS_HELP = `A report sizes at most ${fmtCount(FLEET_LIMITS.entries)} fleet entries (a fleet file of at most 512 KiB) of at most ${FLEET_LIMITS.shapes} distinct shapes (GPU × GPUs per node × nodes; entries of the same shape are searched once), and with --all at most ${fmtCount(FLEET_LIMITS.allEntries)} entries.`

const FIX = ['Group identical machines into one entry (count, nodes: N), or split the fleet into several reports.']

/** Refuse a fleet with too many entries before anything else is done with it (a fleet file's list, before validation). */
export function checkFleetEntries(count: number, where: string): void {
  if (count > FLEET_LIMITS.entries) {
    throw new R1Error('R1_USAGE', `${where} has ${fmtCount(count)} entries; a report sizes at most ${fmtCount(FLEET_LIMITS.entries)}`, {suggestions: FIX})
  }
}

export function checkFleetSize(specs: readonly FleetEntrySpec[], all: boolean): void {
  const fix = FIX
  checkFleetEntries(specs.length, 'the fleet')

  if (all && specs.length > FLEET_LIMITS.allEntries) {
    throw new R1Error('R1_USAGE', `--all lists every row of ${fmtCount(specs.length)} entries; it takes at most ${fmtCount(FLEET_LIMITS.allEntries)}`, {
      suggestions: ['Drop --all: the default report gives each entry its recommended plan and the fit matrix.', ...fix],
    })
  }

  const shapes = new Set(specs.map((s) => `${s.gpu.trim().toLowerCase()}|${s.gpusPerNode}|${s.nodes}`))
  if (shapes.size > FLEET_LIMITS.shapes) {
    throw new R1Error('R1_USAGE', `the fleet has ${fmtCount(shapes.size)} distinct shapes (GPU × GPUs per node × nodes); a report searches at most ${FLEET_LIMITS.shapes}`, {suggestions: fix})
  }
}

export function checkFleetFileSize(bytes: number, path: string): void {
  if (bytes > FLEET_LIMITS.fileBytes) {
    throw new R1Error('R1_USAGE', `${path} is ${fmtCount(Math.ceil(bytes / 1024))} KiB; a fleet file may be at most 512 KiB (${fmtCount(FLEET_LIMITS.entries)} entries)`, {suggestions: FIX})
  }
}
