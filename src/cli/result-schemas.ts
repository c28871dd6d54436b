/**
 * The zod schema of each command's JSON result, and of the files r1 writes or reads.
 * Loaded only by scripts/write-schemas.mjs and the tests: a run never imports zod for output.
 * One line per command (id with spaces → dashes) or file format.
 */
import type {z} from 'zod'

export const RESULT_SCHEMAS: Record<string, () => Promise<z.ZodType>> = {
  bench: async () => (await import('../core/client/client.schema.js')).BenchResult,
  chat: async () => (await import('../core/client/client.schema.js')).ChatResult,
  eval: async () => (await import('../core/client/client.schema.js')).EvalResult,
  detect: async () => (await import('../core/detect/detect.schema.js')).DetectResult,
  'profiles-list': async () => (await import('../core/profiles/results.schema.js')).ProfilesListResult,
  'profiles-show': async () => (await import('../core/profiles/results.schema.js')).ProfilesShowResult,
  serve: async () => (await import('../core/serve/serve.schema.js')).ServeResult,
}

export const FILE_SCHEMAS: Record<string, () => Promise<z.ZodType>> = {
  'eval-sample': async () => (await import('../core/client/client.schema.js')).EvalSampleRecord,
}
