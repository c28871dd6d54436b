/**
 * r1 detect: the GPUs of this machine (nvidia-smi, or the Jetson files where it is missing), or of a saved
 * capture (--from-file). Dependencies come in as arguments so tests pass fakes.
 */
import {applyMigDevices, detectFromCapture} from '../core/detect/capture.js'
import {classifyGpus} from '../core/detect/classify.js'
import {csvRows, parseQueryRows, QUERY_FIELDS} from '../core/detect/csv.js'
import type {DetectResult, HostFacts} from '../core/detect/detect.schema.js'
import {identifyJetson, isJetsonModel, jetsonGpu} from '../core/detect/jetson.js'
import {parseList} from '../core/detect/list.js'
import type {ParsedCapture} from '../core/detect/raw.js'
import {recognizeSmiFailure, smiFailureError} from '../core/detect/smi-errors.js'
import {parseTable} from '../core/detect/table.js'
import {parseTopology} from '../core/detect/topo.js'
import {R1Error} from '../core/errors.js'
import {quoteForeign} from '../core/text/sanitize.js'
import type {GpuProfile} from '../core/profiles/gpu.schema.js'
import type {CaptureResult, Runner} from '../io/exec.js'
import {readStdin, readTextFile} from '../io/files.js'
import {hostFacts} from '../io/host.js'
import {readJetsonFiles} from '../io/nvidia.js'

export interface JetsonTextsIn {
  model: string | null
  tegraRelease: string | null
  compatible?: string | null
}

export interface DetectDeps {
  runner: Runner
  readFile(path: string): Promise<string>
  readStdin(): Promise<string>
  readJetson(): Promise<JetsonTextsIn>
  hostFacts(): Promise<HostFacts>
  catalog: GpuProfile[]
  env: Record<string, string | undefined>
}

export interface DetectOptions {
  /** A capture to read instead of this machine; `-` is stdin. */
  fromFile?: string
  /** Host facts (CPU, RAM, disk, /dev/shm) for a live detect; default true. */
  includeHost?: boolean
}

export interface DetectOutput {
  result: DetectResult
  warnings: string[]
}

const SMI = 'nvidia-smi'
/** Every nvidia-smi call of one detect together gets this long ($R1_NVIDIA_SMI_TIMEOUT seconds, default 30). */
const TIMEOUT_MS = 30_000

function smiBudgetMs(env: Record<string, string | undefined>): number {
  const s = Number(env.R1_NVIDIA_SMI_TIMEOUT)
  return env.R1_NVIDIA_SMI_TIMEOUT && Number.isFinite(s) && s > 0 && s <= 3600 ? s * 1000 : TIMEOUT_MS
}

/** The time left of one deadline. */
function deadline(ms: number): {left(): number; totalS: number} {
  const end = Date.now() + ms
  return {left: () => Math.max(0, end - Date.now()), totalS: ms / 1000}
}

export async function detect(deps: DetectDeps, options: DetectOptions = {}): Promise<DetectOutput> {
  if (options.fromFile !== undefined) {
    const text = options.fromFile === '-' ? await deps.readStdin() : await deps.readFile(options.fromFile)
    if (!text.trim()) {
      throw new R1Error('R1_UNRECOGNIZED_CAPTURE', options.fromFile === '-' ? 'nothing on stdin' : `${options.fromFile} is empty`, {
        suggestions: ['Pipe a capture in, e.g. `nvidia-smi -q -x | r1 detect --from-file -`.'],
      })
    }

    return detectFromCapture(text, deps.catalog)
  }

  return detectLive(deps, options.includeHost ?? true)
}

function output(r: CaptureResult): string {
  return `${r.stdout}\n${r.stderr}`
}

/** The first line nvidia-smi printed, quoted safely (escaped, at most a few hundred characters). */
function firstLine(r: CaptureResult): string {
  const text = output(r).slice(0, 4096)
  return quoteForeign(
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? `exit code ${r.exitCode}`,
  )
}

async function query(deps: DetectDeps, fields: readonly string[], time: {left(): number; totalS: number}): Promise<CaptureResult> {
  const answer = await deps.runner.capture(SMI, [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], {timeoutMs: Math.max(1, time.left())})
  if (answer.timedOut) {
    throw new R1Error('R1_NVIDIA_SMI_FAILED', `nvidia-smi did not answer within ${time.totalS} s`, {
      suggestions: ['Check the GPUs and the driver (`dmesg | grep -i nvrm`); a GPU that fell off the bus makes nvidia-smi hang.', 'Plan for the GPUs by name instead: r1 plan --gpu h100 --count 8.'],
    })
  }

  return answer
}

/** A later, optional nvidia-smi call: within what is left of the deadline, or not at all. */
async function optional(deps: DetectDeps, args: string[], time: {left(): number; totalS: number}): Promise<CaptureResult> {
  if (time.left() <= 0) return {exitCode: null, notFound: false, stderr: `no time left of the ${time.totalS} s deadline`, stdout: '', timedOut: true}
  const answer = await deps.runner.capture(SMI, args, {timeoutMs: time.left()})
  return answer.timedOut ? {...answer, stderr: `nvidia-smi ${args.join(' ')} did not answer within the ${time.totalS} s deadline`, stdout: ''} : answer
}

function noNvidiaSmi(): R1Error {
  return new R1Error('R1_NO_NVIDIA_SMI', 'nvidia-smi is not on PATH and this is not a Jetson board', {
    suggestions: [
      'Install the NVIDIA driver (it ships nvidia-smi), or add its folder to PATH.',
      'Plan for a machine you are not on: save `nvidia-smi -q -x` there and run `r1 detect --from-file FILE`.',
      'Plan without detecting: `r1 plan --gpu h100` (see `r1 profiles list gpus`).',
    ],
  })
}

async function detectLive(deps: DetectDeps, includeHost: boolean): Promise<DetectOutput> {
  const warnings: string[] = []
  const time = deadline(smiBudgetMs(deps.env))
  let answer = await query(deps, QUERY_FIELDS, time)
  if (answer.notFound) {
    const texts = await deps.readJetson()
    if (!isJetson(texts)) throw noNvidiaSmi()
    return detectJetson(deps, includeHost, texts, [])
  }

  // Drivers older than ~510 do not know compute_cap (older than ~450 not mig.mode.current either): ask again
  // without the field nvidia-smi names, and classify by name.
  let fields: string[] = [...QUERY_FIELDS]
  for (let tries = 0; tries < 3 && answer.exitCode !== 0; tries++) {
    const rejected = /Field "([^"]+)" is not a valid field to query/.exec(output(answer))?.[1]
    if (!rejected || !fields.includes(rejected)) break
    fields = fields.filter((f) => f !== rejected)
    answer = await query(deps, fields, time)
    warnings.push(
      rejected === 'compute_cap'
        ? 'This driver does not report compute capability (older than R510); GPUs are classified by name.'
        : `This driver does not know the query field ${rejected}; it is left out.`,
    )
  }

  const failure = recognizeSmiFailure(output(answer))
  if (answer.exitCode !== 0 || (failure && failure.kind !== 'invalid-field')) {
    // JetPack's reduced nvidia-smi may fail where the device tree still names the board.
    const texts = await deps.readJetson()
    if (isJetson(texts)) return detectJetson(deps, includeHost, texts, [`nvidia-smi failed ("${failure?.message ?? firstLine(answer)}"); the board was read from the device tree.`])
    throw smiFailureError(failure ?? {kind: 'other', message: firstLine(answer)}, 'nvidia-smi failed')
  }

  const rows = parseQueryRows(csvRows(answer.stdout), fields)
  if (!rows) {
    throw new R1Error('R1_NVIDIA_SMI_FAILED', `nvidia-smi answered in an unexpected form: "${firstLine(answer)}"`, {
      suggestions: ['Run `nvidia-smi --query-gpu=index,name --format=csv` yourself to see what it prints.'],
    })
  }

  const parsed: ParsedCapture = {cudaVersion: null, driverVersion: rows.driverVersion, format: 'query-csv-noheader', gpus: rows.gpus, interconnect: null, warnings}
  // CUDA version: only the banner of plain nvidia-smi has it ("CUDA Version:", "CUDA UMD Version:" from R610).
  const banner = await optional(deps, [], time)
  const table = banner.exitCode === 0 ? parseTable(banner.stdout) : null
  if (table) {
    parsed.cudaVersion = table.cudaVersion
    parsed.driverVersion ??= table.driverVersion
  } else warnings.push(`Could not read the CUDA version from nvidia-smi: ${firstLine(banner)}`)

  if (parsed.gpus.length > 1) {
    const topo = await optional(deps, ['topo', '-m'], time)
    parsed.interconnect = topo.exitCode === 0 ? parseTopology(topo.stdout) : 'unknown'
  }

  if (parsed.gpus.some((g) => g.migEnabled)) {
    const list = await optional(deps, ['-L'], time)
    if (list.exitCode === 0) {
      const listed = parseList(list.stdout).gpus
      for (const g of parsed.gpus) {
        const l = listed.find((x) => x.index === g.index)
        if (g.migEnabled) g.migInstances = l?.migInstances ?? []
      }
    } else warnings.push(`Could not list the MIG instances: ${firstLine(list)}`)
    if (table) applyMigDevices(parsed, table.migDevices)
  }

  const classified = classifyGpus(parsed.gpus, deps.catalog)
  return {
    result: {
      cudaVersion: parsed.cudaVersion,
      driverVersion: parsed.driverVersion,
      gpus: classified.gpus,
      host: includeHost ? await deps.hostFacts() : null,
      interconnect: parsed.interconnect,
      source: 'nvidia-smi',
    },
    warnings: [...warnings, ...classified.warnings],
  }
}

function isJetson(texts: JetsonTextsIn): boolean {
  if (texts.model && isJetsonModel(texts.model)) return true
  return [texts.model, texts.compatible, texts.tegraRelease].some((t) => t && /jetson|tegra|nvidia,|R\d+ \(release\)/i.test(t))
}

async function detectJetson(deps: DetectDeps, includeHost: boolean, texts: JetsonTextsIn, notes: string[]): Promise<DetectOutput> {
  const board = identifyJetson(texts)
  const classified = classifyGpus([jetsonGpu(board)], deps.catalog)
  const warnings = [...notes, ...(board.problem ? [`Jetson board: ${board.problem}.`] : [])]
  return {
    result: {
      cudaVersion: null,
      driverVersion: null,
      gpus: classified.gpus,
      host: includeHost ? await deps.hostFacts() : null,
      interconnect: null,
      source: 'jetson',
    },
    warnings: [...warnings, ...classified.warnings],
  }
}

/** The real dependencies: the runner, environment and catalog from the command's context, files and host from src/io. */
export function defaultDetectDeps(ctx: {runner: Runner; env: Record<string, string | undefined>; catalog: GpuProfile[]}): DetectDeps {
  return {
    catalog: ctx.catalog,
    env: ctx.env,
    hostFacts: () => hostFacts(ctx.env),
    readFile: readTextFile,
    readJetson: () => readJetsonFiles(),
    readStdin: () => readStdin(),
    runner: ctx.runner,
  }
}
