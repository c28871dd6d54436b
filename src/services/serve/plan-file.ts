/** `--plan FILE`: the file `r1 plan --out` writes, validated (zod loaded here only). */
import {R1Error} from '../../core/errors.js'
import type {PlanConfig, PlanFile} from '../../core/planner/plan.schema.js'
import {readTextFile} from '../../io/files.js'

/** Reads --plan FILE from disk. */
export async function readPlanFromDisk(path: string): Promise<PlanConfig> {
  return (await readPlanFileFromDisk(path)).plan
}

/** Reads --plan FILE from disk with its disaggregated part (r1 serve --role). */
export async function readPlanFileFromDisk(path: string): Promise<PlanFile> {
  let text: string | null
  try {
    text = await readTextFile(path)
  } catch (error) {
    if (!(error instanceof R1Error) || error.code !== 'R1_FILE_NOT_FOUND') throw error
    text = null
  }

  return readWholePlanFile(path, () => text)
}

export async function readPlanFile(path: string, read: (path: string) => string | null): Promise<PlanConfig> {
  return (await readWholePlanFile(path, read)).plan
}

export async function readWholePlanFile(path: string, read: (path: string) => string | null): Promise<PlanFile> {
  const text = read(path)
  if (text === null) {
    throw new R1Error('R1_FILE_NOT_FOUND', `plan file not found: ${path}`, {suggestions: ['Write one with r1 plan --out plan.json, or pass the plan flags instead of --plan.']})
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new R1Error('R1_BAD_PLAN_FILE', `${path} is not JSON: ${(error as Error).message}`, {suggestions: ['Write it with r1 plan --out FILE.']})
  }

  const {PlanFile} = await import('../../core/planner/plan.schema.js')
  const parsed = PlanFile.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    throw new R1Error('R1_BAD_PLAN_FILE', `${path} is not an r1 plan: ${where}: ${issue.message}`, {
      suggestions: ['Write it again with r1 plan --out FILE (this r1 reads plan files of version 1).'],
    })
  }

  return parsed.data
}
