/**
 * r1 learns from the engine, end to end (issue 12): the real bin/run.js with fake `vllm`, `python3` and
 * `nvidia-smi` first on PATH (one RTX 4090, detected). Launch → record → re-plan exactly → re-plan nearby
 * with carried terms → a failed launch changes the recommendation; and `r1 calibrate --from-log` on the
 * real logs of test/fixtures/engine-logs. Each test has its own state folder (R1_STATE_DIR).
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {CalibrateImportResult, CalibrateListResult} from '../../src/core/calibration/calibration.schema.js'
import type {PlanFile} from '../../src/core/planner/plan.schema.js'
import {PlanResult} from '../../src/core/planner/plan-result.schema.js'
import {FIXTURES, runCli} from '../helpers/cli.js'
import {freePort, installFakeEngines, makeHfHome, startCli} from '../helpers/serve-fakes.js'

let binDir: string
let work: string
const today = new Date().toISOString().slice(0, 10)

beforeAll(() => {
  binDir = installFakeEngines()
  work = mkdtempSync(join(tmpdir(), 'r1-calibrate-'))
})

const stateDir = () => mkdtempSync(join(tmpdir(), 'r1-state-'))

async function json<T>(args: string[], env: Record<string, string>, parse: {parse: (v: unknown) => T}): Promise<T> {
  const r = await runCli([...args, '--json'], {binDir, env})
  const out = JSON.parse(r.stdout) as {status: number; result: unknown}
  expect(out.status, r.stdout + r.stderr).toBe(0)
  return parse.parse(out.result)
}

/** Plan on the detected GPU (calibration applies only there) and write the plan file. */
async function planFile(state: string, flags: string[]): Promise<{file: string; plan: PlanFile['plan']}> {
  const file = join(work, `plan-${Math.random().toString(36).slice(2)}.json`)
  const r = await runCli(['plan', ...flags, '--out', file, '--yes'], {binDir, env: {R1_STATE_DIR: state}})
  expect(r.exitCode, r.stderr).toBe(0)
  return {file, plan: (JSON.parse(readFileSync(file, 'utf8')) as PlanFile).plan}
}

async function serveOnce(state: string, file: string, plan: PlanFile['plan'], env: Record<string, string>): Promise<{exitCode: number | null; stderr: string}> {
  const port = await freePort()
  const run = startCli(['serve', '--plan', file, '--port', String(port), '--yes', '--stop-timeout', '2s'], {
    binDir,
    env: {FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint), R1_STATE_DIR: state, ...env},
  })
  if (env.FAKE_ENGINE_MODE !== 'oom') {
    await run.waitFor(/recorded what the engine measured/)
    run.child.kill('SIGINT')
  }

  const done = await run.done
  return {exitCode: done.exitCode, stderr: done.stderr}
}

// The BF16 checkpoint itself: the original repository alone would search every checkpoint of the model (issue 13).
const FLAGS = ['--model', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', '--quantization', 'bf16', '--engine', 'vllm', '--context', '32768']

describe('r1 serve records; r1 plan uses the record', () => {
  it('launch, record, re-plan exactly (measured, band zero), nearby (carried terms), and --no-calibration', async () => {
    const state = stateDir()
    const {file, plan} = await planFile(state, FLAGS)
    const predicted = plan.kvCacheTokens
    const measured = Math.floor((predicted * 0.961) / 16) * 16
    const served = await serveOnce(state, file, plan, {FAKE_ENGINE_KV: String(measured)})
    expect(served.exitCode).toBe(130)
    expect(served.stderr).toMatch(new RegExp(`r1: recorded what the engine measured here as calibration record [0-9a-f]{8} \\(${measured.toLocaleString('en-US')} KV tokens\\)`))

    const list = await json(['calibrate', 'list'], {R1_STATE_DIR: state}, CalibrateListResult)
    expect(list.records).toHaveLength(1)
    const record = list.records[0]
    expect(record).toMatchObject({
      config: {checkpoint: plan.checkpoint, contextLength: 32_768, engine: 'vllm', engineVersion: plan.engineVersion, gpuName: 'NVIDIA GeForce RTX 4090', tensorParallel: 1, utilization: plan.gpuMemoryUtilization},
      logged: {cudaGraphGiB: 1.56, kvCacheGiB: 3.41, kvCacheTokens: measured, weightsGiB: 14.2488},
      outcome: {status: 'ready'},
      source: 'serve',
    })
    expect(record.config.maxNumSeqs).toBeGreaterThan(0)
    expect(list.store).toBe(join(state, `calibration-${list.machine.id}.json`))
    // Never the log, never a secret: the store holds figures and settings only.
    expect(readFileSync(list.store, 'utf8')).not.toMatch(/Uvicorn|Loading safetensors|API_KEY/)

    // The same configuration: the logged figures, marked measured, no band.
    const exact = await json(['plan', ...FLAGS, '--yes'], {R1_STATE_DIR: state}, PlanResult)
    expect(exact.plan.kvCacheTokens).toBe(measured)
    expect(exact.plan.memory.weightsGiB).toBe(14.2488)
    expect(exact.plan.calibration).toMatchObject({match: 'exact', recordId: record.id})
    expect(exact.plan.calibration!.note).toContain(`measured on this machine, ${today}`)
    expect(exact.why.join('\n')).toContain(`Measured on this machine, ${today} (record ${record.id}): ${measured.toLocaleString('en-US')} KV tokens`)
    expect(exact.calibration).toMatchObject({enabled: true, records: 1, used: [{match: 'exact', outcome: 'ready', recordId: record.id}]})
    expect([exact.plan.kvCacheTokensRange, exact.plan.kvErrorBand, exact.plan.tight]).toEqual([[measured, measured], 0, false])

    // A size away (context): the measured weights replace the computed ones in the arithmetic.
    const near = [...FLAGS.slice(0, -1), '16384', '--yes']
    const nearby = await json(['plan', ...near], {R1_STATE_DIR: state}, PlanResult)
    const model = await json(['plan', ...near, '--no-calibration'], {R1_STATE_DIR: state}, PlanResult)
    expect(model.calibration).toMatchObject({enabled: false, used: []})
    expect(model.plan.calibration).toBeUndefined()
    expect(nearby.plan.calibration).toMatchObject({match: 'nearby', recordId: record.id})
    expect(nearby.plan.calibration!.note).toMatch(/^weights measured on this machine, .* \(record [0-9a-f]{8}, which differs in context(, batch)?\), carried into the arithmetic: band narrowed from ±\d+% to ±[\d.]+%$/)
    expect(nearby.calibration!.used[0]).toMatchObject({carried: ['weights'], match: 'nearby'})
    expect(nearby.calibration!.used[0].differs[0]).toBe('context')
    expect(nearby.plan.memory.weightsGiB).toBe(14.25)
    // The band narrows to the share of non-KV memory still computed, and the plan says from what to what.
    expect(nearby.plan.kvErrorBand).toBeLessThan(model.plan.kvErrorBand!)
    expect(nearby.plan.calibration!.note).toContain(`band narrowed from ±${Math.round(model.plan.kvErrorBand! * 100)}% to ±`)
    expect(nearby.plan.kvCacheTokensRange![1] - nearby.plan.kvCacheTokensRange![0]).toBeLessThan(model.plan.kvCacheTokensRange![1] - model.plan.kvCacheTokensRange![0])
    expect(model.plan.memory.weightsGiB).not.toBe(14.25)
    // Every GiB of weights the model over- or under-counted moves the KV cache by the same GiB.
    const perToken = (model.plan.memory.kvCacheGiB / model.plan.kvCacheTokens)
    const moved = (model.plan.memory.weightsGiB - 14.2488) / perToken
    // (within the rounding of the plan's GiB figures to 0.01 and of the tokens to 16-token blocks)
    expect(Math.abs(nearby.plan.kvCacheTokens - model.plan.kvCacheTokens - moved)).toBeLessThan(0.01 / perToken + 32)
    expect(Math.abs(nearby.plan.kvCacheTokens - model.plan.kvCacheTokens)).toBeGreaterThan(0.01 / perToken + 32)

    // --no-calibration: the memory model alone, as before the launch.
    const off = await json(['plan', ...FLAGS, '--yes', '--no-calibration'], {R1_STATE_DIR: state}, PlanResult)
    expect(off.plan.kvCacheTokens).toBe(predicted)
  })

  it('a launch that dies of OOM is recorded as failed, and the next plan recommends something else, saying why', async () => {
    const state = stateDir()
    const flags = ['--model', 'r1-distill-qwen-7b', '--context', '32768']
    const {file, plan} = await planFile(state, flags)
    const served = await serveOnce(state, file, plan, {FAKE_ENGINE_MODE: 'oom'})
    expect(served.exitCode).toBe(5)
    expect(served.stderr).toMatch(/r1: recorded the failure as calibration record ([0-9a-f]{8}): the next r1 plan on this machine will not recommend this configuration again/)
    const id = served.stderr.match(/calibration record ([0-9a-f]{8})/)![1]

    const list = await json(['calibrate', 'list'], {R1_STATE_DIR: state}, CalibrateListResult)
    expect(list.records.map((r) => [r.id, r.outcome.status, r.outcome.failure])).toEqual([[id, 'failed', 'oom']])

    const next = await json(['plan', ...flags, '--yes'], {R1_STATE_DIR: state}, PlanResult)
    const same = (p: PlanFile['plan']) => p.checkpoint === plan.checkpoint && p.engine === plan.engine && p.tensorParallel === plan.tensorParallel && p.dataParallel === plan.dataParallel
    expect(same(next.plan)).toBe(false)
    expect(next.plan.fits).toBe(true)
    const failed = next.candidates.find(same)!
    expect(failed.fits).toBe(false)
    expect(failed.reasons[0]).toMatch(new RegExp(`^failed on this machine on ${today}: the engine ran out of GPU memory .* r1 does not recommend it again \\(record ${id}`))
    expect(next.why.join('\n')).toContain(`Not ${plan.modelName} ${plan.quantization.toUpperCase()} on vLLM TP ${plan.tensorParallel}: failed on this machine on ${today}`)
    expect(next.calibration!.used).toContainEqual(expect.objectContaining({match: 'exact', outcome: 'failed', recordId: id}))

    // Forget it: the recommendation comes back.
    const forgot = await runCli(['calibrate', 'forget', id.slice(0, 5)], {binDir, env: {R1_STATE_DIR: state}})
    expect(forgot.stdout).toContain(`Forgot ${id} (0 left in `)
    const back = await json(['plan', ...flags, '--yes'], {R1_STATE_DIR: state}, PlanResult)
    expect(same(back.plan)).toBe(true)
  })
})

interface Case {
  id: string
  excerpt: string
}

const CASES = ['cases.json', 'cases-2026-12.json'].flatMap((f) => JSON.parse(readFileSync(join(FIXTURES, 'engine-logs', f), 'utf8')) as Case[])
const logFile = (id: string): string => {
  const file = join(work, `${id}.log`)
  writeFileSync(file, CASES.find((c) => c.id === id)!.excerpt)
  return file
}

describe('r1 calibrate --from-log on the real logs', () => {
  it.each([
    ['sglang-distill-qwen7b-rtx3090-wsl', {checkpoint: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', engine: 'sglang', tensorParallel: 1, utilization: 0.88}, 'started'],
    ['sglang-042-deepseek-r1-8xmi300x-tp8-amd', {checkpoint: 'deepseek-ai/DeepSeek-R1', engine: 'sglang', tensorParallel: 8}, 'started'],
    ['sglang-044ish-deepseek-r1-fp8-8xh20-96gb-tp8-default-memfrac-fail', {checkpoint: 'deepseek-ai/DeepSeek-R1', engine: 'sglang', tensorParallel: 8}, 'failed'],
    ['vllm-v1-092-qwen2-7b-a100-vgpu-24gb', {checkpoint: 'Qwen/Qwen2-7B-Instruct', contextLength: 4096, engine: 'vllm', utilization: 0.8}, 'started'],
    ['vllm-v1-0280-qwen3-14b-bf16-l40s-defaults', {checkpoint: 'Qwen/Qwen3-14B', contextLength: 40_960, engine: 'vllm'}, 'started'],
    ['vllm-v1-0130nv-qwen2.5-14b-fp8dyn-dgx-spark-gb10-util015-fail', {engine: 'vllm', utilization: 0.15}, 'failed'],
    ['vllm-v1-0200-qwen3-8b-awq-t4-kaggle-eager-4k', {contextLength: 4096, engine: 'vllm', engineVersion: '0.20.0'}, 'started'],
  ])('%s: imports with the configuration its launch line shows', async (id, config, status) => {
    const state = stateDir()
    const result = await json(['calibrate', '--from-log', logFile(id)], {R1_STATE_DIR: state}, CalibrateImportResult)
    expect(result.imported).toHaveLength(1)
    expect(result.imported[0]).toMatchObject({config, configFrom: 'launch-line', outcome: {status}, source: 'import'})
    const list = await json(['calibrate', 'list'], {R1_STATE_DIR: state}, CalibrateListResult)
    expect(list.records.map((r) => r.id)).toEqual([result.imported[0].id])
  })

  it('a log without a launch line: exit 2, R1_UNUSABLE_LOG, what was missing; with --plan it imports', async () => {
    const state = stateDir()
    const file = logFile('vllm-v1-0240-qwen2.5-7b-bf16-rtx4090-2k')
    const refused = await runCli(['calibrate', '--from-log', file], {binDir, env: {R1_STATE_DIR: state}})
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toContain('Code: R1_UNUSABLE_LOG')
    expect(refused.stderr).toMatch(/Error: r1 cannot use this log: the log: no launch line \(vLLM "non-default args: \{\.\.\.\}", SGLang "server_args=ServerArgs\(\.\.\.\)"/)
    expect(refused.stderr).toContain('--plan plan.json')

    const {file: plan, plan: planned} = await planFile(state, ['--model', 'r1-distill-qwen-7b', '--engine', 'vllm', '--context', '2048'])
    const empty = await runCli(['calibrate', '--from-log', '-', '--plan', plan], {binDir, env: {R1_STATE_DIR: state}})
    expect([empty.exitCode, empty.stderr.includes('Error: nothing on stdin')]).toEqual([2, true])
    const piped = await runCli(['calibrate', '--from-log', '-', '--plan', plan, '--json'], {binDir, env: {R1_STATE_DIR: state}, input: readFileSync(file, 'utf8')})
    const imported = CalibrateImportResult.parse(JSON.parse(piped.stdout).result)
    expect(imported.imported[0]).toMatchObject({
      config: {checkpoint: planned.checkpoint, contextLength: 2048, engine: 'vllm', gpuName: 'NVIDIA GeForce RTX 4090', tensorParallel: 1},
      configFrom: 'plan',
      logged: {cudaGraphGiB: 0.53, kvCacheGiB: 4.45, kvCacheTokens: 83_376, maxConcurrency: 40.71, weightsGiB: 14.29},
    })
  })

  it('a log with figures but no engine lines (a blog\'s table): exit 2 and says so', async () => {
    const r = await runCli(['calibrate', '--from-log', logFile('vllm-v1-0280-qwen3-14b-awq-l40s-tuned-1k'), '--json'], {binDir, env: {R1_STATE_DIR: stateDir()}})
    const out = JSON.parse(r.stdout)
    expect([r.exitCode, out.status, out.error.code]).toEqual([2, 2, 'R1_UNUSABLE_LOG'])
    expect(out.error.message).toContain('no memory figure r1 reads')
  })

  it('forget --all, and a forget without an ID is a usage error', async () => {
    const state = stateDir()
    await json(['calibrate', '--from-log', logFile('vllm-v1-092-qwen2-7b-a100-vgpu-24gb')], {R1_STATE_DIR: state}, CalibrateImportResult)
    await json(['calibrate', '--from-log', logFile('sglang-distill-qwen7b-rtx3090-wsl')], {R1_STATE_DIR: state}, CalibrateImportResult)
    // The same log twice is one record.
    await json(['calibrate', '--from-log', logFile('sglang-distill-qwen7b-rtx3090-wsl')], {R1_STATE_DIR: state}, CalibrateImportResult)
    expect((await json(['calibrate', 'list'], {R1_STATE_DIR: state}, CalibrateListResult)).records).toHaveLength(2)
    const none = await runCli(['calibrate', 'forget'], {binDir, env: {R1_STATE_DIR: state}})
    expect([none.exitCode, none.stderr.includes('Code: R1_USAGE')]).toEqual([2, true])
    const unknown = await runCli(['calibrate', 'forget', 'ffffffff'], {binDir, env: {R1_STATE_DIR: state}})
    expect([unknown.exitCode, unknown.stderr.includes('Code: R1_UNKNOWN_RECORD')]).toEqual([2, true])
    const all = await runCli(['calibrate', 'forget', '--all', '--json'], {binDir, env: {R1_STATE_DIR: state}})
    expect(JSON.parse(all.stdout).result.forgotten).toHaveLength(2)
    expect((await json(['calibrate', 'list'], {R1_STATE_DIR: state}, CalibrateListResult)).records).toEqual([])
  })
})
