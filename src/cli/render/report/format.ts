/** Number and layout formatting shared by the report's renderers. */
import {fmtCount} from '../../../core/units.js'
import type {FitCell, ReportPick, ReportResult, ReportRow} from '../../../core/report/report.schema.js'

export const FORMATS = ['table', 'markdown', 'csv', 'json', 'html'] as const
export type ReportFormat = (typeof FORMATS)[number]

/** "2,283" (without toLocaleString, whose first call loads ICU). */
export function fmtInt(n: number): string {
  return fmtCount(n)
}

export function fmtGiB(n: number | null): string {
  return n === null ? '' : n.toFixed(1)
}

/** Concurrency as people read it: whole requests (the engines' fractional figure stays in JSON). */
export function fmtConc(n: number | null): string {
  if (n === null) return ''
  return fmtInt(Math.max(0, Math.floor(n)))
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

/** The short label of a row's checkpoint: "deepseek-r1 FP8 (R1-0528)". */
export function checkpointLabel(r: Pick<ReportRow, 'model' | 'checkpoint' | 'quantization'>): string {
  const repo = r.checkpoint.split('/').pop() ?? r.checkpoint
  return `${r.model} ${r.quantization.toUpperCase()} (${repo})`
}

/** A split pick's layout for a terminal: "P:D 2:11, TP16 / TP88 (DP attention)" when DP and EP equal TP (R1's DP-attention roles), else each role in full. */
export function splitLayoutShort(d: NonNullable<ReportPick['disaggregated']>): string {
  const role = (r: NonNullable<ReportPick['disaggregated']>['prefill']) =>
    r.dpAttention && r.dataParallel === r.tensorParallel && r.expertParallel === r.tensorParallel ? `TP${r.tensorParallel}` : r.layout.replace(/ \(DP attention\)| on \d+ nodes/g, '')
  const dpa = d.prefill.dpAttention || d.decode.dpAttention ? ' (DP attention)' : ''
  return `P:D ${d.ratio}, ${role(d.prefill)} / ${role(d.decode)}${dpa}`
}

/** AT ONCE of a pick: whole requests of the context; a split pick's decode nodes hold requests of the workload's length ("6,336 × 8K"). */
export function pickConc(p: ReportPick, workload: {inputTokens: number; outputTokens: number}): string {
  if (!p.fits) return ''
  if (p.disaggregated && p.concurrency !== null) return `${fmtInt(p.concurrency)} × ${Number(((workload.inputTokens + workload.outputTokens) / 1000).toFixed(1))}K`
  return fmtConc(p.concurrency)
}

/** The CEILING and $/M AT CEILING cells of a pick: a split pick gives its modelled rate and cost instead (the roofline is the aggregated layout's). */
export function pickRateCells(p: ReportPick): [string, string] {
  const d = p.disaggregated
  if (d) return [`${fmtInt(d.outputTokensPerSecond)} modelled`, d.costPerMillionTokensModelled === null ? '' : `${fmtCost(d.costPerMillionTokensModelled)} modelled`]
  return [p.decodeTokensPerSecondCeiling === null ? '' : fmtInt(p.decodeTokensPerSecondCeiling), fmtCost(p.costPerMillionTokensAtCeiling)]
}

/** "deepseek-r1 FP8": a pick's model and checkpoint family, or "— nothing fits" (the reason is beside it, where there is room). */
/**
 * An --all row's cells after its fleet entry, in REPORT_COLUMNS order: checkpoint, context, engine, fits, layout,
 * weights, KV, KV tokens, concurrency, ceiling, both costs, reason. `gib` follows the two memory figures.
 */
export function rowCells(r: ReportRow, gib = ''): string[] {
  return [
    r.checkpoint,
    fmtContext(r.context),
    r.engine,
    r.fits ? 'yes' : 'no',
    r.layout ?? '',
    r.weightsGiB === null ? '' : `${fmtGiB(r.weightsGiB)}${gib}`,
    r.kvCacheGiB === null ? '' : `${fmtGiB(r.kvCacheGiB)}${gib}`,
    fmtTokens(r.kvCacheTokens, r.kvErrorBand),
    fmtConc(r.maxConcurrency),
    r.decodeTokensPerSecondCeiling === null ? '' : fmtInt(r.decodeTokensPerSecondCeiling),
    fmtCost(r.costPerMillionTokensAtCeiling),
    fmtCost(r.costPerMillionTokensMeasured),
    r.reason ?? '',
  ]
}

/** A disaggregated row's cells shared by every table form: fleet, context, checkpoint, ratio, per-node rates, modelled cost. */
export function pdCells(d: ReportResult['disaggregated'][number]): {head: string[]; requests: string; modelledCost: string} {
  return {
    head: [
      d.fleet,
      fmtContext(d.context),
      `${d.model} ${d.quantization.toUpperCase()}`,
      d.ratio ?? '—',
      d.prefillTokensPerSecondPerNode === null ? '' : fmtInt(d.prefillTokensPerSecondPerNode),
      d.decodeTokensPerSecondPerNode === null ? '' : fmtInt(d.decodeTokensPerSecondPerNode),
    ],
    modelledCost: fmtCost(d.costPerMillionTokensModelled),
    requests: d.requestsPerSecond === null ? '' : String(d.requestsPerSecond),
  }
}

export function pickLabel(p: ReportPick): string {
  return p.fits && p.model !== null ? `${p.model} ${(p.quantization ?? '').toUpperCase()}` : '— nothing fits'
}

/** The fit matrix as rows: one per fleet entry, one cell per model with the whole requests at each context ("64/16/2"; "—" where it does not fit). */
export function matrixRows(result: ReportResult): {models: string[]; rows: Array<{fleet: string; cells: string[]}>} {
  const models = [...new Set(result.checkpoints.map((c) => c.model))]
  const byKey = new Map<string, FitCell>()
  for (const c of result.fitMatrix) byKey.set(`${c.fleet}|${c.model}|${c.context}`, c)
  const rows = result.fleet.map((f) => ({
    cells: models.map((m) =>
      result.contexts
        .map((ctx) => {
          const c = byKey.get(`${f.name}|${m}|${ctx}`)
          return c?.fits ? fmtInt(c.concurrency ?? 0) : '—'
        })
        .join('/'),
    ),
    fleet: f.name,
  }))
  return {models, rows}
}

/** "8K/32K/128K": the contexts of the matrix cells, in order. */
export function matrixContexts(result: ReportResult): string {
  return result.contexts.map((c) => fmtContext(c)).join('/')
}

/** The rows of --all (empty in the default view). */
export function allRows(result: ReportResult): ReportRow[] {
  return result.rows ?? []
}
