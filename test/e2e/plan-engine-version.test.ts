/**
 * `r1 plan --engine-version`: any release in the engine data, a fallback to the nearest known release that is said,
 * a refusal with the supported range below it; and the gate's R1_BUG when a command would not be accepted.
 * Needs `npm run build` first.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {gateProblems} from '../../src/core/engines/gate.js'
import type {PlanFile} from '../../src/core/planner/plan.schema.js'
import {runCli} from '../helpers/cli.js'

interface Envelope {
  status: number
  result?: {plan: PlanFile['plan']}
  warnings?: string[]
  error?: {code: string; message: string; suggestions: string[]}
}

async function plan(args: string[]): Promise<{envelope: Envelope; exitCode: number | null}> {
  const r = await runCli(['plan', '--json', ...args])
  return {envelope: JSON.parse(r.stdout) as Envelope, exitCode: r.exitCode}
}

describe('r1 plan --engine-version', () => {
  it.each([
    ['sglang', '0.5.6.post2'],
    ['vllm', '0.11.1'],
  ])('%s %s: a release in the data is planned as is, and its command passes the gate', async (engine, version) => {
    const {envelope, exitCode} = await plan(['--gpu', 'H200', '--count', '8', '--engine', engine, '--engine-version', version])
    expect(exitCode).toBe(0)
    const p = envelope.result!.plan
    expect(p.engineVersion).toBe(version)
    expect(envelope.warnings!.filter((w) => w.includes('not a release r1 knows'))).toEqual([])
    expect(gateProblems({engine: engine as 'vllm', spec: p.command, version})).toEqual([])
  })

  it('a version between releases: built for the nearest known release below it, and said', async () => {
    const {envelope, exitCode} = await plan(['--gpu', 'H200', '--count', '8', '--engine', 'vllm', '--engine-version', '0.8.6'])
    expect(exitCode).toBe(0)
    expect(envelope.warnings).toContain('vllm 0.8.6 is not a release r1 knows: building for 0.8.5.post1, the nearest known release below it')
    expect(envelope.result!.plan.command.argv).toContain('--enable-reasoning')
  })

  it('older than every release: exit 2 with the supported range', async () => {
    const {envelope, exitCode} = await plan(['--gpu', 'H200', '--count', '8', '--engine', 'vllm', '--engine-version', '0.6.0'])
    expect(exitCode).toBe(2)
    expect(envelope.error).toMatchObject({code: 'R1_USAGE', message: 'vllm 0.6.0 is older than every release r1 knows (0.7.3 to 0.21.0): r1 supports vllm 0.7.3 to 0.21.0'})
  })

  it('vLLM 0.8.5 on 2×8 H100: R1 over TP/PP with Ray (no multi-node DP before 0.9.0); pinning DP 16 is refused with why', async () => {
    const {envelope} = await plan(['--gpu', 'H100', '--count', '8', '--nodes', '2', '--model', 'deepseek-r1', '--engine', 'vllm', '--engine-version', '0.8.5', '--head-address', '10.0.0.1'])
    const p = envelope.result!.plan
    expect([p.nodes, p.dataParallel]).toEqual([2, 1])
    expect(p.command.nodes[0].before).toEqual([['ray', 'start', '--head', '--port', '6379']])
    expect(p.command.nodes[0].argv).not.toContain('--data-parallel-size')
    const pinned = await plan(['--gpu', 'H100', '--count', '8', '--nodes', '2', '--model', 'deepseek-r1', '--engine', 'vllm', '--engine-version', '0.8.5', '--dp', '16'])
    expect(pinned.exitCode).toBe(2)
    expect(pinned.envelope.error!.message).toContain('multi-node DP arrived in 0.9.0')
  })
})

describe('the gate in r1 serve', () => {
  it('a command the release would refuse is a bug in r1: exit 1, R1_BUG naming the option, nothing printed or started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-gate-'))
    const file = join(dir, 'plan.json')
    const made = await runCli(['plan', '--gpu', 'H100', '--count', '8', '--nodes', '2', '--model', 'deepseek-r1', '--engine', 'vllm', '--head-address', '10.0.0.1', '--out', file, '--yes'])
    expect(made.exitCode, made.stderr).toBe(0)
    // A plan file edited by hand to a release without multi-node DP, keeping its DP 16 layout.
    const saved = JSON.parse(readFileSync(file, 'utf8')) as PlanFile
    Object.assign(saved.plan, {dataParallel: 16, dpAttention: false, engineVersion: '0.8.5', expertParallel: 16, pipelineParallel: 1, tensorParallel: 1})
    writeFileSync(file, JSON.stringify(saved))
    const r = await runCli(['serve', '--plan', file, '--dry-run', '--json'])
    expect(r.exitCode).toBe(1)
    const envelope = JSON.parse(r.stdout) as Envelope
    expect(envelope.error!.code).toBe('R1_BUG')
    expect(envelope.error!.message).toContain('offending --data-parallel-size')
    expect(r.stdout).not.toContain('vllm serve')
  })
})
