/**
 * The HTML report in a real browser: Debian's Chromium (headless, driven by playwright-core) opens
 * the file `r1 report --format html --output` wrote in a 1400-px window; the test asserts on the
 * rendered DOM (the page never scrolls sideways, the picks come first) and keeps a screenshot in
 * test-output/report.png. Needs `npm run build` (it spawns bin/run.js).
 */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {chromium, type Page} from 'playwright-core'
import {afterAll, describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

const CHROMIUM = '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
if (!present) process.stderr.write(`report-browser: skipped, ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)\n`)

const WIDTH = 1400

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

describe.skipIf(!present)('r1 report --format html in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'r1-report-html-'))
  afterAll(() => rmSync(work, {force: true, recursive: true}))

  const open = async (file: string, check: (page: Page) => Promise<void>, shot?: string) => {
    const profile = mkdtempSync(join(tmpdir(), 'r1-chromium-'))
    const context = await chromium.launchPersistentContext(profile, {args: ARGS, executablePath: CHROMIUM, headless: true, viewport: {height: 1000, width: WIDTH}})
    try {
      const page = await context.newPage()
      const requests: string[] = []
      page.on('request', (r) => requests.push(r.url()))
      await page.goto(pathToFileURL(file).href, {waitUntil: 'load'})
      // Nothing fetched but the page itself.
      expect(requests).toEqual([pathToFileURL(file).href])
      await check(page)
      if (shot) {
        mkdirSync(join(ROOT, 'test-output'), {recursive: true})
        await page.screenshot({fullPage: false, path: join(ROOT, 'test-output', shot)})
        expect(readFileSync(join(ROOT, 'test-output', shot)).subarray(1, 4).toString()).toBe('PNG')
      }
    } finally {
      await context.close()
      rmSync(profile, {force: true, recursive: true})
    }
  }

  /** The page's width as the browser lays it out: wider than the window means a sideways scroll bar. */
  const pageWidth = (page: Page) => page.locator('html').evaluate((html) => Math.max(html.scrollWidth, html.ownerDocument.body.scrollWidth))

  it('fits a 1400-px window and opens with the per-fleet picks, then the fit matrix, then the rest', {timeout: 180_000}, async () => {
    const file = join(work, 'report.html')
    const run = await runCli(['report', '--format', 'html', '--output', file, '--json'])
    expect(run.exitCode, run.stderr).toBe(0)
    const {result} = JSON.parse(run.stdout) as {result: {fleet: Array<{name: string}>; picks: Array<{fleet: string; context: number}>; memory: unknown[]; fitMatrix: unknown[]}}
    expect(result.fleet.length).toBeGreaterThanOrEqual(15)
    expect(readFileSync(file, 'utf8')).toContain('<svg')

    await open(
      file,
      async (page) => {
        expect(await page.title()).toBe('r1 report: DeepSeek-R1 sizing across GPU fleets')
        expect(await pageWidth(page)).toBeLessThanOrEqual(WIDTH)

        // The sections in order: the picks first, then the fit matrix.
        const sections = await page.locator('h2').evaluateAll((hs) => hs.map((h) => h.id))
        expect(sections[0]).toBe('picks')
        expect(sections[1]).toBe('fit')
        // The picks table starts within the first screen.
        const top = await page.locator('#picks-table').evaluate((t) => t.getBoundingClientRect().top)
        expect(top).toBeLessThan(600)
        const picks = await page.locator('#picks-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-fleet'), Number(tr.getAttribute('data-context'))]))
        expect(picks).toEqual(result.picks.map((p) => [p.fleet, p.context]))
        expect(await page.locator('#picks-table tbody tr.fit').count()).toBeGreaterThan(result.picks.length / 2)

        // Fit matrix: one row per fleet entry, one coloured cell per model × context; it scrolls inside its own box.
        const matrixRows = await page.locator('#fit-matrix tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-fleet')))
        expect(matrixRows).toEqual(result.fleet.map((f) => f.name))
        const colours = await page.locator('#fit-matrix td.cell').evaluateAll((tds) => tds.map((td) => td.ownerDocument.defaultView!.getComputedStyle(td).backgroundColor))
        expect(colours).toHaveLength(result.fitMatrix.length)
        expect(colours.every((c) => c !== 'rgba(0, 0, 0, 0)')).toBe(true)
        expect(new Set(colours).size).toBeGreaterThanOrEqual(3)
        const box = await page.locator('#fit-matrix').evaluate((t) => {
          const wrap = t.parentElement!
          return {overflow: wrap.ownerDocument.defaultView!.getComputedStyle(wrap).overflowX, wrap: wrap.getBoundingClientRect().right}
        })
        expect(box.overflow).toBe('auto')
        expect(box.wrap).toBeLessThanOrEqual(WIDTH)

        // Memory charts: one figure per fleet entry; every bar segment drawn with a real size.
        expect(await page.locator('figure.memory-chart').count()).toBe(result.fleet.length)
        const rects = await page.locator('figure.memory-chart svg rect').evaluateAll((els) =>
          els.map((el) => {
            const b = el.getBoundingClientRect()
            return {cls: el.getAttribute('class'), height: b.height, width: b.width}
          }),
        )
        expect(rects.filter((r) => r.cls === 'seg-weights')).toHaveLength(result.memory.length)
        for (const r of rects) {
          expect(r.width, JSON.stringify(r)).toBeGreaterThan(0)
          expect(r.height, JSON.stringify(r)).toBeGreaterThan(0)
        }

        // Without --all, no table of every row.
        expect(await page.locator('#rows-table').count()).toBe(0)
      },
      'report.png',
    )
  })

  it('--all: every row too, and the page still fits 1400 px (the wide table scrolls in its box)', {timeout: 180_000}, async () => {
    const file = join(work, 'report-all.html')
    const run = await runCli(['report', '--all', '--fleet', '8xB200,2x8xH100,1xP100', '--format', 'html', '--output', file, '--json'])
    expect(run.exitCode, run.stderr).toBe(0)
    const {result} = JSON.parse(run.stdout) as {result: {rows: unknown[]}}
    await open(file, async (page) => {
      expect(await pageWidth(page)).toBeLessThanOrEqual(WIDTH)
      expect(await page.locator('#rows-table tbody tr').count()).toBe(result.rows.length)
      expect(await page.locator('#rows-table tbody tr.fit').count()).toBeGreaterThan(0)
      expect(await page.locator('#pd-table tbody tr').count()).toBe(3)
      const wide = await page.locator('#rows-table').evaluate((t) => t.scrollWidth)
      expect(wide).toBeGreaterThan(0)
    })
  })
})
