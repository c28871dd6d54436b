/** JSON results of `r1 chat`, `r1 eval` and `r1 bench`, and the per-sample records of `eval --output`. */
import {z} from 'zod'

export const Usage = z
  .object({promptTokens: z.number().int(), completionTokens: z.number().int()})
  .strict()
  .nullable()
  .describe('as the server reported it (stream_options.include_usage); null when it sent none')

export const ChatResult = z
  .object({
    reasoning: z.string().describe('reasoning_content, or the text inside <think>…</think>'),
    answer: z.string(),
    usage: Usage,
    finishReason: z.string().nullable(),
    model: z.string(),
    url: z.string(),
    temperature: z.number(),
    topP: z.number(),
    ttftMs: z.number().describe('time to the first streamed token (reasoning or content)'),
    e2eMs: z.number(),
  })
  .strict()
export type ChatResult = z.infer<typeof ChatResult>

export const EvalProblemResult = z
  .object({
    id: z.string(),
    answer: z.string(),
    samples: z.number().int(),
    correct: z.number().int(),
    passAt1: z.number(),
    /** The last \boxed{} of each sample (null: none). */
    extracted: z.array(z.string().nullable()),
  })
  .strict()

export const EvalResult = z
  .object({
    url: z.string(),
    model: z.string(),
    dataset: z.string().describe('"built-in" or the --dataset path'),
    temperature: z.number(),
    topP: z.number(),
    samplesPerProblem: z.number().int(),
    problems: z.number().int(),
    samples: z.number().int(),
    correct: z.number().int(),
    failedRequests: z.number().int().describe('samples whose request failed (counted wrong)'),
    passAt1: z.number().describe('mean over problems of (correct samples / K)'),
    standardError: z.number().describe('sample standard deviation of the per-problem pass@1, divided by sqrt(number of problems)'),
    durationS: z.number(),
    perProblem: z.array(EvalProblemResult),
  })
  .strict()
export type EvalResult = z.infer<typeof EvalResult>

/** One line of `r1 eval --output FILE` (JSONL). */
export const EvalSampleRecord = z
  .object({
    problem: z.string(),
    sample: z.number().int(),
    question: z.string(),
    expected: z.string(),
    extracted: z.string().nullable(),
    correct: z.boolean(),
    reasoning: z.string(),
    answer: z.string(),
    finishReason: z.string().nullable(),
    completionTokens: z.number().int().nullable(),
    e2eMs: z.number(),
    error: z.string().nullable(),
  })
  .strict()
export type EvalSampleRecord = z.infer<typeof EvalSampleRecord>

const Distribution = z.object({mean: z.number(), median: z.number(), p90: z.number(), p99: z.number()}).strict()

export const BenchCeiling = z
  .object({
    plan: z.string().describe('the --plan file'),
    gpu: z.string(),
    kvCacheTokens: z.number().int(),
    maxConcurrency: z.number(),
    /** Bandwidth roofline: every decode step reads the weights of each GPU at least once. Null when not computable honestly. */
    decodeTokensPerSecondPerRequest: z.number().nullable(),
    decodeOutputTokensPerSecond: z.number().nullable().describe('per-request ceiling × concurrency'),
    note: z.string(),
  })
  .strict()

export const BenchResult = z
  .object({
    url: z.string(),
    model: z.string(),
    concurrency: z.number().int(),
    requests: z.number().int(),
    inputTokens: z.number().int().describe('asked: prompts are synthesized at about one word per token'),
    outputTokens: z.number().int().describe('asked: max_tokens with ignore_eos'),
    completed: z.number().int(),
    failed: z.number().int(),
    durationS: z.number(),
    totalInputTokens: z.number().int(),
    totalOutputTokens: z.number().int(),
    requestThroughput: z.number().describe('completed requests / wall time (req/s)'),
    outputThroughput: z.number().describe('output tokens / wall time (tok/s)'),
    totalTokenThroughput: z.number(),
    ttftMs: Distribution,
    tpotMs: Distribution.describe('per request (e2e − TTFT) / (output tokens − 1)'),
    itlMs: Distribution.describe('gaps between successive streamed chunks, pooled over requests'),
    e2eMs: Distribution,
    tokenCount: z.enum(['usage', 'chunks']).describe('how output tokens were counted'),
    errors: z.array(z.string()).describe('distinct error messages of failed requests'),
    ceiling: BenchCeiling.nullable(),
  })
  .strict()
export type BenchResult = z.infer<typeof BenchResult>
