/**
 * `r1 eval`: K samples per problem at temperature 0.6 with the math directive; the answer is the
 * last \boxed{}; pass@1 averaged over the K samples of each problem, then over problems, with the
 * standard error over problems (DeepSeek's protocol for R1).
 */
import {isCorrect} from '../core/client/boxed.js'
import type {EvalResult, EvalSampleRecord} from '../core/client/client.schema.js'
import {runPool} from '../core/client/pool.js'
import {chatBody, DEFAULT_TOP_P, temperatureWarning, withMathDirective} from '../core/client/request.js'
import {passAtOne} from '../core/client/stats.js'
import {parseDataset} from '../core/eval/dataset.js'
import {BUILTIN_PROBLEMS, type Problem} from '../core/eval/problems.js'
import {isR1Error, R1Error} from '../core/errors.js'
import {redactUrl} from '../core/text/sanitize.js'
import {createLineWriter, fileExists, readTextFile, type LineWriter} from '../io/client-files.js'
import {clientDeps, resolveModel, streamChat, type ClientDeps, type Server} from './chat.js'

export interface EvalDeps extends ClientDeps {
  readText: (path: string) => Promise<string>
  exists: (path: string) => boolean
  openOutput: (path: string) => LineWriter
}

export function evalDeps(): EvalDeps {
  return {...clientDeps(), exists: fileExists, openOutput: createLineWriter, readText: readTextFile}
}

export interface EvalOptions extends Server {
  model?: string
  dataset?: string
  samples: number
  concurrency: number
  temperature: number
  maxTokens?: number
  /** Only the first N problems. */
  limit?: number
  output?: string
  force: boolean
  onWarning: (message: string) => void
  onProgress?: (done: number, total: number, correct: number) => void
}

export async function evaluate(deps: EvalDeps, options: EvalOptions): Promise<EvalResult> {
  if (!Number.isInteger(options.samples) || options.samples < 1) throw new R1Error('R1_USAGE', '--samples must be a positive integer')
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new R1Error('R1_USAGE', '--concurrency must be a positive integer')
  const warning = temperatureWarning(options.temperature)
  if (warning) options.onWarning(warning)
  if (options.output && deps.exists(options.output) && !options.force) {
    throw new R1Error('R1_FILE_EXISTS', `${options.output} exists`, {suggestions: ['Pass --force to overwrite it, or choose another --output.']})
  }

  let problems: readonly Problem[] = options.dataset ? parseDataset(await deps.readText(options.dataset), options.dataset) : BUILTIN_PROBLEMS
  if (options.limit !== undefined) problems = problems.slice(0, Math.max(1, options.limit))
  const model = await resolveModel(deps, options, options.model)
  const jobs = problems.flatMap((problem) => Array.from({length: options.samples}, (_, sample) => ({problem, sample})))
  const writer = options.output ? deps.openOutput(options.output) : undefined
  const start = deps.now()
  let done = 0
  let correctSoFar = 0
  options.onProgress?.(0, jobs.length, 0)
  try {
    const records = await runPool(jobs, options.concurrency, async ({problem, sample}): Promise<EvalSampleRecord> => {
      const body = chatBody({maxTokens: options.maxTokens, model, prompt: withMathDirective(problem.question), temperature: options.temperature, topP: DEFAULT_TOP_P})
      let record: EvalSampleRecord
      try {
        const r = await streamChat(deps, options, body)
        const verdict = isCorrect(r.answer, problem.answer)
        record = {
          answer: r.answer,
          completionTokens: r.usage?.completionTokens ?? null,
          correct: verdict.correct,
          e2eMs: r.e2eMs,
          error: null,
          expected: problem.answer,
          extracted: verdict.extracted,
          finishReason: r.finishReason,
          problem: problem.id,
          question: problem.question,
          reasoning: r.reasoning,
          sample,
        }
      } catch (error) {
        // No server at all: stop rather than count every sample wrong.
        if (!isR1Error(error) || error.code === 'R1_SERVER_UNREACHABLE' || error.code === 'R1_INTERRUPTED') throw error
        record = {
          answer: '',
          completionTokens: null,
          correct: false,
          e2eMs: 0,
          error: `${error.code}: ${error.message}`,
          expected: problem.answer,
          extracted: null,
          finishReason: null,
          problem: problem.id,
          question: problem.question,
          reasoning: '',
          sample,
        }
      }

      writer?.write(JSON.stringify(record))
      done++
      if (record.correct) correctSoFar++
      options.onProgress?.(done, jobs.length, correctSoFar)
      return record
    })
    return summarize(records, jobs, problems, {...options, model}, deps.now() - start)
  } finally {
    await writer?.close()
  }
}

function summarize(
  records: EvalSampleRecord[],
  jobs: ReadonlyArray<{problem: Problem}>,
  problems: readonly Problem[],
  options: EvalOptions & {model: string}, durationMs: number): EvalResult {
  const failed = records.filter((r) => r.error !== null)
  if (failed.length === records.length) {
    throw new R1Error('R1_SERVER_ERROR', `every request failed; the first: ${failed[0].error}`, {suggestions: ['See the server’s log (r1 serve prints it) for the cause.']})
  }

  if (failed.length > 0) options.onWarning(`${failed.length} of ${records.length} requests failed and count as wrong; the first: ${failed[0].error}`)
  const perProblem = problems.map((p) => {
    const mine = records.filter((_, i) => jobs[i].problem === p)
    const correct = mine.filter((r) => r.correct).length
    return {answer: p.answer, correct, extracted: mine.map((r) => r.extracted), id: p.id, passAt1: mine.length > 0 ? correct / mine.length : 0, samples: mine.length}
  })
  const overall = passAtOne(perProblem)
  return {
    correct: overall.correct,
    dataset: options.dataset ?? 'built-in',
    durationS: durationMs / 1000,
    failedRequests: failed.length,
    model: options.model,
    passAt1: overall.passAt1,
    perProblem,
    problems: overall.problems,
    samples: overall.samples,
    samplesPerProblem: options.samples,
    standardError: overall.standardError,
    temperature: options.temperature,
    topP: DEFAULT_TOP_P,
    url: redactUrl(options.url),
  }
}
