/**
 * `r1 serve` owns everything it started (issue 14, defects 2 and 3): a grandchild that called setsid and holds
 * the engine's pipes, SIGHUP from a closed SSH session, the engine's own exit while descendants hold its pipes,
 * and SIGKILL to r1 itself (the next `r1 serve`, or `r1 serve --stop`, finds the orphaned engine and stops it).
 * Real processes: bin/run.js with the fake engine (test/fixtures/fake-engines/engine.cjs) first on PATH.
 */
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import type {PlanFile} from '../../src/core/planner/plan.schema.js'
import {runCli} from '../helpers/cli.js'
import {installFakeDocker} from '../helpers/fake-docker.js'
import {killMarked, newMarker} from '../helpers/proc-cleanup.js'
import {freePort, installFakeEngines, isAlive, makeHfHome, startCli} from '../helpers/serve-fakes.js'

interface Recorded {
  pid: number
  workerPid: number
  setsidPid: number | null
}

let binDir: string
let work: string

// Every r1 these tests start, and everything it starts, carries this marker: a failed test leaves nothing running.
const marker = newMarker()
afterEach(async () => {
  await killMarked(marker.id)
})

beforeAll(() => {
  binDir = installFakeEngines()
  work = mkdtempSync(join(tmpdir(), 'r1-supervise-'))
})

async function waitUntil(test: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (test()) return true
    await new Promise((r) => setTimeout(r, 50))
  }

  return test()
}

function kill(pid: number | null) {
  if (pid === null) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // gone
  }
}

async function serve(env: Record<string, string>, extra: string[] = [], stateDir = mkdtempSync(join(tmpdir(), 'r1-state-'))) {
  const port = await freePort()
  const file = join(work, `plan-${port}.json`)
  const planned = await runCli(['plan', '--gpu', 'RTX 4090', '--model', 'r1-distill-qwen-7b', '--engine', 'vllm', '--port', String(port), '--out', file, '--yes', '--force'])
  expect(planned.exitCode, planned.stderr).toBe(0)
  const plan = (JSON.parse(readFileSync(file, 'utf8')) as PlanFile).plan
  const record = join(work, `record-${port}.json`)
  const fullEnv = {...marker.env, FAKE_ENGINE_RECORD: record, FAKE_ENGINE_VERSION: plan.engineVersion, HF_HOME: makeHfHome(plan.checkpoint), R1_STATE_DIR: stateDir, ...env}
  const args = ['serve', '--plan', file, '--port', String(port), '--yes', '--stop-timeout', '2s', ...extra]
  const run = startCli(args, {binDir, env: fullEnv})
  const recorded = () => JSON.parse(readFileSync(record, 'utf8')) as Recorded
  return {args, env: fullEnv, port, recorded, run, stateDir}
}

describe('r1 serve owns its whole process tree', () => {
  it('Ctrl-C with a setsid grandchild holding the pipes: exit 130 within seconds, the grandchild stopped too', async () => {
    const {recorded, run} = await serve({FAKE_ENGINE_SETSID: '1'})
    await run.waitFor(/Ready: /)
    const rec = recorded()
    expect(rec.setsidPid).toBeGreaterThan(0)
    const t0 = Date.now()
    run.child.kill('SIGINT')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    expect(Date.now() - t0).toBeLessThan(30_000)
    expect(await waitUntil(() => !isAlive(rec.setsidPid!), 10_000)).toBe(true)
    expect(isAlive(rec.pid)).toBe(false)
    expect(isAlive(rec.workerPid)).toBe(false)
    kill(rec.setsidPid)
  })

  it('the engine exits 1 while a setsid grandchild holds its pipes: r1 notices at once (exit 5), not at the ready timeout', async () => {
    const {recorded, run} = await serve({FAKE_ENGINE_MODE: 'oom', FAKE_ENGINE_SETSID: '1'}, ['--ready-timeout', '10m'])
    const t0 = Date.now()
    const done = await run.done
    expect(done.exitCode).toBe(5)
    expect(done.stderr).toContain('vLLM exited with code 1 before it was ready')
    expect(Date.now() - t0).toBeLessThan(45_000)
    const rec = recorded()
    expect(await waitUntil(() => !isAlive(rec.setsidPid!), 10_000)).toBe(true)
    kill(rec.setsidPid)
  })

  it('SIGHUP (a closed SSH session) stops the engine and its workers: exit 130', async () => {
    const {recorded, run} = await serve({FAKE_ENGINE_SETSID: '1'})
    await run.waitFor(/Ready: /)
    const rec = recorded()
    run.child.kill('SIGHUP')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    expect(done.stderr).toContain('SIGHUP')
    expect(await waitUntil(() => !isAlive(rec.pid) && !isAlive(rec.workerPid) && !isAlive(rec.setsidPid!), 10_000)).toBe(true)
  })

  it('a 10 MB engine line is shown once, cut to a few KB, its escape sequence escaped', async () => {
    const {run} = await serve({FAKE_ENGINE_LONG_LINE: String(10 * 2 ** 20)})
    await run.waitFor(/Ready: /)
    run.child.kill('SIGINT')
    const done = await run.done
    expect(done.exitCode).toBe(130)
    const all = `${done.stdout}\n${done.stderr}`
    const shown = all.split('\n').filter((l) => l.includes('yyyyyyyy'))
    expect(shown).toHaveLength(1)
    expect(shown[0].length).toBeLessThan(4200)
    expect(shown[0]).toContain('\\x1b]0;pwned\\x07yyy')
    expect(shown[0]).toMatch(/… \(\d+ more characters\)$/)
    expect(all).not.toContain('\u001b]0;pwned')
    expect(all).toContain('INFO after the long line')
    expect(all.length).toBeLessThan(200_000)
  })

  it('after SIGKILL to r1, `r1 serve --stop` finds the orphaned engine in the state dir and stops its whole tree', async () => {
    const {env, port, recorded, run, stateDir} = await serve({FAKE_ENGINE_SETSID: '1'})
    await run.waitFor(/Ready: /)
    const rec = recorded()
    run.child.kill('SIGKILL')
    await run.done
    // SIGKILL cannot be caught: the engine is still there, holding the port.
    expect(isAlive(rec.pid)).toBe(true)
    const stop = await runCli(['serve', '--stop', '--stop-timeout', '1s', '--json'], {env: {...env, R1_STATE_DIR: stateDir}})
    expect(stop.exitCode, stop.stderr).toBe(0)
    const stopped = (JSON.parse(stop.stdout) as {result: {stopped: {pid: number; port: number; orphan: boolean; stopped: boolean}[]}}).result.stopped
    expect(stopped).toEqual([{engine: 'vllm', host: '127.0.0.1', orphan: true, pid: rec.pid, port, stopped: true}])
    expect(await waitUntil(() => !isAlive(rec.pid) && !isAlive(rec.workerPid) && !isAlive(rec.setsidPid!), 10_000)).toBe(true)
    const again = await runCli(['serve', '--stop'], {env: {...env, R1_STATE_DIR: stateDir}})
    expect(again.stdout).toContain('No engine started by r1 serve is running.')
    for (const p of [rec.pid, rec.workerPid, rec.setsidPid]) kill(p)
  })

  it('after SIGKILL to r1, the next `r1 serve` stops the orphaned engine first, then serves', async () => {
    const first = await serve({})
    await first.run.waitFor(/Ready: /)
    const rec = first.recorded()
    first.run.child.kill('SIGKILL')
    await first.run.done
    expect(isAlive(rec.pid)).toBe(true)
    const second = startCli(first.args, {binDir, env: first.env})
    await second.waitFor(/Ready: /)
    expect(second.stderr()).toMatch(new RegExp(`stopping vllm \\(pid ${rec.pid}, port ${first.port}\\) left running by an r1 that was killed`))
    expect(isAlive(rec.pid)).toBe(false)
    second.child.kill('SIGINT')
    expect((await second.done).exitCode).toBe(130)
    kill(rec.pid)
  })
})

describe('r1 serve --docker: the container is named, recorded, and removed after a SIGKILL to r1', () => {
  const dockerCalls = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [])

  it('`r1 serve --stop` removes the container (docker rm -f NAME) even when the docker client is gone as well', async () => {
    installFakeDocker(binDir)
    const log = join(work, `docker-${Date.now()}.log`)
    const {env, port, recorded, run, stateDir} = await serve({FAKE_DOCKER_LOG: log}, ['--docker'])
    await run.waitFor(/Ready: /)
    const rec = recorded()
    const runArgv = dockerCalls(log).find((a) => a[0] === 'run')!
    const name = runArgv[runArgv.indexOf('--name') + 1]
    expect(name).toBe(`r1-serve-${port}-0`)
    const records = readdirSync(join(stateDir, 'serve')).map((f) => JSON.parse(readFileSync(join(stateDir, 'serve', f), 'utf8')) as {container: string | null})
    expect(records.map((r) => r.container)).toEqual([name])
    run.child.kill('SIGKILL')
    await run.done
    // The client dies too (as when the whole session goes): only dockerd still has the container.
    kill(rec.pid)
    kill(rec.workerPid)
    expect(await waitUntil(() => !isAlive(rec.pid), 5000)).toBe(true)
    const stop = await runCli(['serve', '--stop', '--stop-timeout', '1s', '--json'], {binDir, env: {...env, R1_STATE_DIR: stateDir}})
    expect(stop.exitCode, stop.stderr).toBe(0)
    expect((JSON.parse(stop.stdout) as {result: {stopped: Array<{stopped: boolean}>}}).result.stopped).toMatchObject([{orphan: true, port, stopped: true}])
    expect(dockerCalls(log)).toContainEqual(['rm', '-f', name])
    expect(readdirSync(join(stateDir, 'serve'))).toEqual([])
  })

  it('the next `r1 serve --docker` stops the client and removes the container a killed r1 left, then serves', async () => {
    installFakeDocker(binDir)
    const log = join(work, `docker-next-${Date.now()}.log`)
    const first = await serve({FAKE_DOCKER_LOG: log}, ['--docker'])
    await first.run.waitFor(/Ready: /)
    const rec = first.recorded()
    first.run.child.kill('SIGKILL')
    await first.run.done
    expect(isAlive(rec.pid)).toBe(true)
    const second = startCli(first.args, {binDir, env: first.env})
    await second.waitFor(/Ready: /)
    expect(second.stderr()).toContain('left running by an r1 that was killed')
    expect(isAlive(rec.pid)).toBe(false)
    const name = `r1-serve-${first.port}-0`
    const calls = dockerCalls(log)
    const removed = calls.findIndex((a) => a[0] === 'rm' && a.at(-1) === name)
    expect(removed).toBeGreaterThan(-1)
    // Removed before the second container was started.
    expect(calls.findLastIndex((a) => a[0] === 'run')).toBeGreaterThan(removed)
    second.child.kill('SIGINT')
    expect((await second.done).exitCode).toBe(130)
    kill(rec.pid)
  })
})
