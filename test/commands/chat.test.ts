// chat, eval and bench through oclif (runCommand), against the in-process fake server.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import {BenchResult, ChatResult, EvalResult} from '../../src/core/client/client.schema.js'
import {ROOT} from '../helpers/cli.js'
import {startFakeOpenAI, type FakeOpenAI} from '../helpers/fake-openai-server.js'

let server: FakeOpenAI | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const reply = () => ({answer: 'So the answer is \\boxed{4}.', reasoning: 'Two and two make four.'})

describe('r1 chat', () => {
  it('--json returns {reasoning, answer, usage} in the envelope, valid against its schema', async () => {
    server = await startFakeOpenAI({reply, style: 'think-tags'})
    const {stdout} = await runCommand(['chat', '2+2?', '--url', server.url, '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(0)
    expect(json.warnings).toEqual([])
    expect(json.result).toMatchObject({answer: 'So the answer is \\boxed{4}.', reasoning: 'Two and two make four.', usage: {completionTokens: 10, promptTokens: 1}})
    expect(ChatResult.safeParse(json.result).success).toBe(true)
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'chat.json'), 'utf8'))
    expect(Object.keys(schema.properties.result.properties)).toEqual(expect.arrayContaining(['reasoning', 'answer', 'usage']))
  })

  it('streams the reasoning apart from the answer on stdout; the timing line on stderr', async () => {
    server = await startFakeOpenAI({reply})
    const {stderr, stdout} = await runCommand(['chat', '2+2?', '--url', server.url], {root: ROOT})
    expect(stdout).toBe('[reasoning]\nTwo and two make four.\n\n[answer]\nSo the answer is \\boxed{4}.\n')
    expect(stderr).toMatch(/deepseek-r1: first token \d+\.\d\d s/)
  })

  it('--answer-only prints just the answer', async () => {
    server = await startFakeOpenAI({reply})
    const {stdout} = await runCommand(['chat', '2+2?', '--url', server.url, '--answer-only'], {root: ROOT})
    expect(stdout).toBe('So the answer is \\boxed{4}.\n')
  })

  it('a temperature outside 0.5–0.7 is a warning in the envelope', async () => {
    server = await startFakeOpenAI({reply})
    const {stdout} = await runCommand(['chat', 'hi', '--url', server.url, '--temperature', '0.95', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.warnings).toHaveLength(1)
    expect(json.warnings[0]).toContain('lose coherence')
    expect(server.requests.at(-1)!.body.temperature).toBe(0.95)
  })

  it('--system is refused with exit 2 and the reason', async () => {
    const {error, stdout} = await runCommand(['chat', 'hi', '--system', 'terse', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(2)
    expect(json.error.code).toBe('R1_SYSTEM_PROMPT_REFUSED')
    expect(json.error.suggestions[0]).toContain('prompt')
    expect(error?.oclif?.exit ?? process.exitCode).toBe(2)
    process.exitCode = 0
  })
})

describe('r1 eval', () => {
  it('--json: pass@1 with its standard error over the built-in problems', async () => {
    server = await startFakeOpenAI({reply: (_, n) => ({answer: n % 2 === 0 ? '\\boxed{391}' : '\\boxed{0}', reasoning: 'r'})})
    const {stdout} = await runCommand(['eval', '--url', server.url, '--limit', '1', '--samples', '4', '--concurrency', '1', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(EvalResult.safeParse(json.result).success).toBe(true)
    expect(json.result).toMatchObject({correct: 2, passAt1: 0.5, problems: 1, samples: 4, standardError: 0})
  })

  it('prints a summary for people', async () => {
    server = await startFakeOpenAI({reply: () => ({answer: '\\boxed{391}', reasoning: 'r'})})
    const {stdout} = await runCommand(['eval', '--url', server.url, '--limit', '2', '--samples', '2'], {root: ROOT})
    expect(stdout).toContain('pass@1 50.0% ± 50.0% (standard error over 2 problems)')
    expect(stdout).toContain('mul-17-23\t391\t2/2\t391 391')
  })
})

describe('r1 bench', () => {
  it('--json: the metrics of vllm bench serve', async () => {
    server = await startFakeOpenAI({itlMs: 5, ttftMs: 20})
    const {stdout} = await runCommand(['bench', '--url', server.url, '--requests', '4', '--concurrency', '2', '--output-tokens', '4', '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(BenchResult.safeParse(json.result).success).toBe(true)
    expect(json.result).toMatchObject({completed: 4, concurrency: 2, failed: 0, outputTokens: 4, requests: 4, totalOutputTokens: 16})
    expect(json.result.ttftMs.p99).toBeGreaterThanOrEqual(json.result.ttftMs.median)
  })

  it('an unreachable server: exit 6, one message, no stack', async () => {
    server = await startFakeOpenAI()
    const url = server.url
    await server.close()
    server = undefined
    const {stdout} = await runCommand(['bench', '--url', url, '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json).toMatchObject({error: {code: 'R1_SERVER_UNREACHABLE'}, status: 6})
    process.exitCode = 0
  })
})
