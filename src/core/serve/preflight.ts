/**
 * Preflight decisions: facts gathered by the service in, one pass/fail line out per check.
 * A failed check carries what to do. Pure.
 */
import type {Architecture, Engine} from '../constants.js'
import {checkpointSupportReason, layoutSupportReasons} from '../engines/layout-support.js'
import {resolveRelease, type ResolvedRelease} from '../engines/versions.js'
import type {Layout} from '../planner/plan.schema.js'
import {fmtGiB} from '../units.js'

export const CHECK_IDS = ['engine', 'gpus', 'gpu-memory', 'port', 'weights', 'hf-token', 'shm', 'driver'] as const
export type CheckId = (typeof CHECK_IDS)[number]

export interface PreflightCheck {
  id: CheckId
  ok: boolean
  /** One line: "vLLM 0.11.0 installed", "port 8000 on 127.0.0.1 is in use". */
  detail: string
  suggestions: string[]
}

const GIB = 1024 ** 3
const gib = (bytes: number): string => `${fmtGiB(bytes)} GiB`
const ENGINE_NAMES: Record<Engine, string> = {sglang: 'SGLang', vllm: 'vLLM'}

/** `vllm --version` prints "0.11.0" (newer) or "INFO ... \n0.8.4"; SGLang's probe prints "0.5.3". */
export function parseEngineVersion(output: string): string | null {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  for (const line of lines.reverse()) {
    const m = line.match(/^(?:v|vllm |sglang )?(\d+\.\d+(?:\.\d+)?(?:[.+-][\w.+-]*)?)$/i)
    if (m) return m[1]
  }

  return null
}

/** What of the plan the installed release must be able to run: its layout, and the checkpoint's --quantization. */
export interface PlanNeeds {
  layout: Layout
  quantization: string | null
  repo: string
}

/**
 * The installed engine: found, its version read, a release r1 knows (older than every known release: refused with
 * the supported range; newer: the newest known, said here), and able to run the plan's layout and checkpoint.
 */
export function checkEngine(engine: Engine, probe: {found: boolean; version: string | null}, plannedVersion: string, needs?: PlanNeeds): PreflightCheck {
  const name = ENGINE_NAMES[engine]
  const install = engine === 'vllm' ? 'pip install vllm' : 'pip install "sglang[all]"'
  if (!probe.found || probe.version === null) {
    return {
      detail: probe.found ? `${name} is installed but its version could not be read` : `${name} is not installed (not on PATH)`,
      id: 'engine',
      ok: false,
      suggestions: [`Install it: ${install} (in the Python environment on PATH).`, 'Or serve with --docker, which runs the engine\'s official image.'],
    }
  }

  let resolved: ResolvedRelease
  try {
    resolved = resolveRelease(engine, probe.version)
  } catch (error) {
    return {
      detail: `${name} ${probe.version} installed: ${(error as Error).message}`,
      id: 'engine',
      ok: false,
      suggestions: [`Upgrade it: ${install.replace('pip install', 'pip install -U')}.`, 'Or serve with --docker, which runs the image of the planned release.'],
    }
  }

  if (needs) {
    const blockers = [
      ...layoutSupportReasons(engine, probe.version, needs.layout),
      checkpointSupportReason(engine, probe.version, needs.quantization, needs.repo),
    ].filter((r): r is string => r !== null)
    if (blockers.length > 0) {
      return {
        detail: `${name} ${probe.version} installed, but it cannot run this plan: ${blockers[0]}`,
        id: 'engine',
        ok: false,
        suggestions: [`Plan for the installed release: r1 plan ... --engine ${engine} --engine-version ${probe.version}.`, `Or upgrade ${name} (the plan was made for ${plannedVersion}), or serve with --docker.`],
      }
    }
  }

  const notes = [
    ...(probe.version === plannedVersion ? [] : [`the plan was made for ${plannedVersion}; the command is rebuilt for ${probe.version}`]),
    ...(resolved.warning ? [resolved.warning] : []),
  ]
  return {detail: `${name} ${probe.version} installed${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`, id: 'engine', ok: true, suggestions: []}
}

export interface GpuFact {
  name: string
  memoryTotalBytes: number | null
  memoryUsedBytes: number | null
}

export function checkGpus(found: readonly GpuFact[], need: number, plannedName: string): PreflightCheck {
  const same = found.filter((g) => sameGpu(g.name, plannedName))
  if (found.length === 0) {
    return {detail: `no NVIDIA GPU found; the plan needs ${need}× ${plannedName}`, id: 'gpus', ok: false, suggestions: ['Run r1 detect to see what this machine has.']}
  }

  if (same.length < need) {
    const have = summarise(found)
    return {
      detail: `the plan needs ${need}× ${plannedName} on this node; found ${have}`,
      id: 'gpus',
      ok: false,
      suggestions: ['Make a plan for this machine: r1 serve with the plan flags (it plans for the GPUs it finds), or r1 plan --out plan.json here.'],
    }
  }

  return {detail: `${need}× ${plannedName} present (${found.length} on this node)`, id: 'gpus', ok: true, suggestions: []}
}

/**
 * Memory other processes hold: vLLM (from 0.9.1) refuses to start when free memory is below
 * ceil(total × gpu_memory_utilization); SGLang starts, but its pool shrinks with what is free before the
 * weights load (mem_fraction_static × free − weights). The plan's requiredFreeBytes is the same rule the
 * planner used (memory.ts), so a plan made on this machine passes here. Refuse, and say what would fit.
 */
export function checkGpuMemory(found: readonly GpuFact[], need: number, utilization: number, engine: Engine, requiredFreeBytes?: number | null): PreflightCheck {
  const used = found
    .slice(0, need)
    .map((g, index) => ({free: (g.memoryTotalBytes ?? 0) - (g.memoryUsedBytes ?? 0), g, index}))
    .filter(({g}) => g.memoryTotalBytes !== null && g.memoryUsedBytes !== null)
  if (used.length === 0) return {detail: 'free GPU memory unknown (nvidia-smi did not report it); not checked', id: 'gpu-memory', ok: true, suggestions: []}
  const worst = used.reduce((a, b) => (b.free < a.free ? b : a))
  const total = worst.g.memoryTotalBytes ?? 0
  // vLLM's own check (request_memory(), vllm/v1/worker/utils.py@v0.14.0): math.ceil(total × util) must be free.
  const required = engine === 'vllm' ? Math.ceil(utilization * total) : (requiredFreeBytes ?? utilization * total)
  const what = engine === 'vllm' ? `${Math.round(utilization * 100)}% of ${gib(total)}` : 'for one request of the plan\'s context in SGLang\'s pool'
  if (worst.free >= required) {
    return {detail: `${gib(worst.free)} free of ${gib(total)} on the busiest GPU (GPU ${worst.index}); the plan needs ${gib(required)} (${what})`, id: 'gpu-memory', ok: true, suggestions: []}
  }

  // The planner's rule (memory.ts vllmStartMarginBytes): the engine's CUDA context and NCCL come first.
  const margin = need > 1 ? 1.5 * GIB : GIB
  const fit = Math.floor(((worst.free - margin) / total) * 100) / 100
  const suggestions = ['Stop the other processes on these GPUs (nvidia-smi lists them), then start again.']
  if (engine === 'vllm' && fit > 0.05) suggestions.push(`Or re-plan on this machine, which sizes the plan to what is free: r1 plan (it would choose --gpu-memory-utilization ${fit.toFixed(2)} or less, and less KV cache).`)
  if (engine === 'sglang') suggestions.push('Or re-plan on this machine with a shorter --context: r1 plan sizes SGLang\'s pool to what is free.')
  return {
    detail: `other processes use ${gib(worst.g.memoryUsedBytes ?? 0)} of GPU ${worst.index}: ${gib(worst.free)} free, the plan needs ${gib(required)} (${what})`,
    id: 'gpu-memory',
    ok: false,
    suggestions,
  }
}

export function checkPort(free: boolean, host: string, port: number): PreflightCheck {
  return free
    ? {detail: `port ${port} on ${host} is free`, id: 'port', ok: true, suggestions: []}
    : {
        detail: `port ${port} on ${host} is in use`,
        id: 'port',
        ok: false,
        suggestions: [`Pick another port (--port ${port + 1}), or stop what listens there (ss -ltnp 'sport = :${port}').`],
      }
}

export interface WeightsFact {
  repo: string
  /** Where the snapshot is, when every file the index lists is present. */
  cachedPath: string | null
  cacheDir: string
  freeBytes: number | null
  checkpointBytes: number
}

export function checkWeights(f: WeightsFact): PreflightCheck {
  if (f.cachedPath !== null) return {detail: `${f.repo} is in the Hugging Face cache (${f.cachedPath})`, id: 'weights', ok: true, suggestions: []}
  if (f.freeBytes === null) {
    return {detail: `${f.repo} is not in the cache; free space at ${f.cacheDir} unknown, the engine will download ${gib(f.checkpointBytes)}`, id: 'weights', ok: true, suggestions: []}
  }

  const need = f.checkpointBytes * 1.02
  if (f.freeBytes >= need) {
    return {detail: `${f.repo} is not cached; the engine will download ${gib(f.checkpointBytes)} to ${f.cacheDir} (${gib(f.freeBytes)} free)`, id: 'weights', ok: true, suggestions: []}
  }

  return {
    detail: `${f.repo} is not cached and ${f.cacheDir} has ${gib(f.freeBytes)} free; the checkpoint needs ${gib(f.checkpointBytes)}`,
    id: 'weights',
    ok: false,
    suggestions: ['Free space there, or point HF_HOME at a disk with room (export HF_HOME=/big/disk/huggingface).'],
  }
}

export function checkHfToken(repo: string, gated: boolean, tokenSet: boolean, cached: boolean): PreflightCheck {
  if (!gated) return {detail: `${repo} is not gated`, id: 'hf-token', ok: true, suggestions: []}
  if (tokenSet) return {detail: `${repo} is gated; HF_TOKEN is set (passed to the engine by name)`, id: 'hf-token', ok: true, suggestions: []}
  if (cached) return {detail: `${repo} is gated and HF_TOKEN is not set, but the weights are cached`, id: 'hf-token', ok: true, suggestions: []}
  return {
    detail: `${repo} is gated and HF_TOKEN is not set`,
    id: 'hf-token',
    ok: false,
    suggestions: ['Accept the model\'s terms on huggingface.co, then export HF_TOKEN=<a token with access>.'],
  }
}

/** NCCL moves tensors through /dev/shm between the GPUs of a node; docker's default 64 MB is far too small. */
export const MIN_SHM_BYTES = GIB

export function checkShm(shmBytes: number | null, gpusPerNode: number, docker: {shmArg: string | null} | null): PreflightCheck {
  if (gpusPerNode <= 1) return {detail: 'one GPU: /dev/shm not needed', id: 'shm', ok: true, suggestions: []}
  if (docker) {
    return docker.shmArg === null
      ? {detail: 'the docker command sets neither --shm-size nor --ipc=host', id: 'shm', ok: false, suggestions: ['Add --shm-size 32g (or --ipc=host) to the docker form.']}
      : {detail: `docker runs with ${docker.shmArg}`, id: 'shm', ok: true, suggestions: []}
  }

  if (shmBytes === null) return {detail: '/dev/shm size unknown; not checked', id: 'shm', ok: true, suggestions: []}
  if (shmBytes >= MIN_SHM_BYTES) return {detail: `/dev/shm has ${gib(shmBytes)} for ${gpusPerNode}-GPU parallelism`, id: 'shm', ok: true, suggestions: []}
  return {
    detail: `/dev/shm is ${gib(shmBytes)}; ${gpusPerNode}-GPU parallelism needs at least ${gib(MIN_SHM_BYTES)}`,
    id: 'shm',
    ok: false,
    suggestions: ['Enlarge it: sudo mount -o remount,size=32G /dev/shm (in a container: --shm-size 32g or --ipc=host).'],
  }
}

export const BLACKWELL_MIN_DRIVER = 570

export function checkDriver(architecture: Architecture, driverVersion: string | null): PreflightCheck {
  if (architecture !== 'blackwell') return {detail: `driver ${driverVersion ?? 'unknown'}`, id: 'driver', ok: true, suggestions: []}
  const major = driverVersion === null ? Number.NaN : Number.parseInt(driverVersion, 10)
  if (Number.isNaN(major)) return {detail: 'Blackwell: driver version unknown; CUDA 12.8 builds need driver 570 or newer', id: 'driver', ok: true, suggestions: []}
  if (major >= BLACKWELL_MIN_DRIVER) return {detail: `driver ${driverVersion}: new enough for a CUDA 12.8+ build on Blackwell`, id: 'driver', ok: true, suggestions: []}
  return {
    detail: `driver ${driverVersion} is too old for Blackwell: CUDA 12.8+ builds need driver ${BLACKWELL_MIN_DRIVER} or newer`,
    id: 'driver',
    ok: false,
    suggestions: [`Install an NVIDIA driver ${BLACKWELL_MIN_DRIVER} or newer (575+ for vLLM's default CUDA 12.9 wheels).`],
  }
}

/** "NVIDIA H200" matches "NVIDIA H200" and "H200 SXM 141GB"-style catalog names loosely. */
export function sameGpu(found: string, planned: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/^nvidia\s+/, '').replaceAll(/[^a-z0-9]+/g, ' ').trim()
  const a = norm(found)
  const b = norm(planned)
  return a === b || a.includes(b) || b.includes(a)
}

function summarise(found: readonly GpuFact[]): string {
  const counts = new Map<string, number>()
  for (const g of found) counts.set(g.name, (counts.get(g.name) ?? 0) + 1)
  return [...counts].map(([name, n]) => `${n}× ${name}`).join(', ')
}
