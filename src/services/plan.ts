/**
 * `r1 plan` (and `r1 serve`, which plans first): flags → hardware → search → recommendation →
 * commands. Dependencies come in as arguments so tests pass fakes. The parts live in services/plan/:
 * flags and their checks, model selection, hardware, the calibration hook, the commands, the errors,
 * Kubernetes; the disaggregated part is services/plan-pd.ts.
 */
import type {PlanFile} from '../core/planner/plan.schema.js'
import type {PlanResult} from '../core/planner/plan-result.schema.js'
import {fmtInt} from '../core/planner/format.js'
import {layoutText} from '../core/planner/layout-text.js'
import {RECOMMENDATION_RULE, recommend} from '../core/planner/recommend.js'
import {type Candidate, searchCandidates} from '../core/planner/search.js'
import {workloadOf} from '../core/planner/pd/workload.js'
import type {BuildOptions} from '../core/planner/types.js'
import {R1Error} from '../core/errors.js'
import {calibrate} from './plan/calibration.js'
import {withBuiltCommand, withCommand, withLazyCommand} from './plan/commands.js'
import type {PlanChoice, PlanDeps} from './plan/deps.js'
import {noCandidates} from './plan/errors.js'
import {planDisaggregatedLazily} from './plan/pd.js'
import {checkFlags, checkPins, DEFAULT_CONTEXT, DEFAULT_HOST, DEFAULT_PORT, type PlanFlags} from './plan/flags.js'
import {resolveHardware} from './plan/hardware.js'
import {checkContext, selectModels} from './plan/models.js'

export type {PlanHardware, PlanResult} from '../core/planner/plan-result.schema.js'
export type {PlanConfig} from '../core/planner/plan.schema.js'
export {RECOMMENDATION_RULE} from '../core/planner/recommend.js'
export {LAYOUT_HELP} from '../core/planner/layout-text.js'
export {type CalibrationRecords, type PlanChoice, type PlanContext, type PlanDeps, planDeps} from './plan/deps.js'
export {doesNotFit} from './plan/errors.js'
export {checkPins, DEFAULT_CONTEXT, DEFAULT_HOST, DEFAULT_PORT, type PlanFlags} from './plan/flags.js'
export {selectModels} from './plan/models.js'

export interface PlanOutcome {
  result: PlanResult
  warnings: string[]
  /** Absolute path of the --out file, when one was written. */
  written: string | null
  /** Absolute path of the --kubernetes file, when one was written. */
  kubernetesWritten?: string | null
}

export async function planFromFlags(deps: PlanDeps, flags: PlanFlags): Promise<PlanOutcome> {
  checkFlags(flags)
  const catalog = await deps.loadCatalog()
  const warnings: string[] = []
  const {hardware, info} = await resolveHardware(deps, catalog, flags, warnings)
  warnings.push(...info.notes)

  const models = selectModels(catalog, flags)
  const engines = catalog.engines.filter((e) => !flags.engine || flags.engine === 'auto' || e.id === flags.engine)
  if (engines.length === 0) throw new R1Error('R1_BAD_PROFILE', `no engine profile for ${flags.engine}`, {suggestions: ['List them with `r1 profiles list engines`.']})
  const contextLength = flags.context ?? DEFAULT_CONTEXT
  checkContext(models, contextLength, warnings)
  const pins = checkPins(flags, hardware.gpusPerNode, hardware.nodes)
  const goal = flags.goal ?? 'throughput'

  const searched = searchCandidates({
    contextLength,
    engineVersion: flags.engineVersion,
    engines,
    goal,
    gpuMemoryUtilization: flags.gpuMemoryUtilization,
    hardware,
    kvCacheDtype: flags.kvCacheDtype ?? 'auto',
    memFractionStatic: flags.memFractionStatic,
    checkpointId: models.checkpointId,
    models: models.list,
    pins,
    quantization: flags.quantization,
  })
  if (searched.length === 0) throw noCandidates(flags, models, hardware)
  const {candidates, calibration, notes: calibrationNotes} = await calibrate(deps, flags, searched, hardware, info, warnings)

  const {best, ranked, why} = recommend(candidates, {goal, named: models.named})
  let chosen = best!
  let reasons = [...why, ...calibrationNotes(best)]
  const fitting = ranked.filter((c) => c.plan.fits)
  if (deps.choose && !flags.yes && fitting.length > 1) {
    const index = await deps.choose(fitting.map((c, i) => choiceOf(c, i === 0 && c === best)), 0)
    if (fitting[index] && fitting[index] !== chosen) {
      chosen = fitting[index]
      reasons = [`Chosen by hand from ${fitting.length} fitting plans (recommended: ${best!.model.displayName} ${best!.checkpoint.quantization.toUpperCase()} on ${best!.engine.displayName}).`]
    }
  }

  const options: BuildOptions = {
    apiKeyEnv: flags.apiKeyEnv ?? null,
    headAddress: flags.headAddress,
    host: flags.host ?? DEFAULT_HOST,
    port: flags.port ?? DEFAULT_PORT,
  }
  const workload = workloadOf({inputTokens: flags.inputTokens, itlMs: flags.itl, outputTokens: flags.outputTokens, ttftMs: flags.ttft})
  const pd = chosen.plan.fits
    ? await planDisaggregatedLazily({
        addresses: flags.nodeAddresses ?? [],
        catalog,
        checkpoint: chosen.checkpoint,
        contextLength,
        engine: chosen.engine,
        engineVersion: chosen.plan.engineVersion,
        gpuMemoryUtilization: flags.gpuMemoryUtilization,
        hardware,
        kvCacheDtype: flags.kvCacheDtype ?? 'auto',
        memFractionStatic: flags.memFractionStatic,
        mode: flags.disaggregate ?? 'auto',
        model: chosen.model,
        routerPort: flags.port ?? DEFAULT_PORT,
        workload,
      })
    : {plan: null, why: []}
  const disaggregated = pd.plan
  if (disaggregated?.recommended) {
    reasons = [...pd.why, ...reasons.map((line, i) => (i === 0 ? `Aggregated, for comparison: ${line}` : line))]
    warnings.push(...disaggregated.warnings)
  } else {
    reasons = [...reasons, ...pd.why]
  }

  const used = chosen.layout.nodes * chosen.layout.gpusPerNode
  const have = hardware.nodes * hardware.gpusPerNode
  if (used < have && !disaggregated?.recommended) {
    warnings.push(
      chosen.layout.nodes < hardware.nodes
        ? `the plan uses ${used} of the ${have} GPUs (one node): start the same command on each node for more replicas, behind a load balancer`
        : `the plan uses ${used} of the ${have} GPUs: set CUDA_VISIBLE_DEVICES, or run another replica on the rest`,
    )
  }

  const built = withBuiltCommand(chosen, options)
  const plan = built.plan
  // The disaggregated commands name every node's address; the aggregated plan's head address is moot then.
  warnings.push(...built.warnings.filter((w) => !(disaggregated?.recommended && w.includes('--head-address'))))
  if (chosen.model.advertisedContext < contextLength && contextLength <= chosen.model.architecture.maxPositionEmbeddings) {
    warnings.push(
      `a ${fmtInt(contextLength)}-token context is beyond ${chosen.model.displayName}'s advertised ${fmtInt(chosen.model.advertisedContext)} (the model allows up to ${fmtInt(chosen.model.architecture.maxPositionEmbeddings)}; quality past the advertised length is not promised)`,
    )
  }

  const recommendedIndex = plan.fits ? ranked.indexOf(chosen) : -1
  const result: PlanResult = {
    // Every candidate's command now (--json prints them), or each on first read (people and serve see the recommendation's only).
    candidates: ranked.map((c) => (c === chosen ? plan : flags.candidateCommands === false ? withLazyCommand(c, options) : withCommand(c, options))),
    disaggregated,
    hardware: info,
    plan,
    recommendedIndex: recommendedIndex < 0 ? null : recommendedIndex,
    rule: RECOMMENDATION_RULE,
    why: reasons,
    ...(calibration ? {calibration} : {}),
  }

  let written: string | null = null
  if (flags.out !== undefined && plan.fits) {
    const file: PlanFile = {hardware: info, kind: 'r1-plan', plan, version: 1, ...(disaggregated?.recommended ? {disaggregated} : {})}
    written = deps.writeFile(flags.out, `${JSON.stringify(file, null, 2)}\n`, {force: flags.force})
  }

  let kubernetesWritten: string | null = null
  if (flags.kubernetes && plan.fits) {
    const {kubernetesYaml} = await import('./plan/kubernetes.js')
    const yaml = await kubernetesYaml(result, flags.kubernetesName ?? 'r1', chosen)
    kubernetesWritten = deps.writeFile(flags.kubernetes, yaml, {force: flags.force})
  }

  return {kubernetesWritten, result, warnings: [...new Set(warnings)], written}
}

/** One entry of the picker: every entry distinct (model, checkpoint repository, engine, layout), the recommendation marked. */
function choiceOf(c: Candidate, recommended: boolean): PlanChoice {
  const p = c.plan
  return {
    detail: `${fmtInt(Math.floor(p.maxConcurrency))} requests of ${fmtInt(p.contextLength)} tokens at once; ${fmtInt(p.kvCacheTokens)} KV tokens; ${p.checkpoint}`,
    label: `${recommended ? '* ' : ''}${p.modelName} ${p.quantization.toUpperCase()} (${p.checkpointId}) on ${c.engine.displayName}, ${layoutText(c.layout)}: ${fmtInt(Math.floor(p.maxConcurrency))} at once${recommended ? ' (recommended)' : ''}`,
  }
}
