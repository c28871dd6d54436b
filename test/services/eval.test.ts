// The eval service against the fake server: a known mix of right and wrong answers.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {MATH_DIRECTIVE} from '../../src/core/client/request.js'
import {BUILTIN_PROBLEMS} from '../../src/core/eval/problems.js'
import {evalDeps, evaluate, type EvalOptions} from '../../src/services/eval.js'
import {startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions} from '../helpers/fake-openai-server.js'

let server: FakeOpenAI | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const DATASET = ['{"id": "all", "question": "What is 6 × 7?", "answer": 42}', '{"id": "half", "question": "What is 10 × 100?", "answer": "1000"}', '{"id": "none", "question": "What is 2 + 3?", "answer": 5}'].join('\n')

/** Problem "all": always right (in varied forms); "half": right on 2 of 4; "none": always wrong or unboxed. */
function mixedReply(): FakeOpenAIOptions['reply'] {
  const seen = new Map<string, number>()
  return (body) => {
    const q: string = body.messages[0].content
    const k = seen.get(q) ?? 0
    seen.set(q, k + 1)
    if (q.startsWith('What is 6')) return {answer: ['So \\boxed{42}.', 'First \\boxed{41}, no: \\boxed{ 42 }', '\\boxed{42.}', '\\boxed{42}'][k % 4], reasoning: '6 × 7 = 42'}
    if (q.startsWith('What is 10')) return {answer: k % 2 === 0 ? 'It is \\boxed{1,000}.' : '\\boxed{100}', reasoning: 'ten hundreds'}
    return {answer: k % 2 === 0 ? 'It is 5.' : '\\boxed{6}', reasoning: 'hmm'}
  }
}

function options(extra: Partial<EvalOptions>): EvalOptions {
  return {concurrency: 4, force: false, onWarning: () => {}, samples: 4, temperature: 0.6, url: server!.url, ...extra}
}

function datasetFile(text = DATASET): string {
  const dir = mkdtempSync(join(tmpdir(), 'r1-eval-'))
  const path = join(dir, 'd.jsonl')
  writeFileSync(path, text)
  return path
}

describe('eval service', () => {
  it('pass@1 and its standard error on a known mix (1, 0.5, 0 → 0.5 ± 0.5/√3)', async () => {
    server = await startFakeOpenAI({reply: mixedReply(), style: 'think-tags'})
    const r = await evaluate(evalDeps(), options({dataset: datasetFile()}))
    expect(r.perProblem.map((p) => [p.id, p.correct, p.samples, p.passAt1])).toEqual([
      ['all', 4, 4, 1],
      ['half', 2, 4, 0.5],
      ['none', 0, 4, 0],
    ])
    expect(r.passAt1).toBe(0.5)
    expect(r.standardError).toBeCloseTo(0.5 / Math.sqrt(3), 12)
    expect(r).toMatchObject({correct: 6, failedRequests: 0, problems: 3, samples: 12, samplesPerProblem: 4, temperature: 0.6, topP: 0.95})
    expect(r.perProblem[0].extracted.sort()).toEqual(['42', '42', '42', '42.'])
    expect(r.perProblem[2].extracted.sort()).toEqual(['6', '6', null, null])
  })

  it('every request: one user message with the math directive, 0.6 / 0.95, no system message', async () => {
    server = await startFakeOpenAI({reply: mixedReply()})
    await evaluate(evalDeps(), options({dataset: datasetFile(), samples: 2}))
    const posts = server.requests.filter((r) => r.method === 'POST')
    expect(posts).toHaveLength(6)
    for (const p of posts) {
      expect(p.body.messages).toHaveLength(1)
      expect(p.body.messages[0].role).toBe('user')
      expect(p.body.messages[0].content.endsWith(`\n${MATH_DIRECTIVE}`)).toBe(true)
      expect(p.body).toMatchObject({stream: true, temperature: 0.6, top_p: 0.95})
    }
  })

  it('the built-in set by default; --limit takes the first N', async () => {
    server = await startFakeOpenAI({reply: () => ({answer: `\\boxed{${BUILTIN_PROBLEMS[0].answer}}`, reasoning: 'r'})})
    const r = await evaluate(evalDeps(), options({limit: 2, samples: 1}))
    expect(r.dataset).toBe('built-in')
    expect(r.perProblem.map((p) => [p.id, p.correct])).toEqual([
      [BUILTIN_PROBLEMS[0].id, 1],
      [BUILTIN_PROBLEMS[1].id, 0],
    ])
  })

  it('--output writes one JSON line per sample and refuses to overwrite without --force', async () => {
    server = await startFakeOpenAI({reply: mixedReply()})
    const dir = mkdtempSync(join(tmpdir(), 'r1-eval-out-'))
    const out = join(dir, 'samples.jsonl')
    await evaluate(evalDeps(), options({dataset: datasetFile(), output: out, samples: 2}))
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(6)
    const first = lines.find((l) => l.problem === 'all')
    expect(first).toMatchObject({correct: true, error: null, expected: '42', question: 'What is 6 × 7?', reasoning: '6 × 7 = 42'})
    await expect(evaluate(evalDeps(), options({dataset: datasetFile(), output: out}))).rejects.toMatchObject({code: 'R1_FILE_EXISTS'})
    await evaluate(evalDeps(), options({dataset: datasetFile(), force: true, output: out, samples: 1}))
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3)
  })

  it('failed requests count as wrong, with a warning', async () => {
    let n = 0
    server = await startFakeOpenAI({reply: () => (n++ % 2 === 0 ? {message: 'boom', status: 500} : {answer: '\\boxed{42}', reasoning: 'r'})})
    const warnings: string[] = []
    const r = await evaluate(evalDeps(), options({concurrency: 1, dataset: datasetFile('{"question": "6 × 7?", "answer": 42}'), onWarning: (m) => warnings.push(m)}))
    expect(r).toMatchObject({correct: 2, failedRequests: 2, passAt1: 0.5})
    expect(warnings[0]).toMatch(/2 of 4 requests failed.*500/)
  })

  it('stops at once when the server cannot be reached, or when every request fails', async () => {
    server = await startFakeOpenAI({reply: () => ({message: 'down', status: 500})})
    await expect(evaluate(evalDeps(), options({dataset: datasetFile(), samples: 1}))).rejects.toMatchObject({code: 'R1_SERVER_ERROR', message: expect.stringContaining('every request failed')})
    const url = server.url
    await server.close()
    server = undefined
    await expect(evaluate(evalDeps(), {...options0(url), dataset: datasetFile()})).rejects.toMatchObject({code: 'R1_SERVER_UNREACHABLE'})
  })

  it('a missing dataset is R1_FILE_NOT_FOUND', async () => {
    server = await startFakeOpenAI()
    await expect(evaluate(evalDeps(), options({dataset: join(tmpdir(), 'no-such-r1-dataset.jsonl')}))).rejects.toMatchObject({code: 'R1_FILE_NOT_FOUND'})
  })

  it('a bad dataset is R1_BAD_DATASET before any request', async () => {
    server = await startFakeOpenAI()
    await expect(evaluate(evalDeps(), options({dataset: datasetFile('{"question": "q"}')}))).rejects.toMatchObject({code: 'R1_BAD_DATASET'})
    expect(server.requests).toHaveLength(0)
  })
})

function options0(url: string): EvalOptions {
  return {concurrency: 1, force: false, onWarning: () => {}, samples: 1, temperature: 0.6, url}
}
