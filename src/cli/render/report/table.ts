/**
 * `r1 report` for people. Default: the recommended plan per fleet entry × context, the fit matrix of
 * models × fleet entries, and R1's prefill/decode split on multi-node entries; `--all`: every row.
 * The ceiling's definition and the measured figures follow on a terminal.
 */
import type {ReportResult} from '../../../core/report/report.schema.js'
import {table, type TableColumn} from '../../style.js'
import {allRows, fmtContext, fmtCost, fmtInt, matrixContexts, matrixRows, pdCells, pickConc, pickLabel, pickRateCells, rowCells, splitLayoutShort} from './format.js'

export const TABLE_HEADER = ['FLEET', 'CHECKPOINT', 'CTX', 'ENGINE', 'FITS', 'LAYOUT', 'WEIGHTS/GPU', 'KV/GPU', 'KV TOKENS', 'CONC', 'CEILING tok/s', '$/M tok AT CEILING', '$/M tok MEASURED', 'REASON']

/** The picks' columns; on a narrow terminal WHY NOT is shortened, then dropped, then the ceiling, the measured cost and the cost at the ceiling. */
export const PICK_COLUMNS: TableColumn[] = [
  {title: 'FLEET'},
  {title: 'CTX'},
  {title: 'RECOMMENDED', min: 12},
  {title: 'ENGINE'},
  {title: 'LAYOUT', min: 8},
  {title: 'AT ONCE'},
  {drop: 2, title: 'CEILING tok/s'},
  {drop: 4, title: '$/M AT CEILING'},
  {drop: 3, title: '$/M MEASURED'},
  {drop: 1, early: true, min: 20, title: 'WHY NOT'},
]

export interface TableOptions {
  tty: boolean
  headers?: boolean
  width?: number
}

export function renderTable(result: ReportResult, options: TableOptions): string {
  const out = result.view === 'all' ? [allTable(result, options)] : [...picksSection(result, options), '', ...matrixSection(result, options), ...pdSection(result, options)]
  if (result.view !== 'all') {
    const candidates = result.fleet.length * result.contexts.length * result.checkpoints.length * result.engines.length
    out.push('', `${fmtInt(candidates)} rows (fleet entry × checkpoint × context × engine) with memory, KV capacity and the ceiling: --all`)
  }

  if (!options.tty) return out.join('\n')
  return [...out, '', ...footnotes(result)].join('\n')
}

function picksSection(result: ReportResult, options: TableOptions): string[] {
  const rows = result.picks.map((p) => [
    p.fleet,
    fmtContext(p.context),
    pickLabel(p),
    p.engine ?? '',
    // On a terminal a pick where nothing fits gives its reason in a few words here, where the layout would be
    // ("needs 85.6 GiB/GPU; has 79.2"): WHY NOT, with the full reason, is the first column a narrow terminal drops.
    p.disaggregated && options.tty ? splitLayoutShort(p.disaggregated) : !p.fits && options.tty ? (p.whyShort ?? '') : (p.layout ?? ''),
    pickConc(p, result.workload),
    ...pickRateCells(p),
    // On a terminal the cost alone (the measured figure and its workload are in the notes below); piped, all of it.
    p.costPerMillionTokensMeasured === null ? '' : options.tty ? fmtCost(p.costPerMillionTokensMeasured) : `${fmtCost(p.costPerMillionTokensMeasured)} at ${fmtInt(p.measured!.outputTokensPerSecond)} tok/s (${p.measured!.workload})`,
    p.fits ? '' : (p.why[0] ?? ''),
  ])
  return [
    `The plan r1 recommends on each fleet entry (as \`r1 plan\` picks it, prefill/decode split included). AT ONCE: whole requests of the context served at once; $/M: USD per million output tokens, AT CEILING (a floor) and at the best published MEASURED rate${options.tty && result.picks.some((p) => !p.fits) ? '; where nothing fits, LAYOUT gives the reason' : ''}:`,
    table(rows, {columns: PICK_COLUMNS, headers: options.headers, tty: options.tty, width: options.width}),
  ]
}

function matrixSection(result: ReportResult, options: TableOptions): string[] {
  const {models, rows} = matrixRows(result)
  // On a terminal the distills by their short names (llama-70b for r1-distill-llama-70b), so the matrix fits.
  const short = (m: string) => (options.tty ? m.replace(/^r1-distill-/, '') : m)
  const columns: TableColumn[] = [{title: 'FLEET'}, ...models.map((m) => ({title: short(m)}))]
  const distills = options.tty && models.some((m) => m !== short(m)) ? ' (distills as r1-distill-NAME)' : ''
  return [
    `Fit matrix: requests at once at ${matrixContexts(result)} tokens for each model${distills}, with its preferred checkpoint, engine and layout; — = does not fit:`,
    table(
      rows.map((r) => [r.fleet, ...r.cells]),
      {columns, headers: options.headers, tty: options.tty, width: options.width},
    ),
  ]
}

function pdSection(result: ReportResult, options: TableOptions): string[] {
  if (result.disaggregated.length === 0) return []
  const rows = result.disaggregated.map((d) => {
    const c = pdCells(d)
    return [
      ...c.head,
      `${c.requests}${d.requestsPerSecond === null || d.aggregatedRequestsPerSecond === null ? '' : ` (aggregated ${d.aggregatedRequestsPerSecond})`}`,
      c.modelledCost,
      d.published === null || d.costPerMillionTokensPublished === null ? '' : `${fmtCost(d.costPerMillionTokensPublished)} at ${fmtInt(d.published.prefillTokensPerSecondPerNode)}/${fmtInt(d.published.decodeTokensPerSecondPerNode)}`,
      d.split ? (d.recommended ? 'split' : 'aggregated') : (d.why[0] ?? ''),
    ]
  })
  const columns: TableColumn[] = [
    {title: 'FLEET'},
    {title: 'CTX'},
    {title: 'MODEL'},
    {title: 'P:D NODES'},
    {title: 'PREFILL/node'},
    {title: 'DECODE/node'},
    {drop: 1, title: 'REQ/s'},
    {title: '$/M MODELLED'},
    {drop: 2, title: '$/M PUBLISHED'},
    {drop: 3, early: true, min: 16, title: 'VERDICT'},
  ]
  const w = result.workload
  return [
    '',
    `Prefill/decode disaggregation of R1 on multi-node entries: modelled tokens/s per node for ${fmtInt(w.inputTokens)}-token prompts and ${fmtInt(w.outputTokens)}-token outputs (--input-tokens, --output-tokens), with the cost at the published per-node rates where they exist:`,
    table(rows, {columns, headers: options.headers, tty: options.tty, width: options.width}),
  ]
}

function allTable(result: ReportResult, options: TableOptions): string {
  const rows = allRows(result).map((r) => [r.fleet, ...rowCells(r, ' GiB')])
  return table(rows, {header: TABLE_HEADER, headers: options.headers, tty: options.tty, width: options.width})
}

/** The ceiling's definition, the measured figures beside it, and the notes. */
export function footnotes(result: ReportResult): string[] {
  const lines = ['CEILING: an upper bound from the memory-bandwidth roofline, not a prediction; "$/M AT CEILING" is the cost at that bound (a floor).', ...result.definitions.map((d) => `  - ${d}`)]
  if (result.published.length > 0) {
    lines.push('', 'Measured on real systems (output tokens/s, published benchmarks), beside this report\'s ceiling and the cost at each:')
    for (const p of result.published) {
      const beside = p.matches
        .map((m) => {
          const costs = m.costPerMillionTokensMeasured === null ? '' : `; $/M tok ${fmtCost(m.costPerMillionTokensMeasured)} measured vs ${fmtCost(m.costPerMillionTokensAtCeiling)} at the ceiling`
          return `${m.fleet} ${m.quantization.toUpperCase()}: ceiling ${m.ceiling === null ? 'n/a' : fmtInt(m.ceiling)} (1 request: ${m.ceilingBatch1 === null ? 'n/a' : fmtInt(m.ceilingBatch1)})${costs}`
        })
        .join('; ')
      lines.push(`  - ${fmtInt(p.outputTokensPerSecond)} tok/s per ${p.per}: ${p.engine}, ${p.setup}, ${p.workload} [${p.source}]. ${beside}`)
    }
  }

  for (const n of result.notes) lines.push('', n)
  return lines
}
