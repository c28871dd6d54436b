/**
 * The HTML report in a real browser: Debian's Chromium (headless, driven by playwright-core) opens
 * the file `r1 report --format html --output` wrote; the test asserts on the rendered DOM and keeps
 * a screenshot in test-output/report.png. Needs `npm run build` (it spawns bin/run.js).
 */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {chromium} from 'playwright-core'
import {afterAll, describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
if (!present) process.stderr.write(`report-browser: skipped, ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)\n`)

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

describe.skipIf(!present)('r1 report --format html in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'r1-report-html-'))
  afterAll(() => rmSync(work, {force: true, recursive: true}))

  it('renders the fit matrix, the memory charts (sized SVG bars) and every row', {timeout: 180_000}, async () => {
    const file = join(work, 'report.html')
    const run = await runCli(['report', '--format', 'html', '--output', file, '--json'])
    expect(run.exitCode, run.stderr).toBe(0)
    const {result} = JSON.parse(run.stdout) as {result: {fleet: Array<{name: string}>; rows: unknown[]; memory: unknown[]}}
    expect(result.fleet.length).toBeGreaterThanOrEqual(15)
    expect(readFileSync(file, 'utf8')).toContain('<svg')

    const profile = mkdtempSync(join(tmpdir(), 'r1-chromium-'))
    const context = await chromium.launchPersistentContext(profile, {args: ARGS, executablePath: CHROMIUM, headless: true, viewport: {height: 1600, width: 1400}})
    try {
      const page = await context.newPage()
      const requests: string[] = []
      page.on('request', (r) => requests.push(r.url()))
      await page.goto(pathToFileURL(file).href, {waitUntil: 'load'})

      // Nothing fetched but the page itself.
      expect(requests).toEqual([pathToFileURL(file).href])
      expect(await page.title()).toBe('r1 report: DeepSeek-R1 sizing across GPU fleets')

      // Fit matrix: one row per fleet entry, coloured cells.
      const matrixRows = await page.locator('#fit-matrix tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fleet')))
      expect(matrixRows).toEqual(result.fleet.map((f) => f.name))
      const colours = await page.locator('#fit-matrix td.cell').evaluateAll((tds) => tds.map((td) => td.ownerDocument.defaultView!.getComputedStyle(td).backgroundColor))
      expect(colours.length).toBeGreaterThan(result.fleet.length)
      expect(colours.every((c) => c !== 'rgba(0, 0, 0, 0)')).toBe(true)
      expect(new Set(colours).size).toBeGreaterThanOrEqual(3)

      // Memory charts: one figure per fleet entry; every bar segment drawn with a real size.
      expect(await page.locator('figure.memory-chart').count()).toBe(result.fleet.length)
      const rects = await page.locator('figure.memory-chart svg rect').evaluateAll((els) =>
        els.map((el) => {
          const b = el.getBoundingClientRect()
          return {cls: el.getAttribute('class'), height: b.height, width: b.width}
        }),
      )
      expect(rects.filter((r) => r.cls === 'seg-weights')).toHaveLength(result.memory.length)
      expect(rects.length).toBeGreaterThan(result.memory.length)
      for (const r of rects) {
        expect(r.width, JSON.stringify(r)).toBeGreaterThan(0)
        expect(r.height, JSON.stringify(r)).toBeGreaterThan(0)
      }

      // Every row of the JSON result is a row of the table.
      expect(await page.locator('#rows-table tbody tr').count()).toBe(result.rows.length)
      expect(await page.locator('#rows-table tbody tr.fit').count()).toBeGreaterThan(0)

      mkdirSync(join(ROOT, 'test-output'), {recursive: true})
      const shot = join(ROOT, 'test-output', 'report.png')
      await page.screenshot({path: shot})
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG')
    } finally {
      await context.close()
      rmSync(profile, {force: true, recursive: true})
    }
  })
})
