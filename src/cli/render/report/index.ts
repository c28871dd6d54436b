/** Picks the report's renderer by format and loads only that one (STYLE.md §9). */
import type {ReportResult} from '../../../core/report/report.schema.js'
import type {ReportFormat} from './format.js'

export async function renderReport(format: ReportFormat, result: ReportResult, options: {headers?: boolean; tty: boolean}): Promise<string> {
  switch (format) {
    case 'csv':
      return (await import('./csv.js')).renderCsv(result)
    case 'html':
      return (await import('./html.js')).renderHtml(result)
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(result)
    default:
      return (await import('./table.js')).renderTable(result, options)
  }
}
