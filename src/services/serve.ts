/**
 * `r1 serve`: resolve the plan, preflight, launch the engine in its own process group, watch its log,
 * wait for /health and /v1/models, then supervise until a signal; stop cleanly (grace, then SIGKILL).
 * Every side effect comes in through `deps`, so tests drive it with fakes.
 */
import type {Engine} from '../core/constants.js'
import type {DetectResult} from '../core/detect/detect.schema.js'
import {buildEngine, dockerCommand, jetsonKind, substituteEnvRefs, VLLM_API_KEY_ENV} from '../core/engines/index.js'
import {R1Error, type ErrorCode} from '../core/errors.js'
import type {CommandSpec, NodeCommand, PlanConfig} from '../core/planner/plan.schema.js'
import type {PlanCore} from '../core/planner/types.js'
import type {Catalog, Checkpoint, ModelProfile} from '../core/profiles/catalog.js'
import {betterDiagnosis, type Diagnosis, type DiagnosisContext} from '../core/serve/diagnose.js'
import {formatDuration, parseDuration} from '../core/serve/duration.js'
import {compareKv, describePhase, INITIAL_LOG_STATE, type KvComparison, type LogState, parseLogLine, PHASE_LABELS, reduceLog} from '../core/serve/log.js'
import {
  checkDriver,
  checkEngine,
  checkGpuMemory,
  checkGpus,
  checkHfToken,
  checkPort,
  checkShm,
  checkWeights,
  type CheckId,
  type GpuFact,
  parseEngineVersion,
  type PreflightCheck,
} from '../core/serve/preflight.js'
import type {ServeResult} from '../core/serve/serve.schema.js'
import {curlExample, endpointUrl, redactEnv, servedModelName} from '../core/serve/usage.js'
import {findCachedSnapshot, freeBytes, hfHubCacheDir, readTextFile, shmSizeBytes} from '../io/disk.js'
import type {Runner} from '../io/exec.js'
import {type HttpAnswer, httpGet, isPortFree} from '../io/net.js'
import {now, onStopSignal, sleep, type StopSignal} from '../io/signals.js'
import {defaultDetectDeps, detect} from './detect.js'
import {doesNotFit, type PlanContext, planDeps, type PlanFlags, planFromFlags} from './plan.js'

export interface ServeDeps {
  runner: Runner
  env: Record<string, string | undefined>
  loadCatalog: () => Promise<Catalog>
  /** GPUs on this machine (r1 detect). */
  detect: () => Promise<DetectResult>
  isPortFree: (host: string, port: number) => Promise<boolean>
  httpGet: (url: string, options?: {timeoutMs?: number; headers?: Record<string, string>}) => Promise<HttpAnswer | null>
  disk: {
    hubCacheDir: (env: Record<string, string | undefined>) => string
    findCachedSnapshot: (cacheDir: string, repo: string) => string | null
    freeBytes: (path: string) => number | null
    shmSizeBytes: () => number | null
  }
  onStopSignal: (handler: (signal: StopSignal) => void) => () => void
  sleep: (ms: number) => Promise<void>
  now: () => number
  /** Asked before an expensive start (a download) unless --yes; false refuses. */
  confirm: (question: string) => Promise<boolean>
}

/** The real dependencies, around the runner, environment and catalog the command layer gives. */
export function createServeDeps(base: Pick<ServeDeps, 'runner' | 'env' | 'loadCatalog' | 'detect' | 'confirm'>): ServeDeps {
  return {
    ...base,
    disk: {findCachedSnapshot, freeBytes, hubCacheDir: hfHubCacheDir, shmSizeBytes: () => shmSizeBytes()},
    httpGet,
    isPortFree,
    now,
    onStopSignal,
    sleep,
  }
}

/** Reads --plan FILE from disk. */
export const readPlanFromDisk = (path: string): Promise<PlanConfig> => readPlanFile(path, readTextFile)

export interface ServeOptions {
  /** The plan: read from --plan FILE, or made from the plan flags. */
  resolvePlan: () => Promise<{plan: PlanConfig; source: 'file' | 'flags'}>
  host: string
  port: number
  /** The API key's value (from R1_API_KEY or --api-key); never printed. */
  apiKey: string | null
  /** Where the key came from, for the placeholders people see. */
  apiKeySource: string
  docker: boolean
  nodeRank: number | null
  headAddress: string | null
  readyTimeoutS: number
  stopTimeoutS: number
  yes: boolean
  dryRun: boolean
  pollMs?: number
}

/** What the command shows while serving (stderr), and the ready banner (stdout). */
export interface ServeEvents {
  plan?(plan: PlanConfig, source: 'file' | 'flags'): void
  check?(check: PreflightCheck): void
  warn?(message: string): void
  launch?(node: NodeCommand, shown: {argv: string[]; env: Record<string, string>; passEnv: string[]}): void
  line?(stream: 'stdout' | 'stderr', line: string): void
  phase?(state: LogState, text: string): void
  kv?(comparison: KvComparison): void
  ready?(result: ServeResult): void
  stopping?(signal: StopSignal, graceS: number): void
  failed?(result: ServeResult): void
}

const TAIL_LINES = 40
const ENGINE_NAMES: Record<Engine, string> = {sglang: 'SGLang', vllm: 'vLLM'}

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

  // Preflight: every check prints its line; the first failure decides the error.
  const checks: PreflightCheck[] = []
  const record = (check: PreflightCheck) => {
    checks.push(check)
    events.check?.(check)
  }

  const installed = await probeEngine(deps, plan.engine, options.docker)
  record(options.docker ? dockerCheck(installed) : checkEngine(plan.engine, installed, plan.engineVersion))
  const version = !options.docker && installed.version ? installed.version : plan.engineVersion
  const spec = commandFor(plan, profile, version, options, apiKeyEnv, events, deps.disk.hubCacheDir(deps.env))
  const node = pickNode(spec, options.nodeRank ?? 0)

  let detected: DetectResult | null = null
  try {
    detected = await deps.detect()
  } catch (error) {
    record({detail: error instanceof Error ? error.message : String(error), id: 'gpus', ok: false, suggestions: ['Run r1 detect to see what is wrong.']})
  }

  if (detected) {
    const gpus: GpuFact[] = detected.gpus.map((g) => ({
      memoryTotalBytes: g.memoryTotalMiB === null ? null : g.memoryTotalMiB * 2 ** 20,
      memoryUsedBytes: g.memoryUsedMiB === null ? null : g.memoryUsedMiB * 2 ** 20,
      name: g.name,
    }))
    record(checkGpus(gpus, plan.gpusPerNode, plan.gpu.name))
    const utilization = plan.engine === 'vllm' ? (plan.gpuMemoryUtilization ?? 0.9) : (plan.memFractionStatic ?? 0.85)
    record(checkGpuMemory(gpus, plan.gpusPerNode, utilization, plan.engine))
  }

  if (node.role === 'head') record(checkPort(await deps.isPortFree(options.host, options.port), options.host, options.port))
  const cacheDir = deps.disk.hubCacheDir(deps.env)
  const cachedPath = deps.disk.findCachedSnapshot(cacheDir, plan.checkpoint)
  const checkpoint = profile?.checkpoint ?? null
  if (checkpoint) {
    record(checkWeights({cacheDir, cachedPath, checkpointBytes: checkpoint.diskBytes, freeBytes: deps.disk.freeBytes(cacheDir), repo: plan.checkpoint}))
    record(checkHfToken(plan.checkpoint, checkpoint.gated, Boolean(deps.env.HF_TOKEN), cachedPath !== null))
  }

  record(checkShm(deps.disk.shmSizeBytes(), plan.gpusPerNode, options.docker ? {shmArg: shmArgOf(node.argv)} : null))
  record(checkDriver(plan.gpu.architecture, detected?.driverVersion ?? null))

  const failed = checks.find((c) => !c.ok)
  const base = {checks, installedVersion: installed.version, mode: 'serve' as const, version}
  if (failed) {
    const failures = checks.filter((c) => !c.ok)
    throw new R1Error(CHECK_ERRORS[failed.id], `preflight failed: ${failures.map((c) => c.detail).join('; ')}`, {
      data: result(plan, spec, options, apiKeyEnv, base),
      suggestions: failures.flatMap((c) => c.suggestions),
    })
  }

  if (cachedPath === null && checkpoint && !options.yes) {
    const ok = await deps.confirm(`${plan.checkpoint} is not cached: the engine will download ${(checkpoint.diskBytes / 1e9).toFixed(0)} GB. Start?`)
    if (!ok) throw new R1Error('R1_INTERRUPTED', 'not started.', {suggestions: ['Pass --yes to start without asking.']})
  }

  return launch(deps, options, events, {apiKeyEnv, base, node, plan, spec})
}

interface LaunchInput {
  plan: PlanConfig
  spec: CommandSpec
  node: NodeCommand
  apiKeyEnv: string | null
  base: {checks: PreflightCheck[]; installedVersion: string | null; mode: 'serve'; version: string}
}

async function launch(deps: ServeDeps, options: ServeOptions, events: ServeEvents, input: LaunchInput): Promise<ServeResult> {
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

  const engineName = options.docker ? 'docker' : ENGINE_NAMES[plan.engine]
  const proc = await deps.runner.spawn(argv[0], argv.slice(1), {env: launchEnv, logArgs: node.argv.slice(1), onLine})
  const exited = proc.exited.then((r) => ({...r, kind: 'exited' as const}))

  let signalled: StopSignal | null = null
  let wake: (() => void) | null = null
  let stopping = false
  const uninstall = deps.onStopSignal((signal) => {
    if (stopping) {
      proc.killGroup('SIGKILL') // a second Ctrl-C: no more waiting
      return
    }

    signalled = signal
    wake?.()
  })
  const signalWait = () =>
    new Promise<{kind: 'signal'}>((resolve) => {
      wake = () => resolve({kind: 'signal'})
      if (signalled) wake()
    })

  const finish = (code: ErrorCode, message: string, suggestions: string[]): never => {
    out.phase = state.phase
    out.logTail = [...tail]
    if (diagnosis) {
      const {rank: _rank, ...d} = diagnosis
      out.diagnosis = d
    }

    if (code !== 'R1_INTERRUPTED') events.failed?.(out)
    throw new R1Error(code, message, {data: out, suggestions})
  }

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    stopping = true
    proc.killGroup(signal)
    const graceMs = options.stopTimeoutS * 1000
    const r = await Promise.race([exited, deps.sleep(graceMs).then(() => null)])
    if (r === null) {
      events.warn?.(`${engineName} did not stop within ${formatDuration(options.stopTimeoutS)}: sending SIGKILL`)
      proc.killGroup('SIGKILL')
      await exited
    }

    proc.killGroup('SIGKILL') // workers the engine forked and left behind
    if (options.docker) {
      // The docker client forwards SIGTERM to the container, but a SIGKILLed client leaves it running.
      await deps.runner.capture('docker', ['kill', containerName(options.port, node.rank)], {timeoutMs: 30_000})
    }
  }

  try {
    const started = deps.now()
    const pollMs = options.pollMs ?? 1000
    const host = options.host
    const headers: Record<string, string> = options.apiKey === null ? {} : {Authorization: `Bearer ${options.apiKey}`}
    const model = out.servedModelName
    const isHead = node.role === 'head'
    let ready = false
    let lastProbe: string | null = null

    // Wait for ready (the head only: a worker node has no HTTP server).
    while (!ready) {
      const woke = await Promise.race([exited, signalWait(), deps.sleep(pollMs).then(() => ({kind: 'tick' as const}))])
      if (woke.kind === 'exited') {
        if (woke.notFound) {
          finish('R1_ENGINE_MISSING', `${argv[0]} is not on PATH.`, [`Install ${ENGINE_NAMES[plan.engine]}, or serve with --docker.`])
        }

        const how = woke.signal ? `was killed by ${woke.signal}` : `exited with code ${woke.exitCode}`
        const d = diagnosis as (Diagnosis & {rank: number}) | null
        proc.killGroup('SIGKILL')
        finish('R1_ENGINE_FAILED', `${engineName} ${how} before it was ready (while ${PHASE_LABELS[state.phase]})${d ? `: ${d.summary}` : '.'}`, d?.suggestions ?? [
          'Read the log lines above for the cause; rerun with --verbose to see the exact command.',
        ])
      }

      if (woke.kind === 'signal' && signalled) {
        events.stopping?.(signalled, options.stopTimeoutS)
        await stop(signalled)
        finish('R1_INTERRUPTED', `interrupted (${signalled}) while ${PHASE_LABELS[state.phase]}; ${engineName} stopped.`, [])
      }

      if ((deps.now() - started) / 1000 >= options.readyTimeoutS) {
        const where = describePhase(state)
        events.warn?.(`not ready after ${formatDuration(options.readyTimeoutS)}: stopping ${engineName}`)
        await stop('SIGTERM')
        const probed = lastProbe ? ` The server answers, but ${lastProbe}.` : ''
        finish('R1_ENGINE_NOT_READY', `${engineName} was not ready after ${formatDuration(options.readyTimeoutS)}; it was stuck ${where === 'starting' ? 'starting' : `at: ${where}`}.${probed}`, [
          'R1 takes tens of minutes to load: give it longer with --ready-timeout 90m.',
          'Check the last log lines above for what it was waiting on (a download, NCCL between nodes).',
        ])
      }

      // A worker node serves no HTTP: once it has started and not died, it is up; the head reports readiness.
      if (!isHead) {
        ready = true
        continue
      }

      const answer = await probe(deps, host, options.port, model, headers)
      ready = answer === true
      if (typeof answer === 'string') lastProbe = answer
    }

    out.phase = 'ready'
    setPhase({...state, phase: 'ready'})
    events.ready?.(out)

    // Supervise until a signal or the engine's own exit.
    const woke = await Promise.race([exited, signalWait()])
    if (woke.kind === 'signal' && signalled) {
      events.stopping?.(signalled, options.stopTimeoutS)
      await stop(signalled)
      finish('R1_INTERRUPTED', `interrupted (${signalled}); ${engineName} stopped.`, [])
    }

    const gone = woke as {exitCode: number | null; signal: string | null}
    proc.killGroup('SIGKILL')
    if (gone.exitCode === 0) return out
    return finish('R1_ENGINE_FAILED', `${engineName} stopped on its own (${gone.signal ?? `exit code ${gone.exitCode}`}).`, ['Read the log lines above for the cause.'])
  } finally {
    uninstall()
    // `ray start --head` left its daemons outside the engine's process group: stop them too.
    if (node.before.some((cmd) => cmd[0] === 'ray' && cmd[1] === 'start')) {
      await deps.runner.capture('ray', ['stop', '--force'], {timeoutMs: 60_000})
    }
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.')
}

/** The planner and the rebuild for the installed version can say the same thing twice: say it once. */
function sayOnce(given: ServeEvents): ServeEvents {
  const said = new Set<string>()
  return {
    ...given,
    warn(message) {
      if (said.has(message)) return
      said.add(message)
      given.warn?.(message)
    },
  }
}

/** Ready: GET /health answers 200 and GET /v1/models lists the model. Otherwise why not, when the server answers at all. */
async function probe(deps: ServeDeps, host: string, port: number, model: string, headers: Record<string, string>): Promise<true | string | null> {
  const baseUrl = endpointUrl(host, port).replace(/\/v1$/, '')
  const health = await deps.httpGet(`${baseUrl}/health`, {headers, timeoutMs: 3000})
  if (health === null) return null
  if (health.status !== 200) return `GET /health answers ${health.status}`
  const models = await deps.httpGet(`${baseUrl}/v1/models`, {headers, timeoutMs: 3000})
  if (models === null) return 'GET /v1/models does not answer'
  if (models.status !== 200) return `GET /v1/models answers ${models.status}${models.status === 401 ? ' (the API key does not match)' : ''}`
  try {
    const ids = ((JSON.parse(models.body) as {data?: {id?: string}[]}).data ?? []).map((m) => m.id)
    return ids.includes(model) ? true : `GET /v1/models lists ${ids.join(', ') || 'nothing'}, not ${model}`
  } catch {
    return 'GET /v1/models answers something that is not JSON'
  }
}

async function probeEngine(deps: ServeDeps, engine: Engine, docker: boolean): Promise<{found: boolean; version: string | null}> {
  const [cmd, args] = docker
    ? ['docker', ['--version']]
    : engine === 'vllm'
      ? ['vllm', ['--version']]
      : ['python3', ['-c', 'import sglang; print(sglang.__version__)']]
  const r = await deps.runner.capture(cmd, args, {timeoutMs: 120_000})
  if (r.notFound) return {found: false, version: null}
  if (docker) return {found: r.exitCode === 0, version: r.stdout.match(/version ([\w.-]+)/)?.[1] ?? null}
  if (engine === 'sglang' && r.exitCode !== 0) return {found: false, version: null}
  return {found: true, version: r.exitCode === 0 ? parseEngineVersion(r.stdout) : null}
}

function dockerCheck(probe: {found: boolean; version: string | null}): PreflightCheck {
  return probe.found
    ? {detail: `docker ${probe.version ?? ''} installed (the engine runs from its image)`.replace('  ', ' '), id: 'engine', ok: true, suggestions: []}
    : {detail: 'docker is not installed (not on PATH)', id: 'engine', ok: false, suggestions: ['Install Docker and the NVIDIA Container Toolkit, or serve without --docker.']}
}

const CHECK_ERRORS: Record<CheckId, ErrorCode> = {
  driver: 'R1_PREFLIGHT_FAILED',
  engine: 'R1_ENGINE_MISSING',
  'gpu-memory': 'R1_PREFLIGHT_FAILED',
  gpus: 'R1_GPU_MISMATCH',
  'hf-token': 'R1_PREFLIGHT_FAILED',
  port: 'R1_PORT_BUSY',
  shm: 'R1_PREFLIGHT_FAILED',
  weights: 'R1_PREFLIGHT_FAILED',
}

function findProfile(catalog: Catalog, plan: PlanConfig): {model: ModelProfile; checkpoint: Checkpoint} | null {
  const model = catalog.models.find((m) => m.id === plan.model)
  const checkpoint = model?.checkpoints.find((c) => c.id === plan.checkpointId)
  return model && checkpoint ? {checkpoint, model} : null
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

/**
 * The engine command, or with --docker the `docker run` around it: the engine listens on 0.0.0.0 inside the
 * container and the port is published on --host only; the container is named so that a stop can reach it.
 */
function commandFor(
  plan: PlanConfig,
  profile: {model: ModelProfile; checkpoint: Checkpoint} | null,
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

/** The command for the installed (or planned) version, this host, port and key; the plan's own when its profile is unknown. */
function buildCommand(
  plan: PlanConfig,
  profile: {model: ModelProfile; checkpoint: Checkpoint} | null,
  version: string,
  options: ServeOptions,
  apiKeyEnv: string | null,
  events: ServeEvents,
): CommandSpec {
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

function pickNode(spec: CommandSpec, rank: number): NodeCommand {
  if (spec.nodes.length === 0) return {argv: spec.argv, before: [], env: spec.env, rank: 0, role: 'head'}
  return spec.nodes[Math.min(rank, spec.nodes.length - 1)]
}

function shmArgOf(argv: readonly string[]): string | null {
  for (const [i, a] of argv.entries()) {
    if (a === '--shm-size') return `--shm-size ${argv[i + 1] ?? ''}`.trim()
    if (a.startsWith('--shm-size=') || a === '--ipc=host') return a
    if (a === '--ipc' && argv[i + 1] === 'host') return '--ipc host'
  }

  return null
}

function result(
  plan: PlanConfig,
  spec: CommandSpec,
  options: ServeOptions,
  apiKeyEnv: string | null,
  base: {checks: PreflightCheck[]; installedVersion: string | null; mode: 'dry-run' | 'serve'; version: string},
): ServeResult {
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

/** `--plan FILE`: the file `r1 plan --out` writes, validated (zod loaded here only). */
export async function readPlanFile(path: string, read: (path: string) => string | null): Promise<PlanConfig> {
  const text = read(path)
  if (text === null) {
    throw new R1Error('R1_FILE_NOT_FOUND', `plan file not found: ${path}`, {suggestions: ['Write one with r1 plan --out plan.json, or pass the plan flags instead of --plan.']})
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new R1Error('R1_BAD_PLAN_FILE', `${path} is not JSON: ${(error as Error).message}`, {suggestions: ['Write it with r1 plan --out FILE.']})
  }

  const {PlanFile} = await import('../core/planner/plan.schema.js')
  const parsed = PlanFile.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    throw new R1Error('R1_BAD_PLAN_FILE', `${path} is not an r1 plan: ${where}: ${issue.message}`, {
      suggestions: ['Write it again with r1 plan --out FILE (this r1 reads plan files of version 1).'],
    })
  }

  return parsed.data.plan
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
  profiles?: string
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
    const {result, warnings} = await planFromFlags(deps, {...ui.planFlags, yes: true})
    for (const w of warnings) events.warn?.(w)
    if (!result.plan.fits) throw doesNotFit(result)
    return {plan: result.plan, source: 'flags'}
  }

  const apiKey = flags['api-key'] || null
  return serve(
    createServeDeps({confirm: ui.confirm, detect: detectLive, env: ctx.env, loadCatalog, runner: ctx.runner}),
    {
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
    },
    events,
  )
}
