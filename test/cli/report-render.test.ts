import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {csvField, renderCsv} from '../../src/cli/render/report/csv.js'
import {checkpointLabel, fmtConc, fmtContext, fmtCost, fmtLayout} from '../../src/cli/render/report/format.js'
import {esc, matrixContext, renderHtml} from '../../src/cli/render/report/html.js'
import {renderReport} from '../../src/cli/render/report/index.js'
import {renderMarkdown} from '../../src/cli/render/report/markdown.js'
import {renderTable, TABLE_HEADER} from '../../src/cli/render/report/table.js'
import type {Catalog} from '../../src/core/profiles/catalog.js'
import {REPORT_COLUMNS} from '../../src/core/report/columns.js'
import type {ReportResult} from '../../src/core/report/report.schema.js'
import {runReport} from '../../src/services/report.js'
import {ROOT} from '../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog
let result: ReportResult

beforeAll(async () => {
  ;({result} = await runReport({loadCatalog: async () => catalog}, {contexts: '8k,128k', fleet: '8xB200@4.99,1xRTX4090', goal: 'throughput', models: 'r1-fp8,qwen-32b-awq'}))
})

/** A small RFC 4180 reader, to read back what renderCsv wrote. */
function readCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += ch
  }

  return rows
}

describe('formatting', () => {
  it.each([
    [fmtContext(8192), '8K'],
    [fmtContext(131_072), '128K'],
    [fmtContext(10_000), '10,000'],
    [fmtConc(0.655), '0.65'],
    [fmtConc(255.38), '255'],
    [fmtConc(null), ''],
    [fmtCost(0.4801), '$0.480'],
    [fmtCost(5.972), '$5.97'],
    [fmtCost(1234.5), '$1,235'],
    [fmtLayout({dataParallel: 8, expertParallel: 8, pipelineParallel: 1, tensorParallel: 8}), 'TP8 DP8 EP8'],
    [fmtLayout({dataParallel: 1, expertParallel: 1, pipelineParallel: 2, tensorParallel: 8}), 'TP8 PP2'],
    [fmtLayout({dataParallel: null, expertParallel: null, pipelineParallel: null, tensorParallel: null}), ''],
    [checkpointLabel({checkpoint: 'deepseek-ai/DeepSeek-R1', model: 'deepseek-r1', quantization: 'fp8'}), 'deepseek-r1 FP8 (DeepSeek-R1)'],
  ])('%s', (got, want) => {
    expect(got).toBe(want)
  })
})

describe('csv', () => {
  it('the JSON rows\' columns, in order; one line per row; empty where null', () => {
    const rows = readCsv(renderCsv(result))
    expect(rows[0]).toEqual([...REPORT_COLUMNS])
    expect(rows).toHaveLength(result.rows.length + 1)
    const back = rows.slice(1).map((cells) => Object.fromEntries(cells.map((c, i) => [REPORT_COLUMNS[i], c])))
    result.rows.forEach((r, i) => {
      for (const c of REPORT_COLUMNS) expect(back[i][c], `${i} ${c}`).toBe(r[c] === null ? '' : String(r[c]))
    })
  })

  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('a, b')).toBe('"a, b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(null)).toBe('')
    expect(csvField(false)).toBe('false')
  })
})

describe('table', () => {
  it('for people: a header, one line per row, then the ceiling\'s definition and the measured figures', () => {
    const lines = renderTable(result, {tty: true}).split('\n')
    expect(lines[0].split(/\s{2,}/)).toEqual(TABLE_HEADER.filter((h) => h !== 'REASON').concat('REASON'))
    const text = lines.join('\n')
    expect(text).toContain('CEILING: an upper bound from the memory-bandwidth roofline, not a prediction.')
    expect(text).toMatch(/2,283 tok\/s per deployment: SGLang 0\.5\.6\.post1, 8×B200/)
  })

  it('piped: tab-separated rows under the header; --no-headers drops it', () => {
    const lines = renderTable(result, {tty: false}).split('\n')
    expect(lines).toHaveLength(result.rows.length + 1)
    expect(lines[0].split('\t')).toEqual(TABLE_HEADER)
    const first = lines[1].split('\t')
    expect(first.slice(0, 5)).toEqual(['8xB200', 'deepseek-ai/DeepSeek-R1', '8K', 'sglang', 'yes'])
    expect(renderTable(result, {headers: false, tty: false}).split('\n')).toHaveLength(result.rows.length)
  })
})

describe('markdown', () => {
  it('a section per fleet entry with a row per result row, and the measured figures', () => {
    const md = renderMarkdown(result)
    expect(md).toContain('## 8xB200\n')
    expect(md).toContain('## 1xRTX4090\n')
    expect(md).toContain('$4.99 per GPU-hour')
    const tableLines = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Checkpoint') && !l.startsWith('| Measured'))
    expect(tableLines.length).toBe(result.rows.length + result.published.length)
    expect(md).toContain('## Measured figures beside the ceiling')
  })
})

describe('html', () => {
  it('one self-contained page: no script, no external URL', () => {
    const html = renderHtml(result)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i)
    // One SVG chart per fleet entry where something fits (on 1×RTX 4090 neither checkpoint holds 8K beside vLLM's profile run).
    const charted = result.fleet.filter((f) => result.rows.some((r) => r.fleet === f.name && r.fits)).length
    expect(charted).toBeGreaterThanOrEqual(1)
    expect(html.match(/https?:\/\/[^"]*/g) ?? []).toEqual(Array.from({length: charted}, () => 'http://www.w3.org/2000/svg'))
  })

  it('a fit matrix of fleets × checkpoints at 128K, memory charts and every row', () => {
    const html = renderHtml(result)
    expect(matrixContext(result)).toBe(131_072)
    expect(html).toContain('Fit matrix: requests of 128K tokens served at once')
    expect(html.match(/<tr data-fleet=/g)).toHaveLength(2)
    expect(html.match(/<td class="cell c\d"/g)).toHaveLength(2 * 2)
    expect(html.match(/<tr class="row (fit|nofit)">/g)).toHaveLength(result.rows.length)
    expect(html.match(/<figure class="memory-chart"/g)).toHaveLength(2)
    expect(html.match(/<rect class="seg-weights" x=/g)!.length).toBe(result.memory.length)
  })

  it('escapes what it prints', () => {
    expect(esc('<b a="1">&\'')).toBe('&lt;b a=&quot;1&quot;&gt;&amp;&#39;')
  })
})

describe('renderReport', () => {
  it('json is the result itself', async () => {
    expect(JSON.parse(await renderReport('json', result, {tty: false}))).toEqual(result)
  })

  it('picks the renderer by format', async () => {
    expect(await renderReport('csv', result, {tty: false})).toBe(renderCsv(result))
    expect(await renderReport('markdown', result, {tty: false})).toBe(renderMarkdown(result))
    expect(await renderReport('html', result, {tty: false})).toBe(renderHtml(result))
    expect(await renderReport('table', result, {tty: false})).toBe(renderTable(result, {tty: false}))
  })
})
