/**
 * `r1 chat`, and the streaming client that eval and bench share: one request to
 * /v1/chat/completions, parsed as it arrives (SSE → chunks → reasoning/answer), timed with `now`.
 */
import {chatBody, apiUrl, DEFAULT_TOP_P, parseChunk, systemPromptRefused, temperatureWarning, withMathDirective, type ChatRequestBody} from '../core/client/request.js'
import type {ChatResult} from '../core/client/client.schema.js'
import {createSseParser} from '../core/client/sse.js'
import {createThinkSplitter, type Piece} from '../core/client/think.js'
import {isR1Error, R1Error} from '../core/errors.js'
import {hasControls, quoteForeign, redactUrl} from '../core/text/sanitize.js'
import {createHttpClient, monotonicNow, type HttpClient} from '../io/http.js'
import {wait} from '../io/signals.js'

export interface ClientDeps {
  http: HttpClient
  /** Milliseconds on a monotonic clock. */
  now: () => number
  /** Waits before a retry the server asked for (429 with Retry-After); real time when absent. */
  sleep?: (ms: number) => Promise<void>
}

export function clientDeps(): ClientDeps {
  return {http: createHttpClient(), now: monotonicNow, sleep: wait}
}

export interface Server {
  url: string
  /** Never printed: it goes into the Authorization header only. */
  apiKey?: string
  /** A stream with no byte for this long is an error (--stall-timeout). */
  stallMs?: number
}

/** 429 (and 503 with Retry-After): wait as asked, at most this long each time, at most this many times. */
export const MAX_RETRY_AFTER_S = 60
export const MAX_RETRIES = 5

/** POST the request; a rate limit is waited out (Retry-After, bounded) instead of failing the request. */
async function openStream(deps: ClientDeps, server: Server, url: string, body: ChatRequestBody, signal: AbortSignal | undefined): Promise<AsyncIterable<string>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.http.postStream(url, body, {apiKey: server.apiKey, signal, stallMs: server.stallMs})
    } catch (error) {
      const data = (isR1Error(error) ? error.data : undefined) as {status?: number; retryAfterS?: number | null} | undefined
      const status = data?.status
      const after = data?.retryAfterS ?? null
      if (!isR1Error(error) || error.code !== 'R1_SERVER_ERROR' || !(status === 429 || (status === 503 && after !== null))) throw error
      if (attempt >= MAX_RETRIES) {
        throw new R1Error('R1_SERVER_ERROR', `${error.message} (still after ${MAX_RETRIES} retries)`, {data, suggestions: ['The server is overloaded: lower --concurrency, or try again later.']})
      }

      const waitS = after ?? Math.min(2 ** attempt, 30)
      if (waitS > MAX_RETRY_AFTER_S) {
        throw new R1Error('R1_SERVER_ERROR', `${error.message}; it asks to retry after ${waitS} s, longer than r1 waits (${MAX_RETRY_AFTER_S} s)`, {data, suggestions: ['Try again later, or lower --concurrency.']})
      }

      await (deps.sleep ?? wait)(waitS * 1000)
    }
  }
}

/** The model to ask for: the one given, else the first that /v1/models lists. */
export async function resolveModel(deps: ClientDeps, server: Server, model: string | undefined): Promise<string> {
  if (model) return model
  const json = (await deps.http.getJson(apiUrl(server.url, '/v1/models'), {apiKey: server.apiKey, timeoutMs: 30_000})) as {data?: Array<{id?: unknown}>}
  const id = Array.isArray(json?.data) ? json.data.find((m) => typeof m?.id === 'string')?.id : undefined
  if (typeof id === 'string' && hasControls(id)) {
    throw new R1Error('R1_BAD_STREAM', `${redactUrl(apiUrl(server.url, '/v1/models'))} lists a model id with control characters: ${quoteForeign(id, 80)}`, {
      suggestions: ['Pass --model NAME (the --served-model-name of the server).'],
    })
  }

  if (typeof id !== 'string') {
    throw new R1Error('R1_BAD_STREAM', `${redactUrl(apiUrl(server.url, '/v1/models'))} lists no model`, {
      suggestions: ['Pass --model NAME (the --served-model-name of the server).'],
    })
  }

  return id
}

export interface StreamedChat {
  reasoning: string
  answer: string
  finishReason: string | null
  usage: {promptTokens: number; completionTokens: number} | null
  /** From sending the request to the first chunk that carries text (reasoning or content). */
  ttftMs: number
  e2eMs: number
  /** Gaps between successive text-carrying chunks. */
  itlMs: number[]
  /** Text-carrying chunks received. */
  chunks: number
}

/** Send one streamed chat completion and read it to the end. */
export async function streamChat(
  deps: ClientDeps,
  server: Server,
  body: ChatRequestBody,
  options: {onPiece?: (piece: Piece) => void; signal?: AbortSignal} = {},
): Promise<StreamedChat> {
  const url = apiUrl(server.url, '/v1/chat/completions')
  const start = deps.now()
  const stream = await openStream(deps, server, url, body, options.signal)
  const sse = createSseParser()
  const split = createThinkSplitter()
  let ttftMs = -1
  let last = 0
  const itlMs: number[] = []
  let chunks = 0
  let done = false
  let finishReason: string | null = null
  let usage: StreamedChat['usage'] = null

  const handle = (data: string) => {
    if (data.trim() === '[DONE]') {
      done = true
      return
    }

    const chunk = parseChunk(data)
    if (chunk.finishReason) finishReason = chunk.finishReason
    if (chunk.usage) usage = chunk.usage
    const pieces: Piece[] = []
    if (chunk.reasoning) pieces.push(...split.reasoning(chunk.reasoning))
    if (chunk.content) pieces.push(...split.content(chunk.content))
    if (chunk.reasoning || chunk.content) {
      const t = deps.now() - start
      if (ttftMs < 0) ttftMs = t
      else itlMs.push(t - last)
      last = t
      chunks++
    }

    for (const p of pieces) options.onPiece?.(p)
  }

  for await (const text of stream) {
    for (const data of sse.push(text)) handle(data)
    if (done) break
  }

  for (const data of sse.end()) handle(data)
  const e2eMs = deps.now() - start
  if (!done && finishReason === null) {
    throw new R1Error('R1_BAD_STREAM', 'the stream ended before the answer was complete (no finish_reason, no [DONE])', {
      suggestions: ['See the server’s log: it may have crashed or run out of memory mid-request.'],
    })
  }

  const final = split.finish()
  for (const p of final.pieces) options.onPiece?.(p)
  if (final.answer.trim() === '' && final.reasoning.trim() === '') {
    throw new R1Error('R1_BAD_STREAM', `the server's answer was empty: no content and no reasoning (finish_reason: ${finishReason === null ? 'none' : quoteForeign(finishReason, 40)})`, {
      suggestions: ['See the server’s log; check --max-tokens and that the model behind --url is a chat model.'],
    })
  }

  return {answer: final.answer, chunks, e2eMs, finishReason, itlMs, reasoning: final.reasoning, ttftMs: ttftMs < 0 ? e2eMs : ttftMs, usage}
}

export interface ChatOptions extends Server {
  prompt: string
  model?: string
  system?: string
  math: boolean
  temperature: number
  maxTokens?: number
  /** Warnings to show before the answer streams (stderr / the JSON envelope). */
  onWarning: (message: string) => void
  onPiece?: (piece: Piece) => void
}

export async function chat(deps: ClientDeps, options: ChatOptions): Promise<ChatResult> {
  if (options.system !== undefined) throw systemPromptRefused()
  const warning = temperatureWarning(options.temperature)
  if (warning) options.onWarning(warning)
  const model = await resolveModel(deps, options, options.model)
  const prompt = options.math ? withMathDirective(options.prompt) : options.prompt
  const body = chatBody({maxTokens: options.maxTokens, model, prompt, temperature: options.temperature, topP: DEFAULT_TOP_P})
  const r = await streamChat(deps, options, body, {onPiece: options.onPiece})
  return {
    reasoning: r.reasoning,
    answer: r.answer,
    usage: r.usage,
    finishReason: r.finishReason,
    model,
    url: redactUrl(options.url),
    temperature: options.temperature,
    topP: DEFAULT_TOP_P,
    ttftMs: r.ttftMs,
    e2eMs: r.e2eMs,
  }
}
