/**
 * Sane ranges for the numbers in profiles: far beyond any real model or GPU, small enough that the planner's
 * arithmetic stays finite and its loops short. A number outside is refused with the range it must be in.
 */
import {z} from 'zod'

const fmt = (n: number) => (Number.isInteger(n) && Math.abs(n) >= 1e6 ? n.toExponential().replace('e+', 'e') : String(n))

/** A whole number from `min` to `max`. */
export function intIn(min: number, max: number) {
  const message = `must be a whole number from ${fmt(min)} to ${fmt(max)}`
  return z.number({error: message}).int({error: message}).min(min, {error: message}).max(max, {error: message})
}

/** A number (not NaN or infinite) from `min` to `max`; `above` excludes min itself. */
export function numIn(min: number, max: number, options: {above?: boolean} = {}) {
  const message = `must be a number ${options.above ? `above ${fmt(min)}` : `from ${fmt(min)}`} to ${fmt(max)}`
  const base = z.number({error: message}).max(max, {error: message})
  return options.above ? base.gt(min, {error: message}) : base.min(min, {error: message})
}

/** The limits, named where more than one schema uses them. */
export const LIMITS = {
  layers: 1024,
  width: 1 << 20,
  heads: 4096,
  experts: 65_536,
  vocab: 1 << 23,
  context: 1 << 24,
  /** 100 TB: bytes of a checkpoint on disk. */
  diskBytes: 1e14,
  /** 100 T parameters. */
  params: 1e14,
  /** GPU memory in GB (16 TB) and MiB. */
  gpuMemoryGB: 16_384,
  gpuMemoryMiB: 16_384 * 1024,
} as const
