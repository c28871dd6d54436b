/** A saved capture: recognise its format by content, parse it, classify its GPUs. */
import {R1Error} from '../errors.js'
import {escapeControls} from '../text/sanitize.js'
import type {GpuProfile} from '../profiles/gpu.schema.js'
import {classifyGpus} from './classify.js'
import {csvRows, looksLikeCsvNoHeader, looksLikeCsvWithHeader, parseCsvNoHeader, parseCsvWithHeader, parseOwnQuery} from './csv.js'
import type {DetectResult} from './detect.schema.js'
import {identifyJetson, jetsonGpu, jetsonTextsFromCapture, looksLikeJetson} from './jetson.js'
import {looksLikeList, parseList} from './list.js'
import {looksLikeQueryText, parseQueryText} from './query-text.js'
import {cleanVersion, type CaptureFormat, type ParsedCapture} from './raw.js'
import {recognizeSmiFailure, smiFailureError} from './smi-errors.js'
import {looksLikeTable, parseTable, type TableMigDevice} from './table.js'
import {migProfile, looksLikeXml, parseXml} from './xml.js'

export const ACCEPTED_FORMATS = [
  'nvidia-smi --query-gpu=... --format=csv (with or without header and units)',
  'nvidia-smi -q -x (XML)',
  'nvidia-smi -q (text)',
  'nvidia-smi (the default table)',
  'nvidia-smi -L',
  'nvidia-smi --version',
  '/proc/device-tree/model, /proc/device-tree/compatible, /etc/nv_tegra_release or tegrastats (Jetson)',
]

/** `nvidia-smi --version` (and /proc/driver/nvidia/version): driver and CUDA only, no GPUs. */
function parseVersion(text: string): {driverVersion: string | null; cudaVersion: string | null} | null {
  const kmd = /^KMD version\s*:\s*(\S+)/im.exec(text)?.[1]
  const driver = /^DRIVER version\s*:\s*(\S+)/im.exec(text)?.[1]
  const umd = /^CUDA UMD version\s*:\s*(\S+)/im.exec(text)?.[1]
  const cuda = /^CUDA version\s*:\s*(\S+)/im.exec(text)?.[1]
  const kernel = /NVRM version:.*Kernel Module\s+(\S+)/.exec(text)?.[1]
  if (!kmd && !driver && !kernel) return null
  return {cudaVersion: cleanVersion(umd ?? cuda), driverVersion: cleanVersion(kmd ?? driver ?? kernel)}
}

/** Attach the MIG devices table (memory, SMs) to the GPUs; profiles from `-L` where known. */
export function applyMigDevices(parsed: ParsedCapture, devices: readonly TableMigDevice[]): void {
  for (const g of parsed.gpus) {
    const mine = devices.filter((d) => d.gpu === g.index)
    if (mine.length === 0) continue
    g.migEnabled = true
    const known = g.migInstances ?? []
    g.migInstances = mine.map((d) => {
      const fromList = known.find((k) => k.device === d.device)
      return {device: d.device, memoryMiB: d.memoryMiB, profile: fromList?.profile ?? migProfile(d.memoryMiB, d.sm, archHint(g.name))}
    })
  }
}

function archHint(name: string | null): string | null {
  if (!name) return null
  if (/\b(A100|A800|A30)\b/.test(name)) return 'ampere'
  if (/\b(H100|H200|H800|H20|GH200)\b/.test(name)) return 'hopper'
  return null
}

export function parseCaptureText(text: string, catalog: readonly GpuProfile[]): ParsedCapture {
  const base = {cudaVersion: null, driverVersion: null, interconnect: null, warnings: [] as string[]}
  const failure = recognizeSmiFailure(text)
  if (failure && !looksLikeList(text) && !looksLikeTable(text)) throw smiFailureError(failure, 'the capture is an nvidia-smi failure')
  const with_ = (format: CaptureFormat, rest: Partial<ParsedCapture>): ParsedCapture => ({...base, format, gpus: [], ...rest})
  if (looksLikeXml(text)) return with_('xml', parseXml(text))
  if (looksLikeTable(text)) {
    const t = parseTable(text)
    const parsed = with_('table', {cudaVersion: t.cudaVersion, driverVersion: t.driverVersion, gpus: t.gpus})
    applyMigDevices(parsed, t.migDevices)
    return parsed
  }

  if (looksLikeQueryText(text)) {
    const q = parseQueryText(text)
    const warnings = q.attached !== null && q.attached > q.gpus.length ? [`The capture says ${q.attached} GPUs are attached but shows ${q.gpus.length}.`] : []
    return with_('query-text', {cudaVersion: q.cudaVersion, driverVersion: q.driverVersion, gpus: q.gpus, warnings})
  }

  if (looksLikeList(text)) {
    const l = parseList(text)
    return with_('list', {gpus: l.gpus, warnings: l.extra.map((e) => `nvidia-smi also said: "${e}"`)})
  }

  const rows = csvRows(text)
  if (looksLikeCsvWithHeader(rows)) return with_('query-csv', parseCsvWithHeader(rows))
  const own = parseOwnQuery(rows)
  if (own) return with_('query-csv-noheader', own)
  if (looksLikeCsvNoHeader(rows)) return with_('query-csv-noheader', parseCsvNoHeader(rows, catalog))
  const version = parseVersion(text)
  if (version) return with_('version', {...version, warnings: ['The capture names no GPU (it only gives the driver and CUDA versions).']})
  if (looksLikeJetson(text)) {
    const board = identifyJetson(jetsonTextsFromCapture(text))
    const warnings = board.problem ? [`Jetson board: ${board.problem}.`] : []
    return with_('jetson', {gpus: [jetsonGpu(board)], warnings})
  }

  throw new R1Error('R1_UNRECOGNIZED_CAPTURE', 'the file is in no format r1 reads', {
    suggestions: [`Save one of: ${ACCEPTED_FORMATS.join('; ')}.`, 'For example: `nvidia-smi -q -x > gpus.xml`, then `r1 detect --from-file gpus.xml`.'],
  })
}

/** More GPUs than any one machine has: a capture with more is not one machine's. */
export const MAX_CAPTURE_GPUS = 1024
/** 16 TiB: more memory than any GPU has. */
const MAX_GPU_MIB = 16 * 1024 * 1024

/** What a capture may not say: no GPU at all, the same index twice, memory no GPU has. */
export function checkCapture(parsed: ParsedCapture): void {
  // A version capture names no GPU by nature, and a cut-off `-q` that says how many are attached is not "none".
  const saysNothing = parsed.format === 'version' || parsed.warnings.some((w) => w.includes('GPUs are attached'))
  if (parsed.gpus.length === 0 && !saysNothing) {
    throw new R1Error('R1_NO_GPU', 'no NVIDIA GPU was found in the capture', {
      suggestions: ['Capture a machine with GPUs: `nvidia-smi -q -x > gpus.xml` there, then r1 detect --from-file gpus.xml.', 'Plan without detecting: r1 plan --gpu h100 --count 8.'],
    })
  }

  const bad = (why: string) =>
    new R1Error('R1_UNRECOGNIZED_CAPTURE', `the capture is not a real machine's: ${why}`, {suggestions: ['Capture it again with nvidia-smi -q -x, unedited.']})
  if (parsed.gpus.length === 0) return
  if (parsed.gpus.length > MAX_CAPTURE_GPUS) throw bad(`it lists ${parsed.gpus.length} GPUs (one machine has at most ${MAX_CAPTURE_GPUS})`)
  const seen = new Set<number>()
  for (const g of parsed.gpus) {
    if (seen.has(g.index)) throw bad(`GPU index ${g.index} appears twice`)
    seen.add(g.index)
    for (const [what, v] of [['memory.total', g.memoryTotalMiB], ['memory.used', g.memoryUsedMiB]] as const) {
      if (v !== null && (!Number.isFinite(v) || v < 0 || v > MAX_GPU_MIB)) throw bad(`GPU ${g.index} has ${what} ${v} MiB (a GPU has 0 to ${MAX_GPU_MIB} MiB)`)
    }

    if (g.memoryTotalMiB !== null && g.memoryUsedMiB !== null && g.memoryUsedMiB > g.memoryTotalMiB) {
      throw bad(`GPU ${g.index} uses ${g.memoryUsedMiB} MiB of ${g.memoryTotalMiB} MiB`)
    }
  }
}

/** The result of `r1 detect --from-file`: the capture is another machine, so no host facts. */
export function detectFromCapture(text: string, catalog: readonly GpuProfile[]): {result: DetectResult; warnings: string[]} {
  const parsed = parseCaptureText(text, catalog)
  checkCapture(parsed)
  for (const g of parsed.gpus) if (g.name !== null) g.name = escapeControls(g.name)
  const {gpus, warnings} = classifyGpus(parsed.gpus, catalog)
  return {
    result: {
      cudaVersion: parsed.cudaVersion,
      driverVersion: parsed.driverVersion,
      gpus,
      host: null,
      interconnect: parsed.interconnect,
      source: 'file',
    },
    warnings: [...parsed.warnings, ...warnings],
  }
}
