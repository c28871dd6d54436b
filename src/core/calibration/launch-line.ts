/**
 * How an engine was launched, read from the lines that show it in its own log or a captured shell:
 * - vLLM `non-default args: {'model': '…', 'gpu_memory_utilization': 0.15, …}` (a Python dict),
 * - vLLM `Initializing a V1 LLM engine (v0.20.0) with config: model='…', tensor_parallel_size=1, …`,
 * - SGLang `server_args=ServerArgs(model_path='…', tp_size=1, mem_fraction_static=0.88, …)`,
 * - the command itself: `vllm serve MODEL --flag v …`, `python3 -m sglang.launch_server --flag v …`,
 *   and vLLM's offline `LLM(model="…", tensor_parallel_size=1, …)`.
 * Elided parts ("...") are skipped; only what the line shows is read. Pure.
 */
import type {Engine} from '../constants.js'

export type LaunchLineKind = 'non-default-args' | 'engine-config' | 'server-args' | 'vllm-serve' | 'sglang-launch' | 'llm-call'

export interface LaunchLine {
  kind: LaunchLineKind
  engine: Engine
  /** The engine version, when the line prints it (vLLM's "Initializing … (v0.20.0)"). */
  version: string | null
  /** Settings as the engine names them (snake_case), values as printed. */
  settings: Record<string, string | number | boolean | null>
}

/** A Python literal as a logged dict or dataclass prints it. */
const VALUE = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e-?\d+)?|True|False|None|[A-Za-z_][\w.]*`

function pyValue(raw: string): string | number | boolean | null {
  if (raw === 'True') return true
  if (raw === 'False') return false
  if (raw === 'None') return null
  if (/^["']/.test(raw)) return raw.slice(1, -1).replaceAll(String.raw`\'`, "'").replaceAll(String.raw`\"`, '"')
  const n = Number(raw)
  return Number.isFinite(n) && /^-?\d/.test(raw) ? n : raw
}

/** `'key': value` pairs of a logged dict. */
function dictPairs(text: string): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {}
  for (const m of text.matchAll(new RegExp(String.raw`['"]([A-Za-z_]\w*)['"]\s*:\s*(${VALUE})`, 'g'))) out[m[1]] = pyValue(m[2])
  return out
}

/** `key=value` pairs of a logged dataclass or call. */
function kwargPairs(text: string): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {}
  for (const m of text.matchAll(new RegExp(String.raw`(?<![\w.])([A-Za-z_]\w*)=(${VALUE})`, 'g'))) out[m[1]] = pyValue(m[2])
  return out
}

/** Split a logged command line into words, honouring simple quotes (no shell is involved: it is only read). */
export function splitWords(text: string): string[] {
  const words: string[] = []
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3])
  return words
}

/** `--flag value`, `--flag=value` and bare `--switch` of a command line, as snake_case settings. */
function flagPairs(words: readonly string[], positionalKey: string | null): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {}
  let positional = positionalKey
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    if (w.startsWith('-')) {
      const eq = w.indexOf('=')
      const name = (eq === -1 ? w : w.slice(0, eq)).replace(/^-+/, '').replaceAll('-', '_')
      if (!name) continue
      if (eq !== -1) {
        out[name] = flagValue(w.slice(eq + 1))
      } else if (i + 1 < words.length && !words[i + 1].startsWith('-')) {
        out[name] = flagValue(words[++i])
      } else {
        out[name] = true
      }
    } else if (positional) {
      out[positional] = w
      positional = null
    }
  }

  return out
}

function flagValue(raw: string): string | number | boolean {
  const n = Number(raw)
  return raw !== '' && Number.isFinite(n) ? n : raw
}

/** The launch line a log line shows, or null. */
export function parseLaunchLine(line: string): LaunchLine | null {
  let m = line.match(/non-default args: (\{.*)$/)
  if (m) return {engine: 'vllm', kind: 'non-default-args', settings: dictPairs(m[1]), version: null}

  m = line.match(/server_args=ServerArgs\((.*)$/)
  if (m) return {engine: 'sglang', kind: 'server-args', settings: kwargPairs(m[1]), version: null}

  m = line.match(/Initializing an? (?:V\d )?LLM engine \(v?([^)\s]+)\)(.*)$/)
  if (m) return {engine: 'vllm', kind: 'engine-config', settings: kwargPairs(m[2]), version: m[1]}

  m = line.match(/(?:^|[\s`$>])vllm serve (.*)$/)
  if (m) return {engine: 'vllm', kind: 'vllm-serve', settings: flagPairs(splitWords(m[1]), 'model'), version: null}

  m = line.match(/-m sglang\.launch_server (.*)$/)
  if (m) return {engine: 'sglang', kind: 'sglang-launch', settings: flagPairs(splitWords(m[1]), null), version: null}

  m = line.match(/\bLLM\((.*)\)/)
  if (m && /\bmodel=/.test(m[1])) return {engine: 'vllm', kind: 'llm-call', settings: kwargPairs(m[1]), version: null}

  return null
}

/** What r1 keeps of a launch: the settings that size memory, under one vocabulary for both engines. */
export interface LaunchSettings {
  engine: Engine
  engineVersion: string | null
  model: string | null
  tensorParallel: number | null
  pipelineParallel: number | null
  dataParallel: number | null
  expertParallel: number | null
  dpAttention: boolean | null
  kvCacheDtype: string | null
  utilization: number | null
  contextLength: number | null
  maxNumBatchedTokens: number | null
  maxNumSeqs: number | null
  chunkedPrefillSize: number | null
  cudaGraphMaxBs: number | null
  blockSize: number | null
}

/** Each setting under every name the engines' flags and dataclasses use for it (first found wins). */
const NAMES: Record<Exclude<keyof LaunchSettings, 'engine' | 'engineVersion'>, readonly string[]> = {
  blockSize: ['block_size', 'page_size'],
  chunkedPrefillSize: ['chunked_prefill_size'],
  contextLength: ['max_model_len', 'context_length', 'max_seq_len'],
  cudaGraphMaxBs: ['cuda_graph_max_bs'],
  dataParallel: ['data_parallel_size', 'dp_size', 'dp'],
  dpAttention: ['enable_dp_attention'],
  expertParallel: ['ep_size', 'expert_parallel_size', 'ep'],
  kvCacheDtype: ['kv_cache_dtype'],
  maxNumBatchedTokens: ['max_num_batched_tokens'],
  maxNumSeqs: ['max_num_seqs', 'max_running_requests'],
  model: ['model', 'model_path', 'model_tag'],
  pipelineParallel: ['pipeline_parallel_size', 'pp_size', 'pp'],
  tensorParallel: ['tensor_parallel_size', 'tp_size', 'tp'],
  utilization: ['gpu_memory_utilization', 'mem_fraction_static'],
}

const NUMERIC = new Set<keyof LaunchSettings>([
  'blockSize', 'chunkedPrefillSize', 'contextLength', 'cudaGraphMaxBs', 'dataParallel', 'expertParallel',
  'maxNumBatchedTokens', 'maxNumSeqs', 'pipelineParallel', 'tensorParallel', 'utilization',
])

/** The settings of one launch, from one or more of its lines (earlier lines win where both say). */
export function launchSettings(lines: readonly LaunchLine[]): LaunchSettings {
  const engine = lines[0].engine
  const merged: Record<string, string | number | boolean | null> = {}
  for (const l of lines) {
    for (const [k, v] of Object.entries(l.settings)) if (!(k in merged) && v !== null) merged[k] = v
  }

  // vLLM's `-tp 2` / `-pp 2` short flags.
  const out: LaunchSettings = {
    blockSize: null, chunkedPrefillSize: null, contextLength: null, cudaGraphMaxBs: null, dataParallel: null, dpAttention: null,
    engine, engineVersion: lines.find((l) => l.version !== null)?.version?.replace(/^v/, '') ?? null, expertParallel: null, kvCacheDtype: null,
    maxNumBatchedTokens: null, maxNumSeqs: null, model: null, pipelineParallel: null, tensorParallel: null, utilization: null,
  }
  for (const [key, names] of Object.entries(NAMES) as [keyof typeof NAMES, readonly string[]][]) {
    const name = names.find((n) => merged[n] !== undefined)
    if (name === undefined) continue
    const v = merged[name]
    if (NUMERIC.has(key)) {
      const n = typeof v === 'number' ? v : Number(v)
      if (Number.isFinite(n)) (out as unknown as Record<string, unknown>)[key] = n
    } else if (key === 'dpAttention') {
      out.dpAttention = v === true || v === 'true' || v === 'True'
    } else if (typeof v === 'string' || typeof v === 'number') {
      ;(out as unknown as Record<string, unknown>)[key] = String(v)
    }
  }

  // vLLM: --enable-expert-parallel spreads experts over TP × DP.
  if (engine === 'vllm' && out.expertParallel === null && merged.enable_expert_parallel === true) {
    out.expertParallel = (out.tensorParallel ?? 1) * (out.dataParallel ?? 1)
  }

  return out
}
