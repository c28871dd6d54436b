/**
 * Every HTTP exchange has a deadline (issue 14, defect 5): a stream that sends one chunk and goes silent ends
 * at --stall-timeout with exit 6; a /v1/models answer that stalls after its headers is bounded; a 429 with
 * Retry-After is waited out (up to a bound) by eval and bench instead of failing them. Real processes: bin/run.js
 * against the fake OpenAI server started as its own process.
 */
import {spawn, type ChildProcess} from 'node:child_process'

import {afterEach, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {FAKE_SERVER_SCRIPT} from '../helpers/fake-openai-server.js'

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGTERM')
})

async function fakeServer(options: Record<string, unknown>): Promise<string> {
  const child = spawn(process.execPath, [FAKE_SERVER_SCRIPT, JSON.stringify(options)], {stdio: ['ignore', 'pipe', 'inherit']})
  children.push(child)
  return new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).url))
    child.once('error', reject)
  })
}

describe('HTTP deadlines', () => {
  it('chat: a stream that sends one chunk and goes silent ends at --stall-timeout with exit 6', async () => {
    const url = await fakeServer({mode: 'stall-after-one'})
    const t0 = Date.now()
    const r = await runCli(['chat', 'hi', '--url', url, '--model', 'deepseek-r1', '--stall-timeout', '2s'])
    expect(r.exitCode, r.stderr).toBe(6)
    expect(r.stderr).toContain('stalled: no data for 2 s')
    expect(r.stderr).toContain('Code: R1_BAD_STREAM')
    expect(Date.now() - t0).toBeLessThan(15_000)
  })

  it('chat: /v1/models sends its headers and then nothing: exit 6 at the deadline, not a hang', async () => {
    const url = await fakeServer({mode: 'models-stall'})
    const t0 = Date.now()
    const r = await runCli(['chat', 'hi', '--url', url])
    expect(r.exitCode, r.stderr).toBe(6)
    expect(r.stderr).toContain('sent its headers but not its answer within 30 s')
    expect(Date.now() - t0).toBeLessThan(45_000)
  }, 60_000)

  it('eval and bench wait out a 429 with Retry-After instead of failing', async () => {
    const url = await fakeServer({rateLimit: {first: 2, retryAfter: '1'}})
    const e = await runCli(['eval', '--url', url, '--limit', '1', '--samples', '1', '--json'])
    expect(e.exitCode, e.stderr).toBe(0)
    expect((JSON.parse(e.stdout) as {result: {failedRequests: number}}).result.failedRequests).toBe(0)
    const url2 = await fakeServer({rateLimit: {first: 2, retryAfter: '1'}})
    const b = await runCli(['bench', '--url', url2, '--requests', '2', '--concurrency', '1', '--input-tokens', '8', '--output-tokens', '4', '--json'])
    expect(b.exitCode, b.stderr).toBe(0)
    expect((JSON.parse(b.stdout) as {result: {errors: string[]}}).result.errors).toEqual([])
  })

  it('a Retry-After past the bound (60 s) is an error that says so, at once', async () => {
    const url = await fakeServer({rateLimit: {first: 100, retryAfter: '3600'}})
    const r = await runCli(['chat', 'hi', '--url', url, '--model', 'deepseek-r1'])
    expect(r.exitCode).toBe(6)
    expect(r.stderr).toContain('it asks to retry after 3600 s, longer than r1 waits (60 s)')
  })

  it('credentials in --url never reach the terminal', async () => {
    const r = await runCli(['chat', 'hi', '--url', 'http://admin:hunter2@127.0.0.1:9/', '--model', 'x'])
    expect(r.exitCode).toBe(6)
    expect(r.stderr).not.toContain('hunter2')
    expect(r.stderr).toContain('http://***@127.0.0.1:9')
  })
})
