/**
 * How r1 reads the numbers people type, the same in every command: token counts ("32768", "32k",
 * "128K", "1M"; k = 1024 as the engines' context lengths are meant), memory sizes ("80GB", "80GiB",
 * "81559MiB") and the bounds every numeric input is held to (issue 14: huge numbers are refused,
 * never looped over). Pure.
 */

const GIB = 1024 ** 3

/** The ranges flags, fleet entries and files are held to. */
export const LIMITS = {
  /** GPUs in one node (an NVL72 rack counted as one node is the largest). */
  gpusPerNode: {max: 512, min: 1},
  nodes: {max: 1024, min: 1},
  /** Parallel sizes (--tp/--pp/--dp/--ep). */
  parallel: {max: 4096, min: 1},
  /** Context length in tokens (the largest model allows 163,840; the check against the model comes later). */
  context: {max: 16_777_216, min: 1},
  /** Memory of one GPU. */
  gpuMemoryBytes: {max: 16 * 1024 ** 4, min: 256 * 1024 ** 2},
  port: {max: 65_535, min: 1},
  /** Synthetic prompt and generation lengths (bench, eval, chat). */
  tokens: {max: 1_048_576, min: 1},
  requests: {max: 1_000_000, min: 1},
  concurrency: {max: 10_000, min: 1},
  samples: {max: 1000, min: 1},
  temperature: {max: 2, min: 0},
  pricePerGpuHour: {max: 10_000, min: 0},
  /** Latency targets (--ttft, --itl): up to an hour. */
  milliseconds: {max: 3_600_000, min: 1},
} as const

const TOKEN_SUFFIX: Record<string, number> = {'': 1, k: 1024, m: 1024 ** 2}

/** "32768", "32,768", "32k", "128K", "1M" → tokens; null when it is not a whole token count. k = 1024. */
export function parseTokenCount(text: string): number | null {
  const m = /^\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([km]?)\s*$/i.exec(text)
  if (!m) return null
  const n = Number(m[1].replaceAll(',', '')) * TOKEN_SUFFIX[m[2].toLowerCase()]
  return Number.isSafeInteger(n) ? n : null
}

const UNITS: Record<string, number> = {'': 1e9, b: 1, g: 1e9, gb: 1e9, gib: GIB, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, t: 1e12, tb: 1e12, tib: 1024 ** 4}

export interface MemorySize {
  bytes: number
  /** Set when the unit was decimal (GB, MB, TB, or none): what it is in GiB, for the user to see. */
  decimal: boolean
}

/** "80GB", "80 GiB", "81559MiB", "24" (GB) → bytes; null when it is not a size. GB are 10^9 bytes, GiB 2^30. */
export function parseMemorySize(text: string): MemorySize | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined
  if (!m || unit === undefined) return null
  const bytes = Math.round(Number(m[1]) * unit)
  if (!Number.isFinite(bytes)) return null
  const u = m[2].toLowerCase()
  return {bytes, decimal: unit !== 1 && !u.includes('i')}
}

/**
 * One way to write memory for people: GiB with one decimal. Bytes go through the same two-decimal
 * figure the JSON carries, and a half rounds down, so one GPU never reads 79.6 GiB on one line and
 * 79.7 on the next.
 */
export function fmtGiB(bytes: number): string {
  return gibText(Math.round((bytes / GIB) * 100) / 100)
}

/** A GiB figure (as the JSON carries it, two decimals) written with one decimal, a half rounding down. */
export function gibText(gib: number): string {
  return (Math.round(gib * 10 - 1e-6) / 10).toFixed(1)
}

/** The note printed when a decimal size changes the number: "80GB is 74.5 GiB (GB = 10^9 bytes; write 80GiB for 2^30)". */
export function decimalSizeNote(typed: string, bytes: number): string {
  const n = /^\s*(\d+(?:\.\d+)?)/.exec(typed)?.[1] ?? typed.trim()
  return `${typed.trim()} reads as ${fmtGiB(bytes)} GiB (GB = 10^9 bytes, GiB = 2^30); write ${n}GiB if you meant ${n} × 2^30 bytes`
}

/** "32,768" with thousands separators (without toLocaleString, whose first call loads ICU). */
export function fmtCount(n: number): string {
  const sign = n < 0 ? '-' : ''
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** "1 to 512" for messages. */
export function rangeText(r: {min: number; max: number}): string {
  return `${fmtCount(r.min)} to ${fmtCount(r.max)}`
}
