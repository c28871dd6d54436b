/**
 * Disaggregated rows: R1 on a multi-node fleet entry split into prefill and decode nodes, as
 * `r1 plan` sizes it (planner/pd: searchDisaggregated with the calibrated rates), with the cost at
 * the modelled rates beside the cost at the published per-node rates for the same GPU. Pure.
 */
import {decodePlan, prefillPlan, ratioOf} from '../planner/pd/assemble.js'
import {type Calibration, PUBLISHED_RATES, type PublishedRate, rateGpu} from '../planner/pd/calibration.js'
import {considered, DECODE_MATCH_FACTOR, nodesOf, type PdOutcome, PREFILL_MATCH_FACTOR, searchDisaggregated} from '../planner/pd/disaggregate.js'
import type {PdRolePlan, Workload} from '../planner/pd/pd.schema.js'
import {layoutText} from '../planner/layout-text.js'
import type {Candidate} from '../planner/search.js'
import type {Hardware} from '../planner/types.js'
import type {FleetEntry} from './fleet.js'
import {round3} from './published.js'
import type {DisaggregatedRow, ReportPickSplit} from './report.schema.js'
import {costPerMillionTokens} from './roofline.js'

export interface PdContext {
  calibration: Calibration
  workload: Workload
  /** Searches already done, by GPU × nodes × context × checkpoint × engine (identical entries search once). */
  memo?: Map<string, PdOutcome>
}

/**
 * The split for one entry at one context, for R1's best fitting candidate there (the recommendation's
 * order); null when disaggregation does not apply (one node, or no R1 among the candidates).
 */
export function disaggregatedRow(entry: FleetEntry, hardware: Hardware, context: number, ranked: readonly Candidate[], pd: PdContext): DisaggregatedRow | null {
  const r1 = ranked.filter((c) => c.model.architecture.kind === 'mla-moe')
  if (r1.length === 0 || !considered({hardware, mode: 'auto', model: r1[0].model})) return null
  const c = r1.find((x) => x.plan.fits) ?? r1[0]
  const {workload} = pd
  const base = {
    aggregatedRequestsPerSecond: null,
    checkpoint: c.checkpoint.repo,
    context,
    costPerMillionTokensModelled: null,
    costPerMillionTokensPublished: null,
    decodeNodes: null,
    decodeTokensPerSecondPerNode: null,
    engine: c.engine.id,
    fleet: entry.name,
    inputTokens: workload.inputTokens,
    model: c.model.id,
    nodes: entry.nodes,
    outputTokens: workload.outputTokens,
    outputTokensPerSecond: null,
    prefillNodes: null,
    prefillTokensPerSecondPerNode: null,
    published: null,
    quantization: c.checkpoint.quantization,
    ratio: null,
    recommended: false,
    requestsPerSecond: null,
    split: false,
  } satisfies Omit<DisaggregatedRow, 'why'>
  if (!c.plan.fits) return {...base, why: [`Not split: ${c.model.displayName} does not fit on ${entry.nodes} nodes: ${c.plan.reasons[0] ?? 'not enough memory'}`]}

  const outcome = searchFor(entry, hardware, context, c, pd)
  const best = outcome.candidate
  if (!best) return {...base, why: outcome.why}

  const ratio = ratioOf(best)
  const nodes = nodesOf(best)
  const outputTps = best.requestsPerSecond * workload.outputTokens
  const published = publishedRates(entry, c.checkpoint.quantization, workload)
  let publishedCost: number | null = null
  if (published) {
    const rps = Math.min(
      (PREFILL_MATCH_FACTOR * ratio.prefillNodes * published.prefillTokensPerSecondPerNode) / workload.inputTokens,
      (DECODE_MATCH_FACTOR * ratio.decodeNodes * published.decodeTokensPerSecondPerNode) / workload.outputTokens,
    )
    publishedCost = round3(costPerMillionTokens(entry.pricePerGpuHour, nodes * entry.gpusPerNode, rps * workload.outputTokens))
  }

  return {
    ...base,
    aggregatedRequestsPerSecond: outcome.aggregated ? round1(outcome.aggregated.requestsPerSecond) : null,
    costPerMillionTokensModelled: round3(costPerMillionTokens(entry.pricePerGpuHour, nodes * entry.gpusPerNode, outputTps)),
    costPerMillionTokensPublished: publishedCost,
    decodeNodes: ratio.decodeNodes,
    decodeTokensPerSecondPerNode: Math.round(best.decode.ratePerNode),
    outputTokensPerSecond: Math.round(outputTps),
    prefillNodes: ratio.prefillNodes,
    prefillTokensPerSecondPerNode: Math.round(best.prefill.ratePerNode),
    published,
    ratio: `${ratio.prefillNodes}:${ratio.decodeNodes}`,
    recommended: outcome.recommended,
    requestsPerSecond: round1(best.requestsPerSecond),
    split: true,
    why: outcome.why,
  }
}

/**
 * searchDisaggregated for one candidate, with the inputs services/plan-pd.ts gives it (mode auto, KV
 * dtype auto, the candidate's engine version, the GPU's rates), memoized by shape × context ×
 * checkpoint × engine.
 */
function searchFor(entry: FleetEntry, hardware: Hardware, context: number, c: Candidate, pd: PdContext): PdOutcome {
  const key = `${entry.gpu.id}|${hardware.gpusPerNode}|${hardware.nodes}|${context}|${c.checkpoint.id}|${c.engine.id}`
  const held = pd.memo?.get(key)
  if (held) return held
  const outcome = searchDisaggregated({
    calibration: pd.calibration,
    checkpoint: c.checkpoint,
    contextLength: context,
    engine: c.engine,
    engineVersion: c.plan.engineVersion,
    gpu: hardware.gpu,
    gpusPerNode: hardware.gpusPerNode,
    hardware,
    kvCacheDtype: 'auto',
    mode: 'auto',
    model: c.model,
    rates: rateGpu(entry.gpu),
    workload: pd.workload,
  })
  pd.memo?.set(key, outcome)
  return outcome
}

/**
 * `r1 plan`'s verdict for its recommendation (services/plan.ts → plan-pd.ts): when the recommended
 * candidate fits and disaggregation is considered for its model on this hardware, the split that
 * searchDisaggregated finds, if it recommends it; else null (the aggregated pick stands).
 */
export function pickSplit(entry: FleetEntry, hardware: Hardware, context: number, best: Candidate | null, pd: PdContext): {split: ReportPickSplit; why: string[]} | null {
  if (!best || !best.plan.fits || !considered({hardware, mode: 'auto', model: best.model})) return null
  const outcome = searchFor(entry, hardware, context, best, pd)
  const c = outcome.candidate
  if (!c || !outcome.recommended) return null
  const ratio = ratioOf(c)
  const outputTps = c.requestsPerSecond * pd.workload.outputTokens
  const role = (r: PdRolePlan) => ({
    dataParallel: r.dataParallel,
    dpAttention: r.dpAttention,
    expertParallel: r.expertParallel,
    instances: r.instances,
    maxRunningRequests: r.maxRunningRequests,
    layout: `${r.instances > 1 ? `${r.instances} × ` : ''}${layoutText({dataParallel: r.dataParallel, dpAttention: r.dpAttention, expertParallel: r.expertParallel, nodes: r.nodesPerInstance, pipelineParallel: 1, tensorParallel: r.tensorParallel})}`,
    nodesPerInstance: r.nodesPerInstance,
    tensorParallel: r.tensorParallel,
  })
  return {
    split: {
      aggregatedRequestsPerSecond: outcome.aggregated ? round1(outcome.aggregated.requestsPerSecond) : null,
      costPerMillionTokensModelled: round3(costPerMillionTokens(entry.pricePerGpuHour, nodesOf(c) * entry.gpusPerNode, outputTps)),
      decode: role(decodePlan(c.decode, best.engine.id)),
      decodeNodes: ratio.decodeNodes,
      outputTokensPerSecond: Math.round(outputTps),
      prefill: role(prefillPlan(c.prefill, best.engine.id)),
      prefillNodes: ratio.prefillNodes,
      ratio: `${ratio.prefillNodes}:${ratio.decodeNodes}`,
      requestsPerSecond: round1(c.requestsPerSecond),
    },
    why: outcome.why,
  }
}

/** The published per-node prefill and decode rates for this GPU and checkpoint family (the prompt length nearest the workload's); null without both. */
export function publishedRates(entry: FleetEntry, quantization: string, workload: Workload): DisaggregatedRow['published'] {
  const mine = PUBLISHED_RATES.filter((r) => r.gpu === entry.gpu.id && r.quantization === quantization)
  const nearest = (list: PublishedRate[]) => [...list].sort((a, b) => Number(b.fit) - Number(a.fit) || Math.abs(a.inputTokens - workload.inputTokens) - Math.abs(b.inputTokens - workload.inputTokens))[0]
  const prefill = nearest(mine.filter((r) => r.phase === 'prefill'))
  const decode = nearest(mine.filter((r) => r.phase === 'decode'))
  if (!prefill || !decode) return null
  const perNode = (r: PublishedRate) => (r.per === 'node' ? r.published : r.published * entry.gpusPerNode)
  return {
    conditions: `prefill: ${prefill.conditions}; decode: ${decode.conditions}`,
    decodeTokensPerSecondPerNode: perNode(decode),
    prefillTokensPerSecondPerNode: perNode(prefill),
    source: prefill.source,
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
