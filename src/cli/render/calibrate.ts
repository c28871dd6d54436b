/** `r1 calibrate` for people: one row per record (newest first), or what an import added. */
import type {CalibrateForgetResult, CalibrateImportResult, CalibrateListResult, CalibrationRecord} from '../../core/calibration/calibration.schema.js'
import {table} from '../style.js'

const fmt = (n: number | null, digits = 2): string => (n === null ? '-' : Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(digits))

function layout(r: CalibrationRecord): string {
  const c = r.config
  if (c.tensorParallel === null) return '?'
  return [`TP ${c.tensorParallel}`, (c.pipelineParallel ?? 1) > 1 ? `PP ${c.pipelineParallel}` : '', (c.dataParallel ?? 1) > 1 ? `DP ${c.dataParallel}` : '', (c.expertParallel ?? 1) > 1 ? `EP ${c.expertParallel}` : '']
    .filter(Boolean)
    .join(' ')
}

function outcome(r: CalibrationRecord): string {
  if (r.outcome.status !== 'failed') return r.outcome.status
  return r.outcome.failure === 'oom' ? 'failed: OOM' : r.outcome.failure === 'insufficient-kv' ? 'failed: no KV room' : 'failed'
}

function rows(records: readonly CalibrationRecord[]): string[][] {
  return [...records]
    .sort((a, b) => b.date.localeCompare(a.date))
    .map((r) => [
      r.id,
      r.date.slice(0, 10),
      `${r.config.engine ?? '?'} ${r.config.engineVersion ?? '?'}`,
      r.config.gpuName ?? '?',
      r.config.model ?? r.config.checkpoint ?? '?',
      layout(r),
      fmt(r.config.utilization),
      fmt(r.config.contextLength),
      fmt(r.logged.weightsGiB),
      fmt(r.logged.kvCacheTokens),
      outcome(r),
    ])
}

const HEADER = ['ID', 'DATE', 'ENGINE', 'GPU', 'MODEL', 'LAYOUT', 'UTIL', 'CONTEXT', 'WEIGHTS GiB', 'KV TOKENS', 'OUTCOME']

export function renderCalibrateList(result: CalibrateListResult, tty: boolean, headers = true): string {
  if (result.records.length === 0) return `No calibration records for this machine yet (${result.store}). r1 serve records each launch; r1 calibrate --from-log imports one.`
  const body = table(rows(result.records), {header: HEADER, headers, tty})
  return tty ? `${body}\n\n${result.records.length} record(s) in ${result.store}. Forget one with r1 calibrate forget ID, or all with --all.` : body
}

export function renderCalibrateImport(result: CalibrateImportResult, tty: boolean): string {
  const body = table(rows(result.imported), {header: HEADER, tty})
  return tty ? `${body}\n\nImported ${result.imported.length} record(s) into ${result.store} (${result.records} in all).` : body
}

export function renderCalibrateForget(result: CalibrateForgetResult): string {
  return result.forgotten.length === 0 ? `Nothing to forget in ${result.store}.` : `Forgot ${result.forgotten.join(', ')} (${result.remaining} left in ${result.store}).`
}
