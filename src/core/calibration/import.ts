/**
 * `r1 calibrate --from-log`: a startup log (captured anywhere) into calibration records. The log is
 * cut into launches at each launch line that follows the figures of an earlier launch line (a log may
 * hold a failed start and the retry); each launch with memory figures or a memory failure becomes one record. Pure: the text in,
 * record drafts out; the log itself is not kept.
 */
import type {Engine} from '../constants.js'
import {R1Error} from '../errors.js'
import type {PlanConfig} from '../planner/plan.schema.js'
import type {EngineProfile, ModelProfile} from '../profiles/catalog.js'
import {diagnoseLine, type DiagnosisContext, type DiagnosisId} from '../serve/diagnose.js'
import type {CalibrationConfig, CalibrationRecord, LoggedFigures, Outcome} from './calibration.schema.js'
import {type BatchSettings, configFromLaunch, configFromPlan, conflicts, fillConfig, gpuTotalGiB} from './config.js'
import {finishFigures, foldFigures, type FigureState, hasFigures, INITIAL_FIGURES} from './figures.js'
import {type LaunchLine, launchSettings, parseLaunchLine} from './launch-line.js'

export type RecordDraft = Omit<CalibrationRecord, 'id' | 'date'>

/** Diagnoses that mean memory ran out, and how a record names them. */
export const MEMORY_FAILURES: Partial<Record<DiagnosisId, Outcome['failure']>> = {
  'cuda-out-of-memory': 'oom',
  'max-seq-len-exceeds-kv': 'insufficient-kv',
  'no-cache-blocks': 'insufficient-kv',
  'sglang-not-enough-memory': 'insufficient-kv',
}

interface Segment {
  launch: LaunchLine[]
  firstLine: number
  figures: FigureState
  failure: {id: DiagnosisId; summary: string; rank: number} | null
}

export interface ImportOptions {
  /** --plan FILE: the plan the engine was launched from (its configuration wins over the log's). */
  plan: Omit<PlanConfig, 'command'> | null
  /** The plan's batch settings (flags, else the engine's defaults), from the service. */
  planBatch?: BatchSettings
  planEra?: string | null
  driverVersion: string | null
  models: readonly ModelProfile[]
  engines: readonly EngineProfile[]
}

export interface ImportResult {
  drafts: RecordDraft[]
  /** Launches the log shows that gave no record, and why. */
  skipped: string[]
  warnings: string[]
}

const ctxFor = (engine: Engine): DiagnosisContext => ({contextLength: 0, engine, engineVersion: '', gpusPerNode: 1, hfTokenSet: false, kvCacheDtype: 'auto', nodes: 1, tensorParallel: 1})

function failureOf(line: string, engines: readonly Engine[]): {id: DiagnosisId; summary: string; rank: number} | null {
  for (const engine of engines) {
    const d = diagnoseLine(line, ctxFor(engine))
    if (d && MEMORY_FAILURES[d.id]) return {id: d.id, rank: d.rank, summary: d.summary}
  }

  return null
}

/** Cuts the log into launches and reads each one's settings, figures and failure. */
export function readSegments(text: string, planEngine: Engine | null): Segment[] {
  const segments: Segment[] = []
  let current: Segment = {failure: null, figures: INITIAL_FIGURES, firstLine: 1, launch: []}
  const started = (s: Segment) => s.figures.matched > 0 || s.failure !== null
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replaceAll('\u001B', '')
    const launch = /\busage:/.test(line) ? null : parseLaunchLine(line)
    if (launch) {
      // A second launch begins (a retry after a failure); a launch line that follows figures of a launch
      // without one (an appendix, a late "non-default args") belongs to that launch.
      if (started(current) && current.launch.length > 0) {
        segments.push(current)
        current = {failure: null, figures: INITIAL_FIGURES, firstLine: i + 1, launch: []}
      }

      current.launch.push(launch)
    }

    current.figures = foldFigures(current.figures, line)
    const engine = planEngine ?? current.launch[0]?.engine ?? null
    const failure = failureOf(line, engine ? [engine] : ['vllm', 'sglang'])
    if (failure && (current.failure === null || failure.rank < current.failure.rank)) current.failure = failure
  }

  segments.push(current)
  return segments
}

export function importLog(text: string, options: ImportOptions): ImportResult {
  const segments = readSegments(text, options.plan?.engine ?? null)
  const drafts: RecordDraft[] = []
  const skipped: string[] = []
  const warnings: string[] = []
  const several = segments.length > 1
  for (const s of segments) {
    const where = several ? `the launch at line ${s.firstLine}` : 'the log'
    const settings = s.launch.length > 0 ? launchSettings(s.launch) : null
    const fromLaunch = settings ? configFromLaunch(settings, options) : null
    let config: CalibrationConfig
    let configFrom: RecordDraft['configFrom']
    if (options.plan) {
      const batch = options.planBatch ?? {chunkedPrefillSize: null, cudaGraphMaxBs: null, maxNumBatchedTokens: null, maxNumSeqs: null}
      config = configFromPlan(options.plan, batch, {driverVersion: options.driverVersion, era: options.planEra ?? null})
      configFrom = fromLaunch ? 'plan+launch-line' : 'plan'
      if (fromLaunch) {
        const differ = conflicts(config, {...fromLaunch, checkpoint: fromLaunch.checkpointId ? fromLaunch.checkpoint : null})
        if (differ.length > 0) warnings.push(`${where}: the plan and the launch line disagree (${differ.join('; ')}): the plan's values are kept`)
      }
    } else if (fromLaunch) {
      config = fromLaunch
      configFrom = 'launch-line'
    } else {
      skipped.push(`${where}: no launch line (vLLM "non-default args: {...}", SGLang "server_args=ServerArgs(...)", or the vllm serve / sglang.launch_server command) and no --plan, so r1 cannot tell what configuration the figures belong to`)
      continue
    }

    // What the log printed fills what the plan or launch line left open.
    config = fillConfig(config, {contextLength: s.figures.contextLength, utilization: s.figures.utilization, chunkedPrefillSize: config.engine === 'sglang' ? s.figures.chunkedPrefillSize : null})
    const figures: LoggedFigures = finishFigures(s.figures, {blockSize: settings?.blockSize ?? null, gpuTotalGiB: gpuTotalGiB(config.gpuMemoryMiB)})
    const failure = s.failure
    if (!hasFigures(figures) && failure === null) {
      skipped.push(`${where}: no memory figure r1 reads (vLLM "Model loading took", "Available KV cache memory", "GPU KV cache size", "# GPU blocks"; SGLang "Load weight end", "KV Cache is allocated", "max_total_num_tokens") and no memory failure`)
      continue
    }

    const outcome: Outcome = failure
      ? {diagnosis: failure.id, failure: MEMORY_FAILURES[failure.id] ?? null, status: 'failed', summary: failure.summary}
      : {diagnosis: null, failure: null, status: s.figures.ready ? 'ready' : 'started', summary: null}
    drafts.push({config, configFrom, logged: figures, outcome, source: 'import'})
  }

  if (drafts.length === 0) {
    throw new R1Error('R1_UNUSABLE_LOG', `r1 cannot use this log: ${skipped.join('; ')}.`, {
      data: {skipped},
      suggestions: [
        'Pass the plan the engine was launched from: r1 calibrate --from-log FILE --plan plan.json.',
        'Capture the whole startup log, from the launch line to "Application startup complete" (vLLM) or "The server is fired up" (SGLang): for example `vllm serve ... 2>&1 | tee startup.log`.',
      ],
    })
  }

  return {drafts, skipped, warnings}
}
