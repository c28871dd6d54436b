// The real bin/run.js against the fake server started as a separate process (the standalone script).
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {FAKE_SERVER_SCRIPT} from '../helpers/fake-openai-server.js'

let child: ChildProcess
let url: string

beforeAll(async () => {
  child = spawn(process.execPath, [FAKE_SERVER_SCRIPT, JSON.stringify({apiKey: 'sk-e2e-secret', itlMs: 2, style: 'think-implicit', ttftMs: 10})], {stdio: ['ignore', 'pipe', 'inherit']})
  url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).url))
    child.once('error', reject)
  })
})

afterAll(() => {
  child?.kill('SIGTERM')
})

const KEY = {R1_API_KEY: 'sk-e2e-secret'}

describe('e2e: chat, eval, bench', () => {
  it('chat streams to stdout, exit 0, and never prints the API key (even with --verbose)', async () => {
    const r = await runCli(['chat', 'What is 2+2?', '--url', url, '--verbose'], {env: KEY})
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe('[reasoning]\nLet me think about it.\n\n[answer]\nYou asked: What is 2+2?\n')
    expect(r.stdout + r.stderr).not.toContain('sk-e2e-secret')
  })

  it('a wrong key: exit 6 with the server’s reason and a hint, no stack trace', async () => {
    const r = await runCli(['chat', 'hi', '--url', url], {env: {R1_API_KEY: 'wrong'}})
    expect(r.exitCode).toBe(6)
    expect(r.stderr).toContain('the server answered 401 Unauthorized to /v1/models: Invalid API key')
    expect(r.stderr).toContain('R1_API_KEY')
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(r.stdout + r.stderr).not.toContain('wrong')
  })

  it('nothing listening: exit 6, R1_SERVER_UNREACHABLE in the JSON envelope', async () => {
    const r = await runCli(['eval', '--url', 'http://127.0.0.1:9', '--json'])
    expect(r.exitCode).toBe(6)
    expect(JSON.parse(r.stdout)).toMatchObject({error: {code: 'R1_SERVER_UNREACHABLE'}, status: 6})
  })

  it('--system is refused: exit 2', async () => {
    const r = await runCli(['chat', 'hi', '--system', 'be terse', '--url', url])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('Code: R1_SYSTEM_PROMPT_REFUSED')
  })

  it('eval --output writes JSONL; no progress bar when stderr is not a terminal', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'r1-e2e-')), 'samples.jsonl')
    const r = await runCli(['eval', '--url', url, '--limit', '3', '--samples', '2', '--output', out, '--json'], {env: KEY})
    expect(r.exitCode).toBe(0)
    expect(JSON.parse(r.stdout).result).toMatchObject({passAt1: 0, problems: 3, samples: 6})
    expect(r.stderr).toBe('')
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(6)
    const again = await runCli(['eval', '--url', url, '--limit', '1', '--output', out], {env: KEY})
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toContain('Code: R1_FILE_EXISTS')
  })

  it('bench prints the metric table', async () => {
    const r = await runCli(['bench', '--url', url, '--requests', '6', '--concurrency', '3', '--output-tokens', '5'], {env: KEY})
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^TTFT \(ms\)\t/m)
    expect(r.stdout).toMatch(/^output throughput\t[\d.]+ tok\/s/m)
    expect(r.stdout).toContain('6/6 requests')
  })
})
