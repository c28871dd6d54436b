/** `r1 plan` through oclif (runCommand): the JSON envelope against the result schema, people's output, exit codes. */
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import {PlanResult} from '../../src/core/planner/plan-result.schema.js'
import {FIXTURES, ROOT} from '../helpers/cli.js'

describe('r1 plan (command)', () => {
  it('--gpu H200 --count 8 --json: status 0, a PlanResult, R1 FP8 on SGLang', async () => {
    const {stdout} = await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(Object.keys(json)).toEqual(['status', 'result', 'warnings'])
    expect(json.status).toBe(0)
    const result = PlanResult.parse(json.result)
    expect(result.hardware.summary).toBe('8 × NVIDIA H200 (hopper, sm_90, 140.4 GiB each, NVLink)')
    expect([result.plan.model, result.plan.quantization, result.plan.engine, result.plan.fits]).toEqual(['deepseek-r1', 'fp8', 'sglang', true])
    expect(result.plan.command.argv).toEqual(expect.arrayContaining(['--tp-size', '8']))
    expect(result.candidates.length).toBeGreaterThan(10)
  })

  it('for people, the answer first: the recommendation, its reasons, the command, the best plan per model, then how many more; no prompt', async () => {
    const {stdout, stderr} = await runCommand(['plan', '--gpu', 'H200', '--count', '8'], {root: ROOT})
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('Hardware: 8 × NVIDIA H200 (hopper, sm_90, 140.4 GiB each, NVLink)')
    expect(lines[1]).toBe('Recommended: DeepSeek-R1 671B FP8 on SGLang 0.5.14, TP8 DP8 EP8 (DP attention) on 8 GPUs: 16 requests of 131,072 at once')
    expect(stdout).toMatch(/^Command:\npython3 -m sglang\.launch_server --model-path deepseek-ai\/DeepSeek-R1-0528 /m)
    // Piped: the header stays; tab-separated rows, nothing cut; the recommended row marked.
    const header = lines.findIndex((l) => l.startsWith('MODEL\t'))
    expect(lines[header].split('\t')).toEqual(['MODEL', 'CHECKPOINT', 'ENGINE', 'LAYOUT', 'WEIGHTS/GPU', 'KV/GPU', 'KV TOKENS', 'AT ONCE (128K)'])
    expect(lines[header + 1].split('\t').slice(0, 4)).toEqual(['* R1 671B', 'r1-0528-fp8', 'sglang', 'TP8 DP8 EP8 (DP attention)'])
    const rows = lines.slice(header + 1, -1)
    // One line per model that fits, and each model once.
    expect(rows).toHaveLength(7)
    expect(new Set(rows.map((r) => r.split('\t')[0].replace('* ', ''))).size).toBe(7)
    // Whole requests only.
    for (const r of rows) expect(r.split('\t').at(-1)).toMatch(/^\d+$/)
    expect(lines.at(-1)).toMatch(/^\d+ more candidates, \d+ that do not fit: --all$/)
    expect(stderr).not.toContain('Which plan?')
  })

  it('--all: every candidate; those that do not fit show "—", not zeros; --no-headers drops the header', async () => {
    const {stdout} = await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--all'], {root: ROOT})
    const lines = stdout.trimEnd().split('\n')
    const header = lines.findIndex((l) => l.startsWith('MODEL\t'))
    const rows = lines.slice(header + 1).map((l) => l.split('\t'))
    const json = JSON.parse((await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--json'], {root: ROOT})).stdout)
    expect(rows).toHaveLength(json.result.candidates.length)
    const unfit = rows.filter((r) => r.at(-2) === 'no')
    expect(unfit.length).toBeGreaterThan(0)
    for (const r of unfit) {
      expect(r.slice(5, 9)).toEqual(['—', '—', '—', '—'])
      expect(r.join(' ')).not.toMatch(/\b0\.0 GiB\b/)
    }

    const bare = await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--no-headers'], {root: ROOT})
    expect(bare.stdout).not.toMatch(/^MODEL\t/m)
    expect(bare.stdout).toMatch(/^\* R1 671B\t/m)
  })

  it('JSON writes the layout the same way as people read it', async () => {
    const json = JSON.parse((await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--json'], {root: ROOT})).stdout)
    expect(json.result.plan.layout).toBe('TP8 DP8 EP8 (DP attention)')
    expect(json.result.candidates.every((c: {layout: string}) => /^TP\d+( PP\d+)?( DP\d+)?( EP\d+)?( \(DP attention\))?( on \d+ nodes)?$/.test(c.layout))).toBe(true)
  })

  it('nothing fits: exit 3 with the full result in the envelope', async () => {
    const {stdout} = await runCommand(['plan', '--gpu', 'P100', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(3)
    expect(json.error.code).toBe('R1_DOES_NOT_FIT')
    expect(json.error.message).toMatch(/^nothing fits as asked: the closest, .+vLLM needs compute capability 7\.5 or newer/)
    const result = PlanResult.parse(json.result)
    expect(result.plan.fits).toBe(false)
    expect(result.candidates.every((c) => !c.fits)).toBe(true)
  })

  it('nothing fits, for people: the table and reasons first, then the error', async () => {
    const {stdout, stderr} = await runCommand(['plan', '--gpu', 'rtx-4090', '--model', 'deepseek-r1'], {root: ROOT})
    expect(stdout).toMatch(/^Closest \(does not fit\): DeepSeek-R1 671B/m)
    expect(stdout).toContain('weights need')
    expect(stderr).toContain('Code: R1_DOES_NOT_FIT')
  })

  it('an unknown GPU: exit 2 with the closest names', async () => {
    const {stdout} = await runCommand(['plan', '--gpu', 'H1OO', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(2)
    expect(json.error.code).toBe('R1_UNKNOWN_GPU')
    expect(json.error.suggestions[0]).toMatch(/^Did you mean --gpu h100/)
  })

  it('an impossible layout: exit 2', async () => {
    const {stdout} = await runCommand(['plan', '--gpu', 'H200', '--count', '8', '--tp', '3', '--json'], {root: ROOT})
    expect(JSON.parse(stdout)).toMatchObject({error: {code: 'R1_INVALID_FLAGS', message: '--tp 3 does not split the 8 GPUs of a node evenly'}, status: 2})
  })

  it('--from-file: the hardware of a capture (MIG: one slice), said in a warning', async () => {
    const {stdout} = await runCommand(['plan', '--from-file', join(FIXTURES, 'plan', 'a100-sxm4-80gb-mig.q.xml'), '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(0)
    expect(json.result.hardware).toMatchObject({gpusPerNode: 1, mig: '1g.20gb', source: 'file'})
    expect(json.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^MIG is on: planned against one 1g\.20gb slice/)]))
  })

  it('--help states the rule and the exit codes', async () => {
    const {stdout} = await runCommand(['plan', '--help'], {root: ROOT})
    expect(stdout).toContain('RECOMMENDATION RULE')
    expect(stdout).toMatch(/at least 4\s+requests\s+of\s+that\s+length\s+at\s+once/)
    expect(stdout).toContain('3    does not fit')
    // One layout notation, explained once; DP attention by its name; the table's width rule.
    expect(stdout).toContain('LAYOUT')
    expect(stdout).toMatch(/"\(DP attention\)" = SGLang's\s+data-parallel/)
    expect(stdout).not.toContain('DPA')
    expect(stdout).toContain('TABLE WIDTH')
    // The engines' own flag names are listed as aliases.
    expect(stdout).toMatch(/--tensor-parallel-size/)
    expect(stdout).toMatch(/--max-model-len/)
  })
})
