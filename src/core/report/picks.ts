/**
 * The report's answer first: for each fleet entry × context, the plan `r1 plan` would recommend
 * there (planner/recommend.ts, not a copy of its rule), and for each model the checkpoint, engine
 * and layout that rule prefers, or why none fits (the fit matrix). Pure.
 */
import {layoutText} from '../planner/layout-text.js'
import type {Recommendation} from '../planner/recommend.js'
import type {Candidate} from '../planner/search.js'
import type {ModelProfile} from '../profiles/catalog.js'
import type {FleetEntry} from './fleet.js'
import {totalGpus} from './fleet.js'
import {measuredFor, round3} from './published.js'
import type {FitCell, ReportPick, ReportPickSplit} from './report.schema.js'
import {costPerMillionTokens} from './roofline.js'

/** The decode ceiling (tokens/s) of a fitting candidate at its concurrency; given by the caller (build.ts ceilingFor). */
export type CeilingOfCandidate = (c: Candidate) => number

export function makePick(entry: FleetEntry, context: number, rec: Recommendation, ceiling: CeilingOfCandidate): ReportPick {
  const best = rec.best
  const base = {context, fleet: entry.name, gpu: entry.gpu.displayName, gpusPerNode: entry.gpusPerNode, nodes: entry.nodes}
  if (!best || !best.plan.fits) {
    const why = best ? [rec.why[0] ?? best.plan.reasons[0] ?? 'nothing fits'] : [`no engine has a layout for ${totalGpus(entry)} GPU(s)`]
    return {
      ...base,
      checkpoint: null,
      checkpointId: null,
      concurrency: null,
      costPerMillionTokensAtCeiling: null,
      costPerMillionTokensMeasured: null,
      decodeTokensPerSecondCeiling: null,
      disaggregated: null,
      engine: null,
      fits: false,
      gpus: null,
      layout: null,
      maxConcurrency: null,
      measured: null,
      model: null,
      modelName: null,
      quantization: null,
      why,
      whyShort: best ? shortReason(best) : why[0],
    }
  }

  const tps = round1(ceiling(best))
  // Published measurements are of R1 (the 671B MoE) only.
  const measured = best.model.architecture.kind === 'mla-moe' ? measuredFor(entry, best.checkpoint.quantization) : null
  return {
    ...base,
    checkpoint: best.checkpoint.repo,
    checkpointId: best.checkpoint.id,
    concurrency: Math.max(0, Math.floor(best.memory.maxConcurrency)),
    costPerMillionTokensAtCeiling: round3(costPerMillionTokens(entry.pricePerGpuHour, best.gpus, tps)),
    costPerMillionTokensMeasured: measured ? round3(costPerMillionTokens(entry.pricePerGpuHour, totalGpus(entry), measured.outputTokensPerSecond)) : null,
    decodeTokensPerSecondCeiling: tps,
    disaggregated: null,
    engine: best.engine.id,
    fits: true,
    gpus: best.gpus,
    layout: layoutText(best.layout),
    maxConcurrency: round2(best.memory.maxConcurrency),
    measured,
    model: best.model.id,
    modelName: best.model.displayName,
    quantization: best.checkpoint.quantization,
    why: [...rec.why],
    whyShort: null,
  }
}

/**
 * Why the closest candidate does not fit, in a few words for a narrow terminal: "needs 85.6 GiB/GPU;
 * has 79.2" (weights), "KV holds 3,100 of 8,192 tokens" (one request of the context), "vLLM needs
 * CC ≥ 7.5; has 7.0" (compute capability), else the planner's first reason up to its first clause.
 */
export function shortReason(c: Candidate): string {
  const m = c.plan.memory
  if (m.weightsGiB >= m.usableGiB) return `needs ${m.weightsGiB.toFixed(1)} GiB/GPU; has ${m.usableGiB.toFixed(1)}`
  if (c.plan.kvCacheTokens < c.plan.contextLength) return `KV holds ${fmtThousands(Math.max(0, c.plan.kvCacheTokens))} of ${fmtThousands(c.plan.contextLength)} tokens`
  const reason = c.plan.reasons[0] ?? 'does not fit'
  const cc = /^(.*?) needs compute capability ([\d.]+) or newer; .* is ([\d.]+)/.exec(reason)
  if (cc) return `${cc[1]} needs CC ≥ ${cc[2]}; has ${cc[3]}`
  return reason.split(/[;:(]/)[0].trim().replace(/\.$/, '')
}

function fmtThousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * The pick when `r1 plan`'s verdict is to split prefill and decode (disaggregated.ts pickSplit): the same
 * model, checkpoint and engine on the split's layout, its reasons first and the aggregated pick's
 * reasons after them "for comparison", as `r1 plan` words them. The ceiling and its costs are of the
 * aggregated layout, so they are left out; the split's modelled rate and cost are in `disaggregated`.
 */
export function splitPick(pick: ReportPick, split: ReportPickSplit, why: readonly string[]): ReportPick {
  const decode = split.decode
  return {
    ...pick,
    concurrency: decode.instances * decode.maxRunningRequests,
    costPerMillionTokensAtCeiling: null,
    costPerMillionTokensMeasured: null,
    decodeTokensPerSecondCeiling: null,
    disaggregated: split,
    gpus: (split.prefillNodes + split.decodeNodes) * pick.gpusPerNode,
    layout: splitLayout(split),
    maxConcurrency: null,
    measured: null,
    why: [...why, ...pick.why.map((line, i) => (i === 0 ? `Aggregated, for comparison: ${line}` : line))],
    whyShort: null,
  }
}

/** "prefill 2 nodes TP16 DP16 EP16 (DP attention) + decode 11 nodes TP88 DP88 EP88 (DP attention)". */
export function splitLayout(split: ReportPickSplit): string {
  const role = (name: string, nodes: number, r: ReportPickSplit['prefill']) => `${name} ${nodes} node${nodes === 1 ? '' : 's'} ${r.layout.replace(/ on \d+ nodes$/, '')}`
  return `${role('prefill', split.prefillNodes, split.prefill)} + ${role('decode', split.decodeNodes, split.decode)}`
}

/** One cell per model: the first fitting candidate of that model in the recommendation's order, or the closest one's reason. */
export function fitCells(entry: FleetEntry, context: number, rec: Recommendation, models: readonly ModelProfile[]): FitCell[] {
  return models.map((model) => {
    const own = rec.ranked.filter((c) => c.model.id === model.id)
    const fit = own.find((c) => c.plan.fits)
    if (fit) {
      return {
        checkpointId: fit.checkpoint.id,
        concurrency: Math.max(0, Math.floor(fit.memory.maxConcurrency)),
        context,
        engine: fit.engine.id,
        fits: true,
        fleet: entry.name,
        layout: layoutText(fit.layout),
        model: model.id,
        quantization: fit.checkpoint.quantization,
        reason: null,
      }
    }

    const closest = own[0]
    return {
      checkpointId: null,
      concurrency: null,
      context,
      engine: null,
      fits: false,
      fleet: entry.name,
      layout: null,
      model: model.id,
      quantization: null,
      reason: closest ? (closest.plan.reasons[0] ?? 'it does not fit') : `no layout for ${totalGpus(entry)} GPU(s)`,
    }
  })
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
