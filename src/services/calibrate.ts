/**
 * `r1 calibrate`: import a startup log into this machine's calibration store, list the records, forget
 * them; and the two calls other services make: read this machine's records (r1 plan) and record a
 * launch (r1 serve). Dependencies come in as arguments so tests pass fakes.
 */
import {randomBytes} from 'node:crypto'

import type {CalibrateForgetResult, CalibrateImportResult, CalibrateListResult, CalibrationRecord, MachineIdentity} from '../core/calibration/calibration.schema.js'
import {type BatchSettings, batchFromArgv, configFromPlan, eraOf} from '../core/calibration/config.js'
import {importLog, type RecordDraft} from '../core/calibration/import.js'
import type {DetectResult} from '../core/detect/detect.schema.js'
import {R1Error} from '../core/errors.js'
import {engineDefaults, MiB} from '../core/planner/engine-defaults.js'
import type {PlanConfig} from '../core/planner/plan.schema.js'
import type {GpuSpec} from '../core/planner/types.js'
import type {Catalog} from '../core/profiles/catalog.js'
import {type CalibrationStoreHandle, hostName, machineIdentity, openCalibrationStore} from '../io/calibration-store.js'
import type {Runner} from '../io/exec.js'
import {readStdin, readTextFile} from '../io/files.js'
import {stateDir} from '../io/state-dir.js'
import {readPlanFromDisk} from './serve/plan-file.js'

export interface CalibrateDeps {
  env: Record<string, string | undefined>
  loadCatalog: () => Promise<Catalog>
  /** This machine's GPUs (live detect); throws when there are none. */
  detect: () => Promise<DetectResult>
  hostname: () => string
  readFile: (path: string) => Promise<string>
  readStdin: () => Promise<string>
  readPlan: (path: string) => Promise<PlanConfig>
  now: () => Date
  randomId: () => string
}

export interface CalibrateContext {
  runner: Runner
  env: Record<string, string | undefined>
  loadCatalog: (profilesDir?: string) => Promise<Catalog>
}

export function calibrateDeps(ctx: CalibrateContext, profilesDir?: string): CalibrateDeps {
  const loadCatalog = () => ctx.loadCatalog(profilesDir)
  return {
    detect: async () => {
      const [{defaultDetectDeps, detect}, catalog] = await Promise.all([import('./detect.js'), loadCatalog()])
      return (await detect(defaultDetectDeps({catalog: catalog.gpus, env: ctx.env, runner: ctx.runner}), {includeHost: false})).result
    },
    env: ctx.env,
    hostname: hostName,
    loadCatalog,
    now: () => new Date(),
    randomId: () => randomBytes(4).toString('hex'),
    readFile: readTextFile,
    readPlan: (path) => readPlanFromDisk(path),
    readStdin: () => readStdin(),
  }
}

/** This machine and its store. Without GPUs (no nvidia-smi) the machine is the hostname alone, and a warning says so. */
export async function openMachineStore(deps: Pick<CalibrateDeps, 'detect' | 'env' | 'hostname'>, warnings: string[], detected?: DetectResult | null): Promise<{machine: MachineIdentity; store: CalibrationStoreHandle; detected: DetectResult | null}> {
  let found = detected ?? null
  if (detected === undefined) {
    try {
      found = await deps.detect()
    } catch (error) {
      warnings.push(`no GPUs detected here (${error instanceof Error ? error.message : String(error)}): the store is this host's alone, and plans use it only where GPUs are detected`)
    }
  }

  const machine = machineIdentity(deps.hostname(), found)
  return {detected: found, machine, store: openCalibrationStore(stateDir(deps.env), machine)}
}

export interface CalibrateImportOptions {
  fromLog: string
  plan?: string
}

/** A plan's GPU as the engine defaults want it. */
export function gpuSpecOf(plan: Pick<PlanConfig, 'gpu'>): GpuSpec {
  return {
    architecture: plan.gpu.architecture,
    bandwidthGBs: null,
    computeCapability: plan.gpu.computeCapability,
    memoryTotalBytes: (plan.gpu.memoryMiB ?? 0) * MiB,
    memoryUsedBytes: null,
    name: plan.gpu.name,
    nvlink: false,
    profileId: null,
    unifiedMemory: false,
  }
}

/** The batch settings a plan runs with (its command's flags over the engine's defaults) and its era. */
export function planBatch(plan: PlanConfig, catalog: Catalog, argv: readonly string[] = plan.command.argv): {batch: BatchSettings; era: string | null} {
  const engine = catalog.engines.find((e) => e.id === plan.engine)
  const model = catalog.models.find((m) => m.id === plan.model)
  const none: BatchSettings = {chunkedPrefillSize: null, cudaGraphMaxBs: null, maxNumBatchedTokens: null, maxNumSeqs: null}
  if (!engine || !model) return {batch: batchFromArgv(argv, none), era: null}
  const d = engineDefaults(engine, plan.engineVersion, {
    attentionBackend: plan.attentionBackend,
    contextLength: plan.contextLength,
    gpu: gpuSpecOf(plan),
    kvCacheDtype: plan.kvCacheDtype === 'fp8' ? 'fp8' : 'auto',
    layout: plan,
    model,
    speculative: plan.speculative,
  })
  const defaults: BatchSettings = {chunkedPrefillSize: d.chunkedPrefillSize, cudaGraphMaxBs: d.cudaGraphMaxBs, maxNumBatchedTokens: d.maxNumBatchedTokens, maxNumSeqs: d.maxNumSeqs}
  return {batch: batchFromArgv(argv, defaults), era: d.era}
}

/** Key order differs between a fresh draft and a record read back through zod: sort it. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
}

function fingerprint(d: RecordDraft): string {
  return canonical([d.config, d.logged, d.outcome.status, d.outcome.failure])
}

/** Adds records; one with the same configuration, figures and outcome as a stored one replaces it (a log imported twice is one record). */
function addRecords(drafts: readonly RecordDraft[], deps: Pick<CalibrateDeps, 'now' | 'randomId'>): {records: CalibrationRecord[]; change: (records: CalibrationRecord[]) => CalibrationRecord[]} {
  const date = deps.now().toISOString()
  const records = drafts.map((d) => ({...d, date, id: deps.randomId()}))
  return {
    change: (stored) => {
      const incoming = new Set(drafts.map(fingerprint))
      const taken = new Set(stored.map((r) => r.id))
      const fresh = records.map((r) => (taken.has(r.id) ? {...r, id: deps.randomId()} : r))
      return [...stored.filter((r) => !incoming.has(fingerprint(r))), ...fresh]
    },
    records,
  }
}

export async function calibrateImport(deps: CalibrateDeps, options: CalibrateImportOptions): Promise<{result: CalibrateImportResult; warnings: string[]}> {
  const warnings: string[] = []
  const text = options.fromLog === '-' ? await deps.readStdin() : await deps.readFile(options.fromLog)
  if (!text.trim()) {
    throw new R1Error('R1_UNUSABLE_LOG', options.fromLog === '-' ? 'nothing on stdin' : `${options.fromLog} is empty`, {
      suggestions: ['Pipe a startup log in, e.g. `r1 calibrate --from-log - < startup.log`.'],
    })
  }

  const catalog = await deps.loadCatalog()
  const plan = options.plan ? await deps.readPlan(options.plan) : null
  const {machine, store} = await openMachineStore(deps, warnings)
  const batch = plan ? planBatch(plan, catalog) : null
  const imported = importLog(text, {driverVersion: plan ? machine.driverVersion : null, engines: catalog.engines, models: catalog.models, plan, planBatch: batch?.batch, planEra: batch?.era ?? null})
  warnings.push(...imported.warnings, ...imported.skipped.map((s) => `skipped ${s}`))
  const {change, records} = addRecords(imported.drafts, deps)
  const written = await store.update(change)
  warnings.push(...written.warnings)
  for (const r of records) {
    const open = (['engineVersion', 'gpuName', 'checkpoint', 'tensorParallel', 'utilization', 'contextLength'] as const).filter((k) => r.config[k] === null)
    if (open.length > 0) warnings.push(`record ${r.id}: the log does not say ${open.join(', ')}: plans match it only once they are known (import it with --plan plan.json)`)
  }

  return {result: {imported: records, machine, records: written.records.length, skipped: imported.skipped, store: written.path}, warnings}
}

export async function calibrateList(deps: CalibrateDeps): Promise<{result: CalibrateListResult; warnings: string[]}> {
  const warnings: string[] = []
  const {machine, store} = await openMachineStore(deps, warnings)
  const read = await store.read()
  warnings.push(...read.warnings)
  return {result: {machine, records: read.records, store: read.path}, warnings}
}

export async function calibrateForget(deps: CalibrateDeps, options: {id?: string; all?: boolean}): Promise<{result: CalibrateForgetResult; warnings: string[]}> {
  if (!options.all && !options.id) {
    throw new R1Error('R1_USAGE', 'say which record to forget: an ID (from r1 calibrate list), or --all', {suggestions: ['r1 calibrate forget 3f9a01bc', 'r1 calibrate forget --all']})
  }

  if (options.all && options.id) throw new R1Error('R1_USAGE', 'pass an ID or --all, not both')
  const warnings: string[] = []
  const {machine, store} = await openMachineStore(deps, warnings)
  let forgotten: string[] = []
  const written = await store.update((records) => {
    const gone = options.all ? records : records.filter((r) => r.id.startsWith(options.id!.toLowerCase()))
    if (!options.all && gone.length !== 1) {
      const ids = records.map((r) => r.id)
      throw new R1Error('R1_UNKNOWN_RECORD', gone.length === 0 ? `no record ${options.id} in ${store.path}` : `${options.id} names ${gone.length} records: give more of the ID`, {
        suggestions: [ids.length > 0 ? `The records: ${ids.join(', ')} (r1 calibrate list).` : 'The store has no records.'],
      })
    }

    forgotten = gone.map((r) => r.id)
    return records.filter((r) => !gone.includes(r))
  })
  warnings.push(...written.warnings)
  return {result: {forgotten, machine, remaining: written.records.length, store: written.path}, warnings}
}

/** What r1 serve knows of a launch once it is ready or has failed for memory. */
export interface LaunchRecord {
  plan: PlanConfig
  /** The argv the engine ran (batch flags are read from it; nothing else of it is kept). */
  argv: readonly string[]
  version: string
  draft: Pick<RecordDraft, 'logged' | 'outcome'>
  detected: DetectResult | null
}

/** Records one launch in this machine's store (r1 serve). Returns the record and any warning. */
export type RecordDeps = Pick<CalibrateDeps, 'detect' | 'env' | 'hostname' | 'now' | 'randomId'>

/** What recording a launch needs: the environment (state folder), detect, the clock and ids. */
export function calibrationDeps(env: Record<string, string | undefined>, detect: () => Promise<DetectResult>): RecordDeps {
  return {detect, env, hostname: hostName, now: () => new Date(), randomId: () => randomBytes(4).toString('hex')}
}

export async function recordLaunch(deps: RecordDeps, catalog: Catalog, launch: LaunchRecord): Promise<{record: CalibrationRecord; store: string; warnings: string[]}> {
  const warnings: string[] = []
  const {machine, store} = await openMachineStore(deps, warnings, launch.detected)
  const plan = {...launch.plan, engineVersion: launch.version}
  const {batch} = planBatch(plan, catalog, launch.argv)
  const config = configFromPlan(plan, batch, {driverVersion: machine.driverVersion, era: eraOf(plan.engine, plan.engineVersion)})
  const {change, records} = addRecords([{config, configFrom: 'plan', logged: launch.draft.logged, outcome: launch.draft.outcome, source: 'serve'}], deps)
  const written = await store.update(change)
  warnings.push(...written.warnings)
  return {record: records[0], store: written.path, warnings}
}
