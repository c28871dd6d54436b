/**
 * `nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]`: with a header (any subset of fields, with or
 * without units), or without one (r1's own field order, or recognisable cells).
 */
import {findGpu, memoryClose} from '../profiles/gpus.js'
import type {GpuProfile} from '../profiles/gpu.schema.js'
import {cleanVersion, emptyGpu, isNotSupported, parseMiB, type RawGpu} from './raw.js'

/** The fields r1 asks for, in this order (live detect). compute_cap is dropped for drivers older than ~510. */
export const QUERY_FIELDS = ['index', 'name', 'uuid', 'pci.bus_id', 'memory.total', 'memory.used', 'compute_cap', 'driver_version', 'mig.mode.current'] as const
export const QUERY_FIELDS_NO_CC = QUERY_FIELDS.filter((f) => f !== 'compute_cap')

const KNOWN_FIELDS = new Set<string>([...QUERY_FIELDS, 'gpu_uuid', 'gpu_name', 'timestamp', 'count', 'serial', 'memory.free', 'pci.device_id', 'utilization.gpu', 'power.draw', 'temperature.gpu'])

function splitRow(line: string): string[] {
  return line.split(',').map((c) => c.trim())
}

function headerField(cell: string): string | null {
  const m = /^([a-z][a-z0-9_.]*)(?:\s*\[[^\]]*\])?$/i.exec(cell)
  return m ? m[1].toLowerCase() : null
}

export function looksLikeCsvWithHeader(rows: CsvRows): boolean {
  const fields = (rows[0] ?? ['']).map((c) => headerField(c))
  return fields.length > 0 && fields.every((f) => f !== null) && fields.some((f) => KNOWN_FIELDS.has(f as string))
}

/** A CSV capture's non-empty lines split into cells: split once, then read by the recognisers and parsers in turn. */
export type CsvRows = readonly (readonly string[])[]

export function csvRows(text: string): CsvRows {
  const rows: string[][] = []
  for (const line of text.split(/\r?\n/)) if (line.trim()) rows.push(splitRow(line))
  return rows
}

function nullable(v: string | undefined): string | null {
  if (v === undefined || v === '' || isNotSupported(v)) return null
  return v
}

/** One row's cells by field name (a Map per row cost more than the parse itself on 60,000 rows). */
interface Rec {
  get(field: string): string | undefined
}

function recordOf(fields: readonly string[]): (cells: readonly string[]) => Rec {
  const at = new Map<string, number>()
  for (const [j, f] of fields.entries()) if (!at.has(f)) at.set(f, j)
  return (cells) => ({
    get(field) {
      const j = at.get(field)
      return j === undefined ? undefined : (cells[j] ?? '')
    },
  })
}

function fromRecord(rec: Rec, row: number): RawGpu {
  const g = emptyGpu(row)
  const index = rec.get('index')
  if (index !== undefined && /^\d+$/.test(index)) g.index = Number(index)
  g.name = nullable(rec.get('name') ?? rec.get('gpu_name'))
  g.uuid = nullable(rec.get('uuid') ?? rec.get('gpu_uuid'))
  g.busId = nullable(rec.get('pci.bus_id'))
  const total = rec.get('memory.total')
  g.memoryTotalMiB = parseMiB(total)
  g.memoryUsedMiB = parseMiB(rec.get('memory.used'))
  g.memoryNotSupported = total !== undefined && g.memoryTotalMiB === null && isNotSupported(total)
  const cc = nullable(rec.get('compute_cap'))
  g.computeCapability = cc && /^\d+\.\d+$/.test(cc) ? cc : null
  const mig = rec.get('mig.mode.current')
  g.migEnabled = mig === 'Enabled' ? true : mig === 'Disabled' ? false : null
  return g
}

export function parseCsvWithHeader(lines: CsvRows): {gpus: RawGpu[]; driverVersion: string | null} {
  const [header, ...rows] = lines
  const fields = header.map((c) => headerField(c) as string)
  const record = recordOf(fields)
  let driver: string | null = null
  const gpus = rows.map((cells, i) => {
    const rec = record(cells)
    driver ??= cleanVersion(rec.get('kmd_version') ?? rec.get('driver_version'))
    return fromRecord(rec, i)
  })
  return {driverVersion: driver, gpus}
}

/** Rows of a noheader query whose field order is known (live: the fields r1 asked for). Null when they do not fit. */
export function parseQueryRows(rows: CsvRows, fields: readonly string[]): {gpus: RawGpu[]; driverVersion: string | null} | null {
  if (!rows.every((r) => r.length === fields.length && (fields[0] !== 'index' || /^\d+$/.test(r[0])))) return null
  const record = recordOf(fields)
  let driver: string | null = null
  const gpus = rows.map((cells, i) => {
    const rec = record(cells)
    driver ??= cleanVersion(rec.get('driver_version'))
    return fromRecord(rec, i)
  })
  return {driverVersion: driver, gpus}
}

/** r1's own noheader query saved to a file: exactly QUERY_FIELDS or QUERY_FIELDS_NO_CC per row. */
export function parseOwnQuery(rows: CsvRows): {gpus: RawGpu[]; driverVersion: string | null} | null {
  if (rows.length === 0) return null
  return parseQueryRows(rows, QUERY_FIELDS) ?? parseQueryRows(rows, QUERY_FIELDS_NO_CC)
}

const NAME_CELL = /^(NVIDIA|GeForce|Tesla|Quadro|TITAN|GRID)\b/

export function looksLikeCsvNoHeader(rows: CsvRows): boolean {
  // nvidia-smi never writes a NUL; device-tree files end in one (`cat model nv_tegra_release` joins them on one line).
  if (rows.some((r) => r.some((c) => c.includes('\0')))) return false
  return rows.length > 0 && rows.every((r) => r.length >= 2 && r.length === rows[0].length && r.some((c) => NAME_CELL.test(c)))
}

/**
 * A headerless CSV of unknown field order: the name is the cell that reads like a GPU name, the UUID the
 * "GPU-..." cell, memory.total the cell with "MiB" or else the one number within 3% of the catalog's size for
 * that name (never a guess among several).
 */
export function parseCsvNoHeader(rows: CsvRows, catalog: readonly GpuProfile[]): {gpus: RawGpu[]; warnings: string[]} {
  const warnings: string[] = []
  const profiles = new Map<string, GpuProfile | undefined>()
  const profileOf = (name: string) => {
    if (!profiles.has(name)) profiles.set(name, findGpu(catalog, name) ?? undefined)
    return profiles.get(name)
  }

  const gpus = rows.map((cells, i) => {
    const g = emptyGpu(i)
    g.name = cells.find((c) => NAME_CELL.test(c)) ?? null
    g.uuid = cells.find((c) => /^GPU-[0-9a-f-]+$/i.test(c)) ?? null
    const withUnit = cells.filter((c) => /^\d+ MiB$/.test(c))
    if (withUnit.length > 0) g.memoryTotalMiB = parseMiB(withUnit[0])
    else if (g.name) {
      const profile = profileOf(g.name)
      const close = cells.filter((c) => /^\d+$/.test(c) && memoryClose(profile?.memoryMiB ?? null, Number(c)))
      if (close.length === 1) g.memoryTotalMiB = Number(close[0])
    }

    return g
  })
  warnings.push('The CSV has no header: only the name, UUID and memory.total were read from it.')
  return {gpus, warnings}
}
