/**
 * JSON Schemas of what r1 prints with --json and the files it writes, generated from zod
 * (STYLE.md §3): schemas/<command>.json for the success envelope, schemas/<file>.json for files.
 */
import {z} from 'zod'

import {FILE_SCHEMAS, RESULT_SCHEMAS} from './result-schemas.js'

function envelope(result: z.ZodType): z.ZodType {
  return z.object({
    status: z.literal(0),
    result,
    warnings: z.array(z.string()),
  })
}

export async function collectSchemas(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const [id, load] of Object.entries(RESULT_SCHEMAS)) {
    out[id] = z.toJSONSchema(envelope(await load()), {io: 'output', unrepresentable: 'any'})
  }

  for (const [name, load] of Object.entries(FILE_SCHEMAS)) {
    out[name] = z.toJSONSchema(await load(), {io: 'input', unrepresentable: 'any'})
  }

  return out
}
