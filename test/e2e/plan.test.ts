/** `r1 plan` as a user runs it: the real bin/run.js, fake nvidia-smi first on PATH, real exit codes and files. */
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {PlanFile} from '../../src/core/planner/plan.schema.js'
import {makeBinDir, runCli} from '../helpers/cli.js'
import {installFakeNvidiaSmi} from '../helpers/fake-nvidia-smi.js'

describe('r1 plan (e2e)', () => {
  it('the README command: a plan for 8 H200 without a TTY, no prompt, exit 0', async () => {
    const r = await runCli(['plan', '--gpu', 'H200', '--count', '8'])
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^Hardware: 8 × NVIDIA H200/)
    expect(r.stdout).toContain('python3 -m sglang.launch_server --model-path deepseek-ai/DeepSeek-R1-0528')
    expect(r.stderr).not.toContain('Which plan?')
  })

  it('no nvidia-smi on PATH: exit 4 and how to plan without one', async () => {
    const r = await runCli(['plan', '--json'], {binDir: makeBinDir(), pathOnlyBinDir: true})
    expect(r.exitCode).toBe(4)
    const json = JSON.parse(r.stdout)
    expect(json.status).toBe(4)
    expect(json.error.code).toBe('R1_NO_NVIDIA_SMI')
    expect(json.error.suggestions).toContain('Plan for GPUs you describe instead: r1 plan --gpu H200 --count 8')
  })

  it('detects the GPUs with nvidia-smi (8 H100 → R1 as a 4-bit checkpoint)', async () => {
    const binDir = makeBinDir()
    const smi = installFakeNvidiaSmi(binDir, {gpus: 'h100x8'})
    const r = await runCli(['plan', '--json'], {binDir})
    expect(smi.calls().length).toBeGreaterThan(0)
    const json = JSON.parse(r.stdout)
    expect(r.exitCode, r.stderr).toBe(0)
    expect(json.result.hardware.gpusPerNode).toBe(8)
    expect(json.result.hardware.gpu.name).toBe('NVIDIA H100 80GB HBM3')
    expect(json.result.plan.model).toBe('deepseek-r1')
    expect(json.result.plan.quantization).toBe('awq')
  })

  it('--out writes the plan file; a second run refuses to overwrite (exit 2) until --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-plan-e2e-'))
    const out = join(dir, 'plan.json')
    const first = await runCli(['plan', '--gpu', 'H200', '--count', '8', '--out', out])
    expect(first.exitCode).toBe(0)
    expect(first.stderr).toContain(`Plan written to ${out}`)
    const file = PlanFile.parse(JSON.parse(readFileSync(out, 'utf8')))
    expect(file.plan.engine).toBe('sglang')

    const second = await runCli(['plan', '--gpu', 'B200', '--count', '8', '--out', out, '--json'])
    expect(second.exitCode).toBe(2)
    expect(JSON.parse(second.stdout).error.code).toBe('R1_FILE_EXISTS')
    expect(PlanFile.parse(JSON.parse(readFileSync(out, 'utf8'))).plan.gpu.name).toBe('NVIDIA H200')

    const third = await runCli(['plan', '--gpu', 'B200', '--count', '8', '--out', out, '--force'])
    expect(third.exitCode).toBe(0)
    expect(PlanFile.parse(JSON.parse(readFileSync(out, 'utf8'))).plan.gpu.name).toBe('NVIDIA B200')
  })

  it('nothing fits: exit 3, the plan file is not written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-plan-e2e-'))
    const out = join(dir, 'plan.json')
    const r = await runCli(['plan', '--gpu', 'P100', '--out', out])
    expect(r.exitCode).toBe(3)
    expect(r.stdout).toContain('Closest (does not fit)')
    expect(r.stderr).toContain('Code: R1_DOES_NOT_FIT')
    expect(existsSync(out)).toBe(false)
  })
})
