/**
 * Servers that send hostile or nonsensical answers (issue 14, defects 9 and 10): escape sequences in the model's
 * output reach the terminal escaped; impossible usage counts are refused with R1_BAD_STREAM (exit 6), never
 * printed; an empty answer is not a success. Real processes: bin/run.js against a scripted server process.
 */
import {spawn, type ChildProcess} from 'node:child_process'

import {afterEach, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'

const SCRIPT = new URL('../helpers/hostile-openai-server.mjs', import.meta.url).pathname
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGTERM')
})

async function server(options: Record<string, unknown>): Promise<string> {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(options)], {stdio: ['ignore', 'pipe', 'inherit']})
  children.push(child)
  return new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).url))
    child.once('error', reject)
  })
}

const ESC = '\u001B'
const BEL = '\u0007'
const goodUsage = '{"prompt_tokens": 3, "completion_tokens": 7}'

describe('model output with escape sequences', () => {
  it('chat: OSC retitle and CSI clear-screen arrive escaped; newlines and tabs stay', async () => {
    const url = await server({answer: [`${ESC}]0;pwned${BEL}`, 'line one\n', '\tindented ', `${ESC}[2J`, 'end'], reasoning: [`think${ESC}[31m red`], usageRaw: goodUsage})
    const r = await runCli(['chat', 'hi', '--url', url, '--model', 'deepseek-r1'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).not.toContain(ESC)
    expect(r.stdout).not.toContain(BEL)
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07line one\n\tindented \\x1b[2Jend')
    expect(r.stdout).toContain('think\\x1b[31m red')
    expect(r.stderr).not.toContain(ESC)
  })

  it('chat --json keeps the text exactly, as JSON escapes (no raw ESC on stdout)', async () => {
    const url = await server({answer: [`${ESC}[2J`, 'ok'], usageRaw: goodUsage})
    const r = await runCli(['chat', 'hi', '--url', url, '--model', 'deepseek-r1', '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).not.toContain(ESC)
    expect((JSON.parse(r.stdout) as {result: {answer: string}}).result.answer).toBe(`${ESC}[2Jok`)
  })

  it('a /v1/models id with control characters is refused, escaped in the message', async () => {
    const url = await server({answer: ['ok'], models: [`evil${ESC}]0;pwned${BEL}`]})
    const r = await runCli(['chat', 'hi', '--url', url])
    expect(r.exitCode).toBe(6)
    expect(r.stderr).toContain('lists a model id with control characters: evil\\x1b]0;pwned\\x07')
    expect(r.stderr).not.toContain(ESC)
  })
})

describe('nonsense usage from the server', () => {
  it.each([
    ['-5', '{"prompt_tokens": 3, "completion_tokens": -5}', 'usage.completion_tokens = -5'],
    ['1e300', '{"prompt_tokens": 1e300, "completion_tokens": 7}', 'usage.prompt_tokens = 1e+300'],
    ['2.5', '{"prompt_tokens": 3, "completion_tokens": 2.5}', 'usage.completion_tokens = 2.5'],
    ['a string', '{"prompt_tokens": 3, "completion_tokens": "7"}', 'usage.completion_tokens = "7"'],
  ])('chat: completion/prompt tokens of %s are refused (exit 6), never printed as a count', async (_name, usageRaw, said) => {
    const url = await server({answer: ['four'], usageRaw})
    const r = await runCli(['chat', '2+2?', '--url', url, '--model', 'deepseek-r1'])
    expect(r.exitCode, r.stderr).toBe(6)
    expect(r.stderr).toContain(said)
    expect(r.stderr).toContain('a token count must be a whole number from 0 to 1,000,000,000')
    expect(r.stderr).toContain('Code: R1_BAD_STREAM')
    expect(r.stderr).not.toMatch(/completion tokens/)
  })

  it('chat: NaN (not even JSON) is a malformed stream, exit 6', async () => {
    const url = await server({answer: ['four'], usageRaw: '{"prompt_tokens": NaN, "completion_tokens": 7}'})
    const r = await runCli(['chat', '2+2?', '--url', url, '--model', 'deepseek-r1'])
    expect(r.exitCode).toBe(6)
    expect(r.stderr).toContain('malformed stream event')
    expect(r.stderr).not.toMatch(/NaN (prompt|completion)/)
  })

  it('bench: every request with usage -5 fails, so bench exits 6 instead of reporting negative throughput', async () => {
    const url = await server({answer: ['a', 'b', 'c', 'd'], usageRaw: '{"prompt_tokens": 8, "completion_tokens": -5}'})
    const r = await runCli(['bench', '--url', url, '--requests', '2', '--concurrency', '1', '--input-tokens', '8', '--output-tokens', '4'])
    expect(r.exitCode, r.stderr).toBe(6)
    expect(r.stderr).toContain('usage.completion_tokens = -5')
  })

  it('a sane usage is reported as sent', async () => {
    const url = await server({answer: ['four'], usageRaw: goodUsage})
    const r = await runCli(['chat', '2+2?', '--url', url, '--model', 'deepseek-r1'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('3 prompt + 7 completion tokens')
  })
})

describe('an empty answer', () => {
  it('chat: no content and no reasoning is R1_BAD_STREAM, exit 6', async () => {
    const url = await server({answer: [], reasoning: [], usageRaw: '{"prompt_tokens": 3, "completion_tokens": 0}'})
    const r = await runCli(['chat', 'hi', '--url', url, '--model', 'deepseek-r1'])
    expect(r.exitCode, r.stderr).toBe(6)
    expect(r.stderr).toContain("the server's answer was empty: no content and no reasoning (finish_reason: stop)")
  })

  it('chat: whitespace only is empty too', async () => {
    const url = await server({answer: ['  ', '\n'], finishReason: 'length'})
    const r = await runCli(['chat', 'hi', '--url', url, '--model', 'deepseek-r1', '--json'])
    expect(r.exitCode).toBe(6)
    expect((JSON.parse(r.stdout) as {error: {code: string}}).error.code).toBe('R1_BAD_STREAM')
  })

  it('eval: every sample empty → exit 6, not a pass@1 of 0 with exit 0', async () => {
    const url = await server({answer: []})
    const r = await runCli(['eval', '--url', url, '--limit', '1', '--samples', '1'])
    expect(r.exitCode, r.stderr).toBe(6)
    expect(r.stderr).toContain('answer was empty')
  })
})
