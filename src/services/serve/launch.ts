/**
 * Launch for `r1 serve`: the node's `before` commands (ray start), the argv with its secrets filled in, the
 * engine spawned in its own process group, and its log read line by line into phases, KV size and diagnosis.
 */
import {substituteEnvRefs, VLLM_API_KEY_ENV} from '../../core/engines/index.js'
import {R1Error} from '../../core/errors.js'
import type {CommandSpec, NodeCommand, PlanConfig} from '../../core/planner/plan.schema.js'
import {betterDiagnosis, type Diagnosis, type DiagnosisContext} from '../../core/serve/diagnose.js'
import {compareKv, describePhase, INITIAL_LOG_STATE, type LogState, parseLogLine, reduceLog} from '../../core/serve/log.js'
import type {PreflightCheck} from '../../core/serve/preflight.js'
import type {ServeResult} from '../../core/serve/serve.schema.js'
import {redactEnv} from '../../core/serve/usage.js'
import {result} from './command.js'
import type {ServeDeps, ServeEvents, ServeOptions} from './deps.js'
import {type EngineLog, supervise} from './supervise.js'

export interface LaunchInput {
  plan: PlanConfig
  spec: CommandSpec
  node: NodeCommand
  apiKeyEnv: string | null
  base: {checks: PreflightCheck[]; installedVersion: string | null; mode: 'serve'; version: string}
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
  return supervise(deps, options, events, {argv, log, node, out, plan, proc})
}

/** Reads the engine's lines: the tail for the error, the phase for the progress line, the KV size, the diagnosis. */
function engineLog(plan: PlanConfig, ctx: DiagnosisContext, out: ServeResult, events: ServeEvents): EngineLog {
  const tail: string[] = []
  let state: LogState = INITIAL_LOG_STATE
  let shown = describePhase(state)
  let diagnosis: (Diagnosis & {rank: number}) | null = null
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
  }

  return {
    get diagnosis() {
      return diagnosis
    },
    onLine,
    setPhase,
    get state() {
      return state
    },
    tail,
  }
}
