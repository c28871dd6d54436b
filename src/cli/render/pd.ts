/**
 * `r1 plan` for people when the answer is a disaggregated plan: the split and its rates first, the
 * reasons, the calibration behind the rates, then every node's command and the router's.
 */
import {shellWords} from '../../core/engines/shell.js'
import {layoutText} from '../../core/planner/layout-text.js'
import type {DisaggregatedPlan, PdRolePlan} from '../../core/planner/pd/pd.schema.js'
import type {PlanResult} from '../../core/planner/plan-result.schema.js'
import {fmtInt} from '../../core/planner/search.js'
import {table} from '../style.js'
import type {RenderOptions} from './plan.js'
import {commandLines, wrap, wrapHanging} from './text-wrap.js'

function kilo(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : fmtInt(n)
}

export function roleLayout(r: PdRolePlan): string {
  // The one layout notation (layout-text.ts), with the redundant experts after it.
  const parts = [layoutText({...r, nodes: 1, pipelineParallel: 1})]
  if (r.redundantExperts > 0) parts.push(`+${r.redundantExperts} redundant experts`)
  return parts.join(' ')
}

export function ratioText(d: Pick<DisaggregatedPlan, 'ratio'>): string {
  return `${d.ratio.prefillNodes}:${d.ratio.decodeNodes} (1:${d.ratio.decodePerPrefill})`
}

export function renderDisaggregated(result: PlanResult, o: RenderOptions): string {
  const {c} = o
  const d = result.disaggregated!
  // On a terminal prose wraps between words and commands break between arguments (as in renderPlan); piped, one line each.
  const width = o.tty ? (o.width ?? Infinity) : Infinity
  const lines: string[] = [...wrapHanging(result.hardware.summary, width, `${c.bold('Hardware:')} `, '  '), '']
  const p = d.prefill
  const q = d.decode
  const engine = d.engine === 'sglang' ? 'SGLang' : 'vLLM'
  lines.push(...wrapHanging(`disaggregated ${d.modelName} (${d.checkpoint}) on ${engine} ${d.engineVersion}: ${p.instances * p.nodesPerInstance} prefill + ${q.instances * q.nodesPerInstance} decode nodes, prefill:decode ${ratioText(d)}`, width, `${c.bold.green('Recommended:')} `, '  '))
  const facts = [
    `  prefill: ${p.instances} × ${p.nodesPerInstance} node${p.nodesPerInstance === 1 ? '' : 's'}, ${roleLayout(p)}; ${kilo(p.ratePerNode)} prompt tokens/s per node; time to first token about ${fmtInt(p.ttftMs ?? 0)} ms; chunk ${fmtInt(p.chunkedPrefillSize ?? 0)}; ${fmtInt(p.kvCacheTokensPerRank)} KV tokens per rank`,
    `  decode:  ${q.instances} × ${q.nodesPerInstance} node${q.nodesPerInstance === 1 ? '' : 's'}, ${roleLayout(q)}; ${q.batchPerRank} requests per rank; ${kilo(q.ratePerNode)} output tokens/s per node; inter-token latency about ${fmtInt(q.itlMs ?? 0)} ms; ${fmtInt(q.kvCacheTokensPerRank)} KV tokens per rank`,
    `  ${d.requestsPerSecond} requests/s of ${fmtInt(d.workload.inputTokens)} in / ${fmtInt(d.workload.outputTokens)} out${d.workload.given ? '' : ' (r1\'s default workload: --input-tokens, --output-tokens)'}: ${kilo(d.inputTokensPerSecond)} prompt and ${kilo(d.outputTokensPerSecond)} output tokens/s, ${d.bound}-bound`,
  ]
  for (const line of facts) lines.push(...wrapHanging(line.trimStart(), width, '  ', '    '))
  for (const line of result.why) lines.push(...wrap(line, width, '  '))
  lines.push('', ...wrap(c.bold(`Rates: rooflines × efficiencies calibrated on published measurements (prefill ${d.efficiency.prefill}, decode ${d.efficiency.decode}):`), width, ''))
  lines.push(
    table(
      d.calibration.map((r) => [`  ${r.id}`, r.per, fmtInt(r.published), fmtInt(r.modelled), r.ratio.toFixed(2), r.fit ? 'fitted' : 'check']),
      {header: ['  measurement', 'per', 'published', 'modelled', 'ratio', ''], headers: o.headers, tty: o.tty, width: o.width},
    ),
  )
  lines.push('', c.bold('Commands, one per node (prefill nodes first), then the router:'))
  for (const n of d.nodes) {
    const what = n.rank === 0 ? `leader, HTTP ${n.httpPort}` : 'worker'
    lines.push(...wrapHanging(`# node ${n.node}: ${n.role} ${n.instance}, rank ${n.rank} (${what}); r1 serve --role ${n.role} --node-rank ${n.roleRank}`, width, '  ', '  # '))
    lines.push(...commandLines(shellWords({argv: n.argv, env: n.env, passEnv: d.passEnv}), width, '  '))
  }

  lines.push(`  # router on node ${d.router.node}, port ${d.router.port}; r1 serve --role router`)
  lines.push(...commandLines(shellWords({argv: d.router.argv, env: d.router.env, passEnv: []}), width, '  '))
  if (d.passEnv.length > 0) lines.push(c.dim(`  (set ${d.passEnv.join(', ')} in your environment first)`))
  return lines.join('\n')
}
