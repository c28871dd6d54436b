/**
 * Disaggregated rows: R1 on a multi-node fleet entry split into prefill and decode nodes, as
 * `r1 plan` sizes it (planner/pd: searchDisaggregated with the calibrated rates), with the cost at
 * the modelled rates beside the cost at the published per-node rates for the same GPU. Pure.
 */
import {ratioOf} from '../planner/pd/assemble.js'
import {type Calibration, PUBLISHED_RATES, type PublishedRate, rateGpu} from '../planner/pd/calibration.js'
import {considered, DECODE_MATCH_FACTOR, nodesOf, type PdOutcome, PREFILL_MATCH_FACTOR, searchDisaggregated} from '../planner/pd/disaggregate.js'
import type {Workload} from '../planner/pd/pd.schema.js'
import type {Candidate} from '../planner/search.js'
import type {Hardware} from '../planner/types.js'
import type {FleetEntry} from './fleet.js'
import {round3} from './published.js'
import type {DisaggregatedRow} from './report.schema.js'
import {costPerMillionTokens} from './roofline.js'

/** Public sources of the published per-node rates (planner/pd/calibration.ts), by the rate id's prefix. */
const RATE_SOURCES: ReadonlyArray<[prefix: string, url: string]> = [
  ['lmsys-h100', 'LMSYS blog, 96 H100 (2025-05-05): https://lmsys.org/blog/2025-05-05-large-scale-ep/'],
  ['lmsys-gb200', 'LMSYS blog, GB200 NVL72 part II (2025-09-25): https://lmsys.org/blog/2025-09-25-gb200-part-2/'],
  ['deepseek-h800', 'DeepSeek inference system overview: https://github.com/deepseek-ai/open-infra-index/blob/main/202502OpenSourceWeek/day_6_one_more_thing_deepseekV3R1_inference_system_overview.md'],
]

export function rateSource(id: string): string {
  return RATE_SOURCES.find(([prefix]) => id.startsWith(prefix))?.[1] ?? 'published measurement'
}

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

  const key = `${entry.gpu.id}|${hardware.gpusPerNode}|${hardware.nodes}|${context}|${c.checkpoint.id}|${c.engine.id}`
  const held = pd.memo?.get(key)
  const outcome = held ?? searchDisaggregated({
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
    workload,
  })
  if (!held) pd.memo?.set(key, outcome)
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
    source: rateSource(prefill.id),
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
