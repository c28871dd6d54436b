/**
 * The configuration of a calibration record, from a plan (what r1 serve ran, or --plan) or from a
 * launch line; and the same shape for a candidate plan, so that records and plans compare field by field.
 */
import type {Engine} from '../constants.js'
import {MiB} from '../planner/engine-defaults.js'
import {sglangEra, vllmEra} from '../planner/eras.js'
import type {PlanConfig} from '../planner/plan.schema.js'
import type {EngineProfile, ModelProfile} from '../profiles/catalog.js'
import type {CalibrationConfig} from './calibration.schema.js'
import type {LaunchSettings} from './launch-line.js'

/** The batch settings that size the activation peak and the SGLang reserve. */
export interface BatchSettings {
  maxNumBatchedTokens: number | null
  maxNumSeqs: number | null
  chunkedPrefillSize: number | null
  cudaGraphMaxBs: number | null
}

/** A plan's configuration as a record holds it. `batch` is what the engine uses for it (the plan's flags, else the engine's defaults). */
export function configFromPlan(plan: Omit<PlanConfig, 'command'>, batch: BatchSettings, options: {era: string | null; driverVersion: string | null}): CalibrationConfig {
  return {
    ...batch,
    checkpoint: plan.checkpoint,
    checkpointId: plan.checkpointId,
    contextLength: plan.contextLength,
    dataParallel: plan.dataParallel,
    dpAttention: plan.dpAttention,
    driverVersion: options.driverVersion,
    engine: plan.engine,
    engineVersion: plan.engineVersion,
    era: options.era,
    expertParallel: plan.expertParallel,
    gpuMemoryMiB: plan.gpu.memoryMiB,
    gpuName: plan.gpu.name,
    gpusPerNode: plan.gpusPerNode,
    kvCacheDtype: plan.kvCacheDtype,
    model: plan.model,
    nodes: plan.nodes,
    pipelineParallel: plan.pipelineParallel,
    tensorParallel: plan.tensorParallel,
    utilization: plan.engine === 'vllm' ? plan.gpuMemoryUtilization : plan.memFractionStatic,
  }
}

/** Batch flags the command sets explicitly, over the engine's defaults. */
export function batchFromArgv(argv: readonly string[], defaults: BatchSettings): BatchSettings {
  const flag = (name: string): number | null => {
    for (const [i, a] of argv.entries()) {
      if (a === name) return Number(argv[i + 1])
      if (a.startsWith(`${name}=`)) return Number(a.slice(name.length + 1))
    }

    return null
  }

  return {
    chunkedPrefillSize: flag('--chunked-prefill-size') ?? defaults.chunkedPrefillSize,
    cudaGraphMaxBs: flag('--cuda-graph-max-bs') ?? defaults.cudaGraphMaxBs,
    maxNumBatchedTokens: flag('--max-num-batched-tokens') ?? defaults.maxNumBatchedTokens,
    maxNumSeqs: flag('--max-num-seqs') ?? defaults.maxNumSeqs,
  }
}

/** The catalog checkpoint a launch names: its repository id, or a local folder named like the repository. */
export function resolveCheckpoint(value: string, models: readonly ModelProfile[]): {model: string; checkpoint: string; checkpointId: string} | null {
  const wanted = value.replace(/\/+$/, '').toLowerCase()
  const base = wanted.split('/').at(-1) ?? wanted
  for (const byBase of [false, true]) {
    for (const m of models) {
      for (const c of m.checkpoints) {
        const repo = c.repo.toLowerCase()
        if (byBase ? repo.split('/').at(-1) === base : repo === wanted) return {checkpoint: c.repo, checkpointId: c.id, model: m.id}
      }
    }
  }

  return null
}

/** A launch line's configuration: what it shows, null elsewhere. */
export function configFromLaunch(s: LaunchSettings, catalog: {models: readonly ModelProfile[]; engines: readonly EngineProfile[]}): CalibrationConfig {
  const found = s.model === null ? null : resolveCheckpoint(s.model, catalog.models)
  return {
    checkpoint: found?.checkpoint ?? s.model,
    checkpointId: found?.checkpointId ?? null,
    chunkedPrefillSize: s.chunkedPrefillSize,
    contextLength: s.contextLength,
    cudaGraphMaxBs: s.cudaGraphMaxBs,
    dataParallel: s.dataParallel,
    dpAttention: s.dpAttention,
    driverVersion: null,
    engine: s.engine,
    engineVersion: s.engineVersion,
    era: eraOf(s.engine, s.engineVersion),
    expertParallel: s.expertParallel,
    gpuMemoryMiB: null,
    gpuName: null,
    gpusPerNode: null,
    kvCacheDtype: s.kvCacheDtype,
    maxNumBatchedTokens: s.maxNumBatchedTokens,
    maxNumSeqs: s.maxNumSeqs,
    model: found?.model ?? null,
    nodes: null,
    pipelineParallel: s.pipelineParallel,
    tensorParallel: s.tensorParallel,
    utilization: s.utilization,
  }
}

/** The memory era of an engine release (planner/eras.ts), when both are known. */
export function eraOf(engine: Engine | null, version: string | null): string | null {
  if (!engine || !version) return null
  return engine === 'vllm' ? vllmEra(version).id : sglangEra(version).id
}

/** Fills what the first leaves null from the second (the plan's config, then what the log printed). */
export function fillConfig(a: CalibrationConfig, b: Partial<CalibrationConfig>): CalibrationConfig {
  const out = {...a}
  for (const [k, v] of Object.entries(b) as [keyof CalibrationConfig, never][]) {
    if (out[k] === null && v !== null && v !== undefined) out[k] = v
  }

  return out
}

/** The fields whose value differs where both say something (for the import's warnings). */
export function conflicts(a: CalibrationConfig, b: Partial<CalibrationConfig>): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(b) as [keyof CalibrationConfig, unknown][]) {
    const mine = a[k]
    if (mine === null || v === null || v === undefined) continue
    if (typeof mine === 'number' && typeof v === 'number' ? Math.abs(mine - v) > 1e-6 : mine !== v) out.push(`${k} ${String(mine)} (plan) vs ${String(v)} (log)`)
  }

  return out
}

export const gpuTotalGiB = (memoryMiB: number | null): number | null => (memoryMiB === null ? null : (memoryMiB * MiB) / 1024 ** 3)
