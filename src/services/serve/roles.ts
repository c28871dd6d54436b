/**
 * `r1 serve --plan FILE --role prefill|decode|router [--node-rank N]`: one piece of a disaggregated plan on
 * this machine, through the same phases as a plain serve (serve/preflight.ts, serve/launch.ts,
 * serve/supervise.ts). The command is rebuilt for the installed engine release (src/core/engines/pd), so
 * the version cut-offs apply to what runs. Readiness per role: a prefill or decode leader answers /health
 * and /v1/models; a worker node is up once it runs; the router first waits for every backend's /health,
 * then answers its own.
 *
 * An API key (R1_API_KEY or --api-key) goes to every piece in the form its release takes, never as a value in
 * what r1 prints: SGLang servers `--api-key ${R1_API_KEY}`, vLLM servers VLLM_API_KEY by name, the router
 * `--api-key ${R1_API_KEY}`; the launcher fills the references in, in memory.
 */
import {VLLM_API_KEY_ENV} from '../../core/engines/index.js'
import {buildPd, type PdBuild, ROUTER_API_KEY_ENV} from '../../core/engines/pd/build.js'
import {pdDockerCommand} from '../../core/engines/pd/docker.js'
import {R1Error} from '../../core/errors.js'
import type {DisaggregatedPlan, PdNode, PdRoleName} from '../../core/planner/pd/pd.schema.js'
import type {CommandSpec, NodeCommand, PlanConfig} from '../../core/planner/plan.schema.js'
import type {PlanCore} from '../../core/planner/types.js'
import {formatDuration} from '../../core/serve/duration.js'
import type {PreflightCheck} from '../../core/serve/preflight.js'
import type {ServeResult} from '../../core/serve/serve.schema.js'
import {holdOpen, type StopSignal} from '../../io/signals.js'
import {findProfile, type Profile, result} from './command.js'
import type {ServeDeps, ServeEvents, ServeOptions} from './deps.js'
import {launch} from './launch.js'
import {stopLeftovers} from './leftovers.js'
import {preflight} from './preflight.js'

export type ServeRole = PdRoleName | 'router'
export const SERVE_ROLES = ['prefill', 'decode', 'router'] as const

/** The PlanCore of one instance of a role, from the plan file (the aggregated plan with the role's layout and memory). */
export function roleCore(plan: PlanConfig, d: DisaggregatedPlan, role: PdRoleName): PlanCore {
  const r = d[role]
  const {command: _command, ...core} = plan
  return {
    ...core,
    dataParallel: r.dataParallel,
    dpAttention: r.dpAttention,
    expertParallel: r.expertParallel,
    gpuMemoryUtilization: r.gpuMemoryUtilization,
    gpusPerNode: r.gpusPerNode,
    kvCacheTokens: r.kvCacheTokensPerRank,
    memFractionStatic: r.memFractionStatic,
    memory: r.memory,
    nodes: r.nodesPerInstance,
    pipelineParallel: 1,
    speculative: null,
    tensorParallel: r.tensorParallel,
  }
}

/** Every node's and the router's commands for an engine release (the plan's own when the profile is unknown). */
export function pdCommands(plan: PlanConfig, d: DisaggregatedPlan, profile: Profile | null, version: string, events: ServeEvents, apiKeyEnv: string | null = null): PdBuild {
  if (!profile) {
    events.warn?.(`model ${plan.model} / checkpoint ${plan.checkpointId} is not in the catalog: using the plan's commands as saved`)
    return {nodes: d.nodes, passEnv: d.passEnv, router: d.router, warnings: []}
  }

  const built = buildPd({
    addresses: d.nodes.map((n) => (n.address.startsWith('<') ? undefined : n.address)),
    apiKeyEnv,
    checkpoint: profile.checkpoint,
    decode: {plan: roleCore(plan, d, 'decode'), sizing: d.decode},
    engineVersion: version,
    model: profile.model,
    prefill: {plan: roleCore(plan, d, 'prefill'), sizing: d.prefill},
    routerPort: d.router.port,
    transferBackend: d.transferBackend,
  })
  for (const w of built.warnings) events.warn?.(w)
  return built
}

/** With --docker: the official image around the command (host network, RDMA devices). */
function wrap(deps: ServeDeps, options: ServeOptions, d: DisaggregatedPlan, version: string, argv: string[], env: Record<string, string>, name: string): {argv: string[]; env: Record<string, string>} {
  if (!options.docker) return {argv, env}
  const hfCachePath = deps.disk.hubCacheDir(deps.env).replace(/\/hub\/?$/, '')
  return {argv: pdDockerCommand(argv, env, {engine: d.engine, engineVersion: version, hfCachePath, name, passEnv: d.passEnv}), env: {}}
}

/**
 * One piece of the plan on this machine, by the port it serves on (a worker node: the router's) and its node in
 * the plan: the container's name under --docker, and the registry record's `piece`. Pieces of one plan may share
 * a machine (a test bed, a small cluster), so each has its own name: two worker nodes share a port and a rank.
 */
export function pieceName(port: number, role: ServeRole, node: number | null): string {
  return role === 'router' ? `r1-serve-${port}-router` : `r1-serve-${port}-${role}-${node}`
}

function nodeCommand(n: PdNode): NodeCommand {
  return {argv: n.argv, before: [], env: n.env, label: `node ${n.node}: ${n.role} ${n.instance}, rank ${n.rank}; r1 serve --role ${n.role} --node-rank ${n.roleRank}`, rank: n.node, role: n.rank === 0 ? 'head' : 'worker'}
}

/** The piece this machine runs, or a usage error that says which ones exist. */
function pick(d: {nodes: PdNode[]}, role: PdRoleName, rank: number | null): PdNode {
  const nodes = d.nodes.filter((n) => n.role === role)
  if (rank === null || rank >= nodes.length) {
    throw new R1Error('R1_USAGE', `${rank === null ? `say which ${role} node this is` : `--node-rank ${rank} is out of range`}: the plan has ${nodes.length} ${role} node${nodes.length === 1 ? '' : 's'} (--node-rank 0..${nodes.length - 1}).`, {
      suggestions: ['See every node\'s command with r1 serve --plan FILE --dry-run.'],
    })
  }

  return nodes[rank]
}

/** A plan shaped like the role's instance, for the preflight's GPU and memory checks and the log's KV comparison. */
function rolePlan(plan: PlanConfig, d: DisaggregatedPlan, role: PdRoleName, spec: CommandSpec): PlanConfig {
  return {...roleCore(plan, d, role), command: spec} as PlanConfig
}

export async function serveRole(deps: ServeDeps, options: ServeOptions, events: ServeEvents, file: {plan: PlanConfig; disaggregated: DisaggregatedPlan}, role: ServeRole | null): Promise<ServeResult> {
  const {plan, disaggregated: d} = file
  const catalog = await deps.loadCatalog()
  const profile = findProfile(catalog, plan)
  // The servers' form of the key (as an aggregated serve: VLLM_API_KEY for vLLM, the --api-key reference for SGLang).
  const apiKeyEnv = options.apiKey === null ? null : d.engine === 'vllm' ? VLLM_API_KEY_ENV : ROUTER_API_KEY_ENV
  if (options.apiKey === null && (options.dryRun || role !== null)) {
    events.warn?.('the prefill and decode servers and the router listen on every interface without an API key: anyone who reaches them can use them (set R1_API_KEY)')
  }

  // Dry run: every node's command and the router's, for the plan's engine release.
  if (options.dryRun) {
    const built = pdCommands(plan, d, profile, d.engineVersion, events, apiKeyEnv)
    const nodes = built.nodes.filter((n) => role === null || n.role === role).map((n) => ({...nodeCommand(n), ...wrap(deps, options, d, d.engineVersion, n.argv, n.env, pieceName(n.httpPort ?? d.router.port, n.role, n.node))}))
    const router: NodeCommand = {...wrap(deps, options, d, d.engineVersion, built.router.argv, built.router.env, pieceName(built.router.port, 'router', null)), before: [], label: `router on node ${built.router.node}, port ${built.router.port}; r1 serve --role router`, rank: built.nodes.length, role: 'head'}
    const spec: CommandSpec = {argv: nodes[0]?.argv ?? router.argv, env: {}, nodes: role === null || role === 'router' ? [...nodes, router] : nodes, passEnv: built.passEnv}
    // With vLLM the servers' key is VLLM_API_KEY by name (shown as "<from R1_API_KEY>"); the router's stays a ${R1_API_KEY} reference.
    const shown = result({...plan, nodes: d.ratio.prefillNodes + d.ratio.decodeNodes}, spec, {...options, nodeRank: null}, apiKeyEnv, {checks: [], installedVersion: null, mode: 'dry-run', version: d.engineVersion})
    if (apiKeyEnv === VLLM_API_KEY_ENV) shown.commands = shown.commands.map((c, i) => (i < nodes.length ? c : {...c, env: router.env}))
    return shown
  }

  if (role === null) {
    throw new R1Error('R1_USAGE', 'this plan is disaggregated: say which piece runs here with --role prefill|decode|router (and --node-rank for prefill and decode).', {
      suggestions: ['See every node\'s command with r1 serve --plan FILE --dry-run.'],
    })
  }

  if (role === 'router') return serveRouter(deps, options, events, plan, d, profile, apiKeyEnv)
  const wanted = pick(d, role, options.nodeRank)
  const local = {...options, headAddress: null, host: '127.0.0.1', nodeRank: 0, port: wanted.httpPort ?? d.router.port}
  const piece = pieceName(local.port, role, wanted.node)
  await stopLeftovers(deps, options, events, piece)
  let spec: CommandSpec | null = null
  const commandFor = (version: string): CommandSpec => {
    const node = pick(pdCommands(plan, d, profile, version, events, apiKeyEnv), role, options.nodeRank)
    const passEnv = [...new Set([...d.passEnv, ...(apiKeyEnv ? [apiKeyEnv] : [])])]
    spec = {...wrap(deps, options, {...d, passEnv}, version, node.argv, node.env, piece), nodes: [], passEnv}
    return spec
  }

  const preflighted = await preflight(deps, local, events, {apiKeyEnv, command: commandFor, plan: rolePlan(plan, d, role, commandFor(d.engineVersion)), profile})
  const node: NodeCommand = {...preflighted.node, rank: wanted.rank, role: wanted.rank === 0 ? 'head' : 'worker'}
  return launch(deps, local, events, {apiKeyEnv, base: preflighted.base, node, piece, plan: rolePlan(plan, d, role, spec ?? preflighted.spec), spec: preflighted.spec})
}

/** The router: wait until every prefill and decode leader answers /health, then start it and wait for its own answer. */
async function serveRouter(deps: ServeDeps, options: ServeOptions, events: ServeEvents, plan: PlanConfig, d: DisaggregatedPlan, profile: Profile | null, serverKeyEnv: string | null): Promise<ServeResult> {
  const built = pdCommands(plan, d, profile, d.engineVersion, events, serverKeyEnv)
  // The router takes the key as `--api-key ${R1_API_KEY}` (none from a router that cannot take one: buildPd warned).
  const apiKeyEnv = built.router.argv.includes(`\${${ROUTER_API_KEY_ENV}}`) ? ROUTER_API_KEY_ENV : null
  const backends = [...built.router.prefill.map((p) => p.url), ...built.router.decode]
  const unknown = backends.filter((u) => u.includes('<'))
  if (unknown.length > 0) {
    throw new R1Error('R1_USAGE', `the router needs the nodes' addresses: ${unknown.join(', ')}`, {suggestions: ['Plan again with --node-addresses (one address per node, prefill nodes first).']})
  }

  const checks: PreflightCheck[] = []
  const port = built.router.port
  const piece = pieceName(port, 'router', null)
  await stopLeftovers(deps, options, events, piece)
  const free = await deps.isPortFree('0.0.0.0', port)
  const portCheck: PreflightCheck = free
    ? {detail: `port ${port} is free`, id: 'port', ok: true, suggestions: []}
    : {detail: `port ${port} is in use`, id: 'port', ok: false, suggestions: ['Stop what listens there, or plan with another --port.']}
  checks.push(portCheck)
  events.check?.(portCheck)
  const passEnv = apiKeyEnv ? [apiKeyEnv] : []
  const spec: CommandSpec = {...wrap(deps, options, {...d, passEnv}, d.engineVersion, built.router.argv, built.router.env, piece), nodes: [], passEnv}
  const local = {...options, host: '127.0.0.1', nodeRank: null, port}
  if (!free) throw new R1Error('R1_PORT_BUSY', portCheck.detail, {data: result(plan, spec, local, apiKeyEnv, {checks, installedVersion: null, mode: 'serve', version: d.engineVersion}), suggestions: portCheck.suggestions})

  await waitForBackends(deps, options, events, backends)
  const node: NodeCommand = {argv: spec.argv, before: [], env: spec.env, rank: 0, role: 'head'}
  return launch(deps, local, events, {apiKeyEnv, base: {checks, installedVersion: null, mode: 'serve', version: d.engineVersion}, node, piece, plan, spec})
}

/**
 * Every backend's GET /health answers 200, or the ready deadline passes (exit 5 naming the ones still down), or a
 * stop signal comes (exit 130; nothing was started). Waiting is the router's work here: a timer holds the event
 * loop while it waits (deps.sleep does not, and with no engine running yet Node would end r1 mid-wait).
 */
export async function waitForBackends(deps: ServeDeps, options: ServeOptions, events: ServeEvents, urls: readonly string[]): Promise<void> {
  const started = deps.now()
  const pending = new Set(urls)
  let said = ''
  let signalled: StopSignal | null = null
  let wake: () => void = () => {}
  const uninstall = deps.onStopSignal((signal) => {
    signalled = signal
    wake()
  })
  const release = holdOpen()
  const interrupted = (): R1Error => new R1Error('R1_INTERRUPTED', `interrupted (${signalled}) while the router waited for its backends; nothing was started.`, {suggestions: []})
  try {
    while (pending.size > 0) {
      for (const url of [...pending]) {
        const answer = await deps.httpGet(`${url}/health`, {timeoutMs: 3000})
        if (answer?.status === 200) pending.delete(url)
        if (signalled) throw interrupted()
      }

      if (pending.size === 0) break
      const text = `router: waiting for ${pending.size} of ${urls.length} backends (${[...pending].join(', ')})`
      if (text !== said) events.phase?.({phase: 'starting'} as never, (said = text))
      if ((deps.now() - started) / 1000 >= options.readyTimeoutS) {
        throw new R1Error('R1_ENGINE_NOT_READY', `the router's backends were not ready after ${formatDuration(options.readyTimeoutS)}: ${[...pending].join(', ')}`, {
          suggestions: ['Start them first: r1 serve --plan FILE --role prefill|decode --node-rank N on each node.', 'Give them longer with --ready-timeout 90m.'],
        })
      }

      await Promise.race([deps.sleep(options.pollMs ?? 1000), new Promise<void>((resolve) => (wake = resolve))])
      if (signalled) throw interrupted()
    }
  } finally {
    release()
    uninstall()
  }
}
