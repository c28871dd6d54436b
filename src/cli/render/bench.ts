/**
 * `r1 bench` for people: vLLM-style metric rows, with the plan's ceiling beside them when given.
 * Both tables keep their header row when piped (as kubectl does); `headers: false` (--no-headers) drops it.
 */
import type {ChalkInstance} from 'chalk'

import type {BenchResult} from '../../core/client/client.schema.js'
import {fmtCount} from '../../core/units.js'
import {table} from '../style.js'

const f = (x: number, digits = 1) => x.toFixed(digits)

export function renderBench(r: BenchResult, c: ChalkInstance, tty: boolean, headers = true): string {
  const lines = [
    c.bold(`${r.model} at ${r.url}: ${r.completed}/${r.requests} requests in ${f(r.durationS, 2)} s, concurrency ${r.concurrency}`),
    `input ${r.inputTokens} tokens asked (${r.totalInputTokens} sent in all), output ${r.outputTokens} asked (${r.totalOutputTokens} received, counted from ${r.tokenCount === 'usage' ? 'the server’s usage' : 'streamed chunks'})`,
    '',
  ]
  const withPlan = r.ceiling !== null
  const cut = (row: string[]) => (withPlan ? row : row.slice(0, -1))
  const through = [
    ['request throughput', `${f(r.requestThroughput, 2)} req/s`, ''],
    ['output throughput', `${f(r.outputThroughput)} tok/s`, r.ceiling?.decodeOutputTokensPerSecond ? `plan ceiling ${f(r.ceiling.decodeOutputTokensPerSecond)} tok/s` : ''],
    ['total token throughput', `${f(r.totalTokenThroughput)} tok/s`, ''],
  ].map(cut)
  const perRequest = r.ceiling?.decodeTokensPerSecondPerRequest
  const dist = (name: string, d: BenchResult['ttftMs'], extra = '') => cut([name, `${f(d.mean)}`, `${f(d.median)}`, `${f(d.p90)}`, `${f(d.p99)}`, extra])
  const lat = [
    dist('TTFT (ms)', r.ttftMs),
    dist('TPOT (ms)', r.tpotMs, perRequest ? `floor ${f(1000 / perRequest, 2)} ms` : ''),
    dist('ITL (ms)', r.itlMs),
    dist('E2E latency (ms)', r.e2eMs),
  ]
  lines.push(table(through, {header: cut(['THROUGHPUT', 'MEASURED', 'PLAN']), headers, tty}), '', table(lat, {header: cut(['LATENCY', 'MEAN', 'P50', 'P90', 'P99', 'PLAN']), headers, tty}))
  if (r.ceiling) {
    lines.push('', `plan ${r.ceiling.plan} (${r.ceiling.gpu}): KV cache ${fmtCount(r.ceiling.kvCacheTokens)} tokens, ${fmtCount(Math.floor(Math.max(0, r.ceiling.maxConcurrency)))} request${Math.floor(r.ceiling.maxConcurrency) === 1 ? '' : 's'} of full context at once`, c.dim(r.ceiling.note))
  }

  if (r.failed > 0) lines.push('', c.yellow(`${r.failed} requests failed: ${r.errors.join('; ')}`))
  return lines.join('\n')
}
