import type {ReportRow} from './report.schema.js'

/** The column order of result.rows[] objects and of the CSV (the JSON contract). */
export const REPORT_COLUMNS = [
  'fleet',
  'gpu',
  'gpusPerNode',
  'nodes',
  'model',
  'checkpoint',
  'quantization',
  'context',
  'engine',
  'fits',
  'reason',
  'tensorParallel',
  'pipelineParallel',
  'dataParallel',
  'expertParallel',
  'weightsGiB',
  'kvCacheGiB',
  'kvCacheTokens',
  'kvErrorBand',
  'maxConcurrency',
  'decodeTokensPerSecondCeiling',
  'costPerMillionTokens',
] as const satisfies ReadonlyArray<keyof ReportRow>
