/**
 * The command-line interface of every vLLM and SGLang release r1 knows, from the derived data in
 * data/engine-cli.json (scripts/derive-engine-cli.mjs over shared/engine-cli: each release's parser read from
 * that release's own source). Pure: the data is a module import, resolved once per release on first use.
 */
import type {Engine} from '../constants.js'
import data from './data/engine-cli.json' with {type: 'json'}
import {compareVersions, type EngineVersion, parseVersion} from './version.js'

type Range = [number, number]

export interface CliOption {
  /** Option strings: the first is the engine's own name, the rest are aliases. */
  flags: string[]
  /** str (absent), int, float, bool, json, json_or_str, human_int, human_int_or_auto, kv_pairs, bool_str, custom. */
  type?: string
  /** `None` or an empty value is accepted (vLLM optional_type). */
  optional?: boolean
  /** store (absent), store_true, BooleanOptionalAction, StoreBoolean, Deprecated*Action, append, ... */
  action?: string
  choices?: Array<string | number>
  /** vLLM Literal+str: argparse takes any string, the engine checks these values later. */
  metavar?: string[]
  nargs?: string | number
  /** Values checked right after parsing (a registry of parsers, an enum of backends). */
  later?: {registry?: string; enum?: string; values: string[]}
  deprecated?: string
  /** Still registered, but the parser fails when it is used. */
  errorsOnUse?: string
  negation?: string[]
  required?: boolean
}

interface StoredOption extends CliOption {
  releases: Range[]
}

export interface ParserBehaviour {
  allow_abbrev?: boolean
  underscores_to_dashes?: boolean
  dotted_json_keys?: boolean
  /** vLLM `serve --model X`: none | rejected | moved_to_positional | accepted_with_warning. */
  model_option?: string
  o_flag?: string
}

interface StoredEngine {
  releases: Array<{version: string; tag: string; commit: string}>
  parser: Array<ParserBehaviour & {releases: Range[]}>
  positional: Array<{name: string; nargs: string | number | null; releases: Range[]}>
  options: StoredOption[]
}

const ENGINES = (data as unknown as {engines: Record<Engine, StoredEngine>}).engines

/** The interface of one release. */
export interface EngineInterface {
  engine: Engine
  version: string
  tag: string
  commit: string
  parser: ParserBehaviour
  /** vLLM's model positional (null for SGLang). */
  positional: {name: string; nargs: string | number | null} | null
  /** Every option string of the release (flags, aliases, --no-* negations) → the option, and whether it is a negation. */
  byFlag: ReadonlyMap<string, {option: CliOption; negated: boolean}>
  /** The option an option string names, or null when the release does not register it. */
  option: (flag: string) => CliOption | null
  /** The option exists and is neither deprecated nor failing on use. */
  current: (flag: string) => boolean
  /** The option is current and takes this value (choices, values checked later; case-insensitive for enums). */
  accepts: (flag: string, value: string) => boolean
  /** Options the parser requires. */
  required: readonly CliOption[]
}

function inRanges(ranges: Range[], index: number): boolean {
  return ranges.some(([first, last]) => index >= first && index <= last)
}

function strip<T extends {releases: Range[]}>(item: T): Omit<T, 'releases'> {
  const {releases: _releases, ...rest} = item
  return rest
}

/** Whether a value is one the option takes: argparse choices, a list metavar, or the values checked after parsing. */
export function valueAllowed(option: CliOption, value: string): boolean {
  if (option.choices) {
    const asText = option.choices.map(String)
    if (!asText.includes(value) && !(option.type === 'int' && asText.includes(String(Number.parseInt(value, 10))))) return false
  }

  if (option.metavar && !option.metavar.includes(value) && value !== '' && value !== 'None') return false
  if (option.later) {
    const known = option.later.enum ? option.later.values.map((v) => v.toUpperCase()) : option.later.values
    const given = option.later.enum ? value.toUpperCase() : value
    if (!known.includes(given) && value !== '' && value !== 'None') return false
  }

  return true
}

const cache = new Map<string, EngineInterface>()

/** The releases in the data, oldest first. */
export function knownReleases(engine: Engine): string[] {
  return ENGINES[engine].releases.map((r) => r.version)
}

/** The interface of a release that is in the data (exact name, as knownReleases lists it). */
export function engineInterface(engine: Engine, version: string): EngineInterface {
  const key = `${engine} ${version}`
  const hit = cache.get(key)
  if (hit) return hit
  const stored = ENGINES[engine]
  const index = stored.releases.findIndex((r) => r.version === version)
  if (index === -1) throw new Error(`${engine} ${version} is not in the engine interface data`)
  const release = stored.releases[index]
  const byFlag = new Map<string, {option: CliOption; negated: boolean}>()
  for (const storedOption of stored.options) {
    if (!inRanges(storedOption.releases, index)) continue
    const option = strip(storedOption)
    for (const flag of option.flags) byFlag.set(flag, {negated: false, option})
    for (const flag of option.negation ?? []) byFlag.set(flag, {negated: true, option})
  }

  const parser = strip(stored.parser.find((p) => inRanges(p.releases, index)) ?? {releases: []})
  const positional = stored.positional.find((p) => inRanges(p.releases, index))
  const option = (flag: string): CliOption | null => byFlag.get(flag)?.option ?? null
  const current = (flag: string): boolean => {
    const found = option(flag)
    return found !== null && !found.deprecated && !found.errorsOnUse
  }

  const iface: EngineInterface = {
    accepts: (flag, value) => current(flag) && valueAllowed(option(flag)!, value),
    byFlag,
    commit: release.commit,
    current,
    engine,
    option,
    parser,
    positional: positional ? {name: positional.name, nargs: positional.nargs} : null,
    required: [...new Set([...byFlag.values()].map((entry) => entry.option))].filter((o) => o.required),
    tag: release.tag,
    version: release.version,
  }
  cache.set(key, iface)
  return iface
}

export type ReleaseMatch =
  | {kind: 'exact'; release: string}
  /** Between two known releases (or a dev/rc build): the nearest known release at or below it. */
  | {kind: 'nearest'; release: string; note: string}
  /** Newer than every release in the data: the newest. */
  | {kind: 'newer'; release: string; note: string}
  /** Older than every release in the data. */
  | {kind: 'older'; oldest: string; newest: string; note: string}

/** Which release's interface to use for a version (PEP 440 order: a dev build of X sorts before X). */
const parsedReleases = new Map<Engine, Array<{parsed: EngineVersion; release: string}>>()

export function matchRelease(engine: Engine, version: EngineVersion): ReleaseMatch {
  const releases = knownReleases(engine)
  let parsed = parsedReleases.get(engine)
  if (!parsed) parsedReleases.set(engine, (parsed = releases.map((r) => ({parsed: parseVersion(r)!, release: r}))))
  const oldest = releases[0]
  const newest = releases.at(-1)!
  const exact = parsed.find((r) => compareVersions(r.parsed, version) === 0)
  if (exact) return {kind: 'exact', release: exact.release}
  const below = parsed.filter((r) => compareVersions(r.parsed, version) < 0)
  const range = `${oldest} to ${newest}`
  if (below.length === 0) {
    return {kind: 'older', newest, note: `${engine} ${version.raw} is older than every release r1 knows (${range})`, oldest}
  }

  const nearest = below.at(-1)!.release
  if (nearest === newest) {
    return {kind: 'newer', note: `${engine} ${version.raw} is newer than r1's engine data (${range}): building for ${newest}, the newest release r1 knows`, release: newest}
  }

  return {kind: 'nearest', note: `${engine} ${version.raw} is not a release r1 knows: building for ${nearest}, the nearest known release below it`, release: nearest}
}
