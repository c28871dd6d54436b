import {describe, expect, it} from 'vitest'

import {isCorrect, lastBoxed, parseIntegerAnswer} from '../../src/core/client/boxed.js'
import {apiUrl, chatBody, MATH_DIRECTIVE, parseChunk, syntheticPrompt, temperatureWarning, withMathDirective} from '../../src/core/client/request.js'
import {createSseParser} from '../../src/core/client/sse.js'
import {createThinkSplitter, type Piece} from '../../src/core/client/think.js'

// The shape vLLM and SGLang stream (chat.completion.chunk), with a keep-alive comment and usage.
const VLLM_STREAM = [
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"deepseek-r1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}',
  '',
  ': keep-alive',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"deepseek-r1","choices":[{"index":0,"delta":{"reasoning":"Two plus"},"logprobs":null,"finish_reason":null}]}',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"deepseek-r1","choices":[{"index":0,"delta":{"content":"4"},"logprobs":null,"finish_reason":"stop"}]}',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"deepseek-r1","choices":[],"usage":{"prompt_tokens":9,"total_tokens":14,"completion_tokens":5}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n')

describe('SSE parsing', () => {
  it('gives the same events whatever the chunking (byte by byte, CRLF, all at once)', () => {
    const whole = createSseParser()
    const expected = [...whole.push(VLLM_STREAM), ...whole.end()]
    expect(expected).toHaveLength(5)
    expect(expected.at(-1)).toBe('[DONE]')
    const bytewise = createSseParser()
    const got: string[] = []
    for (const ch of VLLM_STREAM.replaceAll('\n', '\r\n')) got.push(...bytewise.push(ch))
    got.push(...bytewise.end())
    expect(got).toEqual(expected)
  })

  it('joins multi-line data and keeps an unterminated last event', () => {
    const p = createSseParser()
    expect(p.push('event: message\ndata: a\ndata: b\n\ndata: tail')).toEqual(['a\nb'])
    expect(p.end()).toEqual(['tail'])
  })
})

describe('chunks', () => {
  it.each([
    ['{"choices":[{"delta":{"reasoning_content":"hm"},"finish_reason":null}]}', {content: null, finishReason: null, reasoning: 'hm', usage: null}],
    ['{"choices":[{"delta":{"reasoning":"hm"}}]}', {content: null, finishReason: null, reasoning: 'hm', usage: null}],
    ['{"choices":[{"delta":{"content":"x"},"finish_reason":"length"}]}', {content: 'x', finishReason: 'length', reasoning: null, usage: null}],
    ['{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":7}}', {content: null, finishReason: null, reasoning: null, usage: {completionTokens: 7, promptTokens: 3}}],
  ])('%s', (data, expected) => {
    expect(parseChunk(data)).toEqual(expected)
  })

  it('a malformed event is R1_BAD_STREAM, an error event R1_SERVER_ERROR', () => {
    expect(() => parseChunk('{"choices": [oops')).toThrow(expect.objectContaining({code: 'R1_BAD_STREAM'}))
    expect(() => parseChunk('{"choices": 3}')).toThrow(expect.objectContaining({code: 'R1_BAD_STREAM'}))
    expect(() => parseChunk('{"error": {"message": "CUDA out of memory"}}')).toThrow(expect.objectContaining({code: 'R1_SERVER_ERROR', message: expect.stringContaining('CUDA out of memory')}))
  })
})

function feed(deltas: Array<['r' | 'c', string]>) {
  const s = createThinkSplitter()
  const pieces: Piece[] = []
  for (const [kind, text] of deltas) pieces.push(...(kind === 'r' ? s.reasoning(text) : s.content(text)))
  const final = s.finish()
  pieces.push(...final.pieces)
  return {answer: final.answer, pieces, reasoning: final.reasoning}
}

describe('reasoning / answer split', () => {
  it('reasoning_content then content', () => {
    const r = feed([['r', 'Let me '], ['r', 'add.'], ['c', 'The answer is '], ['c', '4.']])
    expect(r).toMatchObject({answer: 'The answer is 4.', reasoning: 'Let me add.'})
    expect(r.pieces.map((p) => p.kind)).toEqual(['reasoning', 'reasoning', 'answer', 'answer'])
  })

  it('<think> tags split across deltas', () => {
    const r = feed([['c', '<thi'], ['c', 'nk>Let me'], ['c', ' add.</th'], ['c', 'ink>\n\nIt is '], ['c', '4.']])
    expect(r).toMatchObject({answer: 'It is 4.', reasoning: 'Let me add.'})
    expect(r.pieces.filter((p) => p.kind === 'reasoning').map((p) => p.text).join('')).toBe('Let me add.')
  })

  it('only the closing tag (R1’s template opens <think> in the prompt)', () => {
    expect(feed([['c', 'Let me add.\n'], ['c', '</think>'], ['c', '\n\n4']])).toMatchObject({answer: '4', reasoning: 'Let me add.'})
  })

  it('no tag at all: everything is the answer', () => {
    expect(feed([['c', 'Just '], ['c', '4.']])).toMatchObject({answer: 'Just 4.', reasoning: ''})
  })

  it('keeps a "<" that is not a tag', () => {
    expect(feed([['c', '<think>a < b'], ['c', '</think>so 1 < 2']])).toMatchObject({answer: 'so 1 < 2', reasoning: 'a < b'})
  })
})

describe('\\boxed{} extraction', () => {
  it.each([
    ['The answer is \\boxed{42}.', '42', 42n],
    ['\\boxed{ 42 }', ' 42 ', 42n],
    ['\\boxed{42.}', '42.', 42n],
    ['\\boxed{1,000}', '1,000', 1000n],
    ['\\boxed{1\\,000}', '1\\,000', 1000n],
    ['first \\boxed{7} then \\boxed{8}', '8', 8n],
    ['\\boxed{\\frac{1}{2}}', '\\frac{1}{2}', null],
    ['\\boxed{x = -12}', 'x = -12', -12n],
    ['\\boxed{\\text{391}}', '\\text{391}', 391n],
    ['\\boxed{$5050$}', '$5050$', 5050n],
    ['\\boxed{24.0}', '24.0', 24n],
    ['\\boxed{3.5}', '3.5', null],
    ['\\fbox{9}', '9', 9n],
    ['no box, 42', null, null],
    ['unclosed \\boxed{42', null, null],
  ])('%s → %s', (text, box, value) => {
    expect(lastBoxed(text)).toBe(box)
    if (box !== null) expect(parseIntegerAnswer(box)).toBe(value)
  })

  it('compares numerically', () => {
    expect(isCorrect('so \\boxed{0042}', '42')).toEqual({correct: true, extracted: '0042'})
    expect(isCorrect('\\boxed{1,000}', 1000)).toEqual({correct: true, extracted: '1,000'})
    expect(isCorrect('\\boxed{41}', '42')).toEqual({correct: false, extracted: '41'})
    expect(isCorrect('no box', '42')).toEqual({correct: false, extracted: null})
  })
})

describe('requests', () => {
  it('one user message, temperature, top-p, streaming with usage; never a system message', () => {
    const body = chatBody({model: 'm', prompt: 'hi', temperature: 0.6, topP: 0.95})
    expect(body).toEqual({messages: [{content: 'hi', role: 'user'}], model: 'm', stream: true, stream_options: {include_usage: true}, temperature: 0.6, top_p: 0.95})
    expect(chatBody({ignoreEos: true, maxTokens: 16, model: 'm', prompt: 'x', temperature: 0.6, topP: 0.95})).toMatchObject({ignore_eos: true, max_tokens: 16})
  })

  it('the math directive is DeepSeek’s, appended to the prompt', () => {
    expect(MATH_DIRECTIVE).toBe('Please reason step by step, and put your final answer within \\boxed{}.')
    expect(withMathDirective('What is 2+2? ')).toBe(`What is 2+2?\n${MATH_DIRECTIVE}`)
  })

  it.each([
    [0.6, null],
    [0.5, null],
    [0.7, null],
    [0.3, 'repetition'],
    [1, 'coherence'],
  ])('temperature %s', (t, warn) => {
    const w = temperatureWarning(t)
    if (warn === null) expect(w).toBeNull()
    else expect(w).toContain(warn)
  })

  it('refuses temperatures outside 0–2', () => {
    expect(() => temperatureWarning(3)).toThrow(expect.objectContaining({code: 'R1_USAGE'}))
  })

  it('joins URLs with or without /v1', () => {
    expect(apiUrl('http://h:8000', '/v1/models')).toBe('http://h:8000/v1/models')
    expect(apiUrl('http://h:8000/v1/', '/v1/models')).toBe('http://h:8000/v1/models')
  })

  it('synthetic prompts have the asked number of words, reproducibly', () => {
    expect(syntheticPrompt(100, 1).split(' ')).toHaveLength(100)
    expect(syntheticPrompt(100, 1)).toBe(syntheticPrompt(100, 1))
    expect(syntheticPrompt(100, 2)).not.toBe(syntheticPrompt(100, 1))
  })
})

describe('--url', () => {
  it.each(['localhost:8000', 'ftp://h/', 'not a url'])('refuses %s as a usage error', (url) => {
    expect(() => apiUrl(url, '/v1/models')).toThrow(expect.objectContaining({code: 'R1_USAGE'}))
  })
})
