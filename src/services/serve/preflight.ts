/**
 * Preflight for `r1 serve`: the installed engine, the GPUs and their free memory, the port, the weights
 * and the token, /dev/shm and the driver. Every check prints its line; the first failure decides the error.
 */
import type {Engine} from '../../core/constants.js'
import type {DetectResult} from '../../core/detect/detect.schema.js'
import {R1Error, type ErrorCode} from '../../core/errors.js'
import type {CommandSpec, NodeCommand, PlanConfig} from '../../core/planner/plan.schema.js'
import {fmtGiB} from '../../core/units.js'
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
} from '../../core/serve/preflight.js'
import {commandFor, pickNode, type Profile, result, shmArgOf} from './command.js'
import type {ServeDeps, ServeEvents, ServeOptions} from './deps.js'

export interface PreflightInput {
  plan: PlanConfig
  profile: Profile | null
  apiKeyEnv: string | null
  /** The command for the installed release when it is not the plan's own (a disaggregated role: serve/roles.ts). */
  command?: (version: string) => CommandSpec
}

export interface Preflighted {
  spec: CommandSpec
  node: NodeCommand
  base: {checks: PreflightCheck[]; installedVersion: string | null; mode: 'serve'; version: string}
  /** This machine's GPUs (for the calibration record), when detect answered. */
  detected: DetectResult | null
}

/** Runs every check; throws the first failure's error (with the result as data), or asks before a download. */
export async function preflight(deps: ServeDeps, options: ServeOptions, events: ServeEvents, input: PreflightInput): Promise<Preflighted> {
  const {plan, profile, apiKeyEnv} = input
  const checks: PreflightCheck[] = []
  const record = (check: PreflightCheck) => {
    checks.push(check)
    events.check?.(check)
  }

  const installed = await probeEngine(deps, plan.engine, options.docker)
  // The release that will run: the installed one (read with `vllm --version` / `import sglang`, under a deadline), or
  // under --docker the image r1 pins for the plan's release. The installed one must be known to r1 and able to run the plan.
  const needs = {
    layout: {dataParallel: plan.dataParallel, dpAttention: plan.dpAttention, expertParallel: plan.expertParallel, gpusPerNode: plan.gpusPerNode, nodes: plan.nodes, pipelineParallel: plan.pipelineParallel, tensorParallel: plan.tensorParallel},
    quantization: profile?.checkpoint.engineQuantization[plan.engine] ?? null,
    repo: plan.checkpoint,
  }
  const engineCheck: PreflightCheck =
    installed.timedOutS !== null
      ? {
          detail: `${installed.command} did not answer within ${installed.timedOutS} s`,
          id: 'engine',
          ok: false,
          suggestions: [`Run ${installed.command} yourself to see where it hangs (a broken CUDA or Python install, a network file system).`],
        }
      : options.docker
        ? dockerCheck(installed)
        : checkEngine(plan.engine, installed, plan.engineVersion, needs)
  record(engineCheck)
  const version = !options.docker && installed.version && engineCheck.ok ? installed.version : plan.engineVersion
  const spec = input.command ? input.command(version) : commandFor(plan, profile, version, options, apiKeyEnv, events, deps.disk.hubCacheDir(deps.env))
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
    record(checkGpuMemory(gpus, plan.gpusPerNode, utilization, plan.engine, plan.requiredFreeBytes ?? null))
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
    const ok = await deps.confirm(`${plan.checkpoint} is not cached: the engine will download ${fmtGiB(checkpoint.diskBytes)} GiB. Start?`)
    if (!ok) throw new R1Error('R1_INTERRUPTED', 'not started.', {suggestions: ['Pass --yes to start without asking.']})
  }

  return {base, detected, node, spec}
}

/** How long the version probe may take: importing vLLM or SGLang (torch, CUDA) takes seconds to tens of seconds. */
const PROBE_TIMEOUT_S = 60

interface EngineProbe {
  found: boolean
  version: string | null
  command: string
  /** The probe hit its deadline after this many seconds; null when it answered. */
  timedOutS: number | null
}

async function probeEngine(deps: ServeDeps, engine: Engine, docker: boolean): Promise<EngineProbe> {
  const [cmd, args] = docker
    ? ['docker', ['--version']]
    : engine === 'vllm'
      ? ['vllm', ['--version']]
      : ['python3', ['-c', 'import sglang; print(sglang.__version__)']]
  const env = Number(deps.env.R1_ENGINE_PROBE_TIMEOUT)
  const timeoutS = Number.isFinite(env) && env > 0 && env <= 3600 ? env : PROBE_TIMEOUT_S
  const r = await deps.runner.capture(cmd, args, {timeoutMs: timeoutS * 1000})
  const command = docker ? 'docker --version' : engine === 'vllm' ? 'vllm --version' : 'python3 -c "import sglang"'
  const base = {command, timedOutS: r.timedOut ? timeoutS : null}
  if (r.notFound) return {...base, found: false, version: null}
  if (docker) return {...base, found: r.exitCode === 0, version: r.stdout.match(/version ([\w.-]+)/)?.[1] ?? null}
  if (engine === 'sglang' && r.exitCode !== 0) return {...base, found: false, version: null}
  return {...base, found: true, version: r.exitCode === 0 ? parseEngineVersion(r.stdout) : null}
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
