// The accuracy cases of test/fixtures/engine-logs (cases.json and cases-2026-12.json verbatim from
// shared/fixtures, inputs.json written for r1): runs the memory model on each case and compares every
// term the log shows with the prediction. Shared by bench/accuracy.mjs (compiled dist/) and
// test/core/planner/accuracy.test.ts (sources).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

const GiB = 1024 ** 3

/** The case files of test/fixtures/engine-logs, in order. */
export const CASE_FILES = ['cases.json', 'cases-2026-12.json']

export function loadCases(dir) {
  const cases = CASE_FILES.flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).map((c) => ({...c, file: f})))
  const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'))
  return {cases, inputs}
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Case-only models: full profiles, or `copyOf` a catalog model with other checkpoints (and architecture additions). */
function resolveModels(catalog, inputs) {
  const models = [...catalog.models]
  for (const m of Object.values(inputs.models ?? {})) {
    if (!m.copyOf) {
      models.push(m)
      continue
    }

    const base = catalog.models.find((x) => x.id === m.copyOf)
    const checkpoints = m.checkpoints.map((c) => (c.copyOf ? {...base.checkpoints.find((k) => k.id === c.copyOf), ...c, copyOf: undefined} : c))
    models.push({...base, architecture: {...base.architecture, ...m.architectureExtra}, checkpoints, displayName: m.displayName, id: m.id})
  }

  return models
}

/**
 * @param lib {estimateMemory, eraOf?}
 * @param catalog {models, engines}
 * @param inputs parsed inputs.json; cases: the cases of every file
 */
export function runAccuracy(lib, catalog, inputs, cases) {
  const models = resolveModels(catalog, inputs)
  const rows = []
  for (const c of cases) {
    const inp = inputs.cases[c.id]
    if (!inp) {
      rows.push({engine: c.engine, era: 'none', exclude: 'no inputs written for this case', id: c.id})
      continue
    }

    if (!inp.model) {
      rows.push({engine: c.engine, era: 'none', exclude: inp.exclude, id: c.id, kvError: null, weightsError: null})
      continue
    }

    const model = models.find((m) => m.id === inp.model)
    const checkpoint = model.checkpoints.find((k) => k.id === inp.checkpoint)
    const engine = catalog.engines.find((e) => e.id === inp.engine)
    const l = inp.layout
    const layout = {
      dataParallel: l.dp ?? 1,
      dpAttention: l.dpAttention ?? false,
      expertParallel: l.ep ?? 1,
      gpusPerNode: (l.tp * (l.pp ?? 1)) / (l.nodes ?? 1),
      nodes: l.nodes ?? 1,
      pipelineParallel: l.pp ?? 1,
      tensorParallel: l.tp,
    }
    const gpu = {
      architecture: inp.gpu.architecture,
      bandwidthGBs: null,
      computeCapability: inp.gpu.computeCapability,
      memoryTotalBytes: Math.round(inp.gpu.totalGiB * GiB),
      memoryUsedBytes: null,
      name: inp.gpu.name,
      nvlink: false,
      profileId: null,
      unifiedMemory: false,
    }
    const options = {}
    if (inp.maxNumBatchedTokens) options.maxNumBatchedTokens = inp.maxNumBatchedTokens
    if (inp.maxNumSeqs) options.maxNumSeqs = inp.maxNumSeqs
    if (inp.enforceEager) options.enforceEager = true
    if (inp.sampler) options.sampler = inp.sampler
    const est = lib.estimateMemory(
      {
        checkpoint,
        contextLength: inp.contextLength,
        engine,
        engineVersion: inp.version,
        gpu,
        gpuMemoryUtilization: inp.utilization ?? undefined,
        kvCacheDtype: inp.kvCacheDtype,
        layout,
        memFractionStatic: inp.memFractionStatic ?? undefined,
        model,
        speculative: null,
      },
      options,
    )
    const truthTokens = inp.truth.kvTokens
    // Some logs print one DP-attention rank's pool: compare like with like.
    const predictedTokens = inp.truth.kvTokensPerRank && layout.dpAttention ? est.kvCacheTokens / layout.dataParallel : est.kvCacheTokens
    const truthWeights = inp.truth.weightsGiB
    const predictedWeights = est.perGpu.weightsBytes / GiB
    const terms = est.terms
      ? {
          cudaGraphGiB: est.terms.cudaGraphBytes / GiB,
          cudaGraphInBudget: est.terms.cudaGraphInBudget,
          forwardGiB: est.terms.forwardBytes / GiB,
          kvGiB: (est.kvCacheTokens * est.kvBytesPerToken) / GiB,
          nonTorchGiB: est.terms.nonTorchBytes / GiB,
          peakGiB: est.terms.peakBytes / GiB,
          samplerGiB: est.terms.samplerBytes / GiB,
          weightsGiB: est.terms.weightsBytes / GiB,
        }
      : null
    rows.push({
      assumed: inp.assumed,
      band: est.kvBand ?? null,
      engine: inp.engine,
      era: est.era ?? est.defaults?.era ?? 'unknown',
      exclude: inp.exclude,
      fits: est.startsUp,
      fitsTruth: inp.truth.fits,
      fromLog: inp.fromLog,
      id: c.id,
      kvError: truthTokens ? predictedTokens / truthTokens - 1 : null,
      kvPredicted: predictedTokens,
      kvTruth: truthTokens,
      logged: {
        cudaGraphGiB: inp.truth.cudaGraphGiB ?? c.logged?.cuda_graph_gib ?? null,
        kvGiB: c.logged?.available_kv_cache_gib ?? c.logged?.kv_cache_gib ?? null,
        nonTorchGiB: c.logged?.non_torch_gib ?? null,
        peakGiB: c.logged?.activation_peak_gib ?? c.logged?.torch_peak_gib ?? null,
      },
      model: model.id,
      r1: model.architecture.kind === 'mla-moe' && model.id.startsWith('deepseek-r1'),
      terms,
      utilization: est.utilization,
      version: inp.version,
      weightsError: truthWeights ? predictedWeights / truthWeights - 1 : null,
      weightsPredictedGiB: predictedWeights,
      weightsTruthGiB: truthWeights,
      // GGUF and other excluded checkpoints are not modelled: their weights are reported, not bounded.
      weightsExcluded: inp.exclude && inp.exclude.startsWith('GGUF') ? inp.exclude : (inp.exclude?.startsWith('partial') ? inp.exclude : null),
    })
  }

  return summarize(rows)
}

export function summarize(rows) {
  const bounded = rows.filter((r) => !r.exclude && r.kvError !== null && r.kvError !== undefined)
  const kvErrors = bounded.map((r) => Math.abs(r.kvError))
  const weightRows = rows.filter((r) => r.weightsError !== null && r.weightsError !== undefined && !r.weightsExcluded)
  const verdictRows = rows.filter((r) => !r.exclude && r.fitsTruth !== undefined)
  return {
    kvMaxError: Math.max(...kvErrors),
    kvMedianError: median(kvErrors),
    kvWithin8: kvErrors.length === 0 ? 0 : kvErrors.filter((e) => e <= 0.08).length / kvErrors.length,
    r1MaxError: Math.max(0, ...bounded.filter((r) => r.r1).map((r) => Math.abs(r.kvError))),
    rows,
    verdictMismatches: verdictRows.filter((r) => r.fits !== r.fitsTruth).map((r) => r.id),
    weightsMaxError: Math.max(...weightRows.map((r) => Math.abs(r.weightsError))),
  }
}

/** Rows grouped by engine era: count, median and largest |KV error|. */
export function byEra(rows) {
  const groups = new Map()
  for (const r of rows) {
    if (r.exclude || r.kvError === null || r.kvError === undefined) continue
    const key = `${r.engine} ${r.era}`
    groups.set(key, [...(groups.get(key) ?? []), Math.abs(r.kvError)])
  }

  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([era, errs]) => ({cases: errs.length, era, max: Math.max(...errs), median: median(errs)}))
}
