/**
 * Plans use what this machine measured (issue 12). For each candidate of the search:
 * - a record of exactly its configuration (engine version, GPU, checkpoint, layout, utilization, batch
 *   settings, context) → the plan reports the logged figures, "measured on this machine, DATE"; when
 *   that launch failed (OOM, not enough KV memory) the candidate no longer fits, and says why;
 * - a record that differs only in a size (context, utilization, the number of GPUs on one node; and the
 *   batch settings r1 derives from them) → the measured terms that do not depend on that size (weights,
 *   non-torch, and the activation peak when the batch is the same) replace the computed ones in the
 *   engine's arithmetic.
 * Nothing else changes. Pure.
 */
import {buildEngineCommand} from '../engines/build.js'
import {engineDefaults, GiB} from '../planner/engine-defaults.js'
import type {Candidate} from '../planner/search.js'
import {fmtInt} from '../planner/search.js'
import {gibText} from '../units.js'
import type {GpuSpec} from '../planner/types.js'
import type {CalibrationConfig, CalibrationRecord, CalibrationUse, PlanCalibrationMark} from './calibration.schema.js'
import {batchFromArgv, type BatchSettings, configFromPlan} from './config.js'

/** Fields that must be equal for a record to say anything about a candidate. */
const IDENTITY: readonly (keyof CalibrationConfig)[] = [
  'engine', 'engineVersion', 'checkpoint', 'gpuName', 'gpuMemoryMiB', 'tensorParallel', 'pipelineParallel', 'expertParallel', 'dpAttention', 'nodes', 'kvCacheDtype',
]
const BATCH: readonly (keyof BatchSettings)[] = ['maxNumBatchedTokens', 'maxNumSeqs', 'chunkedPrefillSize', 'cudaGraphMaxBs']

export type Match = {kind: 'exact'} | {kind: 'nearby'; differs: string[]}

const same = (a: unknown, b: unknown): boolean => (typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 5e-4 : a === b)

/** How a record relates to a candidate's configuration: exactly, in all but a size, or not at all. */
export function matchRecord(record: CalibrationConfig, candidate: CalibrationConfig): Match | null {
  for (const k of IDENTITY) if (record[k] === null || !same(record[k], candidate[k])) return null
  const differs: string[] = []
  // r1 sizes the batch from the context and the KV cache: a batch that differs follows from a size that does.
  if (BATCH.some((k) => record[k] !== null && candidate[k] !== null && !same(record[k], candidate[k]))) differs.push('batch')
  if (record.contextLength === null || !same(record.contextLength, candidate.contextLength)) differs.push('context')
  if (record.utilization === null || !same(record.utilization, candidate.utilization)) differs.push('utilization')
  if (record.dataParallel === null || record.gpusPerNode === null || !same(record.dataParallel, candidate.dataParallel) || !same(record.gpusPerNode, candidate.gpusPerNode)) {
    // Only plain replicas on one node: every GPU then holds what the record's GPUs held.
    if (candidate.nodes !== 1 || candidate.dpAttention === true || candidate.expertParallel !== 1) return null
    differs.push('gpus')
  }

  if (differs.length === 1 && differs[0] === 'batch') return null
  return differs.length === 0 ? {kind: 'exact'} : {differs, kind: 'nearby'}
}

export interface CalibrationOutcome {
  candidates: Candidate[]
  used: CalibrationUse[]
  /** One line per calibrated candidate that matters, for the plan's explanation. */
  notes: string[]
}

export interface ApplyOptions {
  gpu: GpuSpec
  driverVersion: string | null
}

const day = (iso: string): string => iso.slice(0, 10)
const gib = (bytes: number): number => Math.round((bytes / GiB) * 100) / 100
const label = (c: Candidate): string => {
  const p = c.plan
  const layout = [`TP ${p.tensorParallel}`, p.pipelineParallel > 1 ? `PP ${p.pipelineParallel}` : '', p.dataParallel > 1 ? `DP ${p.dataParallel}` : '', p.expertParallel > 1 ? `EP ${p.expertParallel}` : '']
  return `${p.modelName} ${p.quantization.toUpperCase()} on ${c.engine.displayName} ${p.engineVersion}, ${layout.filter(Boolean).join(' ')}`
}

/** The batch settings the engine would run this candidate with: its command's flags, else the engine's defaults. */
export function candidateConfig(c: Candidate, options: ApplyOptions): CalibrationConfig {
  const d = defaultsOf(c, options.gpu)
  const defaults: BatchSettings = {chunkedPrefillSize: d.chunkedPrefillSize, cudaGraphMaxBs: d.cudaGraphMaxBs, maxNumBatchedTokens: d.maxNumBatchedTokens, maxNumSeqs: d.maxNumSeqs}
  const argv = buildEngineCommand({checkpoint: c.checkpoint, model: c.model, options: {host: '127.0.0.1', port: 8000}, plan: c.plan}).argv
  return configFromPlan(c.plan, batchFromArgv(argv, defaults), {driverVersion: options.driverVersion, era: d.era})
}

function defaultsOf(c: Candidate, gpu: GpuSpec) {
  return engineDefaults(c.engine, c.plan.engineVersion, {
    attentionBackend: c.compat.attentionBackend,
    contextLength: c.plan.contextLength,
    gpu,
    kvCacheDtype: c.plan.kvCacheDtype === 'fp8' ? 'fp8' : 'auto',
    layout: c.layout,
    model: c.model,
    speculative: c.compat.speculative,
  })
}

/** Cheap pre-check before the command is built: the identity fields the plan itself carries. */
function mayMatch(r: CalibrationConfig, c: Candidate): boolean {
  const p = c.plan
  return r.engine === p.engine && r.engineVersion === p.engineVersion && r.checkpoint === p.checkpoint && r.tensorParallel === p.tensorParallel && r.gpuName === p.gpu.name
}

export function applyCalibration(candidates: readonly Candidate[], records: readonly CalibrationRecord[], options: ApplyOptions): CalibrationOutcome {
  const used: CalibrationUse[] = []
  const notes: string[] = []
  const newest = [...records].sort((a, b) => b.date.localeCompare(a.date))
  const out = candidates.map((c) => {
    const hopeful = newest.filter((r) => mayMatch(r.config, c))
    if (hopeful.length === 0) return c
    const config = candidateConfig(c, options)
    const matches = hopeful.map((r) => ({m: matchRecord(r.config, config), r})).filter((x): x is {m: Match; r: CalibrationRecord} => x.m !== null)
    const exact = matches.find((x) => x.m.kind === 'exact')
    if (exact) {
      const applied = exact.r.outcome.status === 'failed' ? failed(c, exact.r) : measured(c, exact.r)
      used.push(use(c, exact.r, exact.m, applied.carried))
      if (applied.note) notes.push(applied.note)
      return applied.candidate
    }

    // Nearby: the newest record that has a size-independent term to carry.
    for (const {m, r} of matches) {
      const applied = nearby(c, r, options.gpu, m.kind === 'nearby' ? m.differs : [])
      if (applied) {
        used.push(use(c, r, m, applied.carried))
        return applied.candidate
      }
    }

    return c
  })
  return {candidates: out, notes, used}
}

function use(c: Candidate, r: CalibrationRecord, m: Match, carried: string[]): CalibrationUse {
  return {candidate: label(c), carried, date: r.date, differs: m.kind === 'nearby' ? m.differs : [], match: m.kind, outcome: r.outcome.status, recordId: r.id}
}

function mark(kind: 'exact' | 'nearby', r: CalibrationRecord, note: string): PlanCalibrationMark {
  return {date: r.date, match: kind, note, recordId: r.id}
}

/** Concurrency as the memory model counts it: the printed fraction for one pool, whole requests per pool for several. */
function concurrency(c: Candidate, tokens: number): number {
  const dpAttention = c.engine.id === 'sglang' && c.layout.dpAttention
  const pools = (dpAttention ? c.layout.dataParallel : 1) * (dpAttention ? 1 : c.layout.dataParallel)
  const perRequest = c.plan.contextLength > 0 ? tokens / c.plan.contextLength : 0
  return pools === 1 ? Math.floor(perRequest * 100) / 100 : Math.floor(perRequest) * pools
}

/** The candidate's reasons without those of the memory model (which calibration replaces). */
function otherReasons(c: Candidate): string[] {
  const memory = new Set(c.memory.reasons)
  return c.plan.reasons.filter((r) => !memory.has(r))
}

function kvReason(c: Candidate, tokens: number): string | null {
  if (tokens <= 0) return 'no memory left for the KV cache on this machine'
  if (tokens >= c.plan.contextLength) return null
  return c.engine.id === 'vllm'
    ? `vLLM will not start: one request of ${fmtInt(c.plan.contextLength)} tokens needs more KV cache than the ${fmtInt(tokens)} tokens that fit`
    : `SGLang would start, but its KV cache holds ${fmtInt(tokens)} tokens: not one ${fmtInt(c.plan.contextLength)}-token request`
}

/** Which compatibility/layout reasons block (the search's `fits` without the memory model). */
function blockedOtherwise(c: Candidate): boolean {
  return !c.compat.ok || c.plan.reasons.some((r) => !c.memory.reasons.includes(r) && !c.compat.notes.includes(r))
}

function measured(c: Candidate, r: CalibrationRecord): {candidate: Candidate; carried: string[]; note: string | null} {
  const l = r.logged
  const tokens = l.kvCacheTokens ?? c.plan.kvCacheTokens
  const carried = Object.entries({activationPeak: l.activationPeakGiB, cudaGraph: l.cudaGraphGiB, kvCache: l.kvCacheGiB, kvTokens: l.kvCacheTokens, nonTorch: l.nonTorchGiB, weights: l.weightsGiB})
    .filter(([, v]) => v !== null)
    .map(([k]) => k)
  const reason = kvReason(c, tokens)
  const fits = !blockedOtherwise(c) && reason === null && c.plan.contextLength <= c.model.architecture.maxPositionEmbeddings
  const note = `measured on this machine, ${day(r.date)}`
  const plan = {
    ...c.plan,
    calibration: mark('exact', r, `${note} (record ${r.id})`),
    fits,
    kvCacheTokens: tokens,
    // Measured here: no error band.
    kvCacheTokensRange: [tokens, tokens] as [number, number],
    kvErrorBand: 0,
    maxConcurrency: concurrency(c, tokens),
    maxContextTokens: Math.min(tokens, c.model.architecture.maxPositionEmbeddings),
    memory: {
      ...c.plan.memory,
      activationGiB: l.activationPeakGiB ?? c.plan.memory.activationGiB,
      kvCacheGiB: l.kvCacheGiB === null ? c.plan.memory.kvCacheGiB : Math.max(0, l.kvCacheGiB),
      weightsGiB: l.weightsGiB ?? c.plan.memory.weightsGiB,
    },
    reasons: [...(reason ? [reason] : []), ...otherReasons(c)],
    tight: false,
  }
  const text = `${label(c)}: ${fmtInt(tokens)} KV tokens ${note} (record ${r.id}; the model predicted ${fmtInt(c.plan.kvCacheTokens)})`
  return {candidate: {...c, plan}, carried, note: text}
}

function failed(c: Candidate, r: CalibrationRecord): {candidate: Candidate; carried: string[]; note: string} {
  const how = r.outcome.failure === 'oom' ? 'ran out of GPU memory' : 'had not enough memory for its KV cache'
  const reason = `failed on this machine on ${day(r.date)}: the engine ${how}${r.outcome.summary ? ` (${r.outcome.summary})` : ''}; r1 does not recommend it again (record ${r.id}; forget it with r1 calibrate forget ${r.id})`
  const plan = {
    ...c.plan,
    calibration: mark('exact', r, `failed on this machine, ${day(r.date)}`),
    fits: false,
    kvCacheTokens: r.logged.kvCacheTokens === null ? c.plan.kvCacheTokens : Math.max(0, r.logged.kvCacheTokens),
    reasons: [reason, ...c.plan.reasons],
  }
  return {candidate: {...c, plan}, carried: [], note: `${label(c)} ${reason}`}
}

/**
 * The engine's own arithmetic (planner/memory.ts) with measured terms in place of computed ones:
 *   vLLM   KV   = total × util − weights − profile peak − non-torch [− CUDA graphs in the budget] [− others]
 *   SGLang pool = pre × fraction − weights, pre = total − others − non-torch (context, NCCL)
 * Each measured term moves the KV bytes by (computed − measured), times the fraction for SGLang's non-torch.
 * The error band narrows to the share of non-KV memory still computed (never below MIN_BAND).
 */
export const MIN_BAND = 0.005

function nearby(c: Candidate, r: CalibrationRecord, _gpu: GpuSpec, differs: string[]): {candidate: Candidate; carried: string[]} | null {
  const l = r.logged
  const p = c.memory.perGpu
  const t = c.memory.terms
  const vllm = c.engine.id === 'vllm'
  let delta = 0
  const carried: string[] = []
  let weights = t.weightsBytes
  let peak = t.peakBytes
  let nonTorch = t.nonTorchBytes
  if (l.weightsGiB !== null && l.weightsGiB > 0) {
    weights = l.weightsGiB * GiB
    delta += t.weightsBytes - weights
    carried.push('weights')
  }

  // The activation peak is the profile run's batch: it carries only when the batch settings are the same.
  if (vllm && l.activationPeakGiB !== null && l.activationPeakGiB >= 0 && !differs.includes('batch')) {
    peak = l.activationPeakGiB * GiB
    delta += t.peakBytes - peak
    carried.push('activationPeak')
  }

  if (l.nonTorchGiB !== null && l.nonTorchGiB >= 0) {
    nonTorch = l.nonTorchGiB * GiB
    delta += (t.nonTorchBytes - nonTorch) * (vllm ? 1 : c.memory.utilization)
    carried.push('nonTorch')
  }

  if (carried.length === 0) return null
  const usable = vllm ? p.usableBytes : p.usableBytes + (t.nonTorchBytes - nonTorch) * c.memory.utilization
  const kvComputed = vllm ? p.usableBytes - p.weightsBytes - p.activationBytes - p.overheadBytes : p.usableBytes - p.weightsBytes
  const kvBytes = kvComputed + delta
  const block = c.memory.blockSize
  const perToken = c.memory.kvBytesPerToken
  const tokensOf = (bytes: number): number => (bytes > 0 ? Math.floor(bytes / (perToken * block)) * block : 0)
  const tokens = tokensOf(kvBytes)
  const overhead = p.overheadBytes - t.nonTorchBytes + nonTorch
  const weightsFit = vllm ? weights + peak + overhead < usable : weights < usable
  // The model's band is the error of the non-KV terms it computes: what is measured now carries none.
  const nonKv = t.weightsBytes + t.peakBytes + t.nonTorchBytes + (t.cudaGraphInBudget ? t.cudaGraphBytes : 0)
  const stillComputed = (carried.includes('weights') ? 0 : t.weightsBytes) + (carried.includes('activationPeak') ? 0 : t.peakBytes) + (carried.includes('nonTorch') ? 0 : t.nonTorchBytes) + (t.cudaGraphInBudget ? t.cudaGraphBytes : 0)
  const was = c.memory.kvBand
  const band = Math.min(was, Math.max(MIN_BAND, nonKv > 0 ? (was * stillComputed) / nonKv : was))
  const low = tokensOf(tokens * perToken * (1 - band))
  const high = tokensOf(tokens * perToken * (1 + band))
  let reason = weightsFit ? kvReason(c, tokens) : `weights need ${gibText(gib(weights))} GiB per GPU as measured on this machine, ${gibText(gib(usable))} GiB usable`
  // As the memory model does: a request that fits the prediction but not the low end of the band is tight.
  const tight = reason === null && low < c.plan.contextLength
  if (tight) reason = `tight: one ${fmtInt(c.plan.contextLength)}-token request fits the predicted ${fmtInt(tokens)} KV tokens, but not the low end of the calibrated ±${(band * 100).toFixed(1)}% (${fmtInt(low)})`
  const fits = !blockedOtherwise(c) && reason === null && c.plan.contextLength <= c.model.architecture.maxPositionEmbeddings
  const terms = carried.map((x) => ({activationPeak: 'activation peak', nonTorch: 'non-torch memory', weights: 'weights'})[x] ?? x).join(', ')
  const pct = (x: number) => `±${(x * 100).toFixed(x < 0.01 ? 1 : 0)}%`
  const note = `${terms} measured on this machine, ${day(r.date)} (record ${r.id}, which differs in ${differs.join(', ')}), carried into the arithmetic: band narrowed from ${pct(was)} to ${pct(band)}`
  const plan = {
    ...c.plan,
    calibration: mark('nearby', r, note),
    fits,
    kvCacheTokens: tokens,
    kvCacheTokensRange: [low, high] as [number, number],
    kvErrorBand: band,
    maxConcurrency: Math.max(0, concurrency(c, tokens)),
    maxContextTokens: Math.max(0, Math.min(tokens, c.model.architecture.maxPositionEmbeddings)),
    memory: {...c.plan.memory, activationGiB: gib(vllm ? peak : p.activationBytes), kvCacheGiB: gib(tokens * perToken), overheadGiB: gib(overhead), usableGiB: gib(usable), weightsGiB: gib(weights)},
    reasons: [...(reason ? [reason] : []), ...otherReasons(c)],
    tight,
  }
  return {candidate: {...c, plan}, carried}
}
