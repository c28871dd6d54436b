/**
 * `r1 report --format csv`: RFC 4180. Default: one line per pick (PICK_COLUMNS, nested `measured`
 * flattened, `why` joined); --all: the JSON rows' columns in the same order. Empty where null.
 */
import {PICK_COLUMNS, REPORT_COLUMNS} from '../../../core/report/columns.js'
import type {ReportPick, ReportResult} from '../../../core/report/report.schema.js'

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const s = String(value)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

function pickField(p: ReportPick, column: (typeof PICK_COLUMNS)[number]): unknown {
  if (column === 'measuredOutputTokensPerSecond') return p.measured?.outputTokensPerSecond
  if (column === 'measuredSource') return p.measured?.source
  if (column === 'why') return p.why.join(' ')
  return p[column]
}

export function renderCsv(result: ReportResult): string {
  const lines: string[] = []
  if (result.view === 'all') {
    lines.push(REPORT_COLUMNS.join(','))
    for (const row of result.rows ?? []) lines.push(REPORT_COLUMNS.map((c) => csvField(row[c])).join(','))
  } else {
    lines.push(PICK_COLUMNS.join(','))
    for (const p of result.picks) lines.push(PICK_COLUMNS.map((c) => csvField(pickField(p, c))).join(','))
  }

  return `${lines.join('\r\n')}\r\n`
}
