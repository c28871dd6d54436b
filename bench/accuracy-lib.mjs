// The accuracy cases of test/fixtures/engine-logs (cases.json verbatim from shared/fixtures, inputs.json
// written for r1): runs the memory model on each case and compares it with what the engine logged.
// Shared by bench/accuracy.mjs (compiled dist/) and test/core/planner/accuracy.test.ts (sources).
const GiB = 1024 ** 3

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * @param lib {estimateMemory, checkCompatibility}
 * @param catalog {models, engines}
 * @param inputs parsed inputs.json; cases parsed cases.json
 */
export function runAccuracy(lib, catalog, inputs, cases) {
  const models = [...catalog.models, ...Object.values(inputs.models)]
  const rows = []
  for (const c of cases) {
    const inp = inputs.cases[c.id]
    if (!inp) {
      rows.push({id: c.id, exclude: 'no inputs written for this case'})
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
      inp.maxNumBatchedTokens ? {maxNumBatchedTokens: inp.maxNumBatchedTokens} : {},
    )
    const truthTokens = inp.truth.kvTokens
    // Some logs print one DP-attention rank's pool: compare like with like.
    const predictedTokens = inp.truth.kvTokensPerRank && layout.dpAttention ? est.kvCacheTokens / layout.dataParallel : est.kvCacheTokens
    const truthWeights = inp.truth.weightsGiB
    const predictedWeights = est.perGpu.weightsBytes / GiB
    rows.push({
      assumed: inp.assumed,
      exclude: inp.exclude,
      fits: est.startsUp,
      fitsTruth: inp.truth.fits,
      fromLog: inp.fromLog,
      id: c.id,
      kvError: truthTokens ? predictedTokens / truthTokens - 1 : null,
      kvPredicted: predictedTokens,
      kvTruth: truthTokens,
      utilization: est.utilization,
      weightsError: truthWeights ? predictedWeights / truthWeights - 1 : null,
      weightsPredictedGiB: predictedWeights,
      weightsTruthGiB: truthWeights,
      // GGUF and other excluded checkpoints are not modelled: their weights are reported, not bounded.
      weightsExcluded: inp.exclude && inp.exclude.startsWith('GGUF') ? inp.exclude : (inp.exclude?.startsWith('partial') ? inp.exclude : null),
    })
  }

  const bounded = rows.filter((r) => !r.exclude && r.kvError !== null)
  const kvErrors = bounded.map((r) => Math.abs(r.kvError))
  const weightRows = rows.filter((r) => r.weightsError !== null && r.weightsError !== undefined && !r.weightsExcluded)
  return {
    kvMaxError: Math.max(...kvErrors),
    kvMedianError: median(kvErrors),
    rows,
    weightsMaxError: Math.max(...weightRows.map((r) => Math.abs(r.weightsError))),
  }
}
