/**
 * `r1 plan` (and `r1 serve`, which plans first): flags → hardware → search → recommendation →
 * commands. Dependencies come in as arguments so tests pass fakes.
 */
import {ENGINES, type Engine, type Goal, type KvCacheDtypeRequest, type Quantization} from '../core/constants.js'
import type {CalibrationRecord, PlanCalibration} from '../core/calibration/calibration.schema.js'
import type {DetectResult} from '../core/detect/detect.schema.js'
import {buildEngine, buildEngineCommand} from '../core/engines/build.js'
import {parseVersion} from '../core/engines/version.js'
import {resolveRelease} from '../core/engines/versions.js'
import {isR1Error, R1Error} from '../core/errors.js'
import {hardwareFromDetect, hardwareFromFlags, type ResolvedHardware} from '../core/planner/hardware.js'
import type {PlanFile, PlanConfig} from '../core/planner/plan.schema.js'
import type {PlanResult} from '../core/planner/plan-result.schema.js'
import {layoutText} from '../core/planner/layout-text.js'
import {RECOMMENDATION_RULE, recommend} from '../core/planner/recommend.js'
import {type Candidate, fmtInt, type LayoutPins, searchCandidates} from '../core/planner/search.js'
import type {DisaggregateMode} from '../core/planner/pd/disaggregate.js'
import {workloadOf} from '../core/planner/pd/workload.js'
import type {BuildOptions} from '../core/planner/types.js'
import type {Catalog, ModelProfile} from '../core/profiles/catalog.js'
import {isPublisherCheckpoint, requireModel} from '../core/profiles/models.js'
import type {Runner} from '../io/exec.js'
import {writeFileAtomic} from '../io/files.js'
import {planDisaggregated} from './plan-pd.js'

export type {PlanHardware, PlanResult} from '../core/planner/plan-result.schema.js'
export type {PlanConfig} from '../core/planner/plan.schema.js'
export {RECOMMENDATION_RULE} from '../core/planner/recommend.js'
export {LAYOUT_HELP} from '../core/planner/layout-text.js'

/** R1's advertised context (128K), the default --context. */
export const DEFAULT_CONTEXT = 131_072
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 8000

export interface PlanFlags {
  gpu?: string
  count?: number
  nodes?: number
  gpuMemory?: string
  computeCapability?: string
  fromFile?: string
  model?: string
  quantization?: Quantization
  engine?: Engine | 'auto'
  engineVersion?: string
  context?: number
  goal?: Goal
  kvCacheDtype?: KvCacheDtypeRequest
  tp?: number
  pp?: number
  dp?: number
  ep?: number
  gpuMemoryUtilization?: number
  memFractionStatic?: number
  host?: string
  port?: number
  headAddress?: string
  /** Name of the environment variable holding the API key (serve). */
  apiKeyEnv?: string | null
  /** The workload (disaggregated plans): typical request lengths and latency targets (ms). */
  inputTokens?: number
  outputTokens?: number
  ttft?: number
  itl?: number
  disaggregate?: DisaggregateMode
  /** One address per node, in plan order (prefill nodes first): the disaggregated commands use them. */
  nodeAddresses?: string[]
  /** Write the Kubernetes objects of the recommendation to this file (YAML). */
  kubernetes?: string
  kubernetesName?: string
  out?: string
  force?: boolean
  yes?: boolean
  /** Use this machine's calibration records (default true; --no-calibration turns it off). */
  calibration?: boolean
}

export interface PlanDeps {
  loadCatalog: () => Promise<Catalog>
  /** The detect service, bound to its own dependencies. */
  detect: (options: {fromFile?: string}) => Promise<{result: DetectResult; warnings: string[]}>
  /** Atomic write that refuses to overwrite unless force (src/io/files.ts). */
  writeFile: (path: string, text: string, options: {force?: boolean}) => string
  /** Let a person pick among fitting plans (TTY only; absent otherwise). Returns the chosen index. */
  choose?: (choices: PlanChoice[], defaultIndex: number) => Promise<number>
  /** This machine's calibration records, for detected hardware (services/calibrate.ts). */
  calibration?: (detected: DetectResult) => Promise<CalibrationRecords>
}

export interface CalibrationRecords {
  machine: string
  path: string
  records: CalibrationRecord[]
  warnings: string[]
}

/** What the command layer has (src/cli/run-context.ts CliContext). */
export interface PlanContext {
  runner: Runner
  env: Record<string, string | undefined>
  debug: (line: string) => void
  loadCatalog: (profilesDir?: string) => Promise<Catalog>
}

/** The real dependencies: the detect service, the catalog, atomic file writes. */
export function planDeps(ctx: PlanContext, profilesDir?: string): PlanDeps {
  const loadCatalog = () => ctx.loadCatalog(profilesDir)
  return {
    detect: async (options) => {
      // Loaded only when the hardware is detected: --gpu plans skip the parsers (start-up time).
      const [{defaultDetectDeps, detect}, catalog] = await Promise.all([import('./detect.js'), loadCatalog()])
      return detect(defaultDetectDeps({catalog: catalog.gpus, env: ctx.env, runner: ctx.runner}), {fromFile: options.fromFile, includeHost: false})
    },
    calibration: async (detected) => {
      // Loaded only for detected hardware: a --gpu plan pays nothing for the store.
      const [{openMachineStore}, {hostName}] = await Promise.all([import('./calibrate.js'), import('../io/calibration-store.js')])
      const warnings: string[] = []
      const {machine, store} = await openMachineStore({detect: async () => detected, env: ctx.env, hostname: hostName}, warnings, detected)
      const read = await store.read()
      return {machine: machine.id, path: read.path, records: read.records, warnings: [...warnings, ...read.warnings]}
    },
    loadCatalog,
    writeFile: (path, text, options) => writeFileAtomic(path, text, {force: options.force}),
  }
}

export interface PlanChoice {
  label: string
  detail: string
}

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
    ? planDisaggregated({
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

  const built = buildEngine({checkpoint: chosen.checkpoint, model: chosen.model, options, plan: chosen.plan})
  const plan: PlanConfig = {...chosen.plan, command: built.spec}
  // The disaggregated commands name every node's address; the aggregated plan's head address is moot then.
  warnings.push(...built.warnings.filter((w) => !(disaggregated?.recommended && w.includes('--head-address'))))
  if (chosen.model.advertisedContext < contextLength && contextLength <= chosen.model.architecture.maxPositionEmbeddings) {
    warnings.push(
      `a ${fmtInt(contextLength)}-token context is beyond ${chosen.model.displayName}'s advertised ${fmtInt(chosen.model.advertisedContext)} (the model allows up to ${fmtInt(chosen.model.architecture.maxPositionEmbeddings)}; quality past the advertised length is not promised)`,
    )
  }

  const result: PlanResult = {
    candidates: ranked.map((c) => (c === chosen ? plan : withCommand(c, options))),
    disaggregated,
    hardware: info,
    plan,
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
    const yaml = await kubernetesYaml(result, flags.kubernetesName ?? 'r1', chosen)
    kubernetesWritten = deps.writeFile(flags.kubernetes, yaml, {force: flags.force})
  }

  return {kubernetesWritten, result, warnings: [...new Set(warnings)], written}
}

/**
 * The Kubernetes objects of the recommendation, from typed models validated against their schemas: the
 * disaggregated plan's LWS per role, Services and router; or the aggregated plan's one LeaderWorkerSet.
 */
async function kubernetesYaml(result: PlanResult, name: string, chosen: Candidate): Promise<string> {
  if (result.disaggregated?.recommended) {
    const {pdKubernetesYaml} = await import('./pd-kubernetes.js')
    return pdKubernetesYaml(result.disaggregated, {name})
  }

  const [{kubernetesManifest, dockerImage}, {LeaderWorkerSet}, {stringify}] = await Promise.all([
    import('../core/engines/index.js'),
    import('../gen/lws/leaderworkerset.x-k8s.io/v1/LeaderWorkerSet.js'),
    import('yaml'),
  ])
  const p = result.plan
  const lws = new LeaderWorkerSet(
    kubernetesManifest({checkpoint: chosen.checkpoint, image: dockerImage(p.engine, p.engineVersion, null), model: chosen.model, name, options: {host: '0.0.0.0', port: DEFAULT_PORT}, plan: chosen.plan}) as never,
  )
  lws.validate()
  return stringify(lws.toJSON(), {aliasDuplicateObjects: false})
}

/**
 * This machine's calibration records applied to the candidates (issue 12): only when the hardware was
 * detected here (not described, not a capture), unless --no-calibration. Loaded lazily: a plan without
 * a store pays nothing.
 */
async function calibrate(
  deps: PlanDeps,
  flags: PlanFlags,
  searched: Candidate[],
  hardware: ResolvedHardware['hardware'],
  info: ResolvedHardware['info'],
  warnings: string[],
): Promise<{candidates: Candidate[]; calibration: PlanCalibration | null; notes: (best: Candidate | null) => string[]}> {
  const none = {calibration: null, candidates: searched, notes: () => []}
  if (!info.detected || flags.fromFile !== undefined || !deps.calibration) return none
  if (flags.calibration === false) return {...none, calibration: {enabled: false, machine: null, records: 0, store: null, used: []}}
  const loaded = await deps.calibration(info.detected)
  warnings.push(...loaded.warnings)
  const base = {enabled: true, machine: loaded.machine, records: loaded.records.length, store: loaded.path}
  if (loaded.records.length === 0) return {...none, calibration: {...base, used: []}}
  const {applyCalibration} = await import('../core/calibration/apply.js')
  const applied = applyCalibration(searched, loaded.records, {driverVersion: info.detected.driverVersion, gpu: hardware.gpu})
  const notes = (best: Candidate | null): string[] => {
    const out: string[] = []
    const mark = best?.plan.calibration
    if (best && mark?.match === 'exact') {
      out.push(`Measured on this machine, ${mark.date.slice(0, 10)} (record ${mark.recordId}): ${fmtInt(best.plan.kvCacheTokens)} KV tokens, ${best.plan.maxConcurrency} requests of ${fmtInt(best.plan.contextLength)} at once; no error band.`)
    } else if (best && mark?.match === 'nearby') {
      out.push(`Calibrated: ${mark.note}.`)
    }

    // A launch that failed here moved the recommendation: say which, and why.
    const before = recommend(searched, {goal: flags.goal ?? 'throughput'}).best
    const after = before ? applied.candidates[searched.indexOf(before)] : undefined
    if (before && after && after !== before && !after.plan.fits && before.plan.fits && after.plan.calibration) {
      out.push(`Not ${after.plan.modelName} ${after.plan.quantization.toUpperCase()} on ${after.engine.displayName} TP ${after.plan.tensorParallel}: ${after.plan.reasons[0]}.`)
    }

    return out
  }

  return {calibration: {...base, used: applied.used}, candidates: applied.candidates, notes}
}

/** The error `r1 plan` exits with when nothing fits; the full result rides along for --json. */
export function doesNotFit(result: PlanResult, out?: string, flags?: PlanFlags): R1Error {
  const p = result.plan
  const what = `${p.modelName} ${p.quantization.toUpperCase()} on ${p.engine}`
  // Memory is the problem when the weights or one request of the context do not fit; else the GPU or engine is.
  const memoryBound = p.memory.weightsGiB >= p.memory.usableGiB || p.kvCacheTokens < p.contextLength || p.tight === true
  return new R1Error('R1_DOES_NOT_FIT', `nothing fits as asked: the closest, ${what}, ${p.reasons[0] ?? 'does not fit'}`, {
    data: result,
    suggestions: [
      ...(out ? [`${out} was not written: a plan that does not fit would not start.`] : []),
      ...p.reasons.filter((r) => /^free \d/.test(r)).map((r) => `Other processes hold GPU memory: ${r.replace(/^free/, 'free')} (nvidia-smi lists them), then plan again.`),
      memoryBound
        ? `Try a smaller --context (now ${fmtInt(p.contextLength)}), a 4-bit checkpoint (--quantization awq or fp4), or more GPUs (--count, --nodes).`
        : 'The GPU or the engine is what stops it (see the reason): plan for other GPUs with --gpu NAME --count N.',
      ...dropSuggestion(flags),
    ],
  })
}

/** "Drop --tp, --quantization …" naming only the flags that were given (all of them when unknown). */
function dropSuggestion(flags?: PlanFlags): string[] {
  if (!flags) return ['Drop --tp/--pp/--dp/--ep, --model, --quantization or --engine to let r1 search every layout.']
  const given = [
    ['--tp', flags.tp],
    ['--pp', flags.pp],
    ['--dp', flags.dp],
    ['--ep', flags.ep],
    ['--model', flags.model],
    ['--quantization', flags.quantization],
    ['--engine', flags.engine === 'auto' ? undefined : flags.engine],
  ].filter(([, v]) => v !== undefined).map(([name]) => name as string)
  if (given.length === 0) return []
  return [`Drop ${given.join(', ')} to let r1 search every ${flags.model || flags.quantization ? 'checkpoint and ' : ''}layout.`]
}

function withCommand(c: Candidate, options: BuildOptions): PlanConfig {
  const command = buildEngineCommand({checkpoint: c.checkpoint, model: c.model, options, plan: c.plan})
  return {...c.plan, command}
}

/** One entry of the picker: every entry distinct (model, checkpoint repository, engine, layout), the recommendation marked. */
function choiceOf(c: Candidate, recommended: boolean): PlanChoice {
  const p = c.plan
  return {
    detail: `${fmtInt(Math.floor(p.maxConcurrency))} requests of ${fmtInt(p.contextLength)} tokens at once; ${fmtInt(p.kvCacheTokens)} KV tokens; ${p.checkpoint}`,
    label: `${recommended ? '* ' : ''}${p.modelName} ${p.quantization.toUpperCase()} (${p.checkpointId}) on ${c.engine.displayName}, ${layoutText(c.layout)}: ${fmtInt(Math.floor(p.maxConcurrency))} at once${recommended ? ' (recommended)' : ''}`,
  }
}

async function resolveHardware(deps: PlanDeps, catalog: Catalog, flags: PlanFlags, warnings: string[]): Promise<ResolvedHardware> {
  const described = hardwareFromFlags(catalog.gpus, flags)
  if (described) {
    if (flags.fromFile) throw invalid('--from-file reads the hardware from a capture; --gpu/--gpu-memory describe it: pass one of them')
    return described
  }

  let detected: {result: DetectResult; warnings: string[]}
  try {
    detected = await deps.detect({fromFile: flags.fromFile})
  } catch (error) {
    if (isR1Error(error) && !flags.fromFile && ['R1_NO_NVIDIA_SMI', 'R1_NVIDIA_SMI_FAILED', 'R1_NO_GPU'].includes(error.code)) {
      throw new R1Error(error.code, error.message, {
        cause: error,
        suggestions: [...error.suggestions, 'Plan for GPUs you describe instead: r1 plan --gpu H200 --count 8'],
      })
    }

    throw error
  }

  warnings.push(...detected.warnings)
  return hardwareFromDetect(detected.result, catalog.gpus, {count: flags.count, nodes: flags.nodes})
}

interface SelectedModels {
  list: ModelProfile[]
  pinned: boolean
  /** Set when --model named one checkpoint (a repository id or a checkpoint alias). */
  checkpointId?: string
  /** Set when --model named the model's own repository without --quantization: preferred, and explained when not chosen. */
  named?: string
}

/**
 * --model as people type it. A model id or alias: every checkpoint of the model. The model's own
 * repository ("deepseek-ai/DeepSeek-R1", the publisher's checkpoint): the model too, that checkpoint
 * first among equals and named in the reasons when another is chosen; with --quantization, that
 * model's checkpoint of that kind. Another checkpoint's repository or id: that checkpoint only, so a
 * different --quantization is an error.
 */
export function selectModels(catalog: Catalog, flags: Pick<PlanFlags, 'model' | 'quantization'>): SelectedModels {
  if (!flags.model) return {list: catalog.models, pinned: false}
  const found = requireModel(catalog.models, flags.model)
  const {checkpoint, model} = found
  if (!checkpoint) return {list: [model], pinned: true}
  if (isPublisherCheckpoint(checkpoint)) {
    if (!flags.quantization) return {list: [model], named: checkpoint.id, pinned: true}
    if (flags.quantization === checkpoint.quantization) return {checkpointId: checkpoint.id, list: [model], pinned: true}
    return {list: [model], pinned: true}
  }

  if (flags.quantization && checkpoint.quantization !== flags.quantization) {
    throw invalid(`--model ${flags.model} is ${model.displayName}'s ${checkpoint.quantization.toUpperCase()} checkpoint (${checkpoint.repo}); --quantization asks for ${flags.quantization}`, [
      `Pass --model ${model.aliases[0] ?? model.id} --quantization ${flags.quantization} for its ${flags.quantization.toUpperCase()} checkpoint, or drop --quantization.`,
    ])
  }

  return {checkpointId: checkpoint.id, list: [model], pinned: true}
}

function checkContext(models: SelectedModels, context: number, warnings: string[]): void {
  const max = Math.max(...models.list.map((m) => m.architecture.maxPositionEmbeddings))
  if (context > max) {
    const which = models.pinned ? `${models.list[0].displayName}'s maximum` : 'the maximum of every model'
    throw invalid(`--context must be at most ${fmtInt(max)} tokens (${which}); got ${fmtInt(context)}`, [`Pass --context ${max} or less.`])
  }

  if (!models.pinned && context > Math.min(...models.list.map((m) => m.architecture.maxPositionEmbeddings))) {
    warnings.push(`a ${fmtInt(context)}-token context is above some models' maximum: they are listed as not fitting`)
  }
}

function checkFlags(flags: PlanFlags): void {
  if (flags.engineVersion !== undefined) {
    if (!flags.engine || flags.engine === 'auto') throw invalid('--engine-version needs --engine sglang or --engine vllm', ['For example: --engine vllm --engine-version 0.11.0'])
    if (!parseVersion(flags.engineVersion)) throw invalid(`--engine-version ${JSON.stringify(flags.engineVersion)} is not a version`, ['For example 0.5.14 (SGLang) or 0.20.1 (vLLM).'])
    // Older than every release in r1's engine data: R1_USAGE with the supported range (a newer or unknown one is explained by the build).
    if (ENGINES.includes(flags.engine as Engine)) resolveRelease(flags.engine as Engine, flags.engineVersion)
  }

  if (flags.gpuMemoryUtilization !== undefined && !(flags.gpuMemoryUtilization > 0 && flags.gpuMemoryUtilization <= 1)) {
    throw invalid(`--gpu-memory-utilization ${flags.gpuMemoryUtilization} is not between 0 and 1`, ['vLLM\'s default is 0.9.'])
  }

  if (flags.memFractionStatic !== undefined && !(flags.memFractionStatic > 0 && flags.memFractionStatic < 1)) {
    throw invalid(`--mem-fraction-static ${flags.memFractionStatic} is not between 0 and 1`, ['SGLang\'s defaults are 0.79–0.88.'])
  }

  if (flags.gpuMemoryUtilization !== undefined && flags.engine === 'sglang') {
    throw invalid('--gpu-memory-utilization is vLLM\'s; SGLang takes --mem-fraction-static')
  }

  if (flags.memFractionStatic !== undefined && flags.engine === 'vllm') {
    throw invalid('--mem-fraction-static is SGLang\'s; vLLM takes --gpu-memory-utilization')
  }

  if (flags.context !== undefined && !(Number.isInteger(flags.context) && flags.context > 0)) throw invalid('--context must be a positive number of tokens')
  for (const [name, value] of [['--input-tokens', flags.inputTokens], ['--output-tokens', flags.outputTokens]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw invalid(`${name} ${value} is not a positive number of tokens`)
  }

  if (flags.inputTokens !== undefined && flags.outputTokens !== undefined && flags.context !== undefined && flags.inputTokens + flags.outputTokens > flags.context) {
    throw invalid(`--input-tokens ${flags.inputTokens} + --output-tokens ${flags.outputTokens} is more than --context ${flags.context}`, ['Raise --context, or give the typical lengths of a request.'])
  }

  for (const [name, value] of [['--ttft', flags.ttft], ['--itl', flags.itl]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw invalid(`${name} ${value} is not a positive number of milliseconds`)
  }
  if (flags.engine && flags.engine !== 'auto' && !ENGINES.includes(flags.engine)) throw invalid(`--engine ${flags.engine} is not one of sglang, vllm, auto`)
}

/** --tp/--pp/--dp/--ep against the hardware: impossible layouts are usage errors. */
export function checkPins(flags: Pick<PlanFlags, 'dp' | 'engine' | 'ep' | 'pp' | 'tp'>, perNode: number, nodes: number): LayoutPins {
  const total = perNode * nodes
  const tp = flags.tp
  const pp = flags.pp ?? 1
  const dp = flags.dp ?? 1
  for (const [name, value] of [['--tp', flags.tp], ['--pp', flags.pp], ['--dp', flags.dp], ['--ep', flags.ep]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw invalid(`${name} must be a positive whole number`)
  }

  const gpus = (tp ?? 1) * pp * dp
  // SGLang's DP attention runs its DP ranks inside the TP group (`--tp 8 --dp 8 --enable-dp-attention`
  // on 8 GPUs): a --dp that divides --tp needs only --tp × --pp GPUs.
  const dpAttention = flags.engine !== 'vllm' && tp !== undefined && dp > 1 && tp % dp === 0 && tp * pp <= total
  if (gpus > total && !dpAttention) {
    throw invalid(`--tp × --pp × --dp needs ${gpus} GPUs; there ${total === 1 ? 'is 1' : `are ${total}`}`, [
      `Choose values whose product is at most ${total}, or describe more GPUs (--count, --nodes).`,
      'For SGLang DP attention (R1), give a --dp that divides --tp: --tp 8 --dp 8 runs on 8 GPUs.',
    ])
  }

  if (tp !== undefined) {
    if (tp <= perNode ? perNode % tp !== 0 : tp % perNode !== 0) {
      throw invalid(`--tp ${tp} does not split the ${perNode} GPU${perNode === 1 ? '' : 's'} of a node evenly`, [
        `Use a divisor of ${perNode}${nodes > 1 ? ` or a multiple of it up to ${total}` : ''}.`,
      ])
    }
  }

  if (flags.ep !== undefined && flags.ep > total) throw invalid(`--ep ${flags.ep} is more than the ${total} GPUs`)
  return {dataParallel: flags.dp, expertParallel: flags.ep, pipelineParallel: flags.pp, tensorParallel: flags.tp}
}

function noCandidates(flags: PlanFlags, models: SelectedModels, hardware: {gpusPerNode: number; nodes: number}): R1Error {
  const checkpoints = models.list.flatMap((m) => m.checkpoints).filter((c) => (!flags.quantization || c.quantization === flags.quantization) && (!models.checkpointId || c.id === models.checkpointId))
  if (checkpoints.length === 0) {
    const what = [flags.model ? `--model ${flags.model}` : null, flags.quantization ? `--quantization ${flags.quantization}` : null].filter(Boolean).join(' with ')
    const kinds = [...new Set(models.list.flatMap((m) => m.checkpoints.map((c) => c.quantization)))].join(', ')
    return new R1Error('R1_USAGE', `no checkpoint to plan for (${what}): ${models.pinned ? `${models.list[0].displayName} has ${kinds} checkpoints` : `the checkpoints are ${kinds}`}`, {
      suggestions: ['See the checkpoints of each model with `r1 profiles list models`.', ...(flags.quantization ? [`Drop --quantization, or pass one of ${kinds}.`] : [])],
    })
  }

  const total = hardware.gpusPerNode * hardware.nodes
  const pins = [['--tp', flags.tp], ['--pp', flags.pp], ['--dp', flags.dp], ['--ep', flags.ep]].filter(([, v]) => v !== undefined).map(([n, v]) => `${n} ${v}`)
  return invalid(`no layout with ${pins.join(' ')} fits ${total} GPU${total === 1 ? '' : 's'} (${hardware.nodes > 1 ? `${hardware.nodes} nodes of ${hardware.gpusPerNode}` : 'one node'}) on ${flags.engine && flags.engine !== 'auto' ? flags.engine : 'either engine'}`, [
    'TP × PP (× DP replicas) must use whole nodes: for example --tp 2 --pp 3 on 6 GPUs, --tp 8 --pp 2 on 2 nodes of 8.',
    `Drop ${pins.map((p) => p.split(' ')[0]).join(', ')} to let r1 search every layout.`,
  ])
}

function invalid(message: string, suggestions: string[] = []): R1Error {
  return new R1Error('R1_INVALID_FLAGS', message, {suggestions: [...suggestions, 'See r1 plan --help.']})
}
