/**
 * How large a fleet `r1 report` sizes. Entries of the same hardware (GPU, GPUs per node, nodes) are
 * searched once (build.ts), so the work grows with the distinct shapes, and the output with the
 * entries (and with --all, with entries × checkpoints × contexts × engines). Pure.
 */
import {R1Error} from '../errors.js'
import type {FleetEntrySpec} from './fleet.js'

export const FLEET_LIMITS = {
  /** Fleet entries in one report. */
  entries: 10_000,
  /** Distinct GPU × GPUs per node × nodes among them (each costs one planner search per context). */
  shapes: 200,
  /** Fleet entries with --all (every row of each: about 130 per entry at the default contexts). */
  allEntries: 1000,
} as const

export const FLEET_LIMITS_HELP = `A report sizes at most ${FLEET_LIMITS.entries.toLocaleString('en-US')} fleet entries of at most ${FLEET_LIMITS.shapes} distinct shapes (GPU × GPUs per node × nodes; entries of the same shape are searched once), and with --all at most ${FLEET_LIMITS.allEntries.toLocaleString('en-US')} entries.`

export function checkFleetSize(specs: readonly FleetEntrySpec[], all: boolean): void {
  const fix = ['Split the fleet into several reports, or group identical machines into one entry (nodes: N).']
  if (specs.length > FLEET_LIMITS.entries) {
    throw new R1Error('R1_USAGE', `the fleet has ${specs.length.toLocaleString('en-US')} entries; a report sizes at most ${FLEET_LIMITS.entries.toLocaleString('en-US')}`, {suggestions: fix})
  }

  if (all && specs.length > FLEET_LIMITS.allEntries) {
    throw new R1Error('R1_USAGE', `--all lists every row of ${specs.length.toLocaleString('en-US')} entries; it takes at most ${FLEET_LIMITS.allEntries.toLocaleString('en-US')}`, {
      suggestions: ['Drop --all: the default report gives each entry its recommended plan and the fit matrix.', ...fix],
    })
  }

  const shapes = new Set(specs.map((s) => `${s.gpu.trim().toLowerCase()}|${s.gpusPerNode}|${s.nodes}`))
  if (shapes.size > FLEET_LIMITS.shapes) {
    throw new R1Error('R1_USAGE', `the fleet has ${shapes.size.toLocaleString('en-US')} distinct shapes (GPU × GPUs per node × nodes); a report searches at most ${FLEET_LIMITS.shapes}`, {suggestions: fix})
  }
}
