/** A saved capture: recognise its format by content, parse it, classify its GPUs. */
import {R1Error} from '../errors.js'
import type {GpuProfile} from '../profiles/gpu.schema.js'
import {classifyGpus} from './classify.js'
import {looksLikeCsvNoHeader, looksLikeCsvWithHeader, parseCsvNoHeader, parseCsvWithHeader, parseOwnQuery} from './csv.js'
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

  if (looksLikeCsvWithHeader(text)) return with_('query-csv', parseCsvWithHeader(text))
  const own = parseOwnQuery(text)
  if (own) return with_('query-csv-noheader', own)
  if (looksLikeCsvNoHeader(text)) return with_('query-csv-noheader', parseCsvNoHeader(text, catalog))
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

/** The result of `r1 detect --from-file`: the capture is another machine, so no host facts. */
export function detectFromCapture(text: string, catalog: readonly GpuProfile[]): {result: DetectResult; warnings: string[]} {
  const parsed = parseCaptureText(text, catalog)
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
