/**
 * `r1 bench`: a closed-loop load test with the metric definitions of `vllm bench serve` and SGLang's
 * bench_serving (see loadMetrics), optionally beside the plan's decode ceiling (--plan FILE).
 */
import {decodeCeiling, type Ceiling} from '../core/client/ceiling.js'
import type {BenchResult} from '../core/client/client.schema.js'
import {runPool} from '../core/client/pool.js'
import {chatBody, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, syntheticPrompt} from '../core/client/request.js'
import {loadMetrics, type RequestTiming} from '../core/client/stats.js'
import {parsePromptFile} from '../core/eval/dataset.js'
import {isR1Error, R1Error} from '../core/errors.js'
import {redactUrl} from '../core/text/sanitize.js'
import type {PlanFile} from '../core/planner/plan.schema.js'
import type {Catalog} from '../core/profiles/catalog.js'
import {readTextFile} from '../io/client-files.js'
import {clientDeps, resolveModel, streamChat, type ClientDeps, type Server} from './chat.js'

export interface BenchDeps extends ClientDeps {
  readText: (path: string) => Promise<string>
  loadCatalog: () => Promise<Catalog>
}

export function benchDeps(loadCatalog: () => Promise<Catalog>): BenchDeps {
  return {...clientDeps(), loadCatalog, readText: readTextFile}
}

export interface BenchOptions extends Server {
  model?: string
  concurrency: number
  requests: number
  inputTokens: number
  outputTokens: number
  dataset?: string
  plan?: string
  onWarning: (message: string) => void
  onProgress?: (done: number, total: number) => void
}

export async function bench(deps: BenchDeps, options: BenchOptions): Promise<BenchResult> {
  for (const [flag, v] of [['--concurrency', options.concurrency], ['--requests', options.requests], ['--input-tokens', options.inputTokens], ['--output-tokens', options.outputTokens]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new R1Error('R1_USAGE', `${flag} must be a positive integer (got ${v})`)
  }

  // Read the plan first: a bad file should fail before any load is sent.
  const ceilingFor = options.plan ? await planCeiling(deps, options.plan) : undefined
  const prompts = options.dataset ? parsePromptFile(await deps.readText(options.dataset), options.dataset) : undefined
  const model = await resolveModel(deps, options, options.model)
  const jobs = Array.from({length: options.requests}, (_, i) => (prompts ? prompts[i % prompts.length] : syntheticPrompt(options.inputTokens, i + 1)))
  // One warm-up request first, not counted (vLLM's "initial test run"): it opens the connection, loads
  // the HTTP client and fails fast when the server cannot serve at all.
  await streamChat(deps, options, chatBody({ignoreEos: true, maxTokens: Math.min(options.outputTokens, 16), model, prompt: jobs[0], temperature: DEFAULT_TEMPERATURE, topP: DEFAULT_TOP_P}))
  let done = 0
  let countedFromUsage = true
  const errors: string[] = []
  options.onProgress?.(0, jobs.length)
  const start = deps.now()
  const timings = await runPool(jobs, options.concurrency, async (prompt): Promise<RequestTiming> => {
    const body = chatBody({ignoreEos: true, maxTokens: options.outputTokens, model, prompt, temperature: DEFAULT_TEMPERATURE, topP: DEFAULT_TOP_P})
    try {
      const r = await streamChat(deps, options, body)
      if (!r.usage) countedFromUsage = false
      return {e2eMs: r.e2eMs, inputTokens: r.usage?.promptTokens ?? options.inputTokens, itlMs: r.itlMs, ok: true, outputTokens: r.usage?.completionTokens ?? r.chunks, ttftMs: r.ttftMs}
    } catch (error) {
      if (!isR1Error(error) || error.code === 'R1_SERVER_UNREACHABLE' || error.code === 'R1_INTERRUPTED') throw error
      errors.push(`${error.code}: ${error.message}`)
      return {e2eMs: 0, inputTokens: 0, itlMs: [], ok: false, outputTokens: 0, ttftMs: 0}
    } finally {
      options.onProgress?.(++done, jobs.length)
    }
  })
  const durationMs = deps.now() - start
  if (errors.length === jobs.length) throw new R1Error('R1_SERVER_ERROR', `every request failed; the first: ${errors[0]}`)
  const distinct = [...new Set(errors)]
  if (errors.length > 0) options.onWarning(`${errors.length} of ${jobs.length} requests failed; the first: ${errors[0]}`)
  const metrics = loadMetrics(timings, durationMs)
  return {
    ...metrics,
    ceiling: ceilingFor ? ceilingFor(options.concurrency) : null,
    concurrency: options.concurrency,
    errors: distinct,
    inputTokens: options.inputTokens,
    model,
    outputTokens: options.outputTokens,
    requests: options.requests,
    tokenCount: countedFromUsage ? 'usage' : 'chunks',
    url: redactUrl(options.url),
  }
}

async function planCeiling(deps: BenchDeps, path: string): Promise<(concurrency: number) => Ceiling> {
  const text = await deps.readText(path)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw badPlan(`${path} is not JSON`)
  }

  const {PlanFile: schema} = await import('../core/planner/plan.schema.js')
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw badPlan(`${path} is not an r1 plan: ${issue.path.join('.') || '(top)'}: ${issue.message}`)
  }

  const plan = (parsed.data as PlanFile).plan
  const catalog = await deps.loadCatalog()
  const gpuName = plan.gpu.name.toLowerCase()
  const gpu = catalog.gpus.find(
    (g) => g.id === gpuName || g.displayName.toLowerCase() === gpuName || g.smiNames.some((n) => n.toLowerCase() === gpuName) || g.aliases.some((a) => a.toLowerCase() === gpuName),
  )
  const model = catalog.models.find((m) => m.id === plan.model)
  return (concurrency) =>
    decodeCeiling({bandwidthGBs: gpu?.bandwidthGBs ?? null, concurrency, modelKind: model?.architecture.kind ?? null, plan, planPath: path})
}

function badPlan(message: string): R1Error {
  return new R1Error('R1_BAD_PLAN_FILE', message, {suggestions: ['Write one with `r1 plan --out plan.json`.']})
}
