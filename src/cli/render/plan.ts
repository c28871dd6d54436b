/**
 * `r1 plan` for people: the hardware in one line, the candidates best first, the recommendation
 * and its reasons, the command to copy (one per node on several nodes).
 */
import type {ChalkInstance} from 'chalk'

import {shellLine, shellQuote} from '../../core/engines/shell.js'
import type {PlanConfig} from '../../core/planner/plan.schema.js'
import type {PlanResult} from '../../core/planner/plan-result.schema.js'
import {fmtInt} from '../../core/planner/search.js'
import {table} from '../style.js'
import {renderDisaggregated} from './pd.js'

export interface RenderOptions {
  tty: boolean
  c: ChalkInstance
}

const int = fmtInt

export function layoutText(p: Pick<PlanConfig, 'tensorParallel' | 'pipelineParallel' | 'dataParallel' | 'expertParallel' | 'dpAttention' | 'nodes'>): string {
  const parts = [`TP${p.tensorParallel}`]
  if (p.pipelineParallel > 1) parts.push(`PP${p.pipelineParallel}`)
  if (p.dataParallel > 1) parts.push(p.dpAttention ? `DPA${p.dataParallel}` : `DP${p.dataParallel}`)
  if (p.expertParallel > 1) parts.push(`EP${p.expertParallel}`)
  if (p.nodes > 1) parts.push(`${p.nodes} nodes`)
  return parts.join(' ')
}

function concurrency(n: number): string {
  if (n <= 0) return '0'
  return n >= 10 ? int(Math.floor(n)) : (Math.floor(n * 10) / 10).toString()
}

/** "≈ 650,432 (±6%)": a KV figure with the memory model's band for its engine and era; "650,432 (measured)" when this machine logged it. */
export function kvTokens(p: Pick<PlanResult['plan'], 'kvCacheTokens' | 'kvErrorBand'> & {calibration?: PlanResult['plan']['calibration']}): string {
  if (p.calibration?.match === 'exact') return `${int(p.kvCacheTokens)} (measured)`
  if (p.kvErrorBand === undefined || p.kvCacheTokens <= 0) return int(p.kvCacheTokens)
  return `≈ ${int(p.kvCacheTokens)} (±${Math.round(p.kvErrorBand * 100)}%)`
}

/** The candidates table: best first; plain tab-separated rows when piped. */
export function candidatesTable(result: PlanResult, o: RenderOptions): string {
  const header = ['MODEL', 'CHECKPOINT', 'ENGINE', 'LAYOUT', 'WEIGHTS/GPU', 'KV/GPU', 'KV TOKENS', 'MAX CONTEXT', `CONC@${int(result.plan.contextLength)}`, 'FITS', 'WHY NOT']
  const rows = result.candidates.map((p) => {
    const chosen = p.model === result.plan.model && p.checkpointId === result.plan.checkpointId && p.engine === result.plan.engine
    const fits = p.fits ? o.c.green('yes') : o.c.red('no')
    const name = chosen && o.tty ? o.c.bold(`${p.modelName} *`) : p.modelName
    return [
      name,
      p.checkpointId,
      p.engine,
      layoutText(p),
      `${p.memory.weightsGiB.toFixed(1)} GiB`,
      `${p.memory.kvCacheGiB.toFixed(1)} GiB`,
      kvTokens(p),
      int(p.maxContextTokens),
      concurrency(p.maxConcurrency),
      fits,
      p.fits ? '' : (p.reasons[0] ?? ''),
    ]
  })
  return table(rows, {header, tty: o.tty})
}

/** Everything people see on stdout. */
export function renderPlan(result: PlanResult, o: RenderOptions): string {
  if (result.disaggregated?.recommended) return renderDisaggregated(result, o)
  const {c} = o
  const p = result.plan
  const lines: string[] = []
  lines.push(`${c.bold('Hardware:')} ${result.hardware.summary}`, '')
  lines.push(candidatesTable(result, o), '')
  const byHand = result.why[0]?.startsWith('Chosen by hand') ?? false
  const head = p.fits ? c.bold.green(byHand ? 'Chosen:' : 'Recommended:') : c.bold.red('Closest (does not fit):')
  const gpus = p.nodes > 1 ? `${p.nodes} nodes × ${p.gpusPerNode} GPUs` : `${p.gpusPerNode} GPU${p.gpusPerNode === 1 ? '' : 's'}`
  lines.push(`${head} ${p.modelName} ${p.quantization.toUpperCase()} (${p.checkpoint}) on ${p.engine} ${p.engineVersion}, ${layoutText({...p, nodes: 1})} on ${gpus}`)
  lines.push(
    `  ${p.memory.weightsGiB.toFixed(1)} GiB weights + ${p.memory.kvCacheGiB.toFixed(1)} GiB KV cache per GPU of ${p.memory.usableGiB.toFixed(1)} GiB usable (${p.memory.gpuTotalGiB.toFixed(1)} GiB total); ${kvTokens(p)} KV tokens${p.kvCacheTokensRange && p.calibration?.match !== 'exact' ? ` (${int(p.kvCacheTokensRange[0])}–${int(p.kvCacheTokensRange[1])}, ${p.calibration ? 'calibrated on this machine' : `the ${p.memoryEra ?? 'engine'} model's measured error`})` : ''}${p.tight ? ' — tight' : ''}, ${concurrency(p.maxConcurrency)} requests of ${int(p.contextLength)} tokens at once`,
  )
  for (const line of result.why) lines.push(`  ${line}`)
  for (const r of p.reasons) {
    if (!result.why.some((w) => w.includes(r))) lines.push(`  ${p.fits ? c.dim('note:') : c.red('✗')} ${r}`)
  }
  lines.push('')
  const unfit = p.fits ? '' : ' (for reference: as planned it will not start)'
  if (p.command.nodes.length > 0) {
    lines.push(c.bold(`Commands, one per node (start the workers after the head)${unfit}:`))
    for (const n of p.command.nodes) {
      lines.push(`  # node ${n.rank} (${n.role})`)
      for (const before of n.before) lines.push(`  ${shellQuote(before)}`)
      lines.push(`  ${shellLine({argv: n.argv, env: n.env, passEnv: p.command.passEnv})}`)
    }
  } else {
    lines.push(c.bold(`Command${unfit}:`), `  ${shellLine(p.command)}`)
  }

  if (p.command.passEnv.length > 0) lines.push(c.dim(`  (set ${p.command.passEnv.join(', ')} in your environment first)`))
  return lines.join('\n')
}
