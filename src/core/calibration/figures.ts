/**
 * The memory figures an engine prints at startup, read line by line (vLLM V0/V1, SGLang), from the
 * real logs in test/fixtures/engine-logs. Every rule is tried on every line: some captures hold
 * several figures on one line. Pure; `foldFigures` keeps only numbers, never the line.
 */
import type {LoggedFigures} from './calibration.schema.js'

export interface FigureState {
  figures: LoggedFigures
  /** vLLM V0 block counts, turned into tokens once the block size is known. */
  blocks: number | null
  /** SGLang "Load weight begin/end. avail mem=…": weights and non-torch follow from them. */
  availBeforeWeightsGiB: number | null
  availAfterWeightsGiB: number | null
  /** vLLM 0.6 "peak_torch_memory": the activation peak is that less the weights. */
  peakTorchGiB: number | null
  /** The context the engine printed (max_model_len in "Maximum concurrency for N tokens", SGLang context_len). */
  contextLength: number | null
  utilization: number | null
  chunkedPrefillSize: number | null
  ready: boolean
  /** Lines that held at least one figure. */
  matched: number
}

export const EMPTY_FIGURES: LoggedFigures = {
  activationPeakGiB: null,
  cudaGraphGiB: null,
  kvCacheGiB: null,
  kvCacheTokens: null,
  maxConcurrency: null,
  nonTorchGiB: null,
  totalGpuMemoryGiB: null,
  weightsGiB: null,
}

export const INITIAL_FIGURES: FigureState = {
  availAfterWeightsGiB: null,
  availBeforeWeightsGiB: null,
  blocks: null,
  chunkedPrefillSize: null,
  contextLength: null,
  figures: EMPTY_FIGURES,
  matched: 0,
  peakTorchGiB: null,
  ready: false,
  utilization: null,
}

const num = (s: string): number => Number(s.replaceAll(',', ''))
const min = (a: number | null, b: number): number => (a === null ? b : Math.min(a, b))

type Update = (s: FigureState, m: RegExpMatchArray) => FigureState
const fig = (s: FigureState, patch: Partial<LoggedFigures>): FigureState => ({...s, figures: {...s.figures, ...patch}})

const RULES: ReadonlyArray<{re: RegExp; update: Update}> = [
  // vLLM V1 "Model loading took 7.1441 GiB and 4.8 seconds" / "took: 14.29 GiB memory"; V0 "Loading model weights took 14.2717 GB"
  {re: /(?:Model loading|Loading model weights) took:? ([\d.]+) Gi?B/, update: (s, m) => fig(s, {weightsGiB: num(m[1])})},
  // vLLM V0 0.7: "model weights take 14.27GiB; non_torch_memory takes 0.09GiB; PyTorch activation peak memory takes 1.40GiB; the rest … is 12.80GiB."
  {re: /model weights take ([\d.]+) ?GiB/, update: (s, m) => fig(s, {weightsGiB: num(m[1])})},
  {re: /non_torch_memory takes ([\d.]+) ?GiB/, update: (s, m) => fig(s, {nonTorchGiB: num(m[1])})},
  {re: /activation peak memory takes ([\d.]+) ?GiB/, update: (s, m) => fig(s, {activationPeakGiB: num(m[1])})},
  {re: /reserved for KV Cache is (-?[\d.]+) ?GiB/, update: (s, m) => fig(s, {kvCacheGiB: num(m[1])})},
  // vLLM V0 0.7 "can use total_gpu_memory (31.74GiB) x gpu_memory_utilization (0.90)"
  {re: /total_gpu_memory \(([\d.]+) ?GiB\) x gpu_memory_utilization \(([\d.]+)\)/, update: (s, m) => ({...fig(s, {totalGpuMemoryGiB: num(m[1])}), utilization: num(m[2])})},
  // vLLM 0.6.4 "Memory profiling results: total_gpu_memory=23.58GiB … peak_torch_memory=17.06GiB … non_torch_memory=0.35GiB kv_cache_size=3.81GiB gpu_memory_utilization=0.90"
  {re: /total_gpu_memory=([\d.]+)GiB/, update: (s, m) => fig(s, {totalGpuMemoryGiB: num(m[1])})},
  {re: /peak_torch_memory=([\d.]+)GiB/, update: (s, m) => ({...s, peakTorchGiB: num(m[1])})},
  {re: /non_torch_memory=([\d.]+)GiB/, update: (s, m) => fig(s, {nonTorchGiB: num(m[1])})},
  {re: /kv_cache_size=(-?[\d.]+)GiB/, update: (s, m) => fig(s, {kvCacheGiB: num(m[1])})},
  {re: /Memory profiling results:.*gpu_memory_utilization=([\d.]+)/, update: (s, m) => ({...s, utilization: num(m[1])})},
  // vLLM V1 "Available KV cache memory: 3.41 GiB" (negative when nothing is left)
  {re: /Available KV cache memory: (-?[\d.]+) GiB/, update: (s, m) => fig(s, {kvCacheGiB: num(m[1])})},
  // vLLM V1 "GPU KV cache size: 367,968 tokens" (once per rank: the smallest counts)
  {re: /GPU KV cache size: ([\d,]+) tokens/, update: (s, m) => fig(s, {kvCacheTokens: min(s.figures.kvCacheTokens, num(m[1]))})},
  // vLLM V0 "# CUDA blocks: 14984, # CPU blocks: 4681" / "# GPU blocks: 1478"
  {re: /(?:CUDA|GPU) blocks: ([\d,]+)/, update: (s, m) => ({...s, blocks: min(s.blocks, num(m[1]))})},
  // both vLLM generations: "Maximum concurrency for 4,096 tokens per request: 89.84x"
  {
    re: /Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x/,
    update: (s, m) => ({...fig(s, {maxConcurrency: s.figures.maxConcurrency === null ? num(m[2]) : Math.min(s.figures.maxConcurrency, num(m[2]))}), contextLength: num(m[1])}),
  },
  // vLLM "Graph capturing finished in 22 secs, took 1.56 GiB" / ≥ 0.21 "Estimated CUDA graph memory: 0.53 GiB"
  {re: /Graph capturing finished in .*?took (-?[\d.]+) GiB/, update: (s, m) => fig(s, {cudaGraphGiB: num(m[1])})},
  {re: /Estimated CUDA graph memory: (-?[\d.]+) GiB/, update: (s, m) => fig(s, {cudaGraphGiB: num(m[1])})},
  // SGLang "Load weight begin. avail mem=22.76 GB" / "Load weight end. … avail mem=8.37 GB, mem usage=15.02 GB."
  {re: /Load weight begin\. avail mem=([\d.]+) GB/, update: (s, m) => ({...s, availBeforeWeightsGiB: s.availBeforeWeightsGiB ?? num(m[1])})},
  {re: /Load weight end\..*?avail mem=([\d.]+) GB/, update: (s, m) => ({...s, availAfterWeightsGiB: s.availAfterWeightsGiB ?? num(m[1])})},
  {re: /Load weight end\..*?mem usage=([\d.]+) GB/, update: (s, m) => fig(s, {weightsGiB: num(m[1])})},
  // SGLang "KV Cache is allocated. #tokens: 38141, K size: 2.33 GB, V size: 2.33 GB" / older "K size: 2.82 GB, V size: 2.82 GB" / "KV size: 17.99 GB"
  {re: /KV Cache is allocated\. #tokens: ([\d,]+)/, update: (s, m) => fig(s, {kvCacheTokens: min(s.figures.kvCacheTokens, num(m[1]))})},
  {re: /KV Cache is allocated\..*?K size: ([\d.]+) GB, V size: ([\d.]+) GB/, update: (s, m) => fig(s, {kvCacheGiB: num(m[1]) + num(m[2])})},
  {re: /KV Cache is allocated\..*?KV size: ([\d.]+) GB/, update: (s, m) => fig(s, {kvCacheGiB: num(m[1])})},
  // SGLang "Capture cuda graph end. Time elapsed: 18.07 s. mem usage=0.11 GB."
  {re: /Capture cuda graph end\..*?mem usage=([\d.]+) GB/, update: (s, m) => fig(s, {cudaGraphGiB: num(m[1])})},
  // SGLang "max_total_num_tokens=105531, chunked_prefill_size=2048, max_prefill_tokens=16384, max_running_requests=2049, context_len=131072"
  {re: /max_total_num_tokens=(\d+)/, update: (s, m) => fig(s, {kvCacheTokens: min(s.figures.kvCacheTokens, num(m[1]))})},
  {re: /max_total_num_tokens=.*?chunked_prefill_size=(\d+)/, update: (s, m) => ({...s, chunkedPrefillSize: num(m[1])})},
  {re: /max_total_num_tokens=.*?context_len=(\d+)/, update: (s, m) => ({...s, contextLength: num(m[1])})},
  {re: /The server is fired up and ready to roll|Application startup complete/, update: (s) => ({...s, ready: true})},
]

/** Folds one log line into the figures seen so far. */
export function foldFigures(state: FigureState, line: string): FigureState {
  let next = state
  let hit = false
  for (const rule of RULES) {
    const m = line.match(rule.re)
    if (m) {
      next = rule.update(next, m)
      hit = true
    }
  }

  return hit ? {...next, matched: next.matched + 1} : next
}

const round2 = (n: number): number => Math.round(n * 100) / 100

/**
 * The figures once the log is read: V0 blocks as tokens (block size 16 unless told), SGLang weights
 * and non-torch from the free memory it printed (non-torch needs the GPU's total, from detect).
 */
export function finishFigures(state: FigureState, options: {blockSize?: number | null; gpuTotalGiB?: number | null} = {}): LoggedFigures {
  const f = {...state.figures}
  if (f.kvCacheTokens === null && state.blocks !== null) f.kvCacheTokens = state.blocks * (options.blockSize ?? 16)
  if (f.weightsGiB === null && state.availBeforeWeightsGiB !== null && state.availAfterWeightsGiB !== null) {
    f.weightsGiB = round2(state.availBeforeWeightsGiB - state.availAfterWeightsGiB)
  }

  if (f.activationPeakGiB === null && state.peakTorchGiB !== null && f.weightsGiB !== null) f.activationPeakGiB = round2(state.peakTorchGiB - f.weightsGiB)
  const total = f.totalGpuMemoryGiB ?? options.gpuTotalGiB ?? null
  if (f.nonTorchGiB === null && state.availBeforeWeightsGiB !== null && total !== null) f.nonTorchGiB = round2(Math.max(0, total - state.availBeforeWeightsGiB))
  return f
}

/** True when the log showed at least one memory figure r1 can use. */
export function hasFigures(f: LoggedFigures): boolean {
  return f.weightsGiB !== null || f.kvCacheGiB !== null || f.kvCacheTokens !== null
}
