/**
 * `r1 serve` end to end: the real bin/run.js with fake `vllm`, `python3` and `nvidia-smi` first on PATH
 * (test/fixtures/fake-engines/engine.cjs). Needs `npm run build` first.
 */
import {mkdtempSync, readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import type {PlanFile} from '../../src/core/planner/plan.schema.js'
import {runCli} from '../helpers/cli.js'
import {killMarked, markedPids, newMarker} from '../helpers/proc-cleanup.js'
import {freePort, installFakeEngines, isAlive, makeHfHome, startCli} from '../helpers/serve-fakes.js'

interface Recorded {
  argv: string[]
  envNames: string[]
  pid: number
  workerPid: number
  apiKeyMatches: boolean | null
}

let binDir: string
let work: string
// Every r1 these tests start carries this marker in its environment, and so does every engine, worker and
// setsid grandchild it starts: after each test, whatever is left (a failed wait, an assertion before the
// SIGINT) is found through /proc and killed.
const marker = newMarker()

beforeAll(() => {
  binDir = installFakeEngines()
  work = mkdtempSync(join(tmpdir(), 'r1-serve-'))
})

afterEach(async () => {
  await killMarked(marker.id)
})

/** A plan written by `r1 plan --out` for one RTX 4090 (the GPU the fake nvidia-smi reports). */
async function makePlan(engine: 'vllm' | 'sglang', port: number): Promise<{file: string; plan: PlanFile['plan']}> {
  const file = join(work, `plan-${engine}-${port}.json`)
  const r = await runCli(['plan', '--gpu', 'RTX 4090', '--model', 'r1-distill-qwen-7b', '--engine', engine, '--port', String(port), '--out', file, '--yes', '--force'])
  expect(r.exitCode, r.stderr).toBe(0)
  return {file, plan: (JSON.parse(readFileSync(file, 'utf8')) as PlanFile).plan}
}

function recorded(file: string): Recorded {
  return JSON.parse(readFileSync(file, 'utf8')) as Recorded
}

async function serveWith(engine: 'vllm' | 'sglang', env: Record<string, string> = {}, extra: string[] = []) {
  const port = await freePort()
  const {file, plan} = await makePlan(engine, port)
  const record = join(work, `record-${port}.json`)
  const stop = extra.includes('--stop-timeout') ? [] : ['--stop-timeout', '2s']
  const run = startCli(['serve', '--plan', file, '--port', String(port), '--yes', ...stop, ...extra], {
    binDir,
    env: {FAKE_ENGINE_RECORD: record, FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint), ...marker.env, ...env},
  })
  return {plan, port, record, run}
}

describe('r1 serve with a fake vLLM', () => {
  it('preflights, launches the plan\'s argv, reports ready with a curl example, and stops on SIGINT with exit 130', async () => {
    const {plan, port, record, run} = await serveWith('vllm')
    await run.waitFor(/Ready: /)
    const rec = recorded(record)
    expect(rec.argv).toEqual(plan.command.argv)
    expect(run.stdout()).toContain(`Ready: http://127.0.0.1:${port}/v1 (model ${plan.checkpoint})`)
    expect(run.stdout()).toContain('"temperature":0.6,"top_p":0.95')
    expect(run.stderr()).toMatch(/ok {3}engine {5}vLLM \d+\.\d+\.\d+ installed/)
    expect(run.stderr()).toContain(`ok   port       port ${port} on 127.0.0.1 is free`)
    expect(run.stderr()).toContain('[vllm] Loading safetensors checkpoint shards:  50% Completed | 1/2')
    expect(run.stderr()).toContain('r1: loading weights (shards 1/2)')
    expect(isAlive(rec.pid) && isAlive(rec.workerPid)).toBe(true)

    run.child.kill('SIGINT')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    expect(done.stderr).toContain('Code: R1_INTERRUPTED')
    expect(isAlive(rec.pid)).toBe(false)
    expect(isAlive(rec.workerPid)).toBe(false)
    // Nothing r1 started is left, by the marker every process of the tree inherits.
    expect(markedPids(marker.id)).toEqual([])
  })

  it('passes the API key through the environment only, and probes with it', async () => {
    const key = 'sk-test-very-secret-4711'
    const {plan, record, run} = await serveWith('vllm', {FAKE_ENGINE_API_KEY: key, R1_API_KEY: key})
    await run.waitFor(/Ready: /)
    const rec = recorded(record)
    expect(rec.envNames).toContain('VLLM_API_KEY')
    expect(rec.apiKeyMatches).toBe(true)
    expect(rec.argv.join(' ')).not.toContain(key)
    expect(rec.argv).toEqual(plan.command.argv)
    expect(run.stdout()).toContain('-H "Authorization: Bearer $R1_API_KEY"')
    run.child.kill('SIGTERM')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    expect(done.stdout + done.stderr).not.toContain(key)
    expect(isAlive(rec.workerPid)).toBe(false)
  })

  it('prints the KV capacity beside the plan\'s and warns past 10%', async () => {
    const port = await freePort()
    const {file, plan} = await makePlan('vllm', port)
    const kv = Math.round(plan.kvCacheTokens * 0.8)
    const run = startCli(['serve', '--plan', file, '--port', String(port), '--yes', '--stop-timeout', '2s'], {
      binDir,
      env: {...marker.env, FAKE_ENGINE_KV: String(kv), FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint)},
    })
    await run.waitFor(/Ready: /)
    expect(run.stderr()).toContain(
      `KV cache: the engine has ${kv.toLocaleString('en-US')} tokens; the plan predicted ${plan.kvCacheTokens.toLocaleString('en-US')} (-20%)`,
    )
    expect(run.stderr()).toContain("Warning: the engine's KV capacity differs from the plan's by 20% (more than 10%)")
    run.child.kill('SIGINT')
    expect((await run.done).exitCode).toBe(130)
  })

  it('an engine that dies of CUDA OOM: exit 5, the log tail, the diagnosis, no process left', async () => {
    const {record, run} = await serveWith('vllm', {FAKE_ENGINE_MODE: 'oom'})
    const done = await run.done
    expect(done.exitCode).toBe(5)
    expect(done.stderr).toContain('Last 9 lines of the engine log:')
    expect(done.stderr).toContain('Diagnosis: The engine ran out of GPU memory (CUDA out of memory).')
    expect(done.stderr).toMatch(/Error: vLLM exited with code 1 before it was ready \(while allocating the KV cache|loading weights/)
    expect(done.stderr).toContain('Code: R1_ENGINE_FAILED')
    expect(done.stderr).toContain('Plan a shorter context: r1 plan ... --context 65536.')
    const rec = recorded(record)
    expect(isAlive(rec.pid)).toBe(false)
    expect(isAlive(rec.workerPid)).toBe(false)
  })

  it('an engine that refuses an argument: exit 5 and the version-mismatch diagnosis', async () => {
    const {run} = await serveWith('vllm', {FAKE_ENGINE_MODE: 'unrecognized'})
    const done = await run.done
    expect(done.exitCode).toBe(5)
    expect(done.stderr).toContain('Diagnosis: The engine refused an argument r1 passed (--reasoning-parser): its version does not match the plan\'s.')
  })

  it('not ready within --ready-timeout: stops the engine, exit 5, says where it was stuck', async () => {
    const {record, run} = await serveWith('vllm', {FAKE_ENGINE_KV: '54321', FAKE_ENGINE_MODE: 'hang'}, ['--ready-timeout', '3s'])
    const done = await run.done
    expect(done.exitCode).toBe(5)
    expect(done.stderr).toContain('Code: R1_ENGINE_NOT_READY')
    expect(done.stderr).toContain('vLLM was not ready after 3s; it was stuck at: KV cache allocated (54,321 tokens).')
    const rec = recorded(record)
    expect(isAlive(rec.pid)).toBe(false)
    expect(isAlive(rec.workerPid)).toBe(false)
  })

  it('an engine that ignores SIGTERM is killed after --stop-timeout, with its workers', async () => {
    const {record, run} = await serveWith('vllm', {FAKE_ENGINE_MODE: 'ignore-term'}, ['--stop-timeout', '1s'])
    await run.waitFor(/Ready: /)
    const rec = recorded(record)
    run.child.kill('SIGTERM')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    expect(done.stderr).toContain('Warning: vLLM did not stop within 1s: sending SIGKILL')
    expect(isAlive(rec.pid)).toBe(false)
    expect(isAlive(rec.workerPid)).toBe(false)
    expect(markedPids(marker.id)).toEqual([])
  })

  it('an engine that exits after it was ready: exit 5', async () => {
    const {run} = await serveWith('vllm', {FAKE_ENGINE_MODE: 'exit-after-ready'})
    await run.waitFor(/Ready: /)
    const done = await run.done
    expect(done.exitCode).toBe(5)
    expect(done.stderr).toContain('vLLM stopped on its own (exit code 3).')
  })
})

describe('r1 serve with the plan flags (it plans first, for the GPUs it detects)', () => {
  it('plans for the detected RTX 4090, prints the choice, launches that command', async () => {
    const port = await freePort()
    const {plan} = await makePlan('vllm', port)
    const record = join(work, `record-flags-${port}.json`)
    const run = startCli(['serve', '--model', 'r1-distill-qwen-7b', '--engine', 'vllm', '--port', String(port), '--yes', '--stop-timeout', '2s'], {
      binDir,
      // A state folder of its own: the launches above recorded what the fake engine measured (calibration), which would move the plan.
      env: {...marker.env, FAKE_ENGINE_RECORD: record, FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint), R1_STATE_DIR: mkdtempSync(join(tmpdir(), 'r1-state-'))},
    })
    await run.waitFor(/Ready: /)
    // The words of r1 plan: the one layout notation, whole requests at once.
    expect(run.stderr()).toContain(`Plan: ${plan.modelName} ${plan.quantization.toUpperCase()} (${plan.checkpoint}) on vLLM ${plan.engineVersion}, ${plan.layout} on 1 × NVIDIA GeForce RTX 4090: ${Math.floor(plan.maxConcurrency)} request${Math.floor(plan.maxConcurrency) === 1 ? '' : 's'} of ${plan.contextLength.toLocaleString('en-US')} at once; `)
    expect(recorded(record).argv).toEqual(plan.command.argv)
    run.child.kill('SIGINT')
    expect((await run.done).exitCode).toBe(130)
  })
})

describe('r1 serve with a fake SGLang (python3 -m sglang.launch_server)', () => {
  it('launches the plan\'s argv, fills the key into --api-key at launch, reports ready, exits 130', async () => {
    const key = 'sk-sglang-0042'
    const {plan, record, run} = await serveWith('sglang', {FAKE_ENGINE_API_KEY: key, R1_API_KEY: key})
    await run.waitFor(/Ready: /)
    const rec = recorded(record)
    expect(rec.apiKeyMatches).toBe(true)
    // The plan's argv plus the key: SGLang reads it only from --api-key, so r1 fills the ${R1_API_KEY} reference in at launch.
    expect(rec.argv).toEqual([...plan.command.argv, '--api-key', key])
    expect(run.stderr()).toContain('[sglang] [2025-07-14 05:48:43] Load weight end.')
    run.child.kill('SIGINT')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    expect(done.stdout + done.stderr).not.toContain(key)
    expect(isAlive(rec.workerPid)).toBe(false)
  })

  it('the python3 fake passes anything else through to the real python3', async () => {
    const r = await runCli(['--version'], {binDir})
    expect(r.exitCode).toBe(0)
    const {execFileSync} = await import('node:child_process')
    const out = execFileSync(join(binDir, 'python3'), ['-c', 'print(6*7)'], {encoding: 'utf8'})
    expect(out.trim()).toBe('42')
  })
})

describe('r1 serve preflight and dry run', () => {
  it('refuses a busy port: exit 5, R1_PORT_BUSY, and what to do', async () => {
    const port = await freePort()
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const {file, plan} = await makePlan('vllm', port)
      const r = await runCli(['serve', '--plan', file, '--port', String(port), '--yes', '--json'], {
        binDir,
        env: {...marker.env, FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint)},
      })
      expect(r.exitCode).toBe(5)
      const envelope = JSON.parse(r.stdout) as {status: number; error: {code: string; suggestions: string[]}; result: {checks: {id: string; ok: boolean}[]}}
      expect(envelope.status).toBe(5)
      expect(envelope.error.code).toBe('R1_PORT_BUSY')
      expect(envelope.error.suggestions[0]).toContain(`--port ${port + 1}`)
      expect(envelope.result.checks.find((c) => c.id === 'port')?.ok).toBe(false)
    } finally {
      blocker.close()
    }
  })

  it('refuses when the GPUs are busy with other processes', async () => {
    const port = await freePort()
    const {file, plan} = await makePlan('vllm', port)
    const r = await runCli(['serve', '--plan', file, '--port', String(port), '--yes'], {
      binDir: installFakeEngines({gpus: 'rtx4090x1', memoryUsedMiB: 12_000}),
      env: {...marker.env, FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint)},
    })
    expect(r.exitCode).toBe(5)
    expect(r.stderr).toMatch(/FAIL gpu-memory {1}other processes use 11\.7 GiB of GPU 0: 12\.3 GiB free, the plan needs 21\.6 GiB/)
    expect(r.stderr).toContain('Code: R1_PREFLIGHT_FAILED')
  })

  it('refuses a plan for GPUs this machine does not have: exit 4', async () => {
    const port = await freePort()
    const {file, plan} = await makePlan('vllm', port)
    const r = await runCli(['serve', '--plan', file, '--port', String(port), '--yes'], {
      binDir: installFakeEngines({gpus: 'h100x8'}),
      env: {...marker.env, FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint)},
    })
    expect(r.exitCode).toBe(4)
    expect(r.stderr).toMatch(/the plan needs 1× NVIDIA GeForce RTX 4090 on this node; found 8× NVIDIA H100/)
    expect(r.stderr).toContain('Code: R1_GPU_MISMATCH')
  })

  it('refuses when the engine is not installed: exit 5', async () => {
    const port = await freePort()
    const {file, plan} = await makePlan('vllm', port)
    const lonely = installFakeEngines()
    const {rmSync} = await import('node:fs')
    rmSync(join(lonely, 'vllm'))
    const r = await runCli(['serve', '--plan', file, '--port', String(port), '--yes'], {binDir: lonely, env: {...marker.env, HF_HOME: makeHfHome(plan.checkpoint), PATH: `${lonely}:/usr/bin:/bin`}})
    expect(r.exitCode).toBe(5)
    expect(r.stderr).toContain('FAIL engine     vLLM is not installed (not on PATH)')
    expect(r.stderr).toContain('Code: R1_ENGINE_MISSING')
  })

  it('--dry-run prints the exact argv and env and exits 0, the key by name only', async () => {
    const port = await freePort()
    const {file, plan} = await makePlan('vllm', port)
    const key = 'sk-dry-run-999'
    const r = await runCli(['serve', '--plan', file, '--port', String(port), '--dry-run', '--json'], {binDir, env: {...marker.env, R1_API_KEY: key}})
    expect(r.exitCode).toBe(0)
    expect(r.stdout).not.toContain(key)
    const envelope = JSON.parse(r.stdout) as {status: number; result: {mode: string; commands: {argv: string[]; env: Record<string, string>}[]; passEnv: string[]}}
    expect(envelope.result.mode).toBe('dry-run')
    expect(envelope.result.commands[0].argv).toEqual(plan.command.argv)
    expect(envelope.result.commands[0].env.VLLM_API_KEY).toBe('<from R1_API_KEY>')
    expect(envelope.result.passEnv).toContain('VLLM_API_KEY')

    const text = await runCli(['serve', '--plan', file, '--port', String(port), '--dry-run'], {binDir, env: {...marker.env, R1_API_KEY: key}})
    expect(text.exitCode).toBe(0)
    expect(text.stdout.split('\n')[0]).toMatch(/^VLLM_API_KEY='<from R1_API_KEY>' .*vllm serve /)
    expect(text.stdout + text.stderr).not.toContain(key)
  })

  it('a bad plan file is a usage error', async () => {
    const {writeFileSync} = await import('node:fs')
    const bad = join(work, 'bad-plan.json')
    writeFileSync(bad, JSON.stringify({kind: 'r1-plan', plan: {}, version: 1}))
    const r = await runCli(['serve', '--plan', bad, '--dry-run'], {binDir})
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('Code: R1_BAD_PLAN_FILE')
    const missing = await runCli(['serve', '--plan', join(work, 'nope.json'), '--dry-run'], {binDir})
    expect(missing.exitCode).toBe(2)
  })

  it('a bad --ready-timeout is a usage error', async () => {
    const r = await runCli(['serve', '--gpu', 'RTX 4090', '--model', 'r1-distill-qwen-7b', '--ready-timeout', 'soon', '--dry-run'], {binDir})
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('--ready-timeout "soon" is not a duration.')
  })
})
