import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {csvField, renderCsv} from '../../src/cli/render/report/csv.js'
import {checkpointLabel, fmtConc, fmtContext, fmtCost, fmtInt, matrixRows} from '../../src/cli/render/report/format.js'
import {esc, renderHtml} from '../../src/cli/render/report/html.js'
import {renderReport} from '../../src/cli/render/report/index.js'
import {renderMarkdown} from '../../src/cli/render/report/markdown.js'
import {renderTable, TABLE_HEADER} from '../../src/cli/render/report/table.js'
import type {Catalog} from '../../src/core/profiles/catalog.js'
import {PICK_COLUMNS, REPORT_COLUMNS} from '../../src/core/report/columns.js'
import type {ReportResult} from '../../src/core/report/report.schema.js'
import {runReport} from '../../src/services/report.js'
import {ROOT} from '../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog
let result: ReportResult
let picks: ReportResult

beforeAll(async () => {
  const options = {contexts: '8k,128k', fleet: '8xB200@4.99,1xRTX4090', goal: 'throughput', models: 'r1-fp8,qwen-32b-awq'} as const
  ;({result} = await runReport({loadCatalog: async () => catalog}, {...options, all: true}))
  ;({result: picks} = await runReport({loadCatalog: async () => catalog}, options))
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
    [fmtConc(0.655), '0'],
    [fmtConc(4.97), '4'],
    [fmtConc(255.38), '255'],
    [fmtConc(null), ''],
    [fmtCost(0.4801), '$0.480'],
    [fmtCost(5.972), '$5.97'],
    [fmtCost(1234.5), '$1,235'],
    [checkpointLabel({checkpoint: 'deepseek-ai/DeepSeek-R1', model: 'deepseek-r1', quantization: 'fp8'}), 'deepseek-r1 FP8 (DeepSeek-R1)'],
  ])('%s', (got, want) => {
    expect(got).toBe(want)
  })
})

describe('csv', () => {
  it('--all: the JSON rows\' columns, in order; one line per row; empty where null', () => {
    const rows = readCsv(renderCsv(result))
    expect(rows[0]).toEqual([...REPORT_COLUMNS])
    expect(rows).toHaveLength(result.rows!.length + 1)
    const back = rows.slice(1).map((cells) => Object.fromEntries(cells.map((c, i) => [REPORT_COLUMNS[i], c])))
    result.rows!.forEach((r, i) => {
      for (const c of REPORT_COLUMNS) expect(back[i][c], `${i} ${c}`).toBe(r[c] === null ? '' : String(r[c]))
    })
  })

  it('default: one line per pick (fleet entry × context), the layout as plan writes it, both costs', () => {
    const rows = readCsv(renderCsv(picks))
    expect(rows[0]).toEqual([...PICK_COLUMNS])
    expect(rows).toHaveLength(picks.picks.length + 1)
    expect(picks.picks).toHaveLength(2 * 2)
    const b200 = Object.fromEntries(rows[1].map((c, i) => [PICK_COLUMNS[i], c]))
    expect(b200).toMatchObject({context: '8192', fits: 'true', fleet: '8xB200', layout: 'TP8 DP8 EP8 (DP attention)', model: 'deepseek-r1', quantization: 'fp8'})
    expect(Number(b200.costPerMillionTokensMeasured)).toBeGreaterThan(Number(b200.costPerMillionTokensAtCeiling))
    expect(b200.measuredSource).toContain('https://')
  })

  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('a, b')).toBe('"a, b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(null)).toBe('')
    expect(csvField(false)).toBe('false')
  })
})

describe('table', () => {
  it('--all for people: a header, one line per row, then the ceiling\'s definition and the measured figures', () => {
    const lines = renderTable(result, {tty: true}).split('\n')
    expect(lines[0].split(/\s{2,}/)).toEqual(TABLE_HEADER.filter((h) => h !== 'REASON').concat('REASON'))
    const text = lines.join('\n')
    expect(text).toContain('CEILING: an upper bound from the memory-bandwidth roofline, not a prediction')
    expect(text).toMatch(/2,283 tok\/s per deployment: SGLang 0\.5\.6\.post1, 8×B200/)
  })

  it('--all piped: tab-separated rows under the header; --no-headers drops it', () => {
    const lines = renderTable(result, {tty: false}).split('\n')
    expect(lines).toHaveLength(result.rows!.length + 1)
    expect(lines[0].split('\t')).toEqual(TABLE_HEADER)
    const first = lines[1].split('\t')
    expect(first.slice(0, 6)).toEqual(['8xB200', 'deepseek-ai/DeepSeek-R1', '8K', 'sglang', 'yes', 'TP8 DP8 EP8 (DP attention)'])
    expect(renderTable(result, {headers: false, tty: false}).split('\n')).toHaveLength(result.rows!.length)
  })

  it('on a 120-column terminal a pick where nothing fits still says why, in a few words; a split pick its layout and modelled rate', async () => {
    const options = {contexts: '8k', fleet: '8xA100-40GB,4xP40,13x8xH100@2.99', goal: 'throughput', models: 'r1'} as const
    const {result: narrow} = await runReport({loadCatalog: async () => catalog}, options)
    const [a100, p40, h100] = narrow.picks
    expect(a100).toMatchObject({fits: false, whyShort: 'needs 41.5 GiB/GPU; has 29.5'})
    expect(a100.why[0]).toContain('weights need 41.5 GiB per GPU, 29.5 GiB usable')
    expect(p40.whyShort).toMatch(/^needs [\d.]+ GiB\/GPU; has [\d.]+$/)
    expect(h100.whyShort).toBeNull()
    expect(h100.disaggregated).toMatchObject({prefillNodes: 2, decodeNodes: 11, ratio: '2:11'})
    const lines = renderTable(narrow, {tty: true, width: 120}).split('\n')
    const rows = lines.filter((l) => /^(FLEET|\d+x)/.test(l))
    expect(rows.length).toBeGreaterThan(6)
    for (const line of rows) expect(line.length, line).toBeLessThanOrEqual(120)
    expect(lines.find((l) => l.startsWith('8xA100-40GB  8K'))).toMatch(/— nothing fits +needs 41\.5 GiB\/GPU; has 29\.5/)
    expect(lines.find((l) => l.startsWith('13x8xH100    8K'))).toMatch(/deepseek-r1 FP8 +sglang +P:D 2:11, TP16 \/ TP88 \(DP attention\)  +6,336 × 8K +\$[\d.]+ modelled$/)
    expect(lines[0]).toContain('where nothing fits, LAYOUT gives the reason')
    // Piped: the full reason in WHY NOT, the layout as the JSON has it, the modelled rate and cost in the ceiling's columns.
    const piped = renderTable(narrow, {tty: false}).split('\n').map((l) => l.split('\t'))
    expect(piped.find((c) => c[0] === '8xA100-40GB')!.slice(4)).toEqual(['', '', '', '', '', a100.why[0]])
    const split = piped.find((c) => c[0] === '13x8xH100' && c[2] === 'deepseek-r1 FP8')!
    expect(split.slice(4, 8)).toEqual([h100.layout, '6,336 × 8K', `${fmtInt(h100.disaggregated!.outputTokensPerSecond)} modelled`, `${fmtCost(h100.disaggregated!.costPerMillionTokensModelled)} modelled`])
    expect(h100.layout).toBe('prefill 2 nodes TP16 DP16 EP16 (DP attention) + decode 11 nodes TP88 DP88 EP88 (DP attention)')
  })

  it('default: the picks first (one per fleet entry × context), then the fit matrix of models × fleet entries', () => {
    const lines = renderTable(picks, {tty: false}).split('\n')
    expect(lines[0]).toMatch(/^The plan r1 recommends on each fleet entry/)
    expect(lines[1].split('\t').slice(0, 6)).toEqual(['FLEET', 'CTX', 'RECOMMENDED', 'ENGINE', 'LAYOUT', 'AT ONCE'])
    expect(lines[2].split('\t').slice(0, 6)).toEqual(['8xB200', '8K', 'deepseek-r1 FP8', 'sglang', 'TP8 DP8 EP8 (DP attention)', String(picks.picks[0].concurrency)])
    const matrixAt = lines.findIndex((l) => l.startsWith('Fit matrix'))
    expect(matrixAt).toBe(2 + picks.picks.length + 1)
    expect(lines[matrixAt + 1].split('\t')).toEqual(['FLEET', 'deepseek-r1', 'r1-distill-qwen-32b'])
    expect(lines[matrixAt + 2].split('\t')[0]).toBe('8xB200')
    expect(lines.join('\n')).toContain('rows (fleet entry × checkpoint × context × engine) with memory, KV capacity and the ceiling: --all')
    expect(lines.some((l) => l.startsWith('deepseek-ai/'))).toBe(false)
  })

  it('the matrix cell lists whole requests at each context, — where the model does not fit', () => {
    const {models, rows} = matrixRows(picks)
    expect(models).toEqual(['deepseek-r1', 'r1-distill-qwen-32b'])
    const rtx = rows.find((r) => r.fleet === '1xRTX4090')!
    expect(rtx.cells[0]).toBe('—/—')
    const cells = picks.fitMatrix.filter((c) => c.fleet === '8xB200' && c.model === 'deepseek-r1')
    expect(rows[0].cells[0]).toBe(cells.map((c) => c.concurrency!.toLocaleString('en-US')).join('/'))
  })
})

describe('markdown', () => {
  it('a section per fleet entry with a row per result row, and the measured figures', () => {
    const md = renderMarkdown(result)
    expect(md).toContain('## 8xB200\n')
    expect(md).toContain('## 1xRTX4090\n')
    expect(md).toContain('$4.99 per GPU-hour')
    const tableLines = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Checkpoint') && !l.startsWith('| Measured') && !l.startsWith('| Fleet |'))
    const summary = result.picks.length + result.fleet.length // the picks and the fit matrix
    expect(tableLines.length).toBe(summary + result.rows!.length + result.published.length)
    expect(md).toContain('## Measured figures beside the ceiling')
  })
})

describe('html', () => {
  it('one self-contained page: no script, no external URL', () => {
    const html = renderHtml(result)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i)
  })

  it('picks first, then a fit matrix of fleets × models at every context, memory charts and (--all) every row', () => {
    const html = renderHtml(result)
    expect(html.indexOf('id="picks"')).toBeGreaterThan(0)
    expect(html.indexOf('id="picks"')).toBeLessThan(html.indexOf('id="fit"'))
    expect(html.indexOf('id="fit"')).toBeLessThan(html.indexOf('id="memory"'))
    expect(html.match(/<tr class="pick (fit|nofit)"/g)).toHaveLength(result.picks.length)
    expect(html.match(/<tr data-fleet=/g)).toHaveLength(2)
    expect(html.match(/<td class="cell c\d"/g)).toHaveLength(2 * 2 * 2)
    expect(html.match(/<tr class="row (fit|nofit)">/g)).toHaveLength(result.rows!.length)
    expect(renderHtml(picks).match(/<tr class="row (fit|nofit)">/g)).toBeNull()
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
