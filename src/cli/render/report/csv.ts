/** `r1 report --format csv`: RFC 4180, the JSON rows' columns in the same order; empty where null. */
import {REPORT_COLUMNS} from '../../../core/report/columns.js'
import type {ReportResult} from '../../../core/report/report.schema.js'

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const s = String(value)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function renderCsv(result: ReportResult): string {
  const lines = [REPORT_COLUMNS.join(',')]
  for (const row of result.rows) lines.push(REPORT_COLUMNS.map((c) => csvField(row[c])).join(','))
  return `${lines.join('\r\n')}\r\n`
}
