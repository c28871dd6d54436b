/**
 * `r1 serve`: resolve the plan, preflight (serve/preflight.ts), launch the engine in its own process group
 * (serve/launch.ts), wait for /health and /v1/models, then supervise until a signal; stop cleanly
 * (serve/supervise.ts). Every side effect comes in through `deps` (serve/deps.ts), so tests drive it with fakes.
 */
import {VLLM_API_KEY_ENV} from '../core/engines/index.js'
import {R1Error} from '../core/errors.js'
import type {PlanConfig} from '../core/planner/plan.schema.js'
import {parseDuration} from '../core/serve/duration.js'
import type {ServeResult, StopResult} from '../core/serve/serve.schema.js'
import {createServeRegistry} from '../io/serve-registry.js'
import {defaultDetectDeps, detect} from './detect.js'
import {doesNotFit, type PlanContext, planDeps, type PlanFlags, planFromFlags} from './plan.js'
import {commandFor, findProfile, result} from './serve/command.js'
import {createServeDeps, sayOnce, type ServeDeps, type ServeEvents, type ServeOptions} from './serve/deps.js'
import {launch} from './serve/launch.js'
import {stopLeftovers} from './serve/leftovers.js'
import {readPlanFileFromDisk, readPlanFromDisk} from './serve/plan-file.js'
import {type ServeRole, serveRole} from './serve/roles.js'
import {preflight} from './serve/preflight.js'

export {containerName} from './serve/command.js'
export {createServeDeps, type ServeDeps, type ServeEvents, type ServeOptions} from './serve/deps.js'
export {readPlanFile, readPlanFromDisk} from './serve/plan-file.js'

export async function serve(deps: ServeDeps, options: ServeOptions, given: ServeEvents = {}): Promise<ServeResult> {
  const events = sayOnce(given)
  const {plan, source} = await options.resolvePlan()
  events.plan?.(plan, source)
  const catalog = await deps.loadCatalog()
  const profile = findProfile(catalog, plan)
  if (plan.nodes > 1 && !options.dryRun) requireNodeFlags(plan, options)
  const apiKeyEnv = options.apiKey === null ? null : plan.engine === 'vllm' ? VLLM_API_KEY_ENV : 'R1_API_KEY'
  if (!isLoopback(options.host) && options.apiKey === null) {
    events.warn?.(`the server will listen on ${options.host} without an API key: anyone who reaches this port can use it (set R1_API_KEY)`)
  }

  // Dry run: the command for the plan's engine version, per node; nothing probed, nothing started.
  if (options.dryRun) {
    const spec = commandFor(plan, profile, plan.engineVersion, options, apiKeyEnv, events, deps.disk.hubCacheDir(deps.env))
    return result(plan, spec, options, apiKeyEnv, {checks: [], installedVersion: null, mode: 'dry-run', version: plan.engineVersion})
  }

  await stopLeftovers(deps, options, events)
  const {base, detected, node, spec} = await preflight(deps, options, events, {apiKeyEnv, plan, profile})
  return launch(deps, options, events, {apiKeyEnv, base, detected, node, plan, spec})
}

/** `r1 serve --stop`: every engine r1 started on this machine, stopped (through its r1 when one still supervises it). */
export async function stopServed(deps: Pick<ServeDeps, 'registry'>, stopTimeoutS: number, events: Pick<ServeEvents, 'warn'> = {}): Promise<StopResult> {
  const stopped: StopResult['stopped'] = []
  for (const e of deps.registry?.list() ?? []) {
    const gone = e.supervised
      ? await deps.registry!.stopSupervised(e, (stopTimeoutS + 10) * 1000)
      : await deps.registry!.stopOrphan(e, stopTimeoutS * 1000)
    if (!gone) events.warn?.(`${e.engine} (pid ${e.pid}, port ${e.port}) did not stop entirely: look for processes with R1_OWNER=${e.owner} in their environment`)
    stopped.push({engine: e.engine, host: e.host, orphan: !e.supervised, pid: e.pid, port: e.port, stopped: gone})
  }

  return {stopped}
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.')
}

function requireNodeFlags(plan: PlanConfig, options: ServeOptions): void {
  if (options.nodeRank === null || options.headAddress === null) {
    throw new R1Error('R1_USAGE', `this plan runs on ${plan.nodes} nodes: say which one this is, and where the head is.`, {
      suggestions: [
        `On the head: r1 serve --plan FILE --node-rank 0 --head-address <this node's address>; on the others --node-rank 1..${plan.nodes - 1} with the same --head-address.`,
        'See every node\'s command first with --dry-run.',
      ],
    })
  }

  if (options.nodeRank >= plan.nodes) {
    throw new R1Error('R1_USAGE', `--node-rank ${options.nodeRank} is out of range: the plan has ${plan.nodes} nodes (0..${plan.nodes - 1}).`)
  }
}

/** The flags of `r1 serve` as oclif parses them. */
export interface ServeFlags extends Record<string, unknown> {
  plan?: string
  host: string
  port: number
  'api-key'?: string
  docker?: boolean
  'node-rank'?: number
  'head-address'?: string
  'ready-timeout': string
  'stop-timeout': string
  yes?: boolean
  'dry-run'?: boolean
  stop?: boolean
  profiles?: string
  /** Disaggregated plans: which piece runs on this machine. */
  role?: string
}

/** `r1 serve --stop`: the records in the state dir, with the real registry. */
export function stopFromFlags(ctx: Pick<PlanContext, 'env' | 'runner'>, flags: Pick<ServeFlags, 'stop-timeout'>, events: Pick<ServeEvents, 'warn'>): Promise<StopResult> {
  const stopTimeoutS = parseDuration(flags['stop-timeout'], '--stop-timeout')
  return stopServed({registry: createServeRegistry(ctx.env, ctx.runner)}, stopTimeoutS, events)
}

/** The command's one call: flags → plan (file or planner) → serve, with the real dependencies. */
export async function serveFromFlags(
  ctx: PlanContext,
  flags: ServeFlags,
  ui: {planFlags: PlanFlags; confirm: (question: string) => Promise<boolean>},
  given: ServeEvents,
): Promise<ServeResult> {
  const events = sayOnce(given)
  const readyTimeoutS = parseDuration(flags['ready-timeout'], '--ready-timeout')
  const stopTimeoutS = parseDuration(flags['stop-timeout'], '--stop-timeout')
  const loadCatalog = () => ctx.loadCatalog(flags.profiles)
  const detectLive = async () => {
    const catalog = await loadCatalog()
    return (await detect(defaultDetectDeps({catalog: catalog.gpus, env: ctx.env, runner: ctx.runner}), {includeHost: false})).result
  }

  const resolvePlan = async (): Promise<{plan: PlanConfig; source: 'file' | 'flags'}> => {
    if (flags.plan) return {plan: await readPlanFromDisk(flags.plan), source: 'file'}
    const deps = planDeps(ctx, flags.profiles)
    const {result, warnings} = await planFromFlags(deps, {...ui.planFlags, candidateCommands: false, yes: true})
    for (const w of warnings) events.warn?.(w)
    if (!result.plan.fits) throw doesNotFit(result)
    return {plan: result.plan, source: 'flags'}
  }

  const apiKey = flags['api-key'] || null
  const deps = createServeDeps({confirm: ui.confirm, detect: detectLive, env: ctx.env, loadCatalog, runner: ctx.runner})
  const options: ServeOptions = {
    apiKey,
    apiKeySource: apiKey !== null && ctx.env.R1_API_KEY === apiKey ? 'R1_API_KEY' : '--api-key',
    docker: Boolean(flags.docker),
    dryRun: Boolean(flags['dry-run']),
    headAddress: flags['head-address'] ?? null,
    host: flags.host,
    nodeRank: flags['node-rank'] ?? null,
    port: flags.port,
    readyTimeoutS,
    resolvePlan,
    stopTimeoutS,
    yes: Boolean(flags.yes),
  }
  // A disaggregated plan file: this machine runs one piece of it (serve/roles.ts).
  const file = flags.plan ? await readPlanFileFromDisk(flags.plan) : null
  if (file?.disaggregated) return serveRole(deps, options, events, {disaggregated: file.disaggregated, plan: file.plan}, (flags.role as ServeRole | undefined) ?? null)
  if (flags.role) {
    throw new R1Error('R1_USAGE', `--role ${flags.role} runs one piece of a disaggregated plan; ${flags.plan ? `${flags.plan} is not one` : 'pass its file with --plan'}.`, {
      suggestions: ['Write one with r1 plan --nodes N --input-tokens … --output-tokens … --out plan.json (R1 on several nodes), then r1 serve --plan plan.json --role prefill|decode|router.'],
    })
  }

  return serve(deps, options, events)
}
