/**
 * The zod schema of each command's JSON result, and of the files r1 writes or reads.
 * Loaded only by scripts/write-schemas.mjs and the tests: a run never imports zod for output.
 * One line per command (id with spaces → dashes) or file format.
 */
import type {z} from 'zod'

export const RESULT_SCHEMAS: Record<string, () => Promise<z.ZodType>> = {
  calibrate: async () => (await import('../core/calibration/calibration.schema.js')).CalibrateImportResult,
  'calibrate-forget': async () => (await import('../core/calibration/calibration.schema.js')).CalibrateForgetResult,
  'calibrate-list': async () => (await import('../core/calibration/calibration.schema.js')).CalibrateListResult,
  bench: async () => (await import('../core/client/client.schema.js')).BenchResult,
  chat: async () => (await import('../core/client/client.schema.js')).ChatResult,
  eval: async () => (await import('../core/client/client.schema.js')).EvalResult,
  plan: async () => (await import('../core/planner/plan-result.schema.js')).PlanResult,
  detect: async () => (await import('../core/detect/detect.schema.js')).DetectResult,
  'profiles-list': async () => (await import('../core/profiles/results.schema.js')).ProfilesListResult,
  'profiles-show': async () => (await import('../core/profiles/results.schema.js')).ProfilesShowResult,
  report: async () => (await import('../core/report/report.schema.js')).ReportResult,
  serve: async () => (await import('../core/serve/serve.schema.js')).ServeCommandResult,
}

export const FILE_SCHEMAS: Record<string, () => Promise<z.ZodType>> = {
  'calibration-store': async () => (await import('../core/calibration/calibration.schema.js')).CalibrationStore,
  'eval-sample': async () => (await import('../core/client/client.schema.js')).EvalSampleRecord,
  'fleet-file': async () => (await import('../core/report/fleet.schema.js')).FleetFile,
  'plan-file': async () => (await import('../core/planner/plan.schema.js')).PlanFile,
}
