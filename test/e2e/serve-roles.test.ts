/**
 * `r1 serve --plan pd.json --role prefill|decode|router --node-rank N` end to end: real bin/run.js processes,
 * one per piece, with fake SGLang / sglang_router / vLLM / vllm-router first on PATH (test/fixtures/fake-engines/pd.cjs)
 * and the fake nvidia-smi with 8 H100s. The plan comes from `r1 plan --disaggregate on --out` for 6 × 8 H100
 * (R1: one 3-node prefill instance, one 3-node decode instance), every node's address 127.0.0.1.
 * The prefill and decode leaders listen on the plan's fixed ports (SGLang 30000/31000, vLLM 8100/8600), the router on a free one.
 * Needs `npm run build` first.
 */
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import type {PlanFile} from '../../src/core/planner/plan.schema.js'
import {runCli} from '../helpers/cli.js'
import {installPdFakes, makeRecordDir, type PdRecord, records} from '../helpers/pd-fakes.js'
import {killMarked, markedPids, newMarker} from '../helpers/proc-cleanup.js'
import {freePort, isAlive, makeHfHome, type Running, startCli} from '../helpers/serve-fakes.js'

type Engine = 'sglang' | 'vllm'
interface DryRun {
  result: {commands: {argv: string[]; env: Record<string, string>; label?: string}[]; passEnv: string[]}
}

const marker = newMarker()
let binDir: string
let work: string
const plans: Partial<Record<Engine, {file: string; routerPort: number; plan: PlanFile}>> = {}

beforeAll(async () => {
  binDir = installPdFakes()
  work = mkdtempSync(join(tmpdir(), 'r1-serve-roles-'))
  for (const engine of ['sglang', 'vllm'] as const) {
    const routerPort = await freePort()
    const file = join(work, `pd-${engine}.json`)
    const r = await runCli(
      ['plan', '--gpu', 'H100', '--count', '8', '--nodes', '6', '--model', 'deepseek-r1', '--engine', engine, '--disaggregate', 'on', '--node-addresses', Array.from({length: 6}, () => '127.0.0.1').join(','), '--port', String(routerPort), '--out', file, '--yes', '--force'],
      {binDir},
    )
    expect(r.exitCode, r.stderr).toBe(0)
    plans[engine] = {file, plan: JSON.parse(readFileSync(file, 'utf8')) as PlanFile, routerPort}
  }
}, 120_000)

// Whatever a test leaves (a failed wait, an assertion before the SIGINT), nothing it started outlives it.
afterEach(async () => {
  await killMarked(marker.id)
})

function planOf(engine: Engine) {
  const p = plans[engine]
  if (!p?.plan.disaggregated) throw new Error(`the ${engine} plan is not disaggregated`)
  return {...p, d: p.plan.disaggregated}
}

function env(engine: Engine, recordDir: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const {plan} = planOf(engine)
  return {...marker.env, FAKE_PD_RECORD_DIR: recordDir, HF_HOME: makeHfHome(plan.plan.checkpoint), R1_STATE_DIR: mkdtempSync(join(tmpdir(), 'r1-state-')), ...extra}
}

function serveRole(engine: Engine, role: string, rank: number | null, environment: Record<string, string | undefined>, extra: string[] = []): Running {
  const rankArgs = rank === null ? [] : ['--node-rank', String(rank)]
  return startCli(['serve', '--plan', planOf(engine).file, '--role', role, ...rankArgs, '--yes', '--stop-timeout', '2s', ...extra], {binDir, env: environment})
}

async function dryRun(engine: Engine, environment: Record<string, string | undefined>): Promise<DryRun['result']> {
  const r = await runCli(['serve', '--plan', planOf(engine).file, '--dry-run', '--json'], {binDir, env: environment})
  expect(r.exitCode, r.stderr).toBe(0)
  return (JSON.parse(r.stdout) as DryRun).result
}

/** The argv a piece gets: the dry run's, with the ${R1_API_KEY} references filled in. */
function filled(argv: string[], key: string): string[] {
  return argv.map((a) => a.replaceAll('${R1_API_KEY}', key))
}

function only(list: PdRecord[], what: string): PdRecord {
  expect(list, what).toHaveLength(1)
  return list[0]
}

describe('r1 serve --role with SGLang (python3 -m sglang.launch_server, sglang_router)', () => {
  it('--dry-run prints every node\'s command and the router\'s, the key only as a reference', async () => {
    const key = 'sk-pd-dry-5150'
    const {d, routerPort} = planOf('sglang')
    const result = await dryRun('sglang', env('sglang', makeRecordDir(), {R1_API_KEY: key}))
    expect(result.commands).toHaveLength(d.nodes.length + 1)
    expect(result.commands.map((c) => c.label)).toEqual([
      'node 0: prefill 0, rank 0; r1 serve --role prefill --node-rank 0',
      'node 1: prefill 0, rank 1; r1 serve --role prefill --node-rank 1',
      'node 2: prefill 0, rank 2; r1 serve --role prefill --node-rank 2',
      'node 3: decode 0, rank 0; r1 serve --role decode --node-rank 0',
      'node 4: decode 0, rank 1; r1 serve --role decode --node-rank 1',
      'node 5: decode 0, rank 2; r1 serve --role decode --node-rank 2',
      `router on node 0, port ${routerPort}; r1 serve --role router`,
    ])
    for (const c of result.commands.slice(0, -1)) {
      expect(c.argv.slice(0, 3)).toEqual(['python3', '-m', 'sglang.launch_server'])
      expect(c.argv[c.argv.indexOf('--api-key') + 1]).toBe('${R1_API_KEY}')
    }

    expect(result.commands.at(-1)!.argv).toEqual([
      'python3', '-m', 'sglang_router.launch_router', '--pd-disaggregation', '--prefill', 'http://127.0.0.1:30000', '8998', '--decode', 'http://127.0.0.1:31000',
      '--host', '0.0.0.0', '--port', String(routerPort), '--api-key', '${R1_API_KEY}',
    ])
    expect(result.passEnv).toContain('R1_API_KEY')

    const text = await runCli(['serve', '--plan', planOf('sglang').file, '--dry-run'], {binDir, env: {R1_API_KEY: key}})
    expect(text.exitCode).toBe(0)
    expect(text.stdout).toContain(`--port ${routerPort} --api-key "\${R1_API_KEY}"`)
    expect(text.stdout + text.stderr).not.toContain(key)
  })

  it('the router waits for each backend, then every piece is ready with the key; SIGINT stops each with nothing left', async () => {
    const key = 'sk-pd-sglang-8086'
    const dir = makeRecordDir()
    const e = env('sglang', dir, {R1_API_KEY: key})
    const {d, plan, routerPort} = planOf('sglang')
    const commands = (await dryRun('sglang', e)).commands

    // The router first: it waits for both leaders and starts nothing yet.
    const router = serveRole('sglang', 'router', null, e)
    await router.waitFor(/router: waiting for 2 of 2 backends \(http:\/\/127\.0\.0\.1:30000, http:\/\/127\.0\.0\.1:31000\)/)
    expect(records(dir)).toEqual([])

    const prefill = serveRole('sglang', 'prefill', 0, e)
    await prefill.waitFor(/Ready: /)
    expect(prefill.stdout()).toContain('Ready: http://127.0.0.1:30000/v1 (model deepseek-ai/DeepSeek-R1-0528)')
    // The router saw the prefill leader come up; the decode leader is still missing, so it is still not started.
    await router.waitFor(/router: waiting for 1 of 2 backends \(http:\/\/127\.0\.0\.1:31000\)/)
    expect(records(dir).filter((r) => r.kind === 'sglang-router')).toEqual([])

    // A worker node of the prefill instance: no HTTP server, up once it runs.
    const worker = serveRole('sglang', 'prefill', 1, e)
    await worker.waitFor(/r1: ready/)
    const decode = serveRole('sglang', 'decode', 0, e)
    await decode.waitFor(/Ready: /)
    await router.waitFor(/Ready: /)
    expect(router.stdout()).toContain(`Ready: http://127.0.0.1:${routerPort}/v1 (model ${plan.plan.checkpoint})`)

    const all = records(dir)
    const servers = all.filter((r) => r.kind === 'sglang')
    const prefillLeader = only(servers.filter((r) => r.role === 'prefill' && r.leader), 'prefill leader')
    const prefillWorker = only(servers.filter((r) => r.role === 'prefill' && !r.leader), 'prefill worker')
    const decodeLeader = only(servers.filter((r) => r.role === 'decode'), 'decode leader')
    const routerRecord = only(all.filter((r) => r.kind === 'sglang-router'), 'router')
    // Each piece got the dry run's argv for its node (the installed release is the planned one), the key filled in.
    expect(prefillLeader.argv).toEqual(filled(commands[0].argv, key))
    expect(prefillWorker.argv).toEqual(filled(commands[1].argv, key))
    expect(decodeLeader.argv).toEqual(filled(commands[3].argv, key))
    expect(routerRecord.argv).toEqual(filled(commands[6].argv, key))
    expect(prefillWorker.argv[prefillWorker.argv.indexOf('--node-rank') + 1]).toBe('1')
    expect(routerRecord.prefill).toEqual([{bootstrap: '8998', url: 'http://127.0.0.1:30000'}])
    expect(routerRecord.decode).toEqual(['http://127.0.0.1:31000'])
    for (const r of [prefillLeader, prefillWorker, decodeLeader, routerRecord]) expect(r.apiKey).toBe(key)
    expect(d.nodes.filter((n) => n.httpPort !== null).map((n) => n.httpPort)).toEqual([30000, 31000])

    const pids = [...servers.flatMap((r) => [r.pid, r.workerPid!]), routerRecord.pid]
    for (const pid of pids) expect(isAlive(pid)).toBe(true)
    const runs = [router, decode, worker, prefill]
    for (const run of runs) run.child.kill('SIGINT')
    const done = await Promise.all(runs.map((run) => run.done))
    for (const r of done) {
      expect(r.exitCode, r.stderr).toBe(130)
      expect(r.stderr).toContain('Code: R1_INTERRUPTED')
      expect(r.stdout + r.stderr).not.toContain(key)
    }

    for (const pid of pids) expect(isAlive(pid)).toBe(false)
    expect(markedPids(marker.id)).toEqual([])
  })

  it('a router whose backends never come: exit 5 naming the ones down, no router started', async () => {
    const dir = makeRecordDir()
    const run = serveRole('sglang', 'router', null, env('sglang', dir), ['--ready-timeout', '2s'])
    const done = await run.done
    expect(done.exitCode).toBe(5)
    expect(done.stderr).toContain("Error: the router's backends were not ready after 2s: http://127.0.0.1:30000, http://127.0.0.1:31000")
    expect(done.stderr).toContain('Code: R1_ENGINE_NOT_READY')
    expect(done.stderr).toContain('Warning: the prefill and decode servers and the router listen on every interface without an API key')
    expect(records(dir)).toEqual([])
  })

  it('SIGINT while the router waits: exit 130, nothing started', async () => {
    const dir = makeRecordDir()
    const run = serveRole('sglang', 'router', null, env('sglang', dir))
    await run.waitFor(/router: waiting for 2 of 2 backends/)
    run.child.kill('SIGINT')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    expect(done.stderr).toContain('interrupted (SIGINT) while the router waited for its backends; nothing was started.')
    expect(records(dir)).toEqual([])
  })
})

describe('r1 serve --role with vLLM (vllm serve with NixlConnector, vllm-router)', () => {
  it('servers take the key as VLLM_API_KEY by name, the router as --api-key; ready, then SIGTERM stops each with nothing left', async () => {
    const key = 'sk-pd-vllm-6502'
    const dir = makeRecordDir()
    const e = env('vllm', dir, {R1_API_KEY: key})
    const {routerPort} = planOf('vllm')
    const result = await dryRun('vllm', e)
    const commands = result.commands
    expect(commands[0].env.VLLM_API_KEY).toBe('<from R1_API_KEY>')
    expect(commands[0].argv).not.toContain('--api-key')
    expect(commands.at(-1)!.env).toEqual({})
    expect(commands.at(-1)!.argv).toEqual(['vllm-router', '--vllm-pd-disaggregation', '--prefill', 'http://127.0.0.1:8100', '--decode', 'http://127.0.0.1:8600', '--host', '0.0.0.0', '--port', String(routerPort), '--api-key', '${R1_API_KEY}'])
    expect(result.passEnv).toEqual(expect.arrayContaining(['VLLM_API_KEY', 'R1_API_KEY']))

    const prefill = serveRole('vllm', 'prefill', 0, e)
    const decode = serveRole('vllm', 'decode', 0, e)
    // A worker node of the decode instance: `vllm serve --headless`, up once it runs.
    const worker = serveRole('vllm', 'decode', 2, e)
    await prefill.waitFor(/Ready: /)
    await decode.waitFor(/Ready: /)
    await worker.waitFor(/r1: ready/)
    const router = serveRole('vllm', 'router', null, e)
    await router.waitFor(/Ready: /)
    expect(router.stdout()).toContain(`Ready: http://127.0.0.1:${routerPort}/v1`)

    const all = records(dir)
    const servers = all.filter((r) => r.kind === 'vllm')
    const routerRecord = only(all.filter((r) => r.kind === 'vllm-router'), 'router')
    expect(servers).toHaveLength(3)
    const byPort = (port: number) => only(servers.filter((s) => s.port === port), `server on ${port}`)
    expect(byPort(8100).argv).toEqual(commands[0].argv)
    expect(byPort(8600).argv).toEqual(commands[3].argv)
    const headless = only(servers.filter((s) => !s.leader), 'decode worker')
    expect(headless.argv).toEqual(commands[5].argv)
    expect(headless.argv).toContain('--headless')
    expect(headless.argv[headless.argv.indexOf('--data-parallel-start-rank') + 1]).toBe('16')
    for (const s of servers) {
      expect(s.envNames).toContain('VLLM_API_KEY')
      expect(s.apiKey).toBe(key)
      expect(s.argv.join(' ')).not.toContain(key)
    }

    expect(routerRecord.argv).toEqual(filled(commands.at(-1)!.argv, key))
    expect(routerRecord.apiKey).toBe(key)

    const pids = [...servers.flatMap((r) => [r.pid, r.workerPid!]), routerRecord.pid]
    const runs = [router, worker, decode, prefill]
    for (const run of runs) run.child.kill('SIGTERM')
    for (const r of await Promise.all(runs.map((run) => run.done))) {
      expect(r.exitCode, r.stderr).toBe(130)
      expect(r.stdout + r.stderr).not.toContain(key)
    }

    for (const pid of pids) expect(isAlive(pid)).toBe(false)
    expect(markedPids(marker.id)).toEqual([])
  })
})
