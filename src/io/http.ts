/**
 * The one HTTP client of r1 (Node's fetch): JSON GETs and streamed POSTs to an OpenAI-compatible
 * server. Every failure becomes an R1Error: the server cannot be reached (R1_SERVER_UNREACHABLE),
 * it answered 4xx/5xx (R1_SERVER_ERROR, with the status and any Retry-After), or the stream broke off or
 * stalled (R1_BAD_STREAM). Every exchange has a deadline: a JSON GET as a whole (headers and body), a
 * stream between any two bytes. The API key goes in the Authorization header only, never into a message;
 * URLs in messages have their credentials cut out.
 */
import {R1Error} from '../core/errors.js'
import {quoteForeign, redactUrl, redactUrls} from '../core/text/sanitize.js'

export interface RequestOptions {
  apiKey?: string
  signal?: AbortSignal
  /** A JSON GET: the whole exchange, headers and body (default 30 s). */
  timeoutMs?: number
  /** A stream: no byte for this long, before the headers or between chunks, ends it (default 300 s). */
  stallMs?: number
}

export interface HttpClient {
  getJson(url: string, options?: RequestOptions): Promise<unknown>
  /** POST a JSON body and stream the answer as text; resolves once a 2xx status and headers arrived. */
  postStream(url: string, body: unknown, options?: RequestOptions): Promise<AsyncIterable<string>>
}

export const DEFAULT_GET_TIMEOUT_MS = 30_000
export const DEFAULT_STALL_MS = 300_000
/** A JSON answer larger than this is not one r1 asked for. */
const MAX_JSON_BYTES = 8 * 2 ** 20

/** A monotonic clock in milliseconds, for the services' `now` dependency. */
export function monotonicNow(): number {
  return performance.now()
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`
const where = (url: string) => {
  const u = new URL(url)
  return `${u.protocol}//${u.username || u.password ? '***@' : ''}${u.host}`
}

/** An abort that fires after `ms` (a timer that keeps r1 alive: it is the deadline of work in progress). */
function deadline(ms: number): {signal: AbortSignal; fired: () => boolean; clear: () => void; restart: () => void} {
  const controller = new AbortController()
  let fired = false
  let timer: NodeJS.Timeout
  const start = () => {
    timer = setTimeout(() => {
      fired = true
      controller.abort(new Error('deadline'))
    }, ms)
  }

  start()
  return {
    clear: () => clearTimeout(timer),
    fired: () => fired,
    restart() {
      clearTimeout(timer)
      if (!fired) start()
    },
    signal: controller.signal,
  }
}

export function createHttpClient(): HttpClient {
  return {
    async getJson(url, options = {}) {
      const ms = options.timeoutMs ?? DEFAULT_GET_TIMEOUT_MS
      const limit = deadline(ms)
      try {
        const response = await send(url, {headers: headers(options.apiKey), method: 'GET'}, options, limit)
        let text: string
        try {
          text = await readAll(response, MAX_JSON_BYTES, url)
        } catch (error) {
          if (limit.fired()) throw new R1Error('R1_BAD_STREAM', `${redactUrl(url)} sent its headers but not its answer within ${seconds(ms)}`, {suggestions: ['The server is stuck: see its log (r1 serve prints it).']})
          if (options.signal?.aborted) throw new R1Error('R1_INTERRUPTED', 'interrupted', {cause: error})
          throw error instanceof R1Error ? error : new R1Error('R1_BAD_STREAM', `the answer from ${where(url)} broke off: ${quoteForeign(String((error as Error)?.message ?? error))}`, {cause: error})
        }

        try {
          return JSON.parse(text) as unknown
        } catch {
          throw new R1Error('R1_BAD_STREAM', `${redactUrl(url)} did not answer with JSON: ${quoteForeign(text, 120)}`, {
            suggestions: ['Check that --url points at an OpenAI-compatible server (vLLM or SGLang started by r1 serve).'],
          })
        }
      } finally {
        limit.clear()
      }
    },

    async postStream(url, body, options = {}) {
      const stallMs = options.stallMs ?? DEFAULT_STALL_MS
      const stall = deadline(stallMs)
      let response: Response
      try {
        response = await send(url, {body: JSON.stringify(body), headers: {...headers(options.apiKey), 'content-type': 'application/json'}, method: 'POST'}, options, stall)
      } finally {
        stall.clear()
      }

      if (!response.body) throw new R1Error('R1_BAD_STREAM', `${where(url)} answered without a body`)
      return decode(response.body, url, stallMs)
    },
  }
}

function headers(apiKey: string | undefined): Record<string, string> {
  const h: Record<string, string> = {accept: 'application/json, text/event-stream'}
  if (apiKey) h.authorization = `Bearer ${apiKey}`
  return h
}

async function send(url: string, init: RequestInit, options: RequestOptions, limit: {signal: AbortSignal; fired: () => boolean}): Promise<Response> {
  const signals = [options.signal, limit.signal].filter((s): s is AbortSignal => s !== undefined)
  // fetch refuses a URL with user:password@: those go into a Basic Authorization header instead (unless a key is set).
  const parsed = new URL(url)
  const headersIn = {...(init.headers as Record<string, string>)}
  if (parsed.username || parsed.password) {
    headersIn.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
    parsed.username = ''
    parsed.password = ''
  }

  let response: Response
  try {
    response = await fetch(parsed, {...init, headers: headersIn, signal: AbortSignal.any(signals)})
  } catch (error) {
    if (options.signal?.aborted) throw new R1Error('R1_INTERRUPTED', 'interrupted', {cause: error})
    throw unreachable(url, limit.fired() ? Object.assign(new Error('timed out'), {name: 'TimeoutError'}) : error)
  }

  if (!response.ok) throw await serverError(url, response)
  return response
}

async function readAll(response: Response, max: number, url: string): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const {done, value} = await reader.read()
      if (done) break
      size += value.length
      if (size > max) throw new R1Error('R1_BAD_STREAM', `${redactUrl(url)} answered with more than ${max / 2 ** 20} MiB: not the answer r1 asked for`)
      chunks.push(value)
    }
  } finally {
    await reader.cancel().catch(() => {})
  }

  return Buffer.concat(chunks).toString('utf8')
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
  return new R1Error('R1_SERVER_UNREACHABLE', `cannot reach the server at ${where(url)}: ${quoteForeign(redactUrls(why))}`, {
    cause: error,
    suggestions: ['Start one with `r1 serve`, or pass --url where it listens (default http://127.0.0.1:8000).'],
  })
}

/** Retry-After: delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000))
}

async function serverError(url: string, response: Response): Promise<R1Error> {
  let detail = ''
  try {
    const text = await readAll(response, 64 * 1024, url)
    try {
      const json = JSON.parse(text) as {error?: {message?: string} | string; message?: string; detail?: unknown}
      const e = json.error
      detail = (typeof e === 'string' ? e : e?.message) ?? json.message ?? (json.detail === undefined ? text : JSON.stringify(json.detail))
    } catch {
      detail = text
    }
  } catch {
    // no body, or a body too large to be an error message
  }

  const retryAfterS = retryAfterSeconds(response.headers.get('retry-after'), Date.now())
  const suggestions =
    response.status === 401 || response.status === 403
      ? ['The server wants an API key: pass --api-key or set R1_API_KEY.']
      : response.status === 404
        ? ['Check --url and --model (r1 lists the served models from /v1/models).']
        : response.status === 429
          ? ['The server is rate-limiting: lower --concurrency, or try again later.']
          : ['See the server’s log (r1 serve prints it) for the cause.']
  return new R1Error('R1_SERVER_ERROR', `the server answered ${response.status} ${quoteForeign(response.statusText, 60)} to ${quoteForeign(new URL(url).pathname, 100)}${detail ? `: ${quoteForeign(String(detail).trim(), 300)}` : ''}`, {
    data: {retryAfterS, status: response.status},
    suggestions,
  })
}

async function* decode(body: ReadableStream<Uint8Array>, url: string, stallMs: number): AsyncIterable<string> {
  const decoder = new TextDecoder()
  const reader = body.getReader()
  let finished = false
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>
      let timer: NodeJS.Timeout | undefined
      try {
        chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(stalled(url, stallMs)), stallMs)
          }),
        ])
      } catch (error) {
        if (error instanceof R1Error) throw error
        throw new R1Error('R1_BAD_STREAM', `the stream from ${where(url)} broke off: ${quoteForeign(String((error as Error)?.message ?? error))}`, {cause: error})
      } finally {
        clearTimeout(timer)
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
    // The consumer stopped early (an error, a stall, Ctrl-C): close the connection instead of leaving it open.
    if (!finished) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}

function stalled(url: string, stallMs: number): R1Error {
  return new R1Error('R1_BAD_STREAM', `the stream from ${where(url)} stalled: no data for ${seconds(stallMs)}`, {
    suggestions: ['See the server’s log (r1 serve prints it): it may be stuck or overloaded.', 'If it is only slow (a long prompt, a full queue), give it longer with --stall-timeout 10m.'],
  })
}
