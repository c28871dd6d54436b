/**
 * The request bodies r1 sends to /v1/chat/completions. DeepSeek's usage recommendations for R1:
 * temperature 0.5–0.7 (0.6), top-p 0.95, no system prompt (instructions go in the user prompt),
 * and for math "Please reason step by step, and put your final answer within \boxed{}."
 */
import {R1Error} from '../errors.js'
import {quoteForeign} from '../text/sanitize.js'

export const DEFAULT_TEMPERATURE = 0.6
export const DEFAULT_TOP_P = 0.95
export const RECOMMENDED_TEMPERATURE = {max: 0.7, min: 0.5} as const
export const MATH_DIRECTIVE = 'Please reason step by step, and put your final answer within \\boxed{}.'
export const DEFAULT_URL = 'http://127.0.0.1:8000'

export interface ChatRequestBody {
  model: string
  messages: Array<{role: 'user'; content: string}>
  temperature: number
  top_p: number
  max_tokens?: number
  stream: true
  stream_options: {include_usage: true}
  /** vLLM and SGLang both accept it: keep generating to max_tokens (bench only). */
  ignore_eos?: boolean
}

export function withMathDirective(prompt: string): string {
  return `${prompt.trimEnd()}\n${MATH_DIRECTIVE}`
}

/** The only message is the user's: r1 never sends a system message. */
export function chatBody(options: {
  model: string
  prompt: string
  temperature: number
  topP: number
  maxTokens?: number
  ignoreEos?: boolean
}): ChatRequestBody {
  const body: ChatRequestBody = {
    messages: [{content: options.prompt, role: 'user'}],
    model: options.model,
    stream: true,
    stream_options: {include_usage: true},
    temperature: options.temperature,
    top_p: options.topP,
  }
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens
  if (options.ignoreEos) body.ignore_eos = true
  return body
}

/** A warning when the temperature is outside DeepSeek's recommended 0.5–0.7; null inside it. */
export function temperatureWarning(t: number): string | null {
  if (t < 0 || t > 2) {
    throw new R1Error('R1_USAGE', `temperature ${t} is outside 0–2`, {suggestions: ['Use --temperature 0.6, as DeepSeek recommends for R1.']})
  }

  if (t < RECOMMENDED_TEMPERATURE.min) {
    return `temperature ${t} is below 0.5: R1 tends to fall into endless repetition at low temperatures (DeepSeek recommends 0.5–0.7, 0.6 by default).`
  }

  if (t > RECOMMENDED_TEMPERATURE.max) {
    return `temperature ${t} is above 0.7: R1 tends to lose coherence at high temperatures (DeepSeek recommends 0.5–0.7, 0.6 by default).`
  }

  return null
}

export function systemPromptRefused(): R1Error {
  return new R1Error('R1_SYSTEM_PROMPT_REFUSED', 'r1 sends no system prompt: DeepSeek advises against one for R1, whose output degrades with it.', {
    suggestions: ['Put the instructions in the prompt itself, e.g. r1 chat "You are terse. What is 2+2?"'],
  })
}

/** Join a base URL and an API path ("http://h:8000" or "http://h:8000/v1" + "/v1/models"). */
export function apiUrl(base: string, path: string): string {
  let parsed: URL | undefined
  try {
    parsed = new URL(base)
  } catch {
    parsed = undefined
  }

  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new R1Error('R1_USAGE', `--url ${base} is not an http(s) URL`, {suggestions: ['Pass the server’s base URL, e.g. --url http://127.0.0.1:8000']})
  }

  const trimmed = base.replace(/\/+$/, '').replace(/\/v1$/, '')
  return `${trimmed}${path}`
}

/** One parsed chat.completion.chunk. */
export interface ChunkDelta {
  content: string | null
  reasoning: string | null
  finishReason: string | null
  usage: {promptTokens: number; completionTokens: number} | null
}

/** Parse the JSON of one SSE event of a chat completion stream; throws R1_BAD_STREAM when it is not one. */
export function parseChunk(data: string): ChunkDelta {
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch {
    throw new R1Error('R1_BAD_STREAM', `the server sent a malformed stream event: ${quoteForeign(data, 120)}`, {
      suggestions: ['Check that --url points at an OpenAI-compatible server (vLLM or SGLang started by r1 serve).'],
    })
  }

  if (typeof json !== 'object' || json === null) throw badShape(data)
  const obj = json as {choices?: unknown; usage?: unknown; error?: {message?: string}}
  if (obj.error) {
    throw new R1Error('R1_SERVER_ERROR', `the server reported an error mid-stream: ${quoteForeign(String(obj.error.message ?? JSON.stringify(obj.error)), 300)}`)
  }

  if (obj.choices !== undefined && !Array.isArray(obj.choices)) throw badShape(data)
  const choice = (obj.choices as Array<{delta?: Record<string, unknown>; finish_reason?: unknown}> | undefined)?.[0]
  const delta = choice?.delta ?? {}
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  const u = obj.usage as {prompt_tokens?: unknown; completion_tokens?: unknown} | null | undefined
  const usage =
    u && u.completion_tokens !== undefined && u.completion_tokens !== null
      ? {completionTokens: usageCount(u.completion_tokens, 'completion_tokens'), promptTokens: u.prompt_tokens === undefined || u.prompt_tokens === null ? 0 : usageCount(u.prompt_tokens, 'prompt_tokens')}
      : null
  return {
    content: str(delta.content),
    finishReason: str(choice?.finish_reason),
    // vLLM: reasoning_content (older) or reasoning (newer); SGLang: reasoning_content.
    reasoning: str(delta.reasoning_content) ?? str(delta.reasoning),
    usage,
  }
}

/** The most tokens a usage count may claim: far above any context window, far below what would print as nonsense. */
export const MAX_USAGE_TOKENS = 1_000_000_000

/**
 * A token count from the server's `usage`. A negative, fractional, non-finite or absurd count is refused
 * (R1_BAD_STREAM, exit 6) rather than reported: a server that miscounts tokens would make every figure r1
 * derives from them (throughput, TPOT, the summary line) wrong, and "not reported" would hide the fault.
 */
function usageCount(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_USAGE_TOKENS) return value
  const shown = typeof value === 'number' ? String(value) : quoteForeign(JSON.stringify(value) ?? String(value), 60)
  throw new R1Error('R1_BAD_STREAM', `the server reported usage.${field} = ${shown}: a token count must be a whole number from 0 to ${MAX_USAGE_TOKENS.toLocaleString('en-US')}`, {
    suggestions: ['The server miscounts tokens: check its version and log, or use vLLM or SGLang as started by r1 serve.'],
  })
}

function badShape(data: string): R1Error {
  return new R1Error('R1_BAD_STREAM', `the server sent a stream event that is not a chat completion chunk: ${quoteForeign(data, 120)}`, {
    suggestions: ['Check that --url points at an OpenAI-compatible server (vLLM or SGLang started by r1 serve).'],
  })
}

/** A prompt of about `tokens` tokens for bench: one common English word ≈ one token (an approximation; the server's usage gives the exact count). */
export function syntheticPrompt(tokens: number, seed: number): string {
  const words = ['time', 'river', 'number', 'light', 'stone', 'paper', 'green', 'house', 'music', 'cloud', 'water', 'table', 'night', 'window', 'garden', 'market']
  const out: string[] = []
  let x = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < Math.max(1, tokens); i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out.push(words[x % words.length])
  }

  return out.join(' ')
}
