/**
 * Every flag r1 takes that is a number, a size or a length is defined here, with its range: a value
 * out of range is refused before any work, with one message that names the flag, the value and the
 * rule ("--count must be a whole number from 1 to 512; got 0"). Token counts read "32k"/"128K" and
 * sizes "80GB"/"80GiB" the same in every command (src/core/units.ts). The engines' own flag names
 * are aliases of r1's (--tensor-parallel-size for --tp, --max-model-len for --context).
 */
import {Flags} from '@oclif/core'

import {R1Error} from '../core/errors.js'
import {fmtCount, LIMITS, parseMemorySize, parseTokenCount, rangeText} from '../core/units.js'
import type {PlanFlags} from '../services/plan.js'

interface Range {
  min: number
  max: number
}

interface NumberFlagOptions {
  description: string
  range: Range
  helpGroup?: string
  char?: 'c' | 'n'
  aliases?: string[]
  /** Token counts: "32k" and "128K" read as 32,768 and 131,072. */
  tokens?: boolean
  hidden?: boolean
}

/** The message of a refused value; the parser wraps it, base-command unwraps it (one line for people). */
export function flagRule(name: string, rule: string, got: string): string {
  return `--${name} must be ${rule}; got ${got}`
}

function shown(input: string): string {
  const t = input.length > 40 ? `${input.slice(0, 40)}…` : input
  return /^[\d.,]+$/.test(t) ? t : JSON.stringify(t)
}

/** Parse a whole number within its range; the thrown message names the flag, the value and the rule. */
export function parseWhole(name: string, input: string, range: Range, tokens = false): number {
  const n = tokens ? parseTokenCount(input) : /^\s*\d+\s*$/.test(input) ? Number(input) : null
  const what = tokens ? `a token count from ${rangeText(range)} (32768, 32k or 128K)` : `a whole number from ${rangeText(range)}`
  if (n === null || !Number.isSafeInteger(n) || n < range.min || n > range.max) throw new R1Error('R1_INVALID_FLAGS', flagRule(name, what, shown(input)))
  return n
}

/** Parse a decimal number within [min, max] (or (min, max] with exclusiveMin). */
export function parseDecimal(name: string, input: string, range: Range & {exclusiveMin?: boolean; exclusiveMax?: boolean}): number {
  const n = /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/.test(input) ? Number(input) : Number.NaN
  const lo = range.exclusiveMin ? n > range.min : n >= range.min
  const hi = range.exclusiveMax ? n < range.max : n <= range.max
  if (!Number.isFinite(n) || !lo || !hi) {
    const rule = `a number ${range.exclusiveMin ? 'above' : 'from'} ${range.min} ${range.exclusiveMax ? 'and below' : 'to'} ${range.max}`
    throw new R1Error('R1_INVALID_FLAGS', flagRule(name, rule, shown(input)))
  }

  return n
}

function wholeDefinition(o: NumberFlagOptions) {
  const range = o.tokens ? `${rangeText(o.range)}; 32k = 32,768` : rangeText(o.range)
  return Flags.custom<number>({
    aliases: o.aliases,
    char: o.char,
    description: `${o.description} (${range}).`,
    helpGroup: o.helpGroup,
    hidden: o.hidden,
    async parse(input, _ctx, flag) {
      return parseWhole(flag.name, input, o.range, o.tokens)
    },
  })
}

/** A whole-number flag held to its range (oclif's integer flag says only "Parsing --count"). */
export function wholeFlag(o: NumberFlagOptions) {
  return wholeDefinition(o)()
}

/** The same, with a default (its value is always a number). */
export function wholeFlagWithDefault(o: NumberFlagOptions & {default: number}) {
  return wholeDefinition(o)({default: o.default})
}

/** A decimal flag held to its range. */
function decimalDefinition(o: {description: string; range: Range & {exclusiveMin?: boolean; exclusiveMax?: boolean}; helpGroup?: string}) {
  return Flags.custom<number>({
    description: o.description,
    helpGroup: o.helpGroup,
    async parse(input, _ctx, flag) {
      return parseDecimal(flag.name, input, o.range)
    },
  })
}

export function decimalFlag(o: {description: string; range: Range & {exclusiveMin?: boolean; exclusiveMax?: boolean}; helpGroup?: string}) {
  return decimalDefinition(o)()
}

/** --gpu-memory: a size with its unit; kept as typed (the plan prints what a GB reading means), checked here. */
export const gpuMemoryFlag = Flags.custom<string>({
  description: `Plan for a GPU not in the catalog with this much memory ("80GB" = 80 × 10^9 bytes, "80GiB" = 80 × 2^30, "81559MiB"; ${fmtSize(LIMITS.gpuMemoryBytes.min)} to ${fmtSize(LIMITS.gpuMemoryBytes.max)}).`,
  helpGroup: 'HARDWARE',
  async parse(input) {
    const size = parseMemorySize(input)
    const {max, min} = LIMITS.gpuMemoryBytes
    if (!size || size.bytes < min || size.bytes > max) {
      throw new R1Error('R1_INVALID_FLAGS', flagRule('gpu-memory', `a memory size from ${fmtSize(min)} to ${fmtSize(max)} with its unit (80GB, 24GiB, 81559MiB)`, shown(input)))
    }

    return input.trim()
  },
})

function fmtSize(bytes: number): string {
  return bytes >= 1024 ** 4 ? `${bytes / 1024 ** 4} TiB` : bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${bytes / 1024 ** 2} MiB`
}

/** --port on plan, serve and wherever a server listens. */
export const portFlag = (helpGroup = 'SERVER') =>
  wholeFlagWithDefault({default: 8000, description: 'Port the server listens on', helpGroup, range: LIMITS.port})

/** --temperature (chat, eval): a finite number in DeepSeek's sense of the word. */
export const temperatureFlag = () =>
  decimalDefinition({
    description: `Sampling temperature (${LIMITS.temperature.min} to ${LIMITS.temperature.max}). DeepSeek recommends 0.5–0.7 for R1; outside that a warning says why.`,
    range: LIMITS.temperature,
  })({default: 0.6})

/** --max-tokens (chat, eval). */
export const maxTokensFlag = (description: string) => wholeFlag({description, range: LIMITS.tokens, tokens: true})

/** A context length people type as 32k or 131072: the same reading as report's --context list. */
export function contextFlag(description: string) {
  return wholeFlag({aliases: ['max-model-len', 'context-length'], description, helpGroup: 'MODEL', range: LIMITS.context, tokens: true})
}

export {fmtCount}

/** Flags shared by several commands. */
export const profilesFlag = Flags.string({
  description: 'A folder of extra profiles (models/, gpus/, engines/ inside; JSON or YAML). They add to or replace the built-in ones by id.',
  env: 'R1_PROFILES',
  helpGroup: 'PROFILES',
})

/**
 * The flags of `r1 plan`, shared with `r1 serve` (which plans first): spread them into a command's flags.
 * Inputs (hardware, model, engine), overrides that pin a choice, and where the server listens.
 */
export const planFlags = {
  gpu: Flags.string({description: 'Plan for this GPU from the catalog instead of detecting ("H200", "h100-sxm", "A100-80GB", "RTX 4090").', helpGroup: 'HARDWARE'}),
  count: wholeFlag({description: 'GPUs per node (with --gpu or --gpu-memory; with detection, use only this many)', helpGroup: 'HARDWARE', range: LIMITS.gpusPerNode}),
  nodes: wholeFlag({description: 'Identical nodes (default 1)', helpGroup: 'HARDWARE', range: LIMITS.nodes}),
  'gpu-memory': gpuMemoryFlag(),
  'compute-capability': Flags.string({description: 'Its compute capability, with --gpu-memory ("8.9").', helpGroup: 'HARDWARE'}),
  'from-file': Flags.string({description: 'Read the hardware from a saved nvidia-smi capture (any format `r1 detect --from-file` reads).', helpGroup: 'HARDWARE'}),
  model: Flags.string({
    description: 'Model: an r1 id or alias ("r1", "qwen-7b"), the model\'s own repository ("deepseek-ai/DeepSeek-R1": every checkpoint of it is searched), or one checkpoint\'s repository or id ("r1-awq"). Default: every R1-family model.',
    helpGroup: 'MODEL',
  }),
  quantization: Flags.string({description: 'Only checkpoints of this kind.', helpGroup: 'MODEL', options: ['fp8', 'int8', 'awq', 'fp4', 'bf16']}),
  engine: Flags.string({default: 'auto', description: 'Serving engine.', helpGroup: 'MODEL', options: ['sglang', 'vllm', 'auto']}),
  'engine-version': Flags.string({description: 'Build the command for this engine version (with --engine sglang|vllm).', helpGroup: 'MODEL'}),
  context: contextFlag('Context length in tokens that every request may use, default 131072 = 128K (R1\'s advertised context); also --max-model-len, --context-length'),
  goal: Flags.string({default: 'throughput', description: 'What the layout optimizes: many requests at once, or the fastest single request.', helpGroup: 'MODEL', options: ['throughput', 'latency']}),
  'kv-cache-dtype': Flags.string({default: 'auto', description: 'KV cache precision (fp8 needs FlashMLA/CUTLASS MLA on Hopper or Blackwell for R1).', helpGroup: 'MODEL', options: ['auto', 'fp8', 'bf16']}),
  'input-tokens': wholeFlag({description: 'Typical prompt length in tokens, for sizing prefill against decode (default 2000: the published per-node measurements)', helpGroup: 'WORKLOAD', range: LIMITS.tokens, tokens: true}),
  'output-tokens': wholeFlag({description: 'Typical output length in tokens, thinking included (default 6000: R1 reasons at length; DeepSeek reports a mean KV length of about 5,000 per output token)', helpGroup: 'WORKLOAD', range: LIMITS.tokens, tokens: true}),
  ttft: wholeFlag({description: 'Time-to-first-token target in ms (disaggregated plans say when the model misses it)', helpGroup: 'WORKLOAD', range: LIMITS.milliseconds}),
  itl: wholeFlag({description: 'Inter-token latency target in ms: caps the decode batch per rank', helpGroup: 'WORKLOAD', range: LIMITS.milliseconds}),
  disaggregate: Flags.string({default: 'auto', description: 'Prefill/decode disaggregation: auto (R1 on 2+ nodes, when it beats one aggregated group), on, off.', helpGroup: 'WORKLOAD', options: ['auto', 'on', 'off']}),
  'node-addresses': Flags.string({description: 'Disaggregated plans: every node\'s address, comma-separated, in plan order (prefill nodes first).', helpGroup: 'SERVER'}),
  tp: wholeFlag({aliases: ['tensor-parallel-size', 'tp-size'], description: 'Pin the tensor-parallel size; also --tensor-parallel-size, --tp-size', helpGroup: 'PIN', range: LIMITS.parallel}),
  pp: wholeFlag({aliases: ['pipeline-parallel-size', 'pp-size'], description: 'Pin the pipeline-parallel size; also --pipeline-parallel-size, --pp-size', helpGroup: 'PIN', range: LIMITS.parallel}),
  dp: wholeFlag({
    aliases: ['data-parallel-size', 'dp-size'],
    description: 'Pin the data-parallel size: replicas, or for R1 on SGLang the ranks of DP attention; also --data-parallel-size, --dp-size',
    helpGroup: 'PIN',
    range: LIMITS.parallel,
  }),
  ep: wholeFlag({aliases: ['expert-parallel-size', 'ep-size'], description: 'Pin the expert-parallel size (R1 only); also --ep-size', helpGroup: 'PIN', range: LIMITS.parallel}),
  'gpu-memory-utilization': decimalFlag({description: 'Pin vLLM\'s --gpu-memory-utilization (above 0, at most 1).', helpGroup: 'PIN', range: {exclusiveMin: true, max: 1, min: 0}}),
  'mem-fraction-static': decimalFlag({description: 'Pin SGLang\'s --mem-fraction-static (above 0, below 1).', helpGroup: 'PIN', range: {exclusiveMax: true, exclusiveMin: true, max: 1, min: 0}}),
  host: Flags.string({default: '127.0.0.1', description: 'Address the server listens on.', helpGroup: 'SERVER'}),
  port: portFlag(),
  'head-address': Flags.string({description: 'Several nodes: the head node\'s address, reachable from every node (never guessed).', helpGroup: 'SERVER'}),
  calibration: Flags.boolean({
    allowNo: true,
    default: true,
    description: 'Use what earlier launches measured on this machine (r1 calibrate list); --no-calibration plans from the memory model alone.',
    helpGroup: 'MODEL',
  }),
  profiles: profilesFlag,
}

/** The parsed values of planFlags, as the plan service takes them (services/plan.ts PlanFlags). */
export function toPlanFlags(flags: Record<string, unknown>): PlanFlagValues {
  const str = (name: string) => flags[name] as string | undefined
  const num = (name: string) => flags[name] as number | undefined
  return {
    calibration: flags.calibration as boolean | undefined,
    computeCapability: str('compute-capability'),
    context: num('context'),
    count: num('count'),
    disaggregate: str('disaggregate') as PlanFlagValues['disaggregate'],
    dp: num('dp'),
    engine: str('engine') as PlanFlagValues['engine'],
    engineVersion: str('engine-version'),
    ep: num('ep'),
    fromFile: str('from-file'),
    goal: str('goal') as PlanFlagValues['goal'],
    gpu: str('gpu'),
    gpuMemory: str('gpu-memory'),
    gpuMemoryUtilization: num('gpu-memory-utilization'),
    headAddress: str('head-address'),
    host: str('host'),
    inputTokens: num('input-tokens'),
    itl: num('itl'),
    nodeAddresses: str('node-addresses')?.split(',').map((a) => a.trim()).filter(Boolean),
    outputTokens: num('output-tokens'),
    ttft: num('ttft'),
    kvCacheDtype: str('kv-cache-dtype') as PlanFlagValues['kvCacheDtype'],
    memFractionStatic: num('mem-fraction-static'),
    model: str('model'),
    nodes: num('nodes'),
    port: num('port'),
    pp: num('pp'),
    quantization: str('quantization') as PlanFlagValues['quantization'],
    tp: num('tp'),
  }
}

/** The parsed values of planFlags: the plan service's input, less what only `r1 plan` or `r1 serve` add. */
export type PlanFlagValues = Omit<PlanFlags, 'apiKeyEnv' | 'force' | 'out' | 'yes'>

/** Edit distance with transpositions ("modle" is one edit from "model"), for "did you mean" on flags and commands. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }

  return d[a.length][b.length]
}

/** The names closest to what was typed (at most two edits, or a prefix), best first. */
export function closestNames(typed: string, names: readonly string[]): string[] {
  const t = typed.toLowerCase()
  const scored = names
    .map((n) => ({d: n.startsWith(t) && t.length >= 2 ? 0.5 : editDistance(t, n.toLowerCase()), n}))
    .filter((s) => s.d <= Math.max(1, Math.min(2, Math.floor(t.length / 3))))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
  return [...new Set(scored.map((s) => s.n))].slice(0, 3)
}

/** --no-headers: tables without their header row (headers stay when piped, as kubectl keeps them). */
export const noHeadersFlag = Flags.boolean({description: 'Print tables without their header row (they keep it when piped).'})
