/** What a parser reads from one capture before classification (names → architecture, warnings). */
import type {MigInstance} from './detect.schema.js'

export type CaptureFormat =
  | 'query-csv'
  | 'query-csv-noheader'
  | 'xml'
  | 'query-text'
  | 'table'
  | 'list'
  | 'version'
  | 'jetson'

export interface RawGpu {
  index: number
  name: string | null
  uuid: string | null
  busId: string | null
  memoryTotalMiB: number | null
  memoryUsedMiB: number | null
  /** nvidia-smi printed "Not Supported" / "[N/A]" for memory: a unified-memory part. */
  memoryNotSupported: boolean
  computeCapability: string | null
  /** "Product Architecture" from nvidia-smi -q (-x), when printed. */
  productArchitecture: string | null
  /** true/false when the capture says; null when it does not. */
  migEnabled: boolean | null
  migInstances: Array<MigInstance & {device: number}> | null
  /** Name, cc and architecture already settled (Jetson boards): skip the catalog. */
  fixed?: {computeCapability: string | null; profileId: string | null; unifiedMemory: boolean}
}

export interface ParsedCapture {
  format: CaptureFormat
  driverVersion: string | null
  cudaVersion: string | null
  gpus: RawGpu[]
  interconnect: 'nvlink' | 'pcie' | 'unknown' | null
  warnings: string[]
}

export function emptyGpu(index: number): RawGpu {
  return {
    busId: null,
    computeCapability: null,
    index,
    memoryNotSupported: false,
    memoryTotalMiB: null,
    memoryUsedMiB: null,
    migEnabled: null,
    migInstances: null,
    name: null,
    productArchitecture: null,
    uuid: null,
  }
}

/** "81559MiB", "81559 MiB", "81559" → 81559; "[N/A]", "N/A", "Not Supported", "" → null. */
export function parseMiB(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return null
  const m = /^\s*(\d+(?:\.\d+)?)\s*(MiB)?\s*$/i.exec(text)
  return m ? Number(m[1]) : null
}

export function isNotSupported(text: string | undefined | null): boolean {
  if (text === undefined || text === null) return false
  return /^\s*(\[?N\/A\]?|Not Supported|\[Not Supported\])\s*$/i.test(text)
}

/** A version token, or null for "N/A", "Not Found", redacted "XXX.XX". */
export function cleanVersion(text: string | undefined | null): string | null {
  if (!text) return null
  const token = text.trim().split(/\s+/)[0]
  return /^\d+(\.\d+)*$/.test(token) ? token : null
}
