import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'

import {PICK_COLUMNS, REPORT_COLUMNS} from '../../src/core/report/columns.js'
import {ReportResult} from '../../src/core/report/report.schema.js'
import {ROOT, runCli} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), 'r1-report-cmd-'))
afterAll(() => rmSync(work, {force: true, recursive: true}))

const SMALL = ['--fleet', '8xH200@3.50,1xRTX4090', '--models', 'r1-fp8,qwen-7b-awq', '--context', '8k,128k']

describe('r1 report', () => {
  it('--json: the envelope, with a result that passes the strict zod schema: picks and the fit matrix, no rows', async () => {
    const {stdout} = await runCommand(['report', ...SMALL, '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['status', 'result', 'warnings'])
    expect(json.status).toBe(0)
    const result = ReportResult.parse(json.result)
    expect(result.view).toBe('picks')
    expect(result.rows).toBeUndefined()
    expect(result.picks.map((p) => [p.fleet, p.context, p.fits])).toEqual([
      ['8xH200', 8192, true],
      ['8xH200', 131_072, true],
      ['1xRTX4090', 8192, true],
      ['1xRTX4090', 131_072, true],
    ])
    expect(result.fitMatrix).toHaveLength(2 * 2 * 2)
    const h200 = result.picks[0]
    expect(h200).toMatchObject({checkpointId: 'r1-fp8', engine: 'sglang', layout: 'TP8 DP8 EP8 (DP attention)', model: 'deepseek-r1'})
    expect(h200.costPerMillionTokensAtCeiling).toBeGreaterThan(0)
  })

  it('--all --json: every row, with the layout as plan writes it and both costs', async () => {
    const {stdout} = await runCommand(['report', ...SMALL, '--all', '--json'], {root: ROOT})
    const result = ReportResult.parse(JSON.parse(stdout).result)
    expect(result.view).toBe('all')
    expect(result.rows).toHaveLength(2 * 2 * 2 * 2)
    expect(Object.keys(result.rows![0])).toEqual([...REPORT_COLUMNS])
    const r1 = result.rows!.find((r) => r.fleet === '8xH200' && r.checkpoint === 'deepseek-ai/DeepSeek-R1' && r.context === 8192 && r.engine === 'sglang')!
    expect(r1.fits).toBe(true)
    expect(r1.layout).toBe('TP8 DP8 EP8 (DP attention)')
    expect(r1.costPerMillionTokensAtCeiling).toBeGreaterThan(0)
    // The vLLM recipe's 61 tok/s (one request, 8×H200 FP8) is the published figure that matches.
    expect(r1.costPerMillionTokensMeasured).toBeCloseTo((3.5 * 8 * 1e6) / (61 * 3600), 2)
  })

  it('--format csv: one line per pick; --all: the rows\' columns, one line per row', async () => {
    const {stdout} = await runCommand(['report', ...SMALL, '--format', 'csv'], {root: ROOT})
    const lines = stdout.trimEnd().split(/\r?\n/)
    expect(lines[0]).toBe(PICK_COLUMNS.join(','))
    expect(lines).toHaveLength(1 + 4)
    expect(lines[1]).toMatch(/^8xH200,H200 SXM 141GB,8,1,8192,true,deepseek-r1,deepseek-ai\/DeepSeek-R1,fp8,sglang,TP8 DP8 EP8 \(DP attention\),8,256,/)
    const all = (await runCommand(['report', ...SMALL, '--format', 'csv', '--all'], {root: ROOT})).stdout.trimEnd().split(/\r?\n/)
    expect(all[0]).toBe(REPORT_COLUMNS.join(','))
    expect(all).toHaveLength(1 + 16)
    expect(all[1]).toMatch(/^8xH200,H200 SXM 141GB,8,1,deepseek-r1,deepseek-ai\/DeepSeek-R1,fp8,8192,sglang,true,,/)
  })

  it('the table, piped: the picks under their header (kept, as kubectl keeps it), then the fit matrix', async () => {
    const {stdout} = await runCommand(['report', ...SMALL], {root: ROOT})
    const lines = stdout.trimEnd().split('\n')
    expect(lines[1].split('\t').slice(0, 5)).toEqual(['FLEET', 'CTX', 'RECOMMENDED', 'ENGINE', 'LAYOUT'])
    expect(lines[2].split('\t').slice(0, 5)).toEqual(['8xH200', '8K', 'deepseek-r1 FP8', 'sglang', 'TP8 DP8 EP8 (DP attention)'])
    expect(lines[7]).toMatch(/^Fit matrix/)
    expect(lines[8].split('\t')).toEqual(['FLEET', 'deepseek-r1', 'r1-distill-qwen-7b'])
  })

  it('--output writes the file (stdout stays empty) and refuses to overwrite it without --force (exit 2)', async () => {
    const file = join(work, 'r.md')
    const first = await runCli(['report', ...SMALL, '--format', 'markdown', '--output', file])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stdout).toBe('')
    expect(first.stderr).toContain(`Wrote ${file} (markdown, 4 picks).`)
    const written = readFileSync(file, 'utf8')
    expect(written).toContain('## Recommended plan per fleet entry')

    writeFileSync(file, 'keep me')
    const again = await runCli(['report', ...SMALL, '--format', 'markdown', '--output', file, '--json'])
    expect(again.exitCode).toBe(2)
    const json = JSON.parse(again.stdout)
    expect(json.error.code).toBe('R1_FILE_EXISTS')
    expect(json.error.suggestions.join(' ')).toContain('--force')
    expect(readFileSync(file, 'utf8')).toBe('keep me')

    const forced = await runCli(['report', ...SMALL, '--format', 'markdown', '--output', file, '--force'])
    expect(forced.exitCode).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(written)
  })

  it('an unknown GPU: exit 2, R1_UNKNOWN_GPU with suggestions, no stack trace', async () => {
    const r = await runCli(['report', '--fleet', '8xH2000'])
    expect(r.exitCode).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Error: --fleet entry "8xH2000": unknown GPU "H2000"')
    expect(r.stderr).toContain('Code: R1_UNKNOWN_GPU')
    expect(r.stderr).toMatch(/Try this:\n {2}- Did you mean /)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
  })

  it('a bad fleet file: exit 2, R1_BAD_FLEET_FILE naming the file, the field and the line', async () => {
    const file = join(work, 'fleet.yaml')
    writeFileSync(file, 'fleet:\n  - name: a\n    gpu: H100\n    count: -8\n')
    const r = await runCli(['report', '--fleet-file', file, '--json'])
    expect(r.exitCode).toBe(2)
    const json = JSON.parse(r.stdout)
    expect(json.status).toBe(2)
    expect(json.error.code).toBe('R1_BAD_FLEET_FILE')
    expect(json.error.message).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}: fleet\\[0\\]\\.count \\(line 4\\): Too small`))
  })

  it('--fleet with --fleet-file is a usage error (exit 2)', async () => {
    const r = await runCli(['report', '--fleet', '8xH200', '--fleet-file', join(work, 'x.yaml')])
    expect(r.exitCode).toBe(2)
    expect(existsSync(join(work, 'x.yaml'))).toBe(false)
  })
})
