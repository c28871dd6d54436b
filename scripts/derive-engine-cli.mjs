#!/usr/bin/env node
// Derives r1's compact, versioned engine-interface data from shared/engine-cli (one JSON file per vLLM and
// SGLang release, extracted from each release's own parser source; see that folder's README).
//
//   node scripts/derive-engine-cli.mjs [SHARED_ENGINE_CLI_DIR] [--check]
//
// SHARED_ENGINE_CLI_DIR defaults to $R1_SHARED_DIR/engine-cli, else ../shared/engine-cli beside the repository.
// Writes src/core/engines/data/engine-cli.json (built into dist by tsc). With --check it writes nothing and exits 1
// when the shipped file differs from a fresh derivation.
//
// What is kept per option: its option strings, type, whether None/"" is accepted, action, choices, list metavar,
// nargs, the values the engine checks after parsing (registries, enums), deprecation and "raises when used" notes,
// --no-* negations and required. Each distinct option shape is stored once with the release ranges that have it.
// Help, defaults and source lines are dropped (the shared files keep them).
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const OUTPUT = join(ROOT, 'src', 'core', 'engines', 'data', 'engine-cli.json')

/** The default location of shared/engine-cli: $R1_SHARED_DIR/engine-cli, else ../shared/engine-cli beside the repository. */
export function defaultSharedDir(env = process.env) {
  return env.R1_SHARED_DIR ? join(env.R1_SHARED_DIR, 'engine-cli') : resolve(ROOT, '..', 'shared', 'engine-cli')
}

/** PEP 440 ordering for the release names in the folder (0.5.0rc2 < 0.5.0 < 0.5.0.post1 < 0.5.1). */
export function versionKey(version) {
  const m = /^v?(\d+(?:\.\d+)*)(?:\.?(a|b|rc)(\d+))?(?:\.?post(\d+))?$/.exec(version)
  if (!m) throw new Error(`cannot order version ${version}`)
  const release = m[1].split('.').map(Number)
  while (release.length < 4) release.push(0)
  const pre = m[2] ? [{a: 0, b: 1, rc: 2}[m[2]], Number(m[3])] : [3, 0]
  return [...release, ...pre, m[4] ? Number(m[4]) : -1]
}

function compareKeys(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }

  return 0
}

function deprecationNote(value) {
  if (!value) return undefined
  const text = value === true ? 'deprecated' : String(value)
  return text.length > 200 ? `${text.slice(0, 197)}...` : text
}

/** The parts of one option that decide whether an argv is accepted, in a fixed key order. */
function shape(option) {
  const out = {flags: option.flags}
  if (option.type !== 'str') out.type = option.type
  if (typeof option.type_detail === 'string' && option.type_detail.startsWith('optional:')) out.optional = true
  if (option.action && option.action !== 'store') out.action = option.action
  if (Array.isArray(option.choices) && option.choices.length > 0) out.choices = option.choices.map((c) => (c === null ? 'None' : c))
  if (Array.isArray(option.metavar) && option.metavar.length > 0) out.metavar = option.metavar.map(String)
  if (option.nargs !== null && option.nargs !== undefined) out.nargs = option.nargs
  const later = option.validated_later_against
  if (later && Array.isArray(later.values) && later.values.length > 0) {
    out.later = later.enum ? {enum: later.enum, values: later.values.map(String)} : {registry: later.registry ?? 'registry', values: later.values.map(String)}
  }

  const deprecated = deprecationNote(option.deprecated)
  if (deprecated) out.deprecated = deprecated
  if (option.errors_on_use) out.errorsOnUse = deprecationNote(option.errors_on_use)
  if (Array.isArray(option.negation) && option.negation.length > 0) out.negation = option.negation
  if (option.required) out.required = true
  return out
}

/** [[first, last], …] (inclusive release indices) for a sorted list of indices. */
function ranges(indices) {
  const out = []
  for (const i of indices) {
    const last = out.at(-1)
    if (last && last[1] === i - 1) last[1] = i
    else out.push([i, i])
  }

  return out
}

/** Group equal values (by JSON text) over the releases, keeping first-seen order. */
function byShape(perRelease) {
  const groups = new Map()
  perRelease.forEach((items, index) => {
    for (const item of items) {
      const key = JSON.stringify(item)
      const group = groups.get(key) ?? {item, indices: []}
      group.indices.push(index)
      groups.set(key, group)
    }
  })
  return [...groups.values()].map(({item, indices}) => ({...item, releases: ranges(indices)}))
}

function deriveEngine(dir, engine, index) {
  const files = readdirSync(join(dir, engine)).filter((f) => f.endsWith('.json'))
  const releases = files
    .map((file) => JSON.parse(readFileSync(join(dir, engine, file), 'utf8')))
    .sort((a, b) => compareKeys(versionKey(a.version), versionKey(b.version)))
  const commits = new Map((index?.[engine] ?? []).map((entry) => [entry.version, entry.commit]))
  for (const release of releases) {
    if (release.engine !== engine) throw new Error(`${engine}/${release.version}.json says engine ${release.engine}`)
    if (commits.size > 0 && commits.get(release.version) !== release.commit) throw new Error(`${engine} ${release.version}: commit differs from index.json`)
  }

  const parserKeys = ['allow_abbrev', 'underscores_to_dashes', 'dotted_json_keys', 'model_option', 'o_flag']
  return {
    releases: releases.map((r) => ({commit: r.commit, tag: r.tag, version: r.version})),
    parser: byShape(releases.map((r) => [Object.fromEntries(parserKeys.filter((k) => k in r.parser).map((k) => [k, r.parser[k]]))])),
    positional: byShape(releases.map((r) => (r.positional ?? []).map((p) => ({name: p.name, nargs: p.nargs ?? null})))),
    options: byShape(releases.map((r) => r.options.map(shape))),
  }
}

/** The whole derived data set for a shared/engine-cli folder. */
export function deriveEngineCli(dir) {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))
  return {
    about:
      'Derived by scripts/derive-engine-cli.mjs from shared/engine-cli (each release parser read from its own source tag; see that README). ' +
      'Option shapes are stored once with the inclusive release-index ranges that have them.',
    sources: index.snapshots ?? {},
    engines: {sglang: deriveEngine(dir, 'sglang', index), vllm: deriveEngine(dir, 'vllm', index)},
  }
}

export function serialise(data) {
  return `${JSON.stringify(data)}\n`
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const dir = resolve(args.find((a) => !a.startsWith('--')) ?? defaultSharedDir())
  const text = serialise(deriveEngineCli(dir))
  if (check) {
    let shipped = ''
    try {
      shipped = readFileSync(OUTPUT, 'utf8')
    } catch {}
    if (shipped !== text) {
      console.error(`${OUTPUT} is stale: run node scripts/derive-engine-cli.mjs ${dir}`)
      process.exit(1)
    }

    console.log(`engine-cli data is current (${text.length} bytes, from ${dir})`)
  } else {
    writeFileSync(OUTPUT, text)
    console.log(`wrote ${OUTPUT} (${text.length} bytes) from ${dir}`)
  }
}
