import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import type {PlanFile} from '../../src/core/planner/plan.schema.js'
import {FIXTURES, ROOT} from '../helpers/cli.js'

const PLAN = join(FIXTURES, 'serve', 'plan-4090-vllm.json')
const SGLANG_2X8 = join(FIXTURES, 'serve', 'plan-2x8-h100-sglang.json')

describe('r1 serve (runCommand)', () => {
  it('--dry-run --json: the envelope, valid against the ServeResult schema, the plan\'s argv', async () => {
    const {stdout} = await runCommand(['serve', '--plan', PLAN, '--dry-run', '--json'], {root: ROOT})
    const json = JSON.parse(stdout) as {status: number; result: unknown; warnings: string[]}
    expect(json.status).toBe(0)
    const {ServeResult} = await import('../../src/core/serve/serve.schema.js')
    const result = ServeResult.parse(json.result)
    const plan = (JSON.parse(readFileSync(PLAN, 'utf8')) as PlanFile).plan
    expect(result.mode).toBe('dry-run')
    expect(result.commands).toHaveLength(1)
    expect(result.commands[0].argv).toEqual(plan.command.argv)
    expect(result.endpoint).toBe('http://127.0.0.1:8000/v1')
    expect(result.checks).toEqual([])
  })

  it('--dry-run: every node of a several-node plan, with the head address', async () => {
    const {stdout} = await runCommand(['serve', '--plan', SGLANG_2X8, '--dry-run', '--head-address', '10.0.0.1'], {root: ROOT})
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toBe('# node 0 (head)')
    expect(lines).toContain('# node 1 (worker)')
    expect(lines.filter((l) => l.includes('--dist-init-addr 10.0.0.1:5000'))).toHaveLength(2)
  })

  it('--host 0.0.0.0 and --port flow into the command', async () => {
    const {stdout} = await runCommand(['serve', '--plan', PLAN, '--dry-run', '--json', '--host', '0.0.0.0', '--port', '9001'], {root: ROOT})
    const result = (JSON.parse(stdout) as {result: {commands: {argv: string[]}[]; endpoint: string}}).result
    expect(result.commands[0].argv.slice(-4)).toEqual(['--host', '0.0.0.0', '--port', '9001'])
    expect(result.endpoint).toBe('http://127.0.0.1:9001/v1')
  })

  it('--help shows the exit codes', async () => {
    const {stdout} = await runCommand(['serve', '--help'], {root: ROOT})
    expect(stdout).toContain('130  interrupted (Ctrl-C / SIGTERM)')
    expect(stdout).toContain('--ready-timeout')
  })
})
