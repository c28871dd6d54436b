/**
 * `r1 report` through the real bin/run.js (issue 13 items 7, 9 and 10; issue 14 defects 6 and 8;
 * issue 15 item 5): the answer first, one layout notation, --json and --format, costs at the ceiling
 * beside the published measurements, disaggregated rows, nothing internal in user text, and bounds.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {ReportResult} from '../../src/core/report/report.schema.js'
import {runCli} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), 'r1-report-e2e-'))
afterAll(() => rmSync(work, {force: true, recursive: true}))

const SMALL = ['--fleet', '8xB200@4.99,1xRTX4090@0.39', '--models', 'r1-fp8,qwen-7b-awq', '--context', '8k']

async function json(args: string[]): Promise<ReportResult> {
  const r = await runCli([...args, '--json'])
  expect(r.exitCode, r.stderr).toBe(0)
  return ReportResult.parse(JSON.parse(r.stdout).result)
}

/** The names of r1's own reference notes, which r1 does not ship: no user text may cite them (SGLang's router flag --pd-disaggregation is not one). */
const INTERNAL = /engines\.md|memory\.md|memory-by-version|gpus\.md|models\.json|(?<!--)pd-disaggregation|shared\/|§|\[[SP]\d+[a-z]?\]/

describe('r1 report: the answer first', () => {
  it('default: one pick per fleet entry × context (18 × 3), opening with a plan that fits; no rows without --all', {timeout: 60_000}, async () => {
    const result = await json(['report'])
    expect(result.view).toBe('picks')
    expect(result.rows).toBeUndefined()
    expect(result.picks).toHaveLength(18 * 3)
    expect(result.picks[0]).toMatchObject({context: 8192, fits: true, fleet: '8xB200', model: 'deepseek-r1'})
    // The fit matrix: every fleet entry × model × context.
    const models = new Set(result.checkpoints.map((c) => c.model))
    expect(result.fitMatrix).toHaveLength(18 * models.size * 3)
    expect(result.fitMatrix.filter((c) => c.fleet === '1xP100').every((c) => !c.fits && c.reason !== null)).toBe(true)
    expect(result.fitMatrix.find((c) => c.fleet === '8xH200' && c.model === 'deepseek-r1' && c.context === 8192)).toMatchObject({fits: true, layout: 'TP8 DP8 EP8 (DP attention)'})

    const text = await runCli(['report'])
    const lines = text.stdout.split('\n')
    expect(lines.length).toBeLessThan(120)
    expect(lines[2].split('\t').slice(0, 5)).toEqual(['8xB200', '8K', 'deepseek-r1 FP8', 'sglang', 'TP8 DP8 EP8 (DP attention)'])
    expect(lines.filter((l) => /\tno\t/.test(l))).toEqual([])
  })

  it('--all: every fleet entry × checkpoint × context × engine row, in every format', {timeout: 60_000}, async () => {
    const result = await json(['report', ...SMALL, '--all'])
    expect(result.view).toBe('all')
    expect(result.rows).toHaveLength(2 * 2 * 1 * 2)
    const csv = (await runCli(['report', ...SMALL, '--all', '--format', 'csv'])).stdout.trimEnd().split(/\r\n/)
    expect(csv).toHaveLength(1 + result.rows!.length)
    const html = (await runCli(['report', ...SMALL, '--all', '--format', 'html'])).stdout
    expect(html.match(/<tr class="row (fit|nofit)">/g)).toHaveLength(result.rows!.length)
  })

  it('the pick is what `r1 plan` recommends on the same hardware, in the same layout notation', {timeout: 60_000}, async () => {
    const report = await json(['report', '--fleet', '8xH200', '--context', '8k'])
    const plan = await runCli(['plan', '--gpu', 'H200', '--count', '8', '--context', '8192', '--json'])
    expect(plan.exitCode, plan.stderr).toBe(0)
    const p = JSON.parse(plan.stdout).result.plan
    expect(report.picks[0]).toMatchObject({checkpointId: p.checkpointId, concurrency: Math.floor(p.maxConcurrency), engine: p.engine, layout: p.layout, model: p.model})
  })

  // `r1 plan`'s recommendation, disaggregated included, at the report's workload defaults (2,000 in / 6,000 out).
  it.each([
    ['8xH200', '8192', ['--gpu', 'H200', '--count', '8'], false],
    ['2x8xH100', '8192', ['--gpu', 'H100', '--count', '8', '--nodes', '2'], false],
    ['13x8xH100', '8192', ['--gpu', 'H100', '--count', '8', '--nodes', '13'], true],
    ['13x8xH100', '131072', ['--gpu', 'H100', '--count', '8', '--nodes', '13'], true],
  ] as const)('%s at %s tokens: the pick is `r1 plan --json`\'s recommendation (model, checkpoint, engine, layout)', {timeout: 60_000}, async (fleet, context, hardware, split) => {
    const report = await json(['report', '--fleet', fleet, '--context', context])
    const run = await runCli(['plan', ...hardware, '--context', context, '--json'])
    expect(run.exitCode, run.stderr).toBe(0)
    const plan = JSON.parse(run.stdout).result
    const pick = report.picks[0]
    expect(report.picks).toHaveLength(1)
    expect(Boolean(plan.disaggregated?.recommended)).toBe(split)
    if (split) {
      const d = plan.disaggregated
      expect(pick).toMatchObject({checkpointId: d.checkpointId, engine: d.engine, fits: true, model: d.model})
      const role = (r: {instances: number; nodesPerInstance: number; tensorParallel: number; dataParallel: number; expertParallel: number; dpAttention: boolean}) => ({
        dataParallel: r.dataParallel,
        dpAttention: r.dpAttention,
        expertParallel: r.expertParallel,
        instances: r.instances,
        nodesPerInstance: r.nodesPerInstance,
        tensorParallel: r.tensorParallel,
      })
      expect(pick.disaggregated).toMatchObject({decode: role(d.decode), decodeNodes: d.ratio.decodeNodes, prefill: role(d.prefill), prefillNodes: d.ratio.prefillNodes, requestsPerSecond: d.requestsPerSecond})
      expect(pick.layout).toBe(`prefill ${d.ratio.prefillNodes} nodes TP${d.prefill.tensorParallel} DP${d.prefill.dataParallel} EP${d.prefill.expertParallel} (DP attention) + decode ${d.ratio.decodeNodes} nodes TP${d.decode.tensorParallel} DP${d.decode.dataParallel} EP${d.decode.expertParallel} (DP attention)`)
      expect(pick.why[0]).toBe(plan.why[0])
      // The disaggregated row below says the same.
      expect(report.disaggregated[0]).toMatchObject({ratio: `${d.ratio.prefillNodes}:${d.ratio.decodeNodes}`, recommended: true, split: true})
    } else {
      const p = plan.plan
      expect(pick).toMatchObject({checkpointId: p.checkpointId, disaggregated: null, engine: p.engine, fits: true, layout: p.layout, model: p.model})
    }
  })
})

describe('r1 report: --json and --format', () => {
  it('--json is exactly the envelope around what --format json prints', {timeout: 60_000}, async () => {
    const enveloped = await runCli([...['report', ...SMALL], '--json'])
    const plain = await runCli(['report', ...SMALL, '--format', 'json'])
    expect(plain.exitCode).toBe(0)
    expect(JSON.parse(enveloped.stdout)).toEqual({result: JSON.parse(plain.stdout), status: 0, warnings: []})
    const both = await runCli(['report', ...SMALL, '--format', 'json', '--json'])
    expect(JSON.parse(both.stdout)).toEqual(JSON.parse(enveloped.stdout))
  })

  it.each(['csv', 'html', 'markdown', 'table'])('--format %s --json is refused (exit 2), saying what to do', async (format) => {
    const r = await runCli(['report', ...SMALL, '--format', format, '--json'])
    expect(r.exitCode).toBe(2)
    const error = JSON.parse(r.stdout).error
    expect(error.code).toBe('R1_INVALID_FLAGS')
    expect(error.message).toBe(`--format ${format} and --json ask for two outputs; --json prints the JSON envelope (the result of --format json)`)
    expect(error.suggestions.join(' ')).toContain('--output FILE')
  })

  it('--format csv --output FILE --json: the file gets the CSV, stdout the envelope', {timeout: 60_000}, async () => {
    const file = join(work, 'picks.csv')
    const r = await runCli(['report', ...SMALL, '--format', 'csv', '--output', file, '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).result.picks).toHaveLength(2)
    expect(readFileSync(file, 'utf8').split('\r\n')[0]).toMatch(/^fleet,gpu,gpusPerNode,nodes,context,fits,/)
  })

  it('the help example no longer pairs --format csv with --json', async () => {
    const help = await runCli(['report', '--help'])
    expect(help.stdout).not.toMatch(/--format (csv|html|markdown|table)[^\n]*--json/)
  })
})

describe('r1 report: costs', () => {
  it('the cost at the ceiling is labelled so and stands beside the cost at the published measurement', {timeout: 60_000}, async () => {
    const result = await json(['report', ...SMALL])
    const b200 = result.picks.find((p) => p.fleet === '8xB200')!
    // SGLang cookbook: 2,283 output tok/s on 8×B200, R1-0528 FP8, concurrency 100 (the best published figure that matches).
    expect(b200.measured).toMatchObject({outputTokensPerSecond: 2283, per: 'deployment'})
    expect(b200.measured!.source).toContain('https://github.com/sgl-project/sgl-cookbook')
    expect(b200.costPerMillionTokensMeasured).toBeCloseTo((4.99 * 8 * 1e6) / (2283 * 3600), 3)
    expect(b200.costPerMillionTokensAtCeiling).toBeCloseTo((4.99 * 8 * 1e6) / (b200.decodeTokensPerSecondCeiling! * 3600), 2)
    expect(b200.costPerMillionTokensAtCeiling!).toBeLessThan(b200.costPerMillionTokensMeasured!)
    // A distill has no published measurement: no measured cost.
    expect(result.picks.find((p) => p.fleet === '1xRTX4090')).toMatchObject({costPerMillionTokensMeasured: null, measured: null})

    const text = (await runCli(['report', ...SMALL])).stdout
    expect(text.split('\n')[1]).toContain('CEILING tok/s\t$/M AT CEILING\t$/M MEASURED')
    expect(text).toContain(`$4.86 at 2,283 tok/s`)
  })
})

describe('r1 report: disaggregated rows (R1 on multi-node entries)', () => {
  it('13 × 8 × H100: the prefill:decode ratio, per-node rates and costs, as `r1 plan` sizes it, beside LMSYS\'s published rates', {timeout: 60_000}, async () => {
    const args = ['--input-tokens', '2000', '--output-tokens', '2000']
    const result = await json(['report', '--fleet', '13x8xH100@2.99', '--models', 'r1', '--context', '8k', ...args])
    expect(result.workload).toEqual({inputTokens: 2000, outputTokens: 2000})
    expect(result.disaggregated).toHaveLength(1)
    const d = result.disaggregated[0]
    expect(d).toMatchObject({fleet: '13x8xH100', model: 'deepseek-r1', quantization: 'fp8', recommended: true, split: true})
    const share = d.decodeNodes! / d.prefillNodes!
    expect(share).toBeGreaterThanOrEqual(2)
    expect(share).toBeLessThanOrEqual(3.5)
    expect(d.published).toMatchObject({decodeTokensPerSecondPerNode: 22_282, prefillTokensPerSecondPerNode: 54_543})
    expect(d.published!.source).toContain('https://lmsys.org/blog/2025-05-05-large-scale-ep/')
    const gpus = (d.prefillNodes! + d.decodeNodes!) * 8
    expect(d.costPerMillionTokensModelled).toBeCloseTo((2.99 * gpus * 1e6) / (d.outputTokensPerSecond! * 3600), 2)
    const publishedRps = Math.min((0.9 * d.prefillNodes! * 54_543) / 2000, (0.92 * d.decodeNodes! * 22_282) / 2000)
    expect(d.costPerMillionTokensPublished).toBeCloseTo((2.99 * gpus * 1e6) / (publishedRps * 2000 * 3600), 2)

    const plan = await runCli(['plan', '--gpu', 'H100', '--count', '8', '--nodes', '13', '--model', 'deepseek-r1', '--context', '8192', ...args, '--json'])
    const pd = JSON.parse(plan.stdout).result.disaggregated
    expect([d.prefillNodes, d.decodeNodes]).toEqual([pd.ratio.prefillNodes, pd.ratio.decodeNodes])
    expect([d.prefillTokensPerSecondPerNode, d.decodeTokensPerSecondPerNode]).toEqual([Math.round(pd.prefill.ratePerNode), Math.round(pd.decode.ratePerNode)])

    const text = (await runCli(['report', '--fleet', '13x8xH100@2.99', '--models', 'r1', '--context', '8k', ...args])).stdout
    expect(text).toContain(`13x8xH100\t8K\tdeepseek-r1 FP8\t${d.ratio}\t`)
  })

  it('one node: no disaggregated row', {timeout: 60_000}, async () => {
    expect((await json(['report', '--fleet', '8xH200', '--models', 'r1', '--context', '8k'])).disaggregated).toEqual([])
  })
})

describe('r1 report: nothing internal in user text', () => {
  it.each([
    ['help', ['report', '--help']],
    ['table', ['report']],
    ['table --all', ['report', '--all', '--fleet', '8xH200,2x8xH100,1xP100']],
    ['markdown', ['report', '--format', 'markdown']],
    ['html', ['report', '--format', 'html']],
    ['csv', ['report', '--format', 'csv']],
  ])('%s cites public sources, never r1\'s own notes', {timeout: 60_000}, async (_name, args) => {
    const r = await runCli(args)
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout.length).toBeGreaterThan(200)
    expect(r.stdout.match(INTERNAL)).toBeNull()
    expect(r.stderr.match(INTERNAL)).toBeNull()
  })

  // The planner's calibration sources and engine data are printed by `r1 plan` too (its PD calibration table, --json).
  it.each([
    ['a disaggregated plan, 13x8 H100', ['plan', '--gpu', 'H100', '--count', '8', '--nodes', '13', '--input-tokens', '2000', '--output-tokens', '2000']],
    ['8x H200', ['plan', '--gpu', 'H200', '--count', '8']],
  ])('r1 plan, %s: text and --json cite public sources, never r1\'s own notes', {timeout: 60_000}, async (_name, args) => {
    const text = await runCli(args)
    expect(text.exitCode, text.stderr).toBe(0)
    expect(text.stdout.match(INTERNAL)).toBeNull()
    expect(text.stderr.match(INTERNAL)).toBeNull()
    const json = await runCli([...args, '--json'])
    expect(json.exitCode, json.stderr).toBe(0)
    expect(json.stdout.match(INTERNAL)).toBeNull()
    const calibration: Array<{source: string}> = JSON.parse(json.stdout).result.disaggregated?.calibration ?? []
    if (args.includes('13')) expect(calibration.length).toBeGreaterThan(3)
    for (const row of calibration) expect(row.source).toMatch(/: https:\/\/(lmsys\.org|github\.com\/deepseek-ai)\//)
  })

  it('the measured figures name their sources by URL', {timeout: 60_000}, async () => {
    const result = await json(['report'])
    expect(result.published.length).toBeGreaterThan(3)
    for (const p of result.published) expect(p.source, p.setup).toMatch(/https:\/\//)
    expect(JSON.stringify(result).match(INTERNAL)).toBeNull()
  })
})

describe('r1 report: bounds', () => {
  it('a huge entry is refused with its range (exit 2), never searched', async () => {
    const r = await runCli(['report', '--fleet', '99999999999xH200', '--json'])
    expect(r.exitCode).toBe(2)
    expect(JSON.parse(r.stdout).error.message).toBe('fleet entry "99999999999xH200": GPUs per node must be from 1 to 512; got 99999999999')
  })

  const fleetFile = (name: string, n: number, entry: (i: number) => object) => {
    const file = join(work, name)
    writeFileSync(file, JSON.stringify({fleet: Array.from({length: n}, (_, i) => ({name: `m${i}`, ...entry(i)}))}))
    return file
  }

  it('more entries than the documented limit: refused (exit 2) before any search, saying what to do', async () => {
    const file = fleetFile('big.json', 1001, () => ({count: 8, gpu: 'H100'}))
    const r = await runCli(['report', '--fleet-file', file, '--json'])
    expect(r.exitCode).toBe(2)
    const error = JSON.parse(r.stdout).error
    expect(error.message).toBe(`${file} has 1,001 entries; a report sizes at most 1,000`)
    expect(error.suggestions[0]).toContain('nodes: N')
    const help = (await runCli(['report', '--help'])).stdout.replaceAll(/\s+/g, ' ')
    expect(help).toContain('A report sizes at most 1,000 fleet entries')
  })

  it('a 10,000-entry file (600 KiB) is refused by its size before it is parsed', async () => {
    const file = fleetFile('huge.json', 10_000, (i) => ({count: [1, 2, 4, 8][i % 4], gpu: 'H100', pricePerGpuHour: 2.5}))
    const r = await runCli(['report', '--fleet-file', file])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`^Error: ${file.replaceAll('.', '\\.')} is [\\d,]+ KiB; a fleet file may be at most 512 KiB \\(1,000 entries\\)`))
  })

  it('more distinct shapes than the limit, or --all over 200 entries: refused (exit 2)', async () => {
    const shapes = fleetFile('shapes.json', 101, (i) => ({count: (i % 8) + 1, gpu: 'H100', nodes: Math.floor(i / 8) + 1}))
    const r = await runCli(['report', '--fleet-file', shapes, '--json'])
    expect(r.exitCode).toBe(2)
    expect(JSON.parse(r.stdout).error.message).toBe('the fleet has 101 distinct shapes (GPU × GPUs per node × nodes); a report searches at most 100')
    const many = fleetFile('many.json', 201, () => ({count: 8, gpu: 'H100'}))
    const all = await runCli(['report', '--fleet-file', many, '--all', '--json'])
    expect(all.exitCode).toBe(2)
    expect(JSON.parse(all.stdout).error.message).toBe('--all lists every row of 201 entries; it takes at most 200')
  })

  it('1,000 entries of a few shapes: every entry gets its picks (the same hardware is searched once)', {timeout: 120_000}, async () => {
    const gpus = ['H100', 'H200', 'A100-80GB', 'RTX4090']
    const file = fleetFile('thousand.json', 1000, (i) => ({count: i % 8 === 0 ? 1 : 8, gpu: gpus[i % 4], pricePerGpuHour: 1 + (i % 3)}))
    const result = await json(['report', '--fleet-file', file, '--models', 'r1-fp8,qwen-7b-awq', '--context', '8k'])
    expect(result.picks).toHaveLength(1000)
    // Entries of one shape share the plan; the cost follows each entry's price.
    const h200 = result.picks.filter((p) => p.gpu.startsWith('H200') && p.gpusPerNode === 8)
    expect(new Set(h200.map((p) => p.layout)).size).toBe(1)
    expect(new Set(h200.map((p) => p.costPerMillionTokensAtCeiling)).size).toBe(3)
  })
})
