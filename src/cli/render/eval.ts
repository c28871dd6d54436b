/** `r1 eval` for people: the summary, then one row per problem (the header row stays when piped; `headers: false` drops it). */
import type {ChalkInstance} from 'chalk'

import type {EvalResult} from '../../core/client/client.schema.js'
import {escapeControls} from '../../core/text/sanitize.js'
import {table} from '../style.js'

export function renderEval(r: EvalResult, c: ChalkInstance, tty: boolean, headers = true): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`
  const head = [
    `${c.bold('pass@1')} ${pct(r.passAt1)} ± ${pct(r.standardError)} (standard error over ${r.problems} problems)`,
    `${r.correct}/${r.samples} samples correct, ${r.samplesPerProblem} per problem at temperature ${r.temperature}, top-p ${r.topP}; ${r.model} at ${r.url}; ${r.durationS.toFixed(1)} s`,
  ]
  if (r.failedRequests > 0) head.push(c.yellow(`${r.failedRequests} requests failed (counted wrong)`))
  const rows = r.perProblem.map((p) => [p.id, p.answer, `${p.correct}/${p.samples}`, p.extracted.map((e) => (e === null ? '—' : escapeControls(e))).join(' ')])
  return `${head.join('\n')}\n\n${table(rows, {header: ['PROBLEM', 'EXPECTED', 'CORRECT', 'ANSWERS'], headers, tty})}`
}
