// The chat service against the fake OpenAI server on real loopback HTTP.
import {afterEach, describe, expect, it} from 'vitest'

import {MATH_DIRECTIVE} from '../../src/core/client/request.js'
import {createHttpClient} from '../../src/io/http.js'
import {chat, clientDeps} from '../../src/services/chat.js'
import {startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions} from '../helpers/fake-openai-server.js'
import {virtualClock} from '../helpers/virtual-clock.js'

let server: FakeOpenAI | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function ask(options: FakeOpenAIOptions, extra: Partial<Parameters<typeof chat>[1]> = {}) {
  server = await startFakeOpenAI(options)
  const warnings: string[] = []
  const pieces: Array<{kind: string; text: string}> = []
  const result = await chat(clientDeps(), {
    math: false,
    onPiece: (p) => pieces.push(p),
    onWarning: (m) => warnings.push(m),
    prompt: 'What is 2+2?',
    temperature: 0.6,
    url: server.url,
    ...extra,
  })
  return {pieces, result, warnings}
}

describe('chat service', () => {
  const reply = () => ({answer: 'It is \\boxed{4}.', reasoning: 'Two plus two is four.'})

  it.each(['reasoning_content', 'think-tags', 'think-implicit'] as const)('splits reasoning from the answer (%s)', async (style) => {
    const {pieces, result} = await ask({reply, style})
    expect(result.reasoning).toBe('Two plus two is four.')
    expect(result.answer).toBe('It is \\boxed{4}.')
    expect(result.usage).toEqual({completionTokens: 8, promptTokens: 3})
    expect(result.finishReason).toBe('stop')
    expect(pieces.filter((p) => p.kind === 'reasoning').map((p) => p.text).join('')).toBe('Two plus two is four.')
    expect(pieces.filter((p) => p.kind === 'answer').map((p) => p.text).join('').trim()).toBe('It is \\boxed{4}.')
  })

  it('sends one user message at temperature 0.6 and top-p 0.95, model from /v1/models', async () => {
    const {result} = await ask({models: ['deepseek-r1-distill-qwen-7b'], reply})
    expect(result.model).toBe('deepseek-r1-distill-qwen-7b')
    const post = server!.requests.find((r) => r.method === 'POST')!
    expect(post.path).toBe('/v1/chat/completions')
    expect(post.body).toEqual({
      messages: [{content: 'What is 2+2?', role: 'user'}],
      model: 'deepseek-r1-distill-qwen-7b',
      stream: true,
      stream_options: {include_usage: true},
      temperature: 0.6,
      top_p: 0.95,
    })
    expect(post.body.messages.some((m: {role: string}) => m.role === 'system')).toBe(false)
  })

  it('--math appends the directive; --model skips /v1/models', async () => {
    await ask({reply}, {math: true, model: 'mine'})
    expect(server!.requests.map((r) => r.path)).toEqual(['/v1/chat/completions'])
    expect(server!.requests[0].body.messages[0].content).toBe(`What is 2+2?\n${MATH_DIRECTIVE}`)
    expect(server!.requests[0].body.model).toBe('mine')
  })

  it('refuses a system prompt before sending anything', async () => {
    server = await startFakeOpenAI({reply})
    await expect(chat(clientDeps(), {math: false, onWarning: () => {}, prompt: 'x', system: 'be terse', temperature: 0.6, url: server.url})).rejects.toMatchObject({
      code: 'R1_SYSTEM_PROMPT_REFUSED',
    })
    expect(server.requests).toHaveLength(0)
  })

  it('warns outside 0.5–0.7 and still sends that temperature', async () => {
    const {warnings} = await ask({reply}, {temperature: 0.2})
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('repetition')
    expect(server!.requests.at(-1)!.body.temperature).toBe(0.2)
  })

  it('sends the API key as a Bearer token', async () => {
    const {result} = await ask({apiKey: 's3cret', reply}, {apiKey: 's3cret'})
    expect(result.answer).toContain('4')
    expect(server!.requests[0].headers.authorization).toBe('Bearer s3cret')
  })

  it.each([
    [{apiKey: 'other'}, {}, 'R1_SERVER_ERROR', /401.*Invalid API key/],
    [{reply: () => ({message: 'model overloaded', status: 503})}, {}, 'R1_SERVER_ERROR', /503.*model overloaded/],
    [{reply: () => ({malformed: true as const})}, {}, 'R1_BAD_STREAM', /malformed/],
    [{reply: () => ({answer: 'a b c d', cut: 2})}, {}, 'R1_BAD_STREAM', /broke off|ended before/],
  ])('fails with one clear error: %j', async (options, extra, code, message) => {
    await expect(ask(options as FakeOpenAIOptions, extra)).rejects.toMatchObject({code, message: expect.stringMatching(message)})
  })

  it('an unreachable server is R1_SERVER_UNREACHABLE', async () => {
    server = await startFakeOpenAI()
    const url = server.url
    await server.close()
    server = undefined
    await expect(chat(clientDeps(), {math: false, onWarning: () => {}, prompt: 'x', temperature: 0.6, url})).rejects.toMatchObject({
      code: 'R1_SERVER_UNREACHABLE',
      message: expect.stringContaining('connection refused'),
    })
  })

  // On a virtual clock that the fake's delays run on (test/helpers/virtual-clock.ts): exact, whatever the machine's load.
  it('measures TTFT from sending the request to the first text, and the whole answer, on the clock', async () => {
    const clock = virtualClock()
    server = await startFakeOpenAI({clock: clock.server, itlMs: 5, reply, ttftMs: 120})
    const result = await chat({...clientDeps(), http: clock.wrap(createHttpClient()), now: clock.now}, {math: false, onWarning: () => {}, prompt: 'What is 2+2?', temperature: 0.6, url: server.url})
    expect(result.answer).toBe('It is \\boxed{4}.')
    // The first reasoning token comes after the fake's 120 ms; 5 reasoning + 3 answer tokens, 5 ms apart.
    expect(result.ttftMs).toBe(120)
    expect(result.e2eMs).toBe(120 + 7 * 5)
  })

  it('TTFT counts the first text, not the response headers nor a role-only chunk', async () => {
    const clock = virtualClock()
    // No reasoning: the first text is the answer's first token, still after the 200 ms.
    server = await startFakeOpenAI({clock: clock.server, itlMs: 10, reply: () => ({answer: 'Four.', reasoning: []}), ttftMs: 200})
    const result = await chat({...clientDeps(), http: clock.wrap(createHttpClient()), now: clock.now}, {math: false, onWarning: () => {}, model: 'm', prompt: 'x', temperature: 0.6, url: server.url})
    expect(result.ttftMs).toBe(200)
    expect(result.e2eMs).toBe(200)
  })
})
