/**
 * The gate: every engine command r1 builds is checked against the interface of the release that will run it
 * before anything is printed or launched. It follows argparse as the release's parser does (option strings,
 * aliases, --no-* negations, nargs, choices, types, required options; vLLM's underscores-to-dashes and its model
 * positional) and adds r1's own rules: full option strings only, no option twice, nothing deprecated, nothing that
 * fails on use, and the semantic rules of semantics.ts (multi-node DP, backends per architecture, environment).
 * A problem is a bug in r1 (R1_BUG): the command is never emitted.
 */
import {R1Error} from '../errors.js'
import type {CommandSpec} from '../planner/plan.schema.js'
import type {PlanCore} from '../planner/types.js'
import {type CliOption, type EngineInterface, valueAllowed} from './interface.js'
import {type Capability, MLA_BACKENDS} from './semantics.js'
import {capability} from './tuning.js'
import {atLeast, parseVersion} from './version.js'
import {type EngineFlags, engineFlagsFor} from './versions.js'

export interface GateProblem {
  /** The node (rank) whose command has the problem; null for a one-node command. */
  node: number | null
  /** The offending option (or environment variable); null when the problem is the command's shape. */
  option: string | null
  message: string
}

const ZERO_ARITY = new Set(['store_true', 'store_false', 'store_const', 'count', 'BooleanOptionalAction', 'help', 'version'])
const ENTRY = {sglang: ['python3', '-m', 'sglang.launch_server'], vllm: ['vllm', 'serve']} as const

function looksLikeOption(token: string): boolean {
  if (token.charCodeAt(0) !== 45) return false
  // "--anything" is an option; "-", "-3" and "-.5" are values.
  return token.charCodeAt(1) === 45 || (token !== '-' && !/^-\d+$|^-\d*\.\d+$/.test(token))
}

/** A value r1's launcher fills in from the environment (`${NAME}`): its text is only known at launch. */
function isEnvRef(value: string): boolean {
  return /^\$\{[A-Z_][A-Z0-9_]*\}$/.test(value)
}

/** The type check of the engine's converter (human_int differs: vLLM K = 1024, SGLang SI/IEC suffixes). */
export function typeProblem(iface: EngineInterface, option: CliOption, value: string): string | null {
  if (option.optional && (value === '' || value === 'None')) return null
  if (isEnvRef(value)) return null
  const type = option.type ?? 'str'
  switch (type) {
    case 'int': {
      return /^\s*[-+]?\d+\s*$/.test(value) ? null : `expects an integer, got ${JSON.stringify(value)}`
    }

    case 'float': {
      return value.trim() !== '' && Number.isFinite(Number(value)) ? null : `expects a number, got ${JSON.stringify(value)}`
    }

    case 'human_int':
    case 'human_int_or_auto': {
      const v = value.trim()
      if (type === 'human_int_or_auto' && (v === '-1' || v.toLowerCase() === 'auto')) return null
      if (/^-?\d+$/.test(v)) return null
      if (iface.engine === 'vllm') {
        const m = /^(\d+(?:\.\d+)?)([kKmMgGtT])$/.exec(v)
        if (m && !(m[2] === m[2].toUpperCase() && m[1].includes('.'))) return null
        return `expects an integer or a k/m/g (x1000) or K/M/G (x1024) suffixed integer, got ${JSON.stringify(value)}`
      }

      const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)$/.exec(v)
      if (m && !(m[2].endsWith('i') && m[1].includes('.'))) return null
      return `expects an integer or an SI (k, M, G, T) / IEC (Ki, Mi, Gi, Ti) suffixed integer, got ${JSON.stringify(value)}`
    }

    case 'json': {
      try {
        JSON.parse(value)
        return null
      } catch {
        return `expects a JSON value, got ${JSON.stringify(value)}`
      }
    }

    case 'kv_pairs': {
      return /^[\w.-]+=-?\d+(,[\w.-]+=-?\d+)*$/.test(value) ? null : `expects KEY=INT[,KEY=INT...], got ${JSON.stringify(value)}`
    }

    case 'bool_str': {
      return ['true', 'false'].includes(value.toLowerCase()) ? null : `expects true or false, got ${JSON.stringify(value)}`
    }

    default: {
      return null
    }
  }
}

// A plan gates the command of every candidate, and on several nodes every node's: the same option values
// come back hundreds of times. Options are per release (interface.ts), so the memo is per release too.
const valueProblems = new WeakMap<CliOption, Map<string, string | null>>()

function valueProblem(iface: EngineInterface, option: CliOption, value: string): string | null {
  let memo = valueProblems.get(option)
  if (!memo) valueProblems.set(option, (memo = new Map()))
  let problem = memo.get(value)
  if (problem === undefined) memo.set(value, (problem = checkValue(iface, option, value)))
  return problem
}

function checkValue(iface: EngineInterface, option: CliOption, value: string): string | null {
  const typed = typeProblem(iface, option, value)
  if (typed) return typed
  if (isEnvRef(value) || valueAllowed(option, value)) return null
  const known = option.choices?.map(String) ?? option.metavar ?? option.later?.values ?? []
  const what = option.choices ? 'choices' : option.later?.registry ?? option.later?.enum ?? 'known values'
  return `${JSON.stringify(value)} is not one of the ${what} of ${iface.engine} ${iface.version} (${known.join(', ')})`
}

/** Check one engine argv (entry point, then for vLLM the model positional, then options) against a release. */
export function checkEngineArgv(iface: EngineInterface, argv: readonly string[]): Array<Omit<GateProblem, 'node'>> {
  const problems: Array<Omit<GateProblem, 'node'>> = []
  const where = `${iface.engine} ${iface.version}`
  const entry = ENTRY[iface.engine]
  if (entry.some((word, i) => argv[i] !== word)) {
    return [{message: `not a ${entry.join(' ')} command: ${argv.slice(0, entry.length + 1).join(' ')}`, option: null}]
  }

  let i = entry.length
  if (iface.engine === 'vllm') {
    // The model is the positional right after `serve`: `--model X` fails in 0.7.3-0.8.2 and 0.8.4-0.11.0.
    const model = argv[i]
    if (model === undefined || looksLikeOption(model)) problems.push({message: `vllm serve needs the model as its first positional argument (${where})`, option: null})
    else i++
  }

  const seen = new Set<string>()
  while (i < argv.length) {
    const token = argv[i]
    if (!looksLikeOption(token)) {
      problems.push({message: `unrecognized argument ${JSON.stringify(token)} (${where} takes ${iface.engine === 'vllm' ? 'one positional, the model' : 'no positional arguments'})`, option: null})
      i++
      continue
    }

    const eq = token.indexOf('=')
    let name = eq === -1 ? token : token.slice(0, eq)
    const inline = eq === -1 ? null : token.slice(eq + 1)
    if (iface.parser.underscores_to_dashes && name.startsWith('--')) name = `--${name.slice(2).replaceAll('_', '-')}`
    if (name === '--model' && iface.engine === 'vllm') {
      problems.push({message: `vllm serve --model: pass the model as the positional argument instead (${where} ${iface.parser.model_option === 'rejected' ? 'raises an error' : 'does not take it as an option'})`, option: '--model'})
      i += inline === null ? 2 : 1
      continue
    }

    const found = iface.byFlag.get(name)
    if (!found) {
      const prefixed = [...iface.byFlag.keys()].filter((flag) => flag.startsWith(name) && name.startsWith('--'))
      const hint = prefixed.length > 0 ? ` (r1 must not rely on prefix matching: ${prefixed.slice(0, 3).join(', ')})` : ''
      problems.push({message: `unknown option ${name}: not in ${where}${hint}`, option: name})
      i += inline === null && i + 1 < argv.length && !looksLikeOption(argv[i + 1]) ? 2 : 1
      continue
    }

    const {option, negated} = found
    const key = option.flags[0]
    if (seen.has(key)) problems.push({message: `${name} is given twice`, option: name})
    seen.add(key)
    if (option.errorsOnUse) problems.push({message: `${name} is still registered in ${where} but fails when used: ${option.errorsOnUse}`, option: name})
    else if (option.deprecated) problems.push({message: `${name} is deprecated in ${where}: ${option.deprecated}`, option: name})

    let arity: string | number | null = option.nargs ?? null
    if (negated || (arity === null && ZERO_ARITY.has(option.action ?? 'store'))) arity = 0
    const values: string[] = []
    if (arity === 0) {
      if (inline !== null) problems.push({message: `${name} takes no value (got ${JSON.stringify(inline)})`, option: name})
      i++
    } else if (inline === null) {
      let j = i + 1
      const take: string[] = []
      while (j < argv.length && !looksLikeOption(argv[j])) take.push(argv[j++])
      const want = arity === null ? 1 : arity === '?' ? Math.min(1, take.length) : typeof arity === 'number' ? arity : take.length
      if (take.length < (arity === '?' || arity === '*' ? 0 : arity === '+' ? 1 : want)) {
        problems.push({message: `${name} expects ${arity === '+' ? 'at least one value' : arity === null ? 'a value' : `${arity} values`}`, option: name})
      }

      values.push(...take.slice(0, want))
      i += 1 + values.length
    } else {
      values.push(inline)
      i++
    }

    for (const value of values) {
      const problem = valueProblem(iface, option, value)
      if (problem) problems.push({message: `${name}: ${problem}`, option: name})
    }
  }

  for (const option of iface.required) {
    if (!seen.has(option.flags[0])) problems.push({message: `${option.flags[0]} is required by ${where}`, option: option.flags[0]})
  }

  return problems
}

function valueOf(argv: readonly string[], flag: string): string | null {
  const at = argv.indexOf(flag)
  return at === -1 ? null : (argv[at + 1] ?? null)
}

function backendProblems(flags: EngineFlags, cc: Capability | null, name: string, option: string): Array<Omit<GateProblem, 'node'>> {
  const backend = MLA_BACKENDS[flags.engine].find((b) => b.name.toLowerCase() === name.toLowerCase())
  if (!backend) return []
  const problems: Array<Omit<GateProblem, 'node'>> = []
  if (cc && !backend.fits(cc)) problems.push({message: `${option} ${name} runs on ${backend.hardware} only, not on compute capability ${cc.major}.${cc.minor}`, option})
  return problems
}

/** Semantic rules a parser cannot show, for one node's command and environment. */
function semanticProblems(flags: EngineFlags, spec: CommandSpec, argv: readonly string[], env: Readonly<Record<string, string>>, cc: Capability | null): Array<Omit<GateProblem, 'node'>> {
  const problems: Array<Omit<GateProblem, 'node'>> = []
  const where = `${flags.engine} ${flags.version}`
  const backend = valueOf(argv, '--attention-backend')
  if (backend) problems.push(...backendProblems(flags, cc, backend, '--attention-backend'))
  if (flags.engine === 'vllm') {
    const envBackend = env.VLLM_ATTENTION_BACKEND
    if (envBackend !== undefined) {
      if (!flags.has('attention-backend-env')) {
        problems.push({message: `VLLM_ATTENTION_BACKEND is ignored by ${where} (removed from vllm/envs.py in 0.15.0): use --attention-backend`, option: 'VLLM_ATTENTION_BACKEND'})
      } else {
        const known = MLA_BACKENDS.vllm.find((b) => b.name === envBackend)
        if (known?.envSince && !atLeast(parseVersion(flags.version)!, known.envSince)) {
          problems.push({message: `VLLM_ATTENTION_BACKEND=${envBackend} is not known to ${where} (from ${known.envSince})`, option: 'VLLM_ATTENTION_BACKEND'})
        }

        problems.push(...backendProblems(flags, cc, envBackend, 'VLLM_ATTENTION_BACKEND'))
      }
    }

    const dp = Number(valueOf(argv, '--data-parallel-size') ?? '1')
    if (spec.nodes.length > 1 && dp > 1) {
      if (!flags.has('multi-node-dp')) {
        problems.push({message: `--data-parallel-size ${dp} across ${spec.nodes.length} nodes: vLLM ${flags.version} has no multi-node data parallelism (from 0.9.0); use TP/PP over Ray`, option: '--data-parallel-size'})
      } else if (!argv.includes('--data-parallel-size-local') && valueOf(argv, '--data-parallel-backend') !== 'ray') {
        problems.push({message: `--data-parallel-size ${dp} across ${spec.nodes.length} nodes needs --data-parallel-size-local or --data-parallel-backend ray`, option: '--data-parallel-size'})
      }
    }
  }

  return problems
}

export interface GateInput {
  engine: EngineFlags['engine']
  /** The version the command was built for (resolved to a known release as the builder does). */
  version: string
  spec: CommandSpec
  /** The GPU, for the backends' hardware support. */
  gpu?: Pick<PlanCore['gpu'], 'architecture' | 'computeCapability'>
}

/** Every problem of a command (every node; `ray start` lines are Ray's and not checked here). */
export function gateProblems(input: GateInput): GateProblem[] {
  const flags = engineFlagsFor(input.engine, input.version)
  const cc = input.gpu ? capability({gpu: input.gpu as PlanCore['gpu']}) : null
  const nodes = input.spec.nodes.length > 0 ? input.spec.nodes : [{argv: input.spec.argv, env: input.spec.env, rank: null}]
  const problems: GateProblem[] = []
  for (const node of nodes) {
    if (node.argv[0] === 'ray') continue
    const rank = node.rank
    const found = [...checkEngineArgv(flags.cli, node.argv), ...semanticProblems(flags, input.spec, node.argv, node.env, cc)]
    problems.push(...found.map((p) => ({...p, node: rank})))
  }

  return problems
}

/** Refuse a command with a problem: R1_BUG naming the offending option(s). */
export function assertGate(input: GateInput): void {
  const problems = gateProblems(input)
  if (problems.length === 0) return
  const flags = engineFlagsFor(input.engine, input.version)
  const first = problems[0]
  const named = [...new Set(problems.map((p) => p.option).filter((o): o is string => o !== null))]
  const where = first.node === null ? '' : ` (node ${first.node})`
  throw new R1Error(
    'R1_BUG',
    `r1 built a ${input.engine} command that ${input.engine} ${flags.version} would not accept${named.length > 0 ? `, offending ${named.join(', ')}` : ''}: ${first.message}${where}. This is a bug in r1; nothing was printed or started.`,
    {
      data: {problems},
      suggestions: [
        ...problems.slice(1, 4).map((p) => p.message),
        `Plan for another release with --engine-version, and please report this bug with the command above.`,
      ],
    },
  )
}
