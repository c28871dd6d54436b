/**
 * Reads an engine's startup log, one line at a time, into phases and figures
 * (vLLM V0/V1 and SGLang formats, from the real logs in test/fixtures/engine-logs).
 * Pure: a line in, an event out; a reducer folds the events into the state shown on the progress line.
 */

/** The phases of a start, in order. A state only moves forward. */
export const PHASES = ['starting', 'loading-weights', 'kv-cache', 'cuda-graphs', 'http', 'ready'] as const
export type Phase = (typeof PHASES)[number]

export const PHASE_LABELS: Record<Phase, string> = {
  'cuda-graphs': 'capturing CUDA graphs',
  http: 'starting the HTTP server',
  'kv-cache': 'allocating the KV cache',
  'loading-weights': 'loading weights',
  ready: 'ready',
  starting: 'starting',
}

export type LogEvent =
  | {kind: 'loading'}
  | {kind: 'shards'; done: number; total: number}
  | {kind: 'weights-loaded'; gib: number}
  | {kind: 'kv-profiling'}
  | {kind: 'kv-gib'; gib: number}
  | {kind: 'kv-tokens'; tokens: number; source: string}
  | {kind: 'kv-blocks'; blocks: number}
  | {kind: 'graphs'}
  | {kind: 'graphs-done'}
  | {kind: 'http'}
  | {kind: 'engine-ready'}

export interface LogState {
  phase: Phase
  shards: {done: number; total: number} | null
  weightsGiB: number | null
  kvGiB: number | null
  /** The KV capacity in tokens the engine printed (the smallest rank's when each rank prints one). */
  kvTokens: number | null
  /** Lines read so far. */
  lines: number
}

export const INITIAL_LOG_STATE: LogState = {kvGiB: null, kvTokens: null, lines: 0, phase: 'starting', shards: null, weightsGiB: null}

const num = (s: string): number => Number(s.replaceAll(',', ''))

/** One entry per line format; the first that matches wins. */
const RULES: ReadonlyArray<{re: RegExp; event: (m: RegExpMatchArray) => LogEvent}> = [
  // both engines (tqdm): "Loading safetensors checkpoint shards:  58% Completed | 95/163 [03:06<02:14, ...]"
  {event: (m) => ({done: num(m[1]), kind: 'shards', total: num(m[2])}), re: /Loading (?:safetensors|pt) checkpoint shards:.*?\|\s*(\d+)\/(\d+)/},
  // vLLM V1 "Model loading took 7.1441 GiB and 4.8 seconds"; V0 "Loading model weights took 14.2717 GB"
  {event: (m) => ({gib: num(m[1]), kind: 'weights-loaded'}), re: /(?:Model loading|Loading model weights) took ([\d.]+) Gi?B/},
  // SGLang "Load weight end. type=..., avail mem=8.37 GB, mem usage=15.02 GB."
  {event: (m) => ({gib: m[1] === undefined ? Number.NaN : num(m[1]), kind: 'weights-loaded'}), re: /Load weight end\.(?:.*mem usage=([\d.]+) GB)?/},
  {event: () => ({kind: 'loading'}), re: /Load weight begin|Starting to load model|Loading weights took|Using model weights format/},
  // vLLM V1 "GPU KV cache size: 367,968 tokens"
  {event: (m) => ({kind: 'kv-tokens', source: 'GPU KV cache size', tokens: num(m[1])}), re: /GPU KV cache size: ([\d,]+) tokens/},
  // vLLM V0 "# CUDA blocks: 14984, # CPU blocks: 4681" / "# GPU blocks: 1478, ..." / "GPU blocks: 1952, ..."
  {event: (m) => ({blocks: num(m[1]), kind: 'kv-blocks'}), re: /(?:CUDA|GPU) blocks: ([\d,]+)/},
  // vLLM "Available KV cache memory: 3.41 GiB"; V0 "... reserved for KV Cache is 12.80GiB."; 0.6.4 "kv_cache_size=3.81GiB"
  {
    event: (m) => ({gib: num(m[1] ?? m[2] ?? m[3]), kind: 'kv-gib'}),
    re: /Available KV cache memory: ([\d.]+) GiB|reserved for KV Cache is ([\d.]+) ?GiB|kv_cache_size=([\d.]+)GiB/,
  },
  // SGLang "KV Cache is allocated. #tokens: 38141, K size: 2.33 GB" (newer) / "... K size: 2.82 GB" (older)
  {event: (m) => ({kind: 'kv-tokens', source: '#tokens', tokens: num(m[1])}), re: /KV Cache is allocated\. #tokens: ([\d,]+)/},
  {event: (m) => ({gib: 2 * num(m[1]), kind: 'kv-gib'}), re: /KV Cache is allocated\. K size: ([\d.]+) GB/},
  // SGLang "max_total_num_tokens=105531, chunked_prefill_size=..."
  {event: (m) => ({kind: 'kv-tokens', source: 'max_total_num_tokens', tokens: num(m[1])}), re: /max_total_num_tokens=(\d+)/},
  {event: () => ({kind: 'kv-profiling'}), re: /Memory profiling|determine_num_available_blocks|Memory pool end/},
  {event: () => ({kind: 'graphs-done'}), re: /Graph capturing finished|Capture cuda graph end/},
  {event: () => ({kind: 'graphs'}), re: /Capturing CUDA graph|Capturing cudagraph|Capture cuda graph|CUDA graph capture/i},
  {event: () => ({kind: 'engine-ready'}), re: /The server is fired up and ready to roll|Application startup complete/},
  {event: () => ({kind: 'http'}), re: /Uvicorn running on|Starting vLLM API server|Available routes are/},
]

export function parseLogLine(line: string): LogEvent | null {
  for (const rule of RULES) {
    const m = line.match(rule.re)
    if (m) return rule.event(m)
  }

  return null
}

const rank = (p: Phase): number => PHASES.indexOf(p)
const atLeast = (current: Phase, next: Phase): Phase => (rank(next) > rank(current) ? next : current)

/**
 * Folds one event into the state. `blockSize` turns vLLM V0 block counts into tokens (V0 default 16).
 * "Ready" comes from the HTTP probe, not from the log: the log only moves the phase up to `http`.
 */
export function reduceLog(state: LogState, event: LogEvent | null, blockSize = 16): LogState {
  const next: LogState = {...state, lines: state.lines + 1}
  if (event === null) return next
  switch (event.kind) {
    case 'loading': {
      return {...next, phase: atLeast(state.phase, 'loading-weights')}
    }

    case 'shards': {
      return {...next, phase: atLeast(state.phase, 'loading-weights'), shards: {done: event.done, total: event.total}}
    }

    case 'weights-loaded': {
      return {...next, phase: atLeast(state.phase, 'loading-weights'), weightsGiB: Number.isNaN(event.gib) ? state.weightsGiB : event.gib}
    }

    case 'kv-profiling': {
      return {...next, phase: atLeast(state.phase, 'kv-cache')}
    }

    case 'kv-gib': {
      return {...next, kvGiB: event.gib, phase: atLeast(state.phase, 'kv-cache')}
    }

    case 'kv-tokens': {
      return {...next, kvTokens: minOf(state.kvTokens, event.tokens), phase: atLeast(state.phase, 'kv-cache')}
    }

    case 'kv-blocks': {
      return {...next, kvTokens: minOf(state.kvTokens, event.blocks * blockSize), phase: atLeast(state.phase, 'kv-cache')}
    }

    case 'graphs':
    case 'graphs-done': {
      return {...next, phase: atLeast(state.phase, 'cuda-graphs')}
    }

    case 'http':
    case 'engine-ready': {
      return {...next, phase: atLeast(state.phase, 'http')}
    }
  }
}

function minOf(a: number | null, b: number): number {
  return a === null ? b : Math.min(a, b)
}

/** The words of the one progress line: "loading weights (shards 95/163)". */
export function describePhase(state: LogState): string {
  const label = PHASE_LABELS[state.phase]
  if (state.phase === 'loading-weights' && state.shards) return `${label} (shards ${state.shards.done}/${state.shards.total})`
  if (state.phase === 'kv-cache' && state.kvTokens !== null) return `KV cache allocated (${state.kvTokens.toLocaleString('en-US')} tokens)`
  return label
}

export interface KvComparison {
  observedTokens: number
  predictedTokens: number
  /** (observed − predicted) / predicted, in percent, one decimal. */
  differencePct: number
  /** More than 10% apart either way. */
  warn: boolean
}

/** The engine's KV capacity beside the plan's prediction. */
export function compareKv(observedTokens: number, predictedTokens: number, tolerancePct = 10): KvComparison | null {
  if (!(predictedTokens > 0) || !(observedTokens >= 0)) return null
  const differencePct = Math.round(((observedTokens - predictedTokens) / predictedTokens) * 1000) / 10
  return {differencePct, observedTokens, predictedTokens, warn: Math.abs(differencePct) > tolerancePct}
}
