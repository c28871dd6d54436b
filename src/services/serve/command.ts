/**
 * The engine command `r1 serve` runs (the installed release's, or the plan's as saved), with --docker the
 * `docker run` around it, and the result that describes it. Pure apart from the warnings it reports.
 */
import type {Engine} from '../../core/constants.js'
import {buildEngine, dockerCommand, jetsonKind, VLLM_API_KEY_ENV} from '../../core/engines/index.js'
import type {CommandSpec, NodeCommand, PlanConfig} from '../../core/planner/plan.schema.js'
import type {PlanCore} from '../../core/planner/types.js'
import type {Catalog, Checkpoint, ModelProfile} from '../../core/profiles/catalog.js'
import type {PreflightCheck} from '../../core/serve/preflight.js'
import type {ServeResult} from '../../core/serve/serve.schema.js'
import {curlExample, endpointUrl, redactEnv, servedModelName} from '../../core/serve/usage.js'
import type {ServeEvents, ServeOptions} from './deps.js'

export const ENGINE_NAMES: Record<Engine, string> = {sglang: 'SGLang', vllm: 'vLLM'}

export type Profile = {model: ModelProfile; checkpoint: Checkpoint}

export interface ResultBase {
  checks: PreflightCheck[]
  installedVersion: string | null
  mode: 'dry-run' | 'serve'
  version: string
}

export function findProfile(catalog: Catalog, plan: PlanConfig): Profile | null {
  const model = catalog.models.find((m) => m.id === plan.model)
  const checkpoint = model?.checkpoints.find((c) => c.id === plan.checkpointId)
  return model && checkpoint ? {checkpoint, model} : null
}

/**
 * The engine command, or with --docker the `docker run` around it: the engine listens on 0.0.0.0 inside the
 * container and the port is published on --host only; the container is named so that a stop can reach it.
 */
export function commandFor(
  plan: PlanConfig,
  profile: Profile | null,
  version: string,
  options: ServeOptions,
  apiKeyEnv: string | null,
  events: ServeEvents,
  hubCacheDir: string,
): CommandSpec {
  if (!options.docker) return buildCommand(plan, profile, version, options, apiKeyEnv, events)
  const inner = buildCommand(plan, profile, version, {...options, host: '0.0.0.0'}, apiKeyEnv, events)
  const hfCachePath = hubCacheDir.replace(/\/hub\/?$/, '')
  const wrap = (node: number | undefined): string[] => {
    const argv = dockerCommand(inner, {engine: plan.engine, engineVersion: version, hfCachePath, jetson: jetsonKind(plan.gpu.computeCapability), node, port: options.port})
    const p = argv.indexOf('-p')
    if (p !== -1 && options.host !== '0.0.0.0') argv[p + 1] = `${options.host}:${options.port}:${options.port}`
    argv.splice(2, 0, '--name', containerName(options.port, node ?? 0))
    return argv
  }

  const nodes = inner.nodes.map((n) => ({...n, argv: wrap(n.rank), before: [], env: {}}))
  return {argv: wrap(undefined), env: {}, nodes, passEnv: inner.passEnv}
}

export function containerName(port: number, rank: number): string {
  return `r1-serve-${port}-${rank}`
}

/**
 * The container a `docker run` argv names (its `--name`), or null for an engine run directly. The one source of
 * truth for the name: launch records it for a later r1, and the stop kills that container, whoever built the argv.
 */
export function containerIn(argv: readonly string[]): string | null {
  if (argv[0] !== 'docker' || argv[1] !== 'run') return null
  const at = argv.indexOf('--name')
  return at === -1 ? null : (argv[at + 1] ?? null)
}

/** The command for the installed (or planned) version, this host, port and key; the plan's own when its profile is unknown. */
function buildCommand(plan: PlanConfig, profile: Profile | null, version: string, options: ServeOptions, apiKeyEnv: string | null, events: ServeEvents): CommandSpec {
  if (!profile) {
    events.warn?.(`model ${plan.model} / checkpoint ${plan.checkpointId} is not in the catalog: using the plan's command as saved`)
    return plan.command
  }

  const {command: _command, ...core} = plan
  const built = buildEngine({
    checkpoint: profile.checkpoint,
    engineVersion: version,
    model: profile.model,
    options: {apiKeyEnv, headAddress: options.headAddress ?? undefined, host: options.host, port: options.port},
    plan: core as PlanCore,
  })
  for (const w of built.warnings) events.warn?.(w)
  return built.spec
}

export function pickNode(spec: CommandSpec, rank: number): NodeCommand {
  if (spec.nodes.length === 0) return {argv: spec.argv, before: [], env: spec.env, rank: 0, role: 'head'}
  return spec.nodes[Math.min(rank, spec.nodes.length - 1)]
}

export function shmArgOf(argv: readonly string[]): string | null {
  for (const [i, a] of argv.entries()) {
    if (a === '--shm-size') return `--shm-size ${argv[i + 1] ?? ''}`.trim()
    if (a.startsWith('--shm-size=') || a === '--ipc=host') return a
    if (a === '--ipc' && argv[i + 1] === 'host') return '--ipc host'
  }

  return null
}

export function result(plan: PlanConfig, spec: CommandSpec, options: ServeOptions, apiKeyEnv: string | null, base: ResultBase): ServeResult {
  const secrets = apiKeyEnv ? {[apiKeyEnv]: options.apiKeySource} : {}
  const nodes = spec.nodes.length > 0 ? spec.nodes : [{argv: spec.argv, before: [], env: spec.env, rank: 0, role: 'head' as const}]
  const model = servedModelName(spec.argv, plan.checkpoint)
  const endpoint = endpointUrl(options.host, options.port)
  return {
    checkpoint: plan.checkpoint,
    checks: base.checks,
    commands: nodes.map((n) => ({...n, env: redactEnv(n.env, apiKeyEnv === VLLM_API_KEY_ENV ? secrets : {})})),
    curl: curlExample(endpoint, model, options.apiKey === null ? null : 'R1_API_KEY'),
    diagnosis: null,
    docker: options.docker,
    endpoint,
    engine: plan.engine,
    engineVersion: base.version,
    host: options.host,
    installedVersion: base.installedVersion,
    kvCache: null,
    logTail: [],
    mode: base.mode,
    model: plan.model,
    nodeRank: plan.nodes > 1 ? options.nodeRank : null,
    nodes: plan.nodes,
    passEnv: spec.passEnv,
    phase: 'starting',
    port: options.port,
    servedModelName: model,
  }
}
