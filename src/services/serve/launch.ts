/**
 * Launch for `r1 serve`: the node's `before` commands (ray start), the argv with its secrets filled in, the
 * engine spawned in its own process group, and its log read line by line into phases, KV size and diagnosis.
 */
import type {Outcome} from '../../core/calibration/calibration.schema.js'
import {EMPTY_FIGURES, finishFigures, foldFigures, type FigureState, hasFigures, INITIAL_FIGURES} from '../../core/calibration/figures.js'
import {MEMORY_FAILURES} from '../../core/calibration/import.js'
import type {DetectResult} from '../../core/detect/detect.schema.js'
import {substituteEnvRefs, VLLM_API_KEY_ENV} from '../../core/engines/index.js'
import {R1Error} from '../../core/errors.js'
import type {CommandSpec, NodeCommand, PlanConfig} from '../../core/planner/plan.schema.js'
import {betterDiagnosis, type Diagnosis, type DiagnosisContext} from '../../core/serve/diagnose.js'
import {compareKv, describePhase, INITIAL_LOG_STATE, type LogState, parseLogLine, reduceLog} from '../../core/serve/log.js'
import type {PreflightCheck} from '../../core/serve/preflight.js'
import type {ServeResult} from '../../core/serve/serve.schema.js'
import {redactEnv} from '../../core/serve/usage.js'
import {containerIn, result} from './command.js'
import type {ServeDeps, ServeEvents, ServeOptions} from './deps.js'
import {type EngineLog, supervise} from './supervise.js'

export interface LaunchInput {
  plan: PlanConfig
  spec: CommandSpec
  node: NodeCommand
  apiKeyEnv: string | null
  base: {checks: PreflightCheck[]; installedVersion: string | null; mode: 'serve'; version: string}
  detected?: DetectResult | null
  /** Which piece of a disaggregated plan this is (roles.ts pieceName), kept in the registry record. */
  piece?: string
}

const TAIL_LINES = 40

export async function launch(deps: ServeDeps, options: ServeOptions, events: ServeEvents, input: LaunchInput): Promise<ServeResult> {
  const {plan, spec, node, apiKeyEnv, base} = input
  const out = result(plan, spec, options, apiKeyEnv, base)
  const secretEnv: Record<string, string> = {}
  if (options.apiKey !== null && apiKeyEnv) secretEnv[apiKeyEnv] = options.apiKey
  const launchEnv = {...node.env, ...secretEnv}
  events.launch?.(node, {argv: node.argv, env: redactEnv(node.env, apiKeyEnv === VLLM_API_KEY_ENV ? {[apiKeyEnv]: options.apiKeySource} : {}), passEnv: spec.passEnv})

  for (const before of node.before) {
    const r = await deps.runner.capture(before[0], before.slice(1), {env: launchEnv, timeoutMs: 120_000})
    if (r.exitCode !== 0) {
      throw new R1Error(r.notFound ? 'R1_ENGINE_MISSING' : 'R1_ENGINE_FAILED', `${before.join(' ')} failed${r.notFound ? ': not on PATH' : ` (exit ${r.exitCode})`}.`, {
        data: out,
        suggestions: [r.stderr.trim().split('\n').slice(-3).join(' ') || 'Run it by hand to see why.'],
      })
    }
  }

  // The argv as the engine gets it: references to secrets (SGLang's --api-key ${R1_API_KEY}) filled in here, in memory.
  const argv = substituteEnvRefs(node.argv, spec.passEnv, {...deps.env, ...secretEnv})
  const ctx: DiagnosisContext = {
    contextLength: plan.contextLength,
    engine: plan.engine,
    engineVersion: base.version,
    gpusPerNode: plan.gpusPerNode,
    hfTokenSet: Boolean(deps.env.HF_TOKEN),
    kvCacheDtype: plan.kvCacheDtype,
    nodes: plan.nodes,
    tensorParallel: plan.tensorParallel,
  }
  const log = engineLog(plan, ctx, out, events)
  const proc = await deps.runner.spawn(argv[0], argv.slice(1), {env: launchEnv, logArgs: node.argv.slice(1), onLine: log.onLine})
  if (proc.pid > 0) {
    // The name the `docker run` argv gives its container (command.ts, roles.ts): a later r1 removes it by that name.
    deps.registry?.record({container: containerIn(node.argv), engine: plan.engine, host: options.host, owner: proc.owner, piece: input.piece ?? null, pid: proc.pid, port: options.port})
  }

  const record = (status: 'ready' | 'failed') => recordLaunch(deps, events, {argv, detected: input.detected ?? null, log, plan, version: base.version}, status)
  return supervise(deps, options, events, {argv, log, node, out, plan, proc, record})
}

/**
 * Once the engine is ready, or has died for want of memory, keep what it printed (never the log itself)
 * in this machine's calibration store, so the next r1 plan here starts from it. Never fails the serve.
 */
async function recordLaunch(
  deps: ServeDeps,
  events: ServeEvents,
  input: {argv: readonly string[]; detected: DetectResult | null; log: EngineLog; plan: PlanConfig; version: string},
  status: 'ready' | 'failed',
): Promise<void> {
  if (!deps.recordLaunch) return
  const d = input.log.diagnosis
  const failure = d ? (MEMORY_FAILURES[d.id] ?? null) : null
  if (status === 'failed' && failure === null) return
  const memoryMiB = input.plan.gpu.memoryMiB
  const logged = input.log.figures.matched > 0 ? finishFigures(input.log.figures, {gpuTotalGiB: memoryMiB === null ? null : memoryMiB / 1024}) : EMPTY_FIGURES
  if (status === 'ready' && !hasFigures(logged)) return
  const outcome: Outcome = status === 'failed' && d ? {diagnosis: d.id, failure, status, summary: d.summary} : {diagnosis: null, failure: null, status: 'ready', summary: null}
  try {
    const {record, warnings} = await deps.recordLaunch({argv: input.argv, detected: input.detected, draft: {logged, outcome}, plan: input.plan, version: input.version})
    for (const w of warnings) events.warn?.(w)
    events.recorded?.(
      status === 'ready'
        ? `recorded what the engine measured here as calibration record ${record.id}${logged.kvCacheTokens === null ? '' : ` (${logged.kvCacheTokens.toLocaleString('en-US')} KV tokens)`}: the next r1 plan on this machine starts from it`
        : `recorded the failure as calibration record ${record.id}: the next r1 plan on this machine will not recommend this configuration again (r1 calibrate forget ${record.id} undoes it)`,
    )
  } catch (error) {
    events.warn?.(`could not record the calibration: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** Reads the engine's lines: the tail for the error, the phase for the progress line, the KV size, the diagnosis. */
function engineLog(plan: PlanConfig, ctx: DiagnosisContext, out: ServeResult, events: ServeEvents): EngineLog {
  const tail: string[] = []
  let state: LogState = INITIAL_LOG_STATE
  let shown = describePhase(state)
  let diagnosis: (Diagnosis & {rank: number}) | null = null
  let figures: FigureState = INITIAL_FIGURES
  const setPhase = (next: LogState) => {
    const text = describePhase(next)
    if (text !== shown) {
      shown = text
      events.phase?.(next, text)
    }

    state = next
  }

  const onLine = (stream: 'stdout' | 'stderr', line: string) => {
    tail.push(line)
    if (tail.length > TAIL_LINES) tail.shift()
    events.line?.(stream, line)
    const before = state.kvTokens
    setPhase(reduceLog(state, parseLogLine(line)))
    if (state.kvTokens !== null && state.kvTokens !== before) {
      const kv = compareKv(state.kvTokens, plan.kvCacheTokens)
      if (kv) {
        out.kvCache = kv
        events.kv?.(kv)
      }
    }

    diagnosis = betterDiagnosis(diagnosis, line, ctx)
    figures = foldFigures(figures, line)
  }

  return {
    get diagnosis() {
      return diagnosis
    },
    get figures() {
      return figures
    },
    onLine,
    setPhase,
    get state() {
      return state
    },
    tail,
  }
}
