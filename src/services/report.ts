/**
 * `r1 report`: read the fleet (flag, file or the default), pick the checkpoints, contexts and
 * engines, build the rows (core/report/build.ts), and write the rendered report when --output is given.
 */
import {extname} from 'node:path'

import type {Engine, Goal} from '../core/constants.js'
import {ENGINES} from '../core/constants.js'
import {R1Error} from '../core/errors.js'
import type {Catalog} from '../core/profiles/catalog.js'
import {buildReport} from '../core/report/build.js'
import {DEFAULT_CONTEXTS, DEFAULT_FLEET, PRICE_NOTE} from '../core/report/default-fleet.js'
import type {FleetEntrySpec} from '../core/report/fleet.js'
import {parseFleetSpec, resolveFleet} from '../core/report/fleet.js'
import {badFleetFile, fleetFromFile} from '../core/report/fleet-file.js'
import {parseContexts, resolveGpuName, selectModels} from '../core/report/options.js'
import type {ReportResult} from '../core/report/report.schema.js'
import {calibrate} from '../core/planner/pd/calibration.js'
import {workloadOf} from '../core/planner/pd/workload.js'
import {checkFleetEntries, checkFleetFileSize, checkFleetSize} from '../core/report/limits.js'
import {readTextFile, writeFileAtomic} from '../io/files.js'
import {loadCatalog} from '../io/profiles.js'

export {LAYOUT_HELP} from '../core/planner/layout-text.js'
export {FLEET_LIMITS_HELP} from '../core/report/limits.js'

export interface ReportDeps {
  loadCatalog: () => Promise<Catalog>
  readFile?: (path: string) => Promise<string>
  writeFile?: (path: string, text: string, options: {force: boolean}) => string
}

/**
 * The real dependencies. The report runs no process, so it does not take cliContext's runner (whose
 * module loads execa, about 0.1 s of start-up that the report's 1 s budget cannot spare).
 */
export function reportDeps(profilesDir?: string): ReportDeps {
  return {loadCatalog: () => loadCatalog({profilesDir: profilesDir || undefined})}
}

export interface ReportOptions {
  /** --fleet "8xH200,2x8xH100" */
  fleet?: string
  /** --fleet-file FILE (YAML or JSON) */
  fleetFile?: string
  /** --models "r1,qwen-32b" */
  models?: string
  /** --context "8192,32768,131072" */
  contexts?: string
  /** --engine; both when absent */
  engine?: Engine
  goal: Goal
  /** --all: every row, not only the picks and the fit matrix. */
  all?: boolean
  /** --input-tokens / --output-tokens: the workload the disaggregated rows are sized for (plan's defaults). */
  inputTokens?: number
  outputTokens?: number
  /** --output FILE with the text to write there (rendered by the caller's renderer). */
  output?: {path: string; force: boolean; render: (result: ReportResult) => Promise<string>}
}

export interface ReportRun {
  result: ReportResult
  /** Absolute path of the file written, when --output was given. */
  written: string | null
}

export async function runReport(deps: ReportDeps, options: ReportOptions): Promise<ReportRun> {
  if (options.fleet !== undefined && options.fleetFile !== undefined) {
    throw new R1Error('R1_USAGE', '--fleet and --fleet-file are exclusive', {suggestions: ['Describe the fleet with one of them.']})
  }

  const catalog = await deps.loadCatalog()
  const notes: string[] = []
  let specs: readonly FleetEntrySpec[]
  let where: (i: number) => string | undefined = () => undefined
  if (options.fleetFile !== undefined) {
    specs = await readFleetFile(options.fleetFile, deps.readFile ?? readTextFile)
    where = (i) => `${options.fleetFile}: fleet[${i}].gpu`
  } else if (options.fleet !== undefined) {
    specs = parseFleetSpec(options.fleet)
    where = (i) => `--fleet entry "${specs[i].name}"`
  } else {
    specs = DEFAULT_FLEET
    notes.push(PRICE_NOTE)
  }

  checkFleetSize(specs, options.all === true)
  const fleet = resolveFleet(specs, (name, i) => resolveGpuName(catalog.gpus, name, where(i)))
  const contexts = options.contexts === undefined ? [...DEFAULT_CONTEXTS] : parseContexts(options.contexts)
  const engineIds = options.engine ? [options.engine] : [...ENGINES]
  const engines = engineIds.map((id) => {
    const e = catalog.engines.find((x) => x.id === id)
    if (!e) throw new R1Error('R1_BAD_PROFILE', `no engine profile "${id}" in the catalog`, {suggestions: ['Check --profiles: an engines/ folder must keep both engines.']})
    return e
  })
  const models = selectModels(catalog, options.models)
  const r1 = catalog.models.find((m) => m.architecture.kind === 'mla-moe')
  const calibrationEngine = catalog.engines.find((e) => e.id === 'sglang') ?? engines[0]
  const pd = r1 && fleet.some((f) => f.nodes > 1)
    ? {calibration: calibrate({checkpoints: r1.checkpoints, engine: calibrationEngine, gpus: catalog.gpus, model: r1}), workload: workloadOf({inputTokens: options.inputTokens, outputTokens: options.outputTokens})}
    : {calibration: {decodeEfficiency: 0, prefillEfficiency: 0, rows: []}, workload: workloadOf({inputTokens: options.inputTokens, outputTokens: options.outputTokens})}
  const result = buildReport({all: options.all, contexts, engines, fleet, goal: options.goal, models, notes, pd})

  let written: string | null = null
  if (options.output) {
    const text = await options.output.render(result)
    written = (deps.writeFile ?? ((p, t, o) => writeFileAtomic(p, t, {force: o.force})))(options.output.path, text, {force: options.output.force})
  }

  return {result, written}
}

/** Read, parse (by extension: .json, else YAML — which also reads JSON) and validate a fleet file. */
export async function readFleetFile(path: string, read: (path: string) => Promise<string>): Promise<FleetEntrySpec[]> {
  let text: string
  try {
    text = await read(path)
  } catch (error) {
    if (error instanceof R1Error && error.code === 'R1_FILE_NOT_FOUND') {
      throw new R1Error('R1_FILE_NOT_FOUND', `fleet file not found: ${path}`, {suggestions: ['Check the path given to --fleet-file.']})
    }

    throw error
  }

  checkFleetFileSize(Buffer.byteLength(text, 'utf8'), path)
  const json = extname(path).toLowerCase() === '.json'
  let data: unknown
  let lineOf: ((p: ReadonlyArray<PropertyKey>) => number | undefined) | undefined
  try {
    if (json) {
      data = JSON.parse(text)
    } else {
      const {LineCounter, parseDocument} = await import('yaml')
      const lines = new LineCounter()
      const doc = parseDocument(text, {lineCounter: lines, prettyErrors: false})
      if (doc.errors.length > 0) throw doc.errors[0]
      data = doc.toJS()
      lineOf = (p) => {
        for (let n = p.length; n > 0; n--) {
          const node = doc.getIn(p.slice(0, n) as unknown[], true) as {range?: [number, number, number]} | undefined
          if (node?.range) return lines.linePos(node.range[0]).line
        }

        return undefined
      }
    }
  } catch (error) {
    throw new R1Error('R1_BAD_FLEET_FILE', `${path}: not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, {
      suggestions: [`Fix the syntax of ${path}.`],
    })
  }

  const list = (data as {fleet?: unknown} | null)?.fleet
  if (Array.isArray(list)) checkFleetEntries(list.length, path)
  const {FleetFile} = await import('../core/report/fleet.schema.js')
  const parsed = FleetFile.safeParse(data)
  if (!parsed.success) throw badFleetFile(path, parsed.error.issues, lineOf)
  return fleetFromFile(parsed.data)
}
