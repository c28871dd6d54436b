/**
 * Every child process has a deadline that ends it (issue 14, defect 4): a hanging nvidia-smi whose child holds
 * stdout ends at the promised deadline with exit 4; a hanging `vllm --version` is bounded. Real processes.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {makeBinDir, runCli, writeFakeBin} from '../helpers/cli.js'
import {installFakeEngines, isAlive, makeHfHome} from '../helpers/serve-fakes.js'

/** An nvidia-smi that starts a grandchild holding its stdout (recording its pid), then hangs for ever. */
function hangingSmi(): {binDir: string; pids: () => number[]} {
  const binDir = makeBinDir()
  const pidFile = join(binDir, 'grandchild.pids')
  writeFileSync(pidFile, '')
  writeFakeBin(
    binDir,
    'nvidia-smi',
    `const {spawn} = require('node:child_process')
const {appendFileSync} = require('node:fs')
const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {detached: true, stdio: ['ignore', 'inherit', 'inherit']})
appendFileSync(${JSON.stringify(pidFile)}, g.pid + '\\n')
process.on('SIGTERM', () => {})
setInterval(() => {}, 1000)
`,
  )
  return {binDir, pids: () => readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number)}
}

async function gone(pids: number[], ms = 3000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (pids.every((p) => !isAlive(p))) return true
    await new Promise((r) => setTimeout(r, 50))
  }

  return pids.every((p) => !isAlive(p))
}

describe('deadlines for child processes', () => {
  for (const args of [['detect'], ['plan', '--model', 'r1-distill-qwen-7b']]) {
    it(`r1 ${args[0]}: nvidia-smi hangs and its child holds stdout: exit 4 at the deadline, nothing left running`, async () => {
      const smi = hangingSmi()
      const t0 = Date.now()
      const r = await runCli(args, {binDir: smi.binDir, env: {R1_NVIDIA_SMI_TIMEOUT: '2'}})
      const took = Date.now() - t0
      expect(r.exitCode, r.stderr).toBe(4)
      expect(r.stderr).toContain('nvidia-smi did not answer within 2 s')
      expect(r.stderr).toContain('R1_NVIDIA_SMI_FAILED')
      expect(took).toBeLessThan(12_000)
      expect(smi.pids().length).toBeGreaterThan(0)
      expect(await gone(smi.pids())).toBe(true)
    })
  }

  it('r1 serve: a hanging `vllm --version` fails preflight at its deadline (exit 5), not after minutes of silence', async () => {
    const binDir = installFakeEngines()
    const work = mkdtempSync(join(tmpdir(), 'r1-deadline-'))
    const file = join(work, 'plan.json')
    const planned = await runCli(['plan', '--gpu', 'RTX 4090', '--model', 'r1-distill-qwen-7b', '--engine', 'vllm', '--out', file, '--yes'])
    expect(planned.exitCode, planned.stderr).toBe(0)
    const checkpoint = (JSON.parse(readFileSync(file, 'utf8')) as {plan: {checkpoint: string}}).plan.checkpoint
    const t0 = Date.now()
    const r = await runCli(['serve', '--plan', file, '--yes'], {binDir, env: {FAKE_ENGINE_VERSION_HANG: '1', HF_HOME: makeHfHome(checkpoint), R1_ENGINE_PROBE_TIMEOUT: '2'}})
    expect(r.exitCode, r.stderr).toBe(5)
    expect(r.stderr).toContain('vllm --version did not answer within 2 s')
    expect(Date.now() - t0).toBeLessThan(15_000)
  })
})
