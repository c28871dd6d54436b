/** Turning a fleet file (already parsed and validated) into fleet entries, and its problems into one clear error. Pure. */
import {R1Error} from '../errors.js'
import {checkFleetNumbers, type FleetEntrySpec} from './fleet.js'
import type {FleetFile} from './fleet.schema.js'

export interface FleetFileIssue {
  path: ReadonlyArray<PropertyKey>
  message: string
}

/** "fleet[2].count" */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`
  return out === '' ? '(top level)' : out
}

/** R1_BAD_FLEET_FILE naming the file, each field path (with its line when known) and the problem. */
export function badFleetFile(file: string, issues: readonly FleetFileIssue[], lineOf?: (path: ReadonlyArray<PropertyKey>) => number | undefined): R1Error {
  const problems = issues.slice(0, 5).map((i) => {
    const line = lineOf?.(i.path)
    return `${issuePath(i.path)}${line === undefined ? '' : ` (line ${line})`}: ${i.message}`
  })
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''
  return new R1Error('R1_BAD_FLEET_FILE', `${file}: ${problems.join('; ')}${more}`, {
    suggestions: ['A fleet file is {fleet: [{name, gpu, count, nodes?, pricePerGpuHour?}, ...]} in YAML or JSON; see schemas/fleet-file.json.'],
  })
}

export function fleetFromFile(file: FleetFile): FleetEntrySpec[] {
  return file.fleet.map((e) => (checkFleetNumbers(e.name, {gpusPerNode: e.count, nodes: e.nodes, pricePerGpuHour: e.pricePerGpuHour ?? null}), {
    gpu: e.gpu,
    gpusPerNode: e.count,
    name: e.name,
    nodes: e.nodes,
    pricePerGpuHour: e.pricePerGpuHour ?? null,
  }))
}
