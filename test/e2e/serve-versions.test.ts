/**
 * `r1 serve` plans for the engine release that is installed: the fake vLLM reports 0.8.5, 0.11.2 and 0.21.0 in turn
 * (`vllm --version`), and each launch gets a different command line that release accepts (r1's gate, and the shared
 * reference checker where python3 and ../shared are here). Needs `npm run build` first.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {gateProblems} from '../../src/core/engines/gate.js'
import type {PlanFile} from '../../src/core/planner/plan.schema.js'
import {SHARED} from '../core/engines/release-matrix.js'
import {runCli} from '../helpers/cli.js'
import {freePort, installFakeEngines, makeHfHome, startCli} from '../helpers/serve-fakes.js'

let binDir: string
let work: string

beforeAll(() => {
  binDir = installFakeEngines()
  work = mkdtempSync(join(tmpdir(), 'r1-serve-versions-'))
})

async function serveAt(version: string): Promise<{argv: string[]; stderr: string; planned: string}> {
  const port = await freePort()
  const file = join(work, `plan-${port}.json`)
  const planned = await runCli(['plan', '--gpu', 'RTX 4090', '--model', 'r1-distill-qwen-7b', '--engine', 'vllm', '--port', String(port), '--out', file, '--yes', '--force'])
  expect(planned.exitCode, planned.stderr).toBe(0)
  const plan = (JSON.parse(readFileSync(file, 'utf8')) as PlanFile).plan
  const record = join(work, `record-${port}.json`)
  const run = startCli(['serve', '--plan', file, '--port', String(port), '--yes', '--stop-timeout', '2s'], {
    binDir,
    env: {FAKE_ENGINE_RECORD: record, FAKE_ENGINE_VERSION: version, HF_HOME: makeHfHome(plan.checkpoint), R1_STATE_DIR: mkdtempSync(join(work, 'state-'))},
  })
  await run.waitFor(/Ready: /, 60_000)
  const {argv} = JSON.parse(readFileSync(record, 'utf8')) as {argv: string[]}
  run.child.kill('SIGINT')
  const done = await run.done
  expect(done.exitCode).toBe(130)
  return {argv, planned: plan.engineVersion, stderr: done.stderr}
}

const VERSIONS = ['0.8.5', '0.11.2', '0.21.0'] as const

describe('r1 serve builds the command for the installed vLLM release', () => {
  const launched = new Map<string, {argv: string[]; stderr: string; planned: string}>()

  beforeAll(async () => {
    for (const version of VERSIONS) launched.set(version, await serveAt(version))
  }, 240_000)

  it('reads the version with `vllm --version` and says the command is rebuilt for it', () => {
    for (const version of VERSIONS) {
      const {stderr, planned} = launched.get(version)!
      expect(stderr).toContain(`vLLM ${version} installed (the plan was made for ${planned}; the command is rebuilt for ${version})`)
    }
  })

  it('launches three different command lines, each accepted by its release', () => {
    const lines = VERSIONS.map((v) => launched.get(v)!.argv.join(' '))
    expect(new Set(lines).size).toBe(3)
    for (const version of VERSIONS) {
      const {argv} = launched.get(version)!
      expect(gateProblems({engine: 'vllm', spec: {argv, env: {}, nodes: [], passEnv: []}, version})).toEqual([])
    }

    // What differs is what the releases differ in.
    const at = (v: string) => launched.get(v)!.argv
    expect(at('0.8.5')).toContain('--enable-reasoning') // needed beside --reasoning-parser up to 0.8.x, gone in 0.10
    expect(at('0.11.2')).not.toContain('--enable-reasoning')
    expect(at('0.8.5')).not.toContain('--max-cudagraph-capture-size') // from 0.11.1
    expect(at('0.11.2')).toContain('--max-cudagraph-capture-size')
    expect(at('0.21.0')).toContain('--max-cudagraph-capture-size')
  })

  const checker = join(SHARED, 'engine-cli', 'check_argv.py')
  const python = spawnSync('python3', ['--version'], {encoding: 'utf8'}).status === 0
  const skip = !existsSync(checker) ? `no ${checker}` : python ? null : 'no python3 here'
  it.skipIf(skip !== null)(`the shared reference checker accepts all three${skip ? ` (skipped: ${skip})` : ''}`, () => {
    for (const version of VERSIONS) {
      const run = spawnSync('python3', [checker, 'vllm', version, '--', ...launched.get(version)!.argv], {encoding: 'utf8'})
      expect(run.stdout, `${version}: ${run.stderr}`).toBe('')
      expect(run.status).toBe(0)
    }
  })
})
