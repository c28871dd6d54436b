/**
 * The one HTTP client of r1 (Node's fetch): JSON GETs and streamed POSTs to an OpenAI-compatible
 * server. Every failure becomes an R1Error: the server cannot be reached (R1_SERVER_UNREACHABLE),
 * it answered 4xx/5xx (R1_SERVER_ERROR), or the stream broke off (R1_BAD_STREAM). The API key goes
 * in the Authorization header only, never into a message.
 */
import {R1Error} from '../core/errors.js'

export interface RequestOptions {
  apiKey?: string
  signal?: AbortSignal
  timeoutMs?: number
}

export interface HttpClient {
  getJson(url: string, options?: RequestOptions): Promise<unknown>
  /** POST a JSON body and stream the answer as text; resolves once a 2xx status and headers arrived. */
  postStream(url: string, body: unknown, options?: RequestOptions): Promise<AsyncIterable<string>>
}

/** A monotonic clock in milliseconds, for the services' `now` dependency. */
export function monotonicNow(): number {
  return performance.now()
}

export function createHttpClient(): HttpClient {
  return {
    async getJson(url, options = {}) {
      const response = await send(url, {headers: headers(options.apiKey), method: 'GET'}, options)
      const text = await response.text()
      try {
        return JSON.parse(text) as unknown
      } catch {
        throw new R1Error('R1_BAD_STREAM', `${url} did not answer with JSON: ${text.slice(0, 120)}`, {
          suggestions: ['Check that --url points at an OpenAI-compatible server (vLLM or SGLang started by r1 serve).'],
        })
      }
    },

    async postStream(url, body, options = {}) {
      const response = await send(url, {body: JSON.stringify(body), headers: {...headers(options.apiKey), 'content-type': 'application/json'}, method: 'POST'}, options)
      if (!response.body) throw new R1Error('R1_BAD_STREAM', `${url} answered without a body`)
      return decode(response.body, url)
    },
  }
}

function headers(apiKey: string | undefined): Record<string, string> {
  const h: Record<string, string> = {accept: 'application/json, text/event-stream'}
  if (apiKey) h.authorization = `Bearer ${apiKey}`
  return h
}

async function send(url: string, init: RequestInit, options: RequestOptions): Promise<Response> {
  const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined)
  let response: Response
  try {
    response = await fetch(url, {...init, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined})
  } catch (error) {
    if (options.signal?.aborted) throw new R1Error('R1_INTERRUPTED', 'interrupted', {cause: error})
    throw unreachable(url, error)
  }

  if (!response.ok) throw await serverError(url, response)
  return response
}

function unreachable(url: string, error: unknown): R1Error {
  const cause = (error as {cause?: {code?: string; message?: string}})?.cause
  const name = (error as {name?: string})?.name
  const why =
    name === 'TimeoutError'
      ? 'timed out'
      : cause?.code === 'ECONNREFUSED'
        ? 'connection refused'
        : cause?.code === 'ENOTFOUND'
          ? 'host not found'
          : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)))
  return new R1Error('R1_SERVER_UNREACHABLE', `cannot reach the server at ${new URL(url).origin}: ${why}`, {
    cause: error,
    suggestions: ['Start one with `r1 serve`, or pass --url where it listens (default http://127.0.0.1:8000).'],
  })
}

async function serverError(url: string, response: Response): Promise<R1Error> {
  let detail = ''
  try {
    const text = await response.text()
    try {
      const json = JSON.parse(text) as {error?: {message?: string} | string; message?: string; detail?: unknown}
      const e = json.error
      detail = (typeof e === 'string' ? e : e?.message) ?? json.message ?? (json.detail === undefined ? text : JSON.stringify(json.detail))
    } catch {
      detail = text
    }
  } catch {
    // no body
  }

  const suggestions =
    response.status === 401 || response.status === 403
      ? ['The server wants an API key: pass --api-key or set R1_API_KEY.']
      : response.status === 404
        ? ['Check --url and --model (r1 lists the served models from /v1/models).']
        : ['See the server’s log (r1 serve prints it) for the cause.']
  return new R1Error('R1_SERVER_ERROR', `the server answered ${response.status} ${response.statusText} to ${new URL(url).pathname}${detail ? `: ${detail.trim().slice(0, 300)}` : ''}`, {
    data: {status: response.status},
    suggestions,
  })
}

async function* decode(body: ReadableStream<Uint8Array>, url: string): AsyncIterable<string> {
  const decoder = new TextDecoder()
  const reader = body.getReader()
  let finished = false
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>
      try {
        chunk = await reader.read()
      } catch (error) {
        throw new R1Error('R1_BAD_STREAM', `the stream from ${new URL(url).origin} broke off: ${(error as Error)?.message ?? error}`, {cause: error})
      }

      if (chunk.done) {
        finished = true
        break
      }

      const text = decoder.decode(chunk.value, {stream: true})
      if (text) yield text
    }

    const rest = decoder.decode()
    if (rest) yield rest
  } finally {
    // The consumer stopped early (an error, Ctrl-C): close the connection instead of leaving it open.
    if (!finished) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}
