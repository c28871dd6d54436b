import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'

import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {checkLine, createStatusLine, engineLine, failureText, kvLine, kvWarning, planLine} from '../../src/cli/render/serve.js'
import {layoutText} from '../../src/core/planner/layout-text.js'
import {PlanFile} from '../../src/core/planner/plan.schema.js'
import {FIXTURES} from '../helpers/cli.js'
import type {ServeResult} from '../../src/core/serve/serve.schema.js'

const plain = new Chalk({level: 0})

function fakeStream(tty: boolean, columns = 80): {stream: NodeJS.WriteStream; written: () => string} {
  let out = ''
  const stream = {columns, isTTY: tty, write: (s: string) => ((out += s), true)} as unknown as NodeJS.WriteStream
  return {stream, written: () => out}
}

describe('serve renderers', () => {
  it('the plan line speaks plan\'s vocabulary: one layout notation, whole requests at once, the engine by name', () => {
    const {plan} = PlanFile.parse(JSON.parse(readFileSync(join(FIXTURES, 'serve', 'plan-2x8-h100-sglang.json'), 'utf8')))
    const line = planLine(plan, 'file')
    expect(line).toContain(`on SGLang ${plan.engineVersion}, ${layoutText({...plan, nodes: 1})} on 2 nodes × 8 × ${plan.gpu.name}`)
    expect(line).not.toMatch(/TP \d|DP \d| × DP|DPA/)
    // A fractional engine figure becomes whole requests.
    const line2 = planLine({...plan, contextLength: 131_072, maxConcurrency: 4.97}, 'flags')
    expect(line2).toMatch(/: 4 requests of 131,072 at once; (≈ )?[\d,]+( \(±\d+%\))? KV tokens$/)
    expect(line2).not.toContain('4.97')
    expect(planLine({...plan, maxConcurrency: 1.5}, 'flags')).toMatch(/: 1 request of [\d,]+ at once/)
  })

  it('one line per check', () => {
    expect(checkLine(plain, {detail: 'port 8000 on 127.0.0.1 is free', id: 'port', ok: true, suggestions: []})).toBe('  ok   port       port 8000 on 127.0.0.1 is free')
    expect(checkLine(plain, {detail: 'vLLM is not installed (not on PATH)', id: 'engine', ok: false, suggestions: []})).toBe(
      '  FAIL engine     vLLM is not installed (not on PATH)',
    )
  })

  it('KV capacity beside the plan', () => {
    const kv = {differencePct: 12.5, observedTokens: 112_500, predictedTokens: 100_000, warn: true}
    expect(kvLine(kv)).toBe('KV cache: the engine has 112,500 tokens; the plan predicted 100,000 (+12.5%)')
    expect(kvWarning(kv)).toContain('by 12.5% (more than 10%)')
    expect(engineLine(plain, 'sglang', 'Load weight end.')).toBe('[sglang] Load weight end.')
  })

  it('on a terminal the phase stays on one line below the engine output', () => {
    const {stream, written} = fakeStream(true)
    const status = createStatusLine(stream, true)
    status.set('loading weights (shards 1/163)')
    status.print('[vllm] a log line')
    status.set('loading weights (shards 2/163)')
    status.clear()
    expect(written()).toBe(
      '\r\u001B[2Kr1: loading weights (shards 1/163)' +
        '\r\u001B[2K[vllm] a log line\n\r\u001B[2Kr1: loading weights (shards 1/163)' +
        '\r\u001B[2K\r\u001B[2Kr1: loading weights (shards 2/163)' +
        '\r\u001B[2K',
    )
  })

  it('a warning written by someone else goes above the status line', () => {
    const {stream, written} = fakeStream(true, 0)
    const status = createStatusLine(stream, true)
    status.set('ready')
    status.around(() => stream.write('Warning: x\n'))
    expect(written()).toBe('\r\u001B[2Kr1: ready\r\u001B[2KWarning: x\n\r\u001B[2Kr1: ready')
  })

  it('off a terminal each change of phase is one plain line', () => {
    const {stream, written} = fakeStream(false)
    const status = createStatusLine(stream, false)
    status.set('starting')
    status.set('starting')
    status.print('[vllm] x')
    status.set('ready')
    expect(written()).toBe('r1: starting\n[vllm] x\nr1: ready\n')
  })

  it('the failure: the log tail and the diagnosis', () => {
    const result = {
      diagnosis: {id: 'cuda-out-of-memory', line: 'torch.OutOfMemoryError: CUDA out of memory.', suggestions: [], summary: 'The engine ran out of GPU memory (CUDA out of memory).'},
      logTail: ['a', 'torch.OutOfMemoryError: CUDA out of memory.'],
    } as unknown as ServeResult
    expect(failureText(plain, result).split('\n')).toEqual([
      'Last 2 lines of the engine log:',
      '  a',
      '  torch.OutOfMemoryError: CUDA out of memory.',
      'Diagnosis: The engine ran out of GPU memory (CUDA out of memory).',
      '  from: torch.OutOfMemoryError: CUDA out of memory.',
    ])
  })
})
