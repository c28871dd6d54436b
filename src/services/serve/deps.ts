/**
 * What `r1 serve` takes from the world (deps), what it is asked to do (options) and what it tells the
 * command while it runs (events). Every side effect comes in through `deps`, so tests drive it with fakes.
 */
import type {CalibrationRecord} from '../../core/calibration/calibration.schema.js'
import type {DetectResult} from '../../core/detect/detect.schema.js'
import type {NodeCommand, PlanConfig} from '../../core/planner/plan.schema.js'
import type {Catalog} from '../../core/profiles/catalog.js'
import type {KvComparison, LogState} from '../../core/serve/log.js'
import type {PreflightCheck} from '../../core/serve/preflight.js'
import type {ServeResult} from '../../core/serve/serve.schema.js'
import {findCachedSnapshot, freeBytes, hfHubCacheDir, shmSizeBytes} from '../../io/disk.js'
import type {Runner} from '../../io/exec.js'
import {type HttpAnswer, httpGet, isPortFree} from '../../io/net.js'
import {createServeRegistry, type ServeRegistry} from '../../io/serve-registry.js'
import {now, onStopSignal, sleep, type StopSignal} from '../../io/signals.js'
import type {LaunchRecord} from '../calibrate.js'

export interface ServeDeps {
  runner: Runner
  env: Record<string, string | undefined>
  loadCatalog: () => Promise<Catalog>
  /** GPUs on this machine (r1 detect). */
  detect: () => Promise<DetectResult>
  isPortFree: (host: string, port: number) => Promise<boolean>
  httpGet: (url: string, options?: {timeoutMs?: number; headers?: Record<string, string>}) => Promise<HttpAnswer | null>
  disk: {
    hubCacheDir: (env: Record<string, string | undefined>) => string
    findCachedSnapshot: (cacheDir: string, repo: string) => string | null
    freeBytes: (path: string) => number | null
    shmSizeBytes: () => number | null
  }
  onStopSignal: (handler: (signal: StopSignal) => void) => () => void
  sleep: (ms: number) => Promise<void>
  now: () => number
  /** Asked before an expensive start (a download) unless --yes; false refuses. */
  confirm: (question: string) => Promise<boolean>
  /** Keeps what the engine measured in this machine's calibration store (services/calibrate.ts); absent: nothing is recorded. */
  recordLaunch?: (launch: LaunchRecord) => Promise<{record: CalibrationRecord; store: string; warnings: string[]}>
  /** The records of running engines in the state dir (orphans after a SIGKILL to r1); none in tests that leave it out. */
  registry?: ServeRegistry
}

/** The real dependencies, around the runner, environment and catalog the command layer gives. */
export function createServeDeps(base: Pick<ServeDeps, 'runner' | 'env' | 'loadCatalog' | 'detect' | 'confirm'>): ServeDeps {
  return {
    ...base,
    async recordLaunch(launch) {
      const {calibrationDeps, recordLaunch} = await import('../calibrate.js')
      return recordLaunch(calibrationDeps(base.env, base.detect), await base.loadCatalog(), launch)
    },
    disk: {findCachedSnapshot, freeBytes, hubCacheDir: hfHubCacheDir, shmSizeBytes: () => shmSizeBytes()},
    httpGet,
    isPortFree,
    now,
    onStopSignal,
    registry: createServeRegistry(base.env, base.runner),
    sleep,
  }
}

export interface ServeOptions {
  /** The plan: read from --plan FILE, or made from the plan flags. */
  resolvePlan: () => Promise<{plan: PlanConfig; source: 'file' | 'flags'}>
  host: string
  port: number
  /** The API key's value (from R1_API_KEY or --api-key); never printed. */
  apiKey: string | null
  /** Where the key came from, for the placeholders people see. */
  apiKeySource: string
  docker: boolean
  nodeRank: number | null
  headAddress: string | null
  readyTimeoutS: number
  stopTimeoutS: number
  yes: boolean
  dryRun: boolean
  pollMs?: number
}

/** What the command shows while serving (stderr), and the ready banner (stdout). */
export interface ServeEvents {
  plan?(plan: PlanConfig, source: 'file' | 'flags'): void
  check?(check: PreflightCheck): void
  warn?(message: string): void
  launch?(node: NodeCommand, shown: {argv: string[]; env: Record<string, string>; passEnv: string[]}): void
  line?(stream: 'stdout' | 'stderr', line: string): void
  phase?(state: LogState, text: string): void
  kv?(comparison: KvComparison): void
  ready?(result: ServeResult): void
  stopping?(signal: StopSignal, graceS: number): void
  failed?(result: ServeResult): void
  /** A calibration record was written (or could not be): one line for people. */
  recorded?(text: string): void
}

/** The planner and the rebuild for the installed version can say the same thing twice: say it once. */
export function sayOnce(given: ServeEvents): ServeEvents {
  const said = new Set<string>()
  return {
    ...given,
    warn(message) {
      if (said.has(message)) return
      said.add(message)
      given.warn?.(message)
    },
  }
}
