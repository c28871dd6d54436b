/**
 * The disaggregated part of `r1 plan`: the search (src/core/planner/pd), its calibration, and the commands
 * for every node and the router (src/core/engines/pd). Called by services/plan.ts after the aggregated
 * recommendation, for the same model, checkpoint and engine.
 */
import type {KvCacheDtypeRequest} from '../core/constants.js'
import {buildPd, defaultTransfer} from '../core/engines/pd/build.js'
import {decodePlan, prefillPlan, ratioOf, rolePlanCore} from '../core/planner/pd/assemble.js'
import {calibrate, rateGpu} from '../core/planner/pd/calibration.js'
import {considered, type DisaggregateMode, searchDisaggregated} from '../core/planner/pd/disaggregate.js'
import type {DisaggregatedPlan} from '../core/planner/pd/pd.schema.js'
import {isMoe, type RoleContext} from '../core/planner/pd/roles.js'
import type {Workload} from '../core/planner/pd/pd.schema.js'
import type {Hardware} from '../core/planner/types.js'
import type {Catalog, Checkpoint, EngineProfile, ModelProfile} from '../core/profiles/catalog.js'

export interface PdPlanArgs {
  catalog: Catalog
  hardware: Hardware
  model: ModelProfile
  checkpoint: Checkpoint
  engine: EngineProfile
  engineVersion: string
  contextLength: number
  kvCacheDtype: KvCacheDtypeRequest
  memFractionStatic?: number
  gpuMemoryUtilization?: number
  workload: Workload
  mode: DisaggregateMode
  /** --node-addresses, one per node in plan order. */
  addresses: readonly string[]
  routerPort: number
}

export interface PdPlanOutcome {
  plan: DisaggregatedPlan | null
  /** Why disaggregated or not, for the result's why. */
  why: string[]
}

export function planDisaggregated(args: PdPlanArgs): PdPlanOutcome {
  const {catalog, hardware, model, workload} = args
  if (args.mode === 'off') return {plan: null, why: []}
  if (!considered({hardware, mode: args.mode, model})) {
    if (!workload.given) return {plan: null, why: []}
    const why = hardware.nodes < 2
      ? 'Stays aggregated: disaggregation puts prefill and decode on separate nodes, and there is one node.'
      : `Stays aggregated: r1 disaggregates R1 (expert parallel over many nodes) by itself; ${model.displayName} is served as replicas (--disaggregate on plans it anyway).`
    return {plan: null, why: [why]}
  }

  const profile = catalog.gpus.find((g) => g.id === hardware.gpu.profileId)
  const rates = profile ? rateGpu(profile) : null
  const r1 = catalog.models.find((m) => isMoe(m)) ?? model
  const calibration = calibrate({checkpoints: r1.checkpoints, engine: catalog.engines.find((e) => e.id === 'sglang') ?? args.engine, gpus: catalog.gpus, model: r1})
  const ctx: RoleContext = {
    checkpoint: args.checkpoint,
    contextLength: args.contextLength,
    engine: args.engine,
    engineVersion: args.engineVersion,
    gpu: hardware.gpu,
    gpuMemoryUtilization: args.gpuMemoryUtilization,
    gpusPerNode: hardware.gpusPerNode,
    kvCacheDtype: args.kvCacheDtype,
    memFractionStatic: args.memFractionStatic,
    model,
  }
  const outcome = searchDisaggregated({...ctx, calibration, hardware, mode: args.mode, rates, workload})
  const c = outcome.candidate
  if (!c) return {plan: null, why: outcome.why}

  const prefill = prefillPlan(c.prefill, args.engine.id)
  const decode = decodePlan(c.decode, args.engine.id)
  const transferBackend = defaultTransfer(args.engine.id)
  const built = buildPd({
    addresses: args.addresses,
    checkpoint: args.checkpoint,
    decode: {plan: rolePlanCore(ctx, c.decode.role), sizing: decode},
    engineVersion: args.engineVersion,
    model,
    prefill: {plan: rolePlanCore(ctx, c.prefill.role), sizing: prefill},
    routerPort: args.routerPort,
    transferBackend,
  })
  const warnings = [...built.warnings]
  const missing = built.nodes.filter((n) => !args.addresses[n.node]).length
  if (missing > 0) warnings.push(`${missing} node address${missing === 1 ? '' : 'es'} missing: pass --node-addresses with one address per node (prefill nodes first); the commands show <node-N-address>`)
  if (workload.ttftMs !== null && c.prefill.ttftMs > workload.ttftMs) {
    warnings.push(`the modelled time to first token, ${c.prefill.ttftMs} ms, is above --ttft ${workload.ttftMs}: a prompt of ${workload.inputTokens} tokens is prefilled on one rank`)
  }

  if (workload.itlMs !== null && c.decode.itlMs > workload.itlMs) {
    warnings.push(`the modelled inter-token latency, ${c.decode.itlMs} ms, is above --itl ${workload.itlMs} even at one request per rank`)
  }

  const plan: DisaggregatedPlan = {
    aggregated: outcome.aggregated
      ? {batchPerRank: outcome.aggregated.batchPerRank, cycleMs: outcome.aggregated.cycleMs, nodes: outcome.aggregated.nodes, promptsPerStep: outcome.aggregated.promptsPerStep, requestsPerSecond: round1(outcome.aggregated.requestsPerSecond)}
      : null,
    bound: c.bound,
    calibration: calibration.rows,
    checkpoint: args.checkpoint.repo,
    checkpointId: args.checkpoint.id,
    contextLength: args.contextLength,
    decode,
    efficiency: {decode: calibration.decodeEfficiency, prefill: calibration.prefillEfficiency},
    engine: args.engine.id,
    engineVersion: args.engineVersion,
    gpu: hardware.gpu.name,
    inputTokensPerSecond: Math.round(c.requestsPerSecond * workload.inputTokens),
    kvCacheDtype: c.decode.role.compat.kvCacheDtype,
    model: model.id,
    modelName: model.displayName,
    nodes: built.nodes,
    outputTokensPerSecond: Math.round(c.requestsPerSecond * workload.outputTokens),
    passEnv: built.passEnv,
    prefill,
    ratio: ratioOf(c),
    recommended: outcome.recommended,
    requestsPerSecond: round1(c.requestsPerSecond),
    router: built.router,
    transferBackend,
    warnings,
    why: outcome.why,
    workload,
  }
  return {plan, why: outcome.why}
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
