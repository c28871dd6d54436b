/**
 * Checks an engine argv against the flag lists in test/fixtures/engine-flags (copies of shared/engine-flags),
 * modelling each parser as the lists' parser_notes describe:
 * - SGLang: plain argparse; exact option strings or unambiguous prefixes; no underscore normalisation.
 * - vLLM: FlexibleArgumentParser; `--foo_bar` → `--foo-bar`; `--no-<flag>` for booleans; the model is positional.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {FIXTURES} from '../../helpers/cli.js'

interface FlagEntry {
  flag: string
  aliases: string[]
  takes_value: boolean
  choices: string[]
  deprecated: boolean
  negation?: string
}

interface FlagList {
  all_option_strings: string[]
  flags: FlagEntry[]
}

function load(engine: 'sglang' | 'vllm'): FlagList {
  return JSON.parse(readFileSync(join(FIXTURES, 'engine-flags', `${engine}.json`), 'utf8')) as FlagList
}

const LISTS = {sglang: load('sglang'), vllm: load('vllm')}

function index(list: FlagList): Map<string, FlagEntry> {
  const map = new Map<string, FlagEntry>()
  for (const entry of list.flags) {
    for (const name of [entry.flag, ...entry.aliases]) map.set(name, entry)
    if (entry.negation) map.set(entry.negation, {...entry, takes_value: false})
  }

  return map
}

const INDEX = {sglang: index(LISTS.sglang), vllm: index(LISTS.vllm)}

export interface CheckedFlag {
  given: string
  flag: string
  value: string | null
  deprecated: boolean
}

/** Resolve one option string the way the engine's parser would, or throw. */
export function resolveOption(engine: 'sglang' | 'vllm', given: string): FlagEntry {
  const map = INDEX[engine]
  if (engine === 'vllm') {
    const normal = given.startsWith('--') ? `--${given.slice(2).split('.')[0].replaceAll('_', '-')}` : given
    const entry = map.get(normal)
    if (!entry) throw new Error(`vllm: unknown option ${given}`)
    return entry
  }

  const exact = map.get(given)
  if (exact) return exact
  const matches = LISTS.sglang.all_option_strings.filter((name) => name.startsWith(given))
  if (matches.length !== 1) throw new Error(`sglang: ${matches.length === 0 ? 'unknown' : 'ambiguous'} option ${given}`)
  return map.get(matches[0])!
}

/** Every option of an engine argv (after the entry point and, for vLLM, the model), checked with its value. */
export function checkArgv(engine: 'sglang' | 'vllm', argv: string[]): CheckedFlag[] {
  if (engine === 'sglang' && argv.slice(0, 3).join(' ') !== 'python3 -m sglang.launch_server') throw new Error(`not an SGLang command: ${argv.join(' ')}`)
  if (engine === 'vllm' && (argv[0] !== 'vllm' || argv[1] !== 'serve' || argv[2].startsWith('-'))) throw new Error(`not a vllm serve command: ${argv.join(' ')}`)
  const checked: CheckedFlag[] = []
  for (let i = 3; i < argv.length; i++) {
    const given = argv[i]
    if (!given.startsWith('-')) throw new Error(`${engine}: stray value ${given}`)
    const entry = resolveOption(engine, given)
    let value: string | null = null
    if (entry.takes_value) {
      value = argv[++i]
      if (value === undefined || value.startsWith('--')) throw new Error(`${engine}: ${given} needs a value`)
      if (entry.choices.length > 0 && !entry.choices.includes(value)) throw new Error(`${engine}: ${given} ${value} is not one of ${entry.choices.join(', ')}`)
    }

    checked.push({deprecated: entry.deprecated, flag: entry.flag, given, value})
  }

  return checked
}
