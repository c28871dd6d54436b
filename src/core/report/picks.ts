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
import type {FitCell, ReportPick} from './report.schema.js'
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
  }
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
