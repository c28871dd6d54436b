/** Number and layout formatting shared by the report's renderers. */
import type {ReportRow} from '../../../core/report/report.schema.js'

export const FORMATS = ['table', 'markdown', 'csv', 'json', 'html'] as const
export type ReportFormat = (typeof FORMATS)[number]

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export function fmtGiB(n: number | null): string {
  return n === null ? '' : n.toFixed(1)
}

/** Concurrency: whole requests from 10 up, two decimals below. */
export function fmtConc(n: number | null): string {
  if (n === null) return ''
  return n >= 10 ? fmtInt(Math.floor(n)) : (Math.floor(n * 100) / 100).toString()
}

/** "≈ 650,432 (±6%)": a KV figure with the memory model's band for its engine and era. */
export function fmtTokens(n: number | null, band: number | null = null): string {
  if (n === null) return ''
  return band === null || n <= 0 ? fmtInt(n) : `≈ ${fmtInt(n)} (±${Math.round(band * 100)}%)`
}

export function fmtCost(n: number | null): string {
  if (n === null) return ''
  return n >= 100 ? `$${fmtInt(n)}` : `$${n.toFixed(n >= 1 ? 2 : 3)}`
}

/** "8192" → "8K", "131072" → "128K". */
export function fmtContext(n: number): string {
  return n % 1024 === 0 ? `${n / 1024}K` : fmtInt(n)
}

/** "TP8 EP8", "TP4 PP2", "TP1 DP8": only the parts that are not 1. */
export function fmtLayout(r: Pick<ReportRow, 'tensorParallel' | 'pipelineParallel' | 'dataParallel' | 'expertParallel'>): string {
  if (r.tensorParallel === null) return ''
  const parts = [`TP${r.tensorParallel}`]
  if ((r.pipelineParallel ?? 1) > 1) parts.push(`PP${r.pipelineParallel}`)
  if ((r.dataParallel ?? 1) > 1) parts.push(`DP${r.dataParallel}`)
  if ((r.expertParallel ?? 1) > 1) parts.push(`EP${r.expertParallel}`)
  return parts.join(' ')
}

/** The short label of a row's checkpoint: "deepseek-r1 FP8 (R1-0528)". */
export function checkpointLabel(r: Pick<ReportRow, 'model' | 'checkpoint' | 'quantization'>): string {
  const repo = r.checkpoint.split('/').pop() ?? r.checkpoint
  return `${r.model} ${r.quantization.toUpperCase()} (${repo})`
}
