/**
 * What `r1 plan` needs from the world, as arguments (tests pass fakes), and the real ones: the detect
 * service, this machine's calibration store, the catalog, atomic file writes.
 */
import type {CalibrationRecord} from '../../core/calibration/calibration.schema.js'
import type {DetectResult} from '../../core/detect/detect.schema.js'
import type {Catalog} from '../../core/profiles/catalog.js'
import type {Runner} from '../../io/exec.js'
import {writeFileAtomic} from '../../io/files.js'

export interface PlanDeps {
  loadCatalog: () => Promise<Catalog>
  /** The detect service, bound to its own dependencies. */
  detect: (options: {fromFile?: string}) => Promise<{result: DetectResult; warnings: string[]}>
  /** Atomic write that refuses to overwrite unless force (src/io/files.ts). */
  writeFile: (path: string, text: string, options: {force?: boolean}) => string
  /** Let a person pick among fitting plans (TTY only; absent otherwise). Returns the chosen index. */
  choose?: (choices: PlanChoice[], defaultIndex: number) => Promise<number>
  /** This machine's calibration records, for detected hardware (services/calibrate.ts). */
  calibration?: (detected: DetectResult) => Promise<CalibrationRecords>
}

export interface CalibrationRecords {
  machine: string
  path: string
  records: CalibrationRecord[]
  warnings: string[]
}

export interface PlanChoice {
  label: string
  detail: string
}

/** What the command layer has (src/cli/run-context.ts CliContext). */
export interface PlanContext {
  runner: Runner
  env: Record<string, string | undefined>
  debug: (line: string) => void
  loadCatalog: (profilesDir?: string) => Promise<Catalog>
}

/** The real dependencies: the detect service, the catalog, atomic file writes. */
export function planDeps(ctx: PlanContext, profilesDir?: string): PlanDeps {
  const loadCatalog = () => ctx.loadCatalog(profilesDir)
  return {
    detect: async (options) => {
      // Loaded only when the hardware is detected: --gpu plans skip the parsers (start-up time).
      const [{defaultDetectDeps, detect}, catalog] = await Promise.all([import('../detect.js'), loadCatalog()])
      return detect(defaultDetectDeps({catalog: catalog.gpus, env: ctx.env, runner: ctx.runner}), {fromFile: options.fromFile, includeHost: false})
    },
    calibration: async (detected) => {
      // Loaded only for detected hardware: a --gpu plan pays nothing for the store.
      const [{openMachineStore}, {hostName}] = await Promise.all([import('../calibrate.js'), import('../../io/calibration-store.js')])
      const warnings: string[] = []
      const {machine, store} = await openMachineStore({detect: async () => detected, env: ctx.env, hostname: hostName}, warnings, detected)
      const read = await store.read()
      return {machine: machine.id, path: read.path, records: read.records, warnings: [...warnings, ...read.warnings]}
    },
    loadCatalog,
    writeFile: (path, text, options) => writeFileAtomic(path, text, {force: options.force}),
  }
}
