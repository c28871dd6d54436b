/** `r1 report` for people: one line per row; the ceiling's definition and the measured figures below (TTY only). */
import type {ReportResult} from '../../../core/report/report.schema.js'
import {table} from '../../style.js'
import {fmtConc, fmtContext, fmtCost, fmtGiB, fmtInt, fmtLayout, fmtTokens} from './format.js'

export const TABLE_HEADER = ['FLEET', 'CHECKPOINT', 'CTX', 'ENGINE', 'FITS', 'LAYOUT', 'WEIGHTS/GPU', 'KV/GPU', 'KV TOKENS', 'CONC', 'CEILING tok/s', '$/M tok AT CEILING', 'REASON']

export function renderTable(result: ReportResult, options: {tty: boolean; headers?: boolean; width?: number}): string {
  const rows = result.rows.map((r) => [
    r.fleet,
    r.checkpoint,
    fmtContext(r.context),
    r.engine,
    r.fits ? 'yes' : 'no',
    fmtLayout(r),
    r.weightsGiB === null ? '' : `${fmtGiB(r.weightsGiB)} GiB`,
    r.kvCacheGiB === null ? '' : `${fmtGiB(r.kvCacheGiB)} GiB`,
    fmtTokens(r.kvCacheTokens, r.kvErrorBand),
    fmtConc(r.maxConcurrency),
    r.decodeTokensPerSecondCeiling === null ? '' : fmtInt(r.decodeTokensPerSecondCeiling),
    fmtCost(r.costPerMillionTokens),
    r.reason ?? '',
  ])
  const body = table(rows, {header: TABLE_HEADER, headers: options.headers, tty: options.tty, width: options.width})
  if (!options.tty) return body
  return [body, '', ...footnotes(result)].join('\n')
}

/** The ceiling's definition, the measured figures beside it, and the notes. */
export function footnotes(result: ReportResult): string[] {
  const lines = ['CEILING: an upper bound from the memory-bandwidth roofline, not a prediction.', ...result.definitions.map((d) => `  - ${d}`)]
  if (result.published.length > 0) {
    lines.push('', 'Measured on real systems (output tokens/s, published benchmarks), beside this report\'s ceiling:')
    for (const p of result.published) {
      const beside = p.matches
        .map((m) => `${m.fleet} ${m.quantization.toUpperCase()}: ceiling ${m.ceiling === null ? 'n/a' : fmtInt(m.ceiling)} (1 request: ${m.ceilingBatch1 === null ? 'n/a' : fmtInt(m.ceilingBatch1)})`)
        .join('; ')
      lines.push(`  - ${fmtInt(p.outputTokensPerSecond)} tok/s per ${p.per}: ${p.engine}, ${p.setup}, ${p.workload} [${p.source}]. ${beside}`)
    }
  }

  for (const n of result.notes) lines.push('', n)
  return lines
}
