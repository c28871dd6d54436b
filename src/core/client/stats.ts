/** Statistics for eval (pass@1 and its standard error) and bench (latency percentiles). Pure. */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0
  let s = 0
  for (const x of xs) s += x
  return s / xs.length
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0
  const m = mean(xs)
  let s = 0
  for (const x of xs) s += (x - m) ** 2
  return Math.sqrt(s / (xs.length - 1))
}

/** Percentile with linear interpolation between closest ranks (numpy's default, as vLLM uses). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return s[lo] + (s[hi] - s[lo]) * (rank - lo)
}

export interface PassAtOne {
  /** Mean over problems of (correct samples / K). */
  passAt1: number
  /** Standard error over problems: sample std of the per-problem pass@1 / sqrt(number of problems). */
  standardError: number
  problems: number
  samples: number
  correct: number
}

/** pass@1 as DeepSeek reports it: K samples per problem, per-problem mean, then mean over problems. */
export function passAtOne(perProblem: ReadonlyArray<{correct: number; samples: number}>): PassAtOne {
  const rates = perProblem.filter((p) => p.samples > 0).map((p) => p.correct / p.samples)
  return {
    correct: perProblem.reduce((a, p) => a + p.correct, 0),
    passAt1: mean(rates),
    problems: rates.length,
    samples: perProblem.reduce((a, p) => a + p.samples, 0),
    standardError: rates.length > 1 ? sampleStd(rates) / Math.sqrt(rates.length) : 0,
  }
}

export interface Distribution {
  mean: number
  median: number
  p90: number
  p99: number
}

export function distribution(xs: readonly number[]): Distribution {
  return {mean: mean(xs), median: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99)}
}

/** One streamed request as measured by the client (times in ms from the moment it was sent). */
export interface RequestTiming {
  ok: boolean
  /** Time to the first streamed token (content or reasoning). */
  ttftMs: number
  /** End-to-end latency. */
  e2eMs: number
  /** Gaps between successive token-carrying chunks (vLLM: one ITL entry per chunk). */
  itlMs: number[]
  /** Output tokens: usage.completion_tokens when the server sent usage, else the number of chunks. */
  outputTokens: number
  inputTokens: number
}

export interface LoadMetrics {
  completed: number
  failed: number
  durationS: number
  totalInputTokens: number
  totalOutputTokens: number
  requestThroughput: number
  outputThroughput: number
  totalTokenThroughput: number
  ttftMs: Distribution
  tpotMs: Distribution
  itlMs: Distribution
  e2eMs: Distribution
}

/**
 * The metric definitions of vLLM's `vllm bench serve` (vllm/benchmarks/serve.py, calculate_metrics)
 * and SGLang's bench_serving: throughput over the wall time of the run; TPOT per request =
 * (e2e − TTFT) / (output tokens − 1), for requests with more than one token; ITL pooled over all chunks.
 */
export function loadMetrics(requests: readonly RequestTiming[], durationMs: number): LoadMetrics {
  const ok = requests.filter((r) => r.ok)
  const durationS = durationMs / 1000
  const totalOutputTokens = ok.reduce((a, r) => a + r.outputTokens, 0)
  const totalInputTokens = ok.reduce((a, r) => a + r.inputTokens, 0)
  const tpots = ok.filter((r) => r.outputTokens > 1).map((r) => (r.e2eMs - r.ttftMs) / (r.outputTokens - 1))
  return {
    completed: ok.length,
    durationS,
    e2eMs: distribution(ok.map((r) => r.e2eMs)),
    failed: requests.length - ok.length,
    itlMs: distribution(ok.flatMap((r) => r.itlMs)),
    outputThroughput: durationS > 0 ? totalOutputTokens / durationS : 0,
    requestThroughput: durationS > 0 ? ok.length / durationS : 0,
    totalInputTokens,
    totalOutputTokens,
    totalTokenThroughput: durationS > 0 ? (totalInputTokens + totalOutputTokens) / durationS : 0,
    tpotMs: distribution(tpots),
    ttftMs: distribution(ok.map((r) => r.ttftMs)),
  }
}
