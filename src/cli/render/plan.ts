/**
 * `r1 plan` for people, the answer first: the recommendation and its reasons, the command to copy
 * (one per node on several nodes), then the best plan of each model that fits, one line each, and
 * one line saying how many more candidates `--all` shows. Tables fit the terminal (see
 * PLAN_COLUMNS_HELP); piped, nothing is cut and the header stays.
 */
import type {ChalkInstance} from 'chalk'

import {shellLine, shellWord, shellWords} from '../../core/engines/shell.js'
import {layoutText} from '../../core/planner/layout-text.js'
import type {PlanConfig} from '../../core/planner/plan.schema.js'
import type {PlanResult} from '../../core/planner/plan-result.schema.js'
import {fmtCount, gibText} from '../../core/units.js'
import {table, type TableColumn} from '../style.js'
import {renderDisaggregated} from './pd.js'
import {commandLines, wrap, wrapHanging} from './text-wrap.js'


export {PLAN_COLUMNS_HELP} from './plan-help.js'

export interface RenderOptions {
  tty: boolean
  c: ChalkInstance
  /** The terminal's width (tables and reasons are fitted to it when tty). */
  width?: number
  /** false = --no-headers. */
  headers?: boolean
  /** --all: every candidate, not only the best per model. */
  all?: boolean
}

/** "≈ 650,432 (±6%)": a KV figure with the memory model's band for its engine and era; "650,432 (measured)" when this machine logged it. */
export function kvTokens(p: Pick<PlanResult['plan'], 'kvCacheTokens' | 'kvErrorBand'> & {calibration?: PlanResult['plan']['calibration']}): string {
  if (p.calibration?.match === 'exact') return `${fmtCount(p.kvCacheTokens)} (measured)`
  if (p.kvErrorBand === undefined || p.kvCacheTokens <= 0) return fmtCount(p.kvCacheTokens)
  return `≈ ${fmtCount(p.kvCacheTokens)} (±${Math.round(p.kvErrorBand * 100)}%)`
}

/** Requests of the context at once, as people read them: whole requests. */
export function atOnce(n: number): string {
  return fmtCount(Math.floor(Math.max(0, n)))
}

function sameAs(a: PlanConfig, b: PlanConfig): boolean {
  return a.model === b.model && a.checkpointId === b.checkpointId && a.engine === b.engine && layoutText(a) === layoutText(b)
}

const COLUMNS: Record<string, TableColumn> = {
  model: {min: 10, title: 'MODEL'},
  checkpoint: {drop: 5, title: 'CHECKPOINT'},
  engine: {title: 'ENGINE'},
  layout: {title: 'LAYOUT'},
  weights: {drop: 2, title: 'WEIGHTS/GPU'},
  kv: {drop: 3, title: 'KV/GPU'},
  tokens: {drop: 4, title: 'KV TOKENS'},
  maxContext: {drop: 1, title: 'MAX CONTEXT'},
  atOnce: {title: 'AT ONCE'},
  fits: {title: 'FITS'},
  why: {early: true, min: 16, title: 'WHY NOT'},
}

/** Plan rows: best first; the recommended one marked with "*"; "—" where a row that does not fit has no figure. */
export function candidatesTable(result: PlanResult, rows: readonly PlanConfig[], o: RenderOptions & {whyNot: boolean}): string {
  const dash = '—'
  const keys = ['model', 'checkpoint', 'engine', 'layout', 'weights', 'kv', 'tokens', ...(o.whyNot ? ['maxContext'] : []), 'atOnce', ...(o.whyNot ? ['fits', 'why'] : [])]
  const columns = keys.map((k) => ({...COLUMNS[k], title: k === 'atOnce' ? `AT ONCE (${shortTokens(result.plan.contextLength)})` : COLUMNS[k].title}))
  const body = rows.map((p) => {
    const chosen = sameAs(p, result.plan)
    const mark = chosen ? '* ' : o.tty ? '  ' : ''
    const cells: Record<string, string> = {
      atOnce: p.fits ? atOnce(p.maxConcurrency) : dash,
      checkpoint: p.checkpointId,
      engine: p.engine,
      fits: p.fits ? o.c.green('yes') : o.c.red('no'),
      kv: p.fits ? `${gibText(p.memory.kvCacheGiB)} GiB` : dash,
      layout: layoutText(p),
      maxContext: p.fits ? fmtCount(p.maxContextTokens) : dash,
      model: `${mark}${chosen && o.tty ? o.c.bold(shortName(p.modelName)) : shortName(p.modelName)}`,
      tokens: p.fits ? kvTokens(p) : dash,
      weights: `${gibText(p.memory.weightsGiB)} GiB`,
      why: p.fits ? '' : (p.reasons[0] ?? ''),
    }
    return keys.map((k) => cells[k])
  })
  return table(body, {columns, headers: o.headers, tty: o.tty, width: o.width})
}

/** "R1 671B", "Distill-Qwen-7B": the model's name without the family prefix every row shares. */
export function shortName(name: string): string {
  return name.replace(/^DeepSeek-R1-(?=Distill)/, '').replace(/^DeepSeek-(?=R1 )/, '')
}

/** "128K" for 131072, "32K", else the count. */
function shortTokens(n: number): string {
  return n % 1024 === 0 ? `${n / 1024}K` : fmtCount(n)
}

/** The best plan of each model: the recommended one for its model, else the first that fits (ranked order). */
export function bestPerModel(result: PlanResult): PlanConfig[] {
  const out: PlanConfig[] = []
  const seen = new Set<string>()
  const pick = [result.plan, ...result.candidates]
  for (const p of pick) {
    if (!p.fits || seen.has(p.model)) continue
    seen.add(p.model)
    out.push(p)
  }

  // Keep the ranked order (the recommended model is first when it is the strongest).
  const order = new Map(result.candidates.map((p, i) => [p.model, i]))
  return out.sort((a, b) => (sameAs(a, result.plan) ? -1 : sameAs(b, result.plan) ? 1 : (order.get(a.model) ?? 0) - (order.get(b.model) ?? 0)))
}

/** Everything people see on stdout. */
export function renderPlan(result: PlanResult, o: RenderOptions): string {
  if (result.disaggregated?.recommended) return renderDisaggregated(result, o)
  const {c} = o
  const p = result.plan
  const width = o.tty ? (o.width ?? Infinity) : Infinity
  const lines: string[] = wrapHanging(result.hardware.summary, width, `${c.bold('Hardware:')} `, '  ')
  const byHand = result.why[0]?.startsWith('Chosen by hand') ?? false
  const head = p.fits ? c.bold.green(byHand ? 'Chosen:' : 'Recommended:') : c.bold.red('Closest (does not fit):')
  const gpus = p.nodes > 1 ? `${p.nodes} nodes × ${p.gpusPerNode} GPUs` : `${p.gpusPerNode} GPU${p.gpusPerNode === 1 ? '' : 's'}`
  const engine = p.engine === 'sglang' ? 'SGLang' : 'vLLM'
  const conc = p.fits ? `: ${atOnce(p.maxConcurrency)} request${Math.floor(p.maxConcurrency) === 1 ? '' : 's'} of ${fmtCount(p.contextLength)} at once` : ''
  lines.push(...wrapHanging(`${p.modelName} ${p.quantization.toUpperCase()} on ${engine} ${p.engineVersion}, ${layoutText({...p, nodes: 1})} on ${gpus}${conc}`, width, `${head} `, '  '))
  const indent = (text: string) => wrap(text, width, '  ')
  const range =
    p.kvCacheTokensRange && p.calibration?.match !== 'exact'
      ? ` (${fmtCount(p.kvCacheTokensRange[0])}–${fmtCount(p.kvCacheTokensRange[1])}, ${p.calibration ? 'calibrated on this machine' : `the ${p.memoryEra ?? 'engine'} model's measured error`})`
      : ''
  const memory = `Per GPU ${gibText(p.memory.weightsGiB)} GiB weights + ${gibText(p.memory.kvCacheGiB)} GiB KV cache of ${gibText(p.memory.usableGiB)} GiB usable (${gibText(p.memory.gpuTotalGiB)} GiB total); ${kvTokens(p)} KV tokens${range}${p.tight ? ' — tight' : ''}.`
  // The default keeps to the answer (the table row has the memory figures); --all and plans that do not fit say more.
  if (o.all || !p.fits) lines.push(...indent(memory))
  for (const line of result.why) lines.push(...indent(line))
  for (const r of p.reasons) {
    if (!result.why.some((w) => w.includes(r))) lines.push(...indent(`${p.fits ? c.dim('note:') : c.red('✗')} ${r}`))
  }

  const unfit = p.fits ? '' : ' (for reference: as planned it will not start)'
  if (p.command.nodes.length > 0) {
    lines.push(c.bold(`Commands, one per node (start the workers after the head)${unfit}:`))
    for (const n of p.command.nodes) {
      lines.push(`  # node ${n.rank} (${n.role})`)
      for (const before of n.before) lines.push(...commandLines(before.map((w) => shellWord(w)), width, '  '))
      lines.push(...commandLines(shellWords({argv: n.argv, env: n.env, passEnv: p.command.passEnv}), width, '  '))
    }
  } else {
    // On a terminal the command starts on the label's line (broken with " \\" to fit); piped, it is one line of its own to copy.
    if (o.tty) lines.push(...commandLines([c.bold(`Command${unfit}:`), ...shellWords(p.command)], width))
    else lines.push(c.bold(`Command${unfit}:`), shellLine(p.command))
  }

  if (p.command.passEnv.length > 0) lines.push(c.dim(`  (set ${p.command.passEnv.join(', ')} in your environment first)`))
  if (o.all) {
    lines.push(candidatesTable(result, result.candidates, {...o, whyNot: true}))
    return lines.join('\n')
  }

  const best = bestPerModel(result)
  const shown = best.length > 0 ? best : closestPerModel(result)
  lines.push(candidatesTable(result, shown, {...o, whyNot: best.length === 0}))
  const more = result.candidates.filter((x) => !shown.some((s) => sameAs(s, x)))
  const unfitting = more.filter((x) => !x.fits).length
  if (more.length > 0) lines.push(c.dim(`${fmtCount(more.length)} more candidate${more.length === 1 ? '' : 's'}, ${fmtCount(unfitting)} that do${unfitting === 1 ? 'es' : ''} not fit: --all`))
  return lines.join('\n')
}

/** Nothing fits: the closest candidate of each model, with why not. */
function closestPerModel(result: PlanResult): PlanConfig[] {
  const seen = new Set<string>()
  return result.candidates.filter((p) => !seen.has(p.model) && seen.add(p.model))
}
