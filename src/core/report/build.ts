/**
 * The report: for every fleet entry × context, the plan the planner recommends there (picks.ts), a
 * fit matrix of models × fleet entries, R1's prefill/decode split on multi-node entries
 * (disaggregated.ts) and, with `all`, every checkpoint × engine with its best layout
 * (searchCandidates + recommend, no arithmetic of its own), its memory per GPU, and the decode
 * ceiling of the memory-bandwidth roofline with its cost.
 *
 * Entries of the same hardware (GPU, GPUs per node, nodes) are searched once: a fleet file of
 * thousands of entries costs one search per distinct shape, and only the ranked candidates (one
 * per model × checkpoint × engine) are kept per shape.
 */
import type {Goal, Quantization} from '../constants.js'
import {layoutText} from '../planner/layout-text.js'
import type {Candidate, SearchInput} from '../planner/search.js'
import {evaluate, replicable, searchCandidates, withReplicas} from '../planner/search.js'
import {recommend, type Recommendation} from '../planner/recommend.js'
import type {Hardware} from '../planner/types.js'
import type {Checkpoint, EngineProfile, ModelProfile} from '../profiles/catalog.js'
import {gpuSpecFromProfile} from '../profiles/gpus.js'
import {disaggregatedRow, type PdContext, pickSplit} from './disaggregated.js'
import type {FleetEntry} from './fleet.js'
import {totalGpus} from './fleet.js'
import {fitCells, makePick, splitPick} from './picks.js'
import {type CeilingOf, matchPublished, measuredFor, round3} from './published.js'
import type {DisaggregatedRow, FitCell, MemoryBar, ReportFleetEntry, ReportPick, ReportResult, ReportRow} from './report.schema.js'
import {ceilingBatch, costPerMillionTokens, decodeCeiling, ROOFLINE_DEFINITIONS} from './roofline.js'
import {routedExpertShare} from './weights.js'

const GIB = 1024 ** 3

/** The checkpoints to size, each with its model (already filtered by --models). */
export interface ReportModel {
  model: ModelProfile
  checkpoints: Checkpoint[]
}

export interface ReportInput {
  fleet: readonly FleetEntry[]
  models: readonly ReportModel[]
  contexts: readonly number[]
  engines: readonly EngineProfile[]
  goal: Goal
  notes?: readonly string[]
  /** --all: every row (fleet entry × checkpoint × context × engine), not only the picks and the matrix. */
  all?: boolean
  /** Calibration and workload for the disaggregated rows; none without it. */
  pd?: PdContext
  /** Run the full search at every context (tests: the narrowed search must give the same rows). */
  exhaustive?: boolean
}

/** What one hardware shape gives at one context: the recommendation (its ranked list is one candidate per model × checkpoint × engine). */
interface ShapeContext {
  context: number
  rec: Recommendation
  best: Map<string, Candidate>
  /** Decode ceilings at each candidate's concurrency, computed once per shape (they do not depend on the entry's name or price). */
  ceilings: Map<Candidate, number>
}

export function buildReport(input: ReportInput): ReportResult {
  const rows: ReportRow[] = []
  const memory: MemoryBar[] = []
  const picks: ReportPick[] = []
  const fitMatrix: FitCell[] = []
  const disaggregated: DisaggregatedRow[] = []
  const models = input.models.map((m) => ({...m.model, checkpoints: m.checkpoints}))
  // fleet|quantization → ceilings of the 671B model at the smallest context, for the published figures.
  const r1Ceilings = new Map<string, CeilingOf>()
  const smallest = Math.min(...input.contexts)
  const shapes = new Map<string, ShapeContext[]>()
  const pd = input.pd ? {...input.pd, memo: input.pd.memo ?? new Map()} : undefined
  for (const entry of input.fleet) {
    const hardware: Hardware = {gpu: gpuSpecFromProfile(entry.gpu), gpusPerNode: entry.gpusPerNode, nodes: entry.nodes}
    const shapeKey = `${entry.gpu.id}|${entry.gpusPerNode}|${entry.nodes}`
    let shape = shapes.get(shapeKey)
    if (!shape) shapes.set(shapeKey, (shape = searchShape(input, models, hardware)))
    const barsDone = new Set<string>()
    for (const {best, ceilings, context, rec} of shape) {
      const ceiling = (c: Candidate) => {
        let tps = ceilings.get(c)
        if (tps === undefined) ceilings.set(c, (tps = ceilingFor(c, entry.gpu.bandwidthGBs, ceilingBatch(c.memory.maxConcurrency)).tokensPerSecond))
        return tps
      }

      // As `r1 plan` does: the aggregated recommendation, then its disaggregation verdict (the split when it wins).
      const aggregated = makePick(entry, context, rec, ceiling)
      const split = pd ? pickSplit(entry, hardware, context, rec.best, pd) : null
      const pick = split ? splitPick(aggregated, split.split, split.why) : aggregated
      picks.push(pick)
      // The memory chart: by default the pick's split of each GPU; with --all every fitting checkpoint's (its first context and engine).
      if (!input.all && pick.fits && rec.best) memory.push(memoryBar(entry, rec.best.model, rec.best.checkpoint, rec.best.engine, context, rec.best))
      fitMatrix.push(...fitCells(entry, context, rec, models))
      const row = pd ? disaggregatedRow(entry, hardware, context, rec.ranked, pd) : null
      if (row) disaggregated.push(row)
      for (const m of models) {
        for (const checkpoint of m.checkpoints) {
          for (const engine of input.engines) {
            const c = best.get(`${m.id}|${checkpoint.id}|${engine.id}`)
            if (input.all) rows.push(makeRow(entry, m, checkpoint, engine, context, c))
            if (!c || !c.plan.fits) continue
            if (m.architecture.kind === 'mla-moe' && context === smallest) {
              const key = `${entry.name}|${checkpoint.quantization}`
              const held = r1Ceilings.get(key)
              const at = round1(ceiling(c))
              const one = round1(ceilingFor(c, entry.gpu.bandwidthGBs, 1).tokensPerSecond)
              if (!held || at > (held.atConcurrency ?? 0)) {
                r1Ceilings.set(key, {atBatch1: Math.max(one, held?.atBatch1 ?? 0), atConcurrency: at, gpus: c.gpus})
              }
            }

            if (input.all && !barsDone.has(checkpoint.id)) {
              barsDone.add(checkpoint.id)
              memory.push(memoryBar(entry, m, checkpoint, engine, context, c))
            }
          }
        }
      }
    }
  }

  const published = matchPublished(input.fleet, (fleet, q: Quantization) => r1Ceilings.get(`${fleet}|${q}`) ?? {atBatch1: null, atConcurrency: null, gpus: null})
  return {
    view: input.all ? 'all' : 'picks',
    picks,
    fitMatrix,
    disaggregated,
    workload: {inputTokens: input.pd?.workload.inputTokens ?? 0, outputTokens: input.pd?.workload.outputTokens ?? 0},
    ...(input.all ? {rows} : {}),
    checkpoints: models.flatMap((m) => m.checkpoints.map((c) => ({checkpoint: c.repo, id: c.id, model: m.id, quantization: c.quantization}))),
    contexts: [...input.contexts],
    definitions: [...ROOFLINE_DEFINITIONS],
    engines: input.engines.map((e) => e.id),
    fleet: input.fleet.map((e) => fleetEntry(e)),
    goal: input.goal,
    memory,
    notes: [...(input.notes ?? [])],
    published,
  }
}

/** The search of one hardware shape at every context (shortest first: each narrows the next). */
function searchShape(input: ReportInput, models: readonly ModelProfile[], hardware: Hardware): ShapeContext[] {
  const out: ShapeContext[] = []
  let previous: {groups: Map<string, Candidate[]>; best: Map<string, Candidate>} | null = null
  for (const context of [...input.contexts].sort((a, b) => a - b)) {
    const search: SearchInput = {contextLength: context, engines: input.engines, goal: input.goal, hardware, kvCacheDtype: 'auto', models}
    const candidates: Candidate[] = previous === null || input.exhaustive ? searchCandidates(search) : narrowedSearch(search, previous.groups, previous.best)
    const rec = recommend(candidates, {goal: input.goal})
    const best = new Map<string, Candidate>()
    for (const c of rec.ranked) best.set(groupKey(c), c)
    previous = {best, groups: groupByCheckpointAndEngine(candidates)}
    out.push({best, ceilings: new Map(), context, rec})
  }

  return out
}

const groupKey = (c: Candidate) => `${c.model.id}|${c.checkpoint.id}|${c.engine.id}`

function groupByCheckpointAndEngine(candidates: readonly Candidate[]): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>()
  for (const c of candidates) {
    const key = groupKey(c)
    const list = out.get(key)
    if (list) list.push(c)
    else out.set(key, [c])
  }

  return out
}

/**
 * The search at a longer context, from the candidates of the shorter one: a layout that did not
 * fit a shorter context does not fit a longer one (same weights, more KV per request, same or
 * larger activations), so only the layouts that fitted are evaluated again (planner/search.ts
 * evaluate). Where none fitted, the closest one is evaluated again for its reason at this context.
 */
function narrowedSearch(search: SearchInput, previous: Map<string, Candidate[]>, previousBest: Map<string, Candidate>): Candidate[] {
  const out: Candidate[] = []
  for (const [key, list] of previous) {
    const fitting = list.filter((c) => c.plan.fits)
    const again = fitting.length > 0 ? fitting : [previousBest.get(key)!]
    // As the search does: plain DP replicas are derived from their single replica (planner/search.ts withReplicas).
    const single = new Map<string, Candidate>()
    const derived = (c: Candidate) => replicable(c.layout) && c.layout.dataParallel > 1
    const twin = (c: Candidate) => `${c.layout.tensorParallel}/${c.layout.pipelineParallel}`
    const done = again.map((c) => {
      if (derived(c)) return null
      const next = evaluate(search, c.model, c.checkpoint, c.engine, c.layout)
      if (replicable(c.layout)) single.set(twin(c), next)
      return next
    })
    again.forEach((c, i) => {
      const base = done[i] === null ? single.get(twin(c)) : undefined
      out.push(done[i] ?? (base ? withReplicas(base, c.layout, search.contextLength) : evaluate(search, c.model, c.checkpoint, c.engine, c.layout)))
    })
  }

  return out
}

function round(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

function round1(n: number): number {
  return round(n, 1)
}

/** The roofline of one candidate at a batch (requests of its context). */
export function ceilingFor(c: Candidate, bandwidthGBs: number, batch: number) {
  const a = c.model.architecture
  const moe = a.kind === 'mla-moe'
  const l = c.layout
  // KV pools: each DP rank (replica, or DP-attention rank) keeps its own cache.
  const pools = l.dataParallel
  // The routed experts one step reads are shared by every DP rank when experts are spread over them.
  const sharedExperts = l.dpAttention || l.expertParallel > l.tensorParallel
  return decodeCeiling({
    bandwidthGBs,
    batch,
    // A request holds its context, or what one request can hold when that is less (SGLang serves it shorter).
    context: Math.min(c.plan.contextLength, Math.max(1, c.memory.maxContextTokens)),
    expertsPerToken: moe ? a.numExpertsPerToken : 0,
    kvBytesPerTokenPerGpu: c.memory.kvBytesPerToken,
    kvPools: pools,
    numExperts: moe ? a.numRoutedExperts : 0,
    routedExpertShare: routedExpertShare(c.model, c.checkpoint),
    tokensPerExpertGroup: sharedExperts ? batch : Math.ceil(batch / pools),
    weightsBytesPerGpu: c.memory.perGpu.weightsBytes,
  })
}

/** One row, its keys in the JSON contract's order (REPORT_COLUMNS); one object shape for every row. */
function makeRow(entry: FleetEntry, model: ModelProfile, checkpoint: Checkpoint, engine: EngineProfile, context: number, c: Candidate | undefined): ReportRow {
  // A row fits when one request of the full context can be served (the memory model's `fits`).
  const fits = c !== undefined && c.plan.fits
  let tps: number | null = null
  let cost: number | null = null
  let measuredCost: number | null = null
  if (fits) {
    tps = round(ceilingFor(c, entry.gpu.bandwidthGBs, ceilingBatch(c.memory.maxConcurrency)).tokensPerSecond, 1)
    cost = round3(costPerMillionTokens(entry.pricePerGpuHour, c.gpus, tps))
    const measured = model.architecture.kind === 'mla-moe' ? measuredFor(entry, checkpoint.quantization) : null
    measuredCost = measured ? round3(costPerMillionTokens(entry.pricePerGpuHour, totalGpus(entry), measured.outputTokensPerSecond)) : null
  }

  const reason = fits
    ? null
    : c
      ? (c.plan.reasons[0] ?? 'it does not fit')
      : `${engine.displayName} has no layout for ${totalGpus(entry)} GPU(s)`
  return {
    fleet: entry.name,
    gpu: entry.gpu.displayName,
    gpusPerNode: entry.gpusPerNode,
    nodes: entry.nodes,
    model: model.id,
    checkpoint: checkpoint.repo,
    quantization: checkpoint.quantization,
    context,
    engine: engine.id,
    fits,
    reason,
    tensorParallel: fits ? c.layout.tensorParallel : null,
    pipelineParallel: fits ? c.layout.pipelineParallel : null,
    dataParallel: fits ? c.layout.dataParallel : null,
    expertParallel: fits ? c.layout.expertParallel : null,
    layout: fits ? layoutText(c.layout) : null,
    weightsGiB: fits ? round(c.memory.perGpu.weightsBytes / GIB, 2) : null,
    kvCacheGiB: fits ? round(c.memory.perGpu.kvCacheBytes / GIB, 2) : null,
    kvCacheTokens: fits ? c.memory.kvCacheTokens : null,
    kvErrorBand: fits ? c.memory.kvBand : null,
    maxConcurrency: fits ? round(c.memory.maxConcurrency, 2) : null,
    decodeTokensPerSecondCeiling: tps,
    costPerMillionTokensAtCeiling: cost,
    costPerMillionTokensMeasured: measuredCost,
  }
}

function memoryBar(entry: FleetEntry, model: ModelProfile, checkpoint: Checkpoint, engine: EngineProfile, context: number, c: Candidate): MemoryBar {
  const g = c.memory.perGpu
  const overhead = g.activationBytes + g.overheadBytes
  const used = g.weightsBytes + Math.max(0, g.kvCacheBytes) + overhead
  return {
    checkpoint: checkpoint.repo,
    context,
    engine: engine.id,
    fleet: entry.name,
    freeGiB: round(Math.max(0, g.totalBytes - used) / GIB, 2),
    gpuTotalGiB: round(g.totalBytes / GIB, 2),
    kvCacheGiB: round(Math.max(0, g.kvCacheBytes) / GIB, 2),
    model: model.id,
    overheadGiB: round(overhead / GIB, 2),
    quantization: checkpoint.quantization,
    weightsGiB: round(g.weightsBytes / GIB, 2),
  }
}

function fleetEntry(e: FleetEntry): ReportFleetEntry {
  const spec = gpuSpecFromProfile(e.gpu)
  return {
    architecture: e.gpu.architecture,
    bandwidthGBs: e.gpu.bandwidthGBs,
    gpu: e.gpu.displayName,
    gpuId: e.gpu.id,
    gpusPerNode: e.gpusPerNode,
    memoryGiB: round(spec.memoryTotalBytes / GIB, 2),
    name: e.name,
    nodes: e.nodes,
    pricePerGpuHour: e.pricePerGpuHour,
  }
}
