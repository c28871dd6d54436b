/**
 * The engine release a command is built for: which release's interface applies (interface.ts, derived from each
 * release's own parser) and which behaviours hold there (semantics.ts). Builders ask this object, never a
 * version number.
 */
import type {Engine} from '../constants.js'
import {R1Error} from '../errors.js'
import {type CliOption, type EngineInterface, engineInterface, knownReleases, matchRelease} from './interface.js'
import {semantic} from './semantics.js'
import {parseVersion} from './version.js'

/** What r1 targets when no version is given (profiles/engines/*.json defaultVersion; both are releases in the data). */
export const DEFAULT_ENGINE_VERSIONS: Record<Engine, string> = {
  // shared/engine-flags/sglang.json: main after v0.5.14 (commit 001067ff)
  sglang: '0.5.14',
  // shared/engine-flags/vllm.json: docs.vllm.ai/en/latest on 2026-05-07, between v0.20.1 and v0.20.2
  vllm: '0.20.1',
}

/** The spellings and behaviours of one engine release. */
export interface EngineFlags {
  engine: Engine
  /** The release the command is built for (a release in the data). */
  version: string
  /** The version asked for, when it differs from `version`. */
  requested: string | null
  /** Why the release differs from the one asked for (an unreadable, unknown or newer version). */
  warning: string | null
  cli: EngineInterface
  /** A behaviour of semantics.ts holds at this release. */
  has: (id: string) => boolean
  /** The option exists and is neither deprecated nor failing on use. */
  current: (flag: string) => boolean
  /** The option is current and takes the value. */
  accepts: (flag: string, value: string) => boolean
  option: (flag: string) => CliOption | null
}

export interface ResolvedRelease {
  release: string
  warning: string | null
}

/**
 * The release whose interface applies to a version: itself when r1 knows it, else the nearest known release below
 * it (said in the warning), the newest for a newer version. Older than every known release: R1_USAGE with the range.
 * An unreadable version gets the default target, with a warning.
 */
export function resolveRelease(engine: Engine, version: string | null | undefined): ResolvedRelease {
  const fallback = DEFAULT_ENGINE_VERSIONS[engine]
  const parsed = version ? parseVersion(version) : null
  if (!parsed) {
    return {release: fallback, warning: version ? `cannot read ${engine} version "${version}": building for ${engine} ${fallback}` : null}
  }

  const match = matchRelease(engine, parsed)
  if (match.kind === 'older') {
    const releases = knownReleases(engine)
    throw new R1Error('R1_USAGE', `${match.note}: r1 supports ${engine} ${match.oldest} to ${match.newest}`, {
      suggestions: [`Upgrade ${engine} to ${match.oldest} or newer (${releases.length} releases are known), or plan for one with --engine-version.`],
    })
  }

  return {release: match.release, warning: match.kind === 'exact' ? null : match.note}
}

const resolved = new Map<string, EngineFlags>()

/** Resolve an engine version into the interface and behaviours the builders use (memoised: the search asks often). */
export function engineFlagsFor(engine: Engine, version: string | null | undefined): EngineFlags {
  const key = `${engine}\u0000${version ?? ''}`
  const hit = resolved.get(key)
  if (hit) return hit
  const {release, warning} = resolveRelease(engine, version)
  const cli = engineInterface(engine, release)
  const requested = version && version.trim() !== release ? version.trim() : null
  const holding = new Map<string, boolean>()
  const flags: EngineFlags = {
    accepts: cli.accepts,
    cli,
    current: cli.current,
    engine,
    has: (id) => {
      let value = holding.get(id)
      if (value === undefined) holding.set(id, (value = semantic(engine, id, release)))
      return value
    },
    option: cli.option,
    requested,
    version: release,
    warning,
  }
  resolved.set(key, flags)
  return flags
}
