// A fake OpenAI-compatible server (vLLM/SGLang-like) on real loopback HTTP, for tests.
// In a test:   const s = await startFakeOpenAI({...}); ... s.requests ...; await s.close()
// Standalone:  node test/helpers/fake-openai-server.mjs '{"ttftMs":50}'   → prints {"url": ...} on stdout
// Routes: GET /health, GET /v1/models, POST /v1/chat/completions (streamed SSE or a plain JSON answer).
// Plain JavaScript so that a spawned process (a fake engine on PATH) can run it without a TypeScript loader.
import {createServer} from 'node:http'
import {pathToFileURL} from 'node:url'

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Split text into stream tokens: words with their leading space (so joined they give back the text). */
export function tokenize(text) {
  return text.match(/\s*\S+/g) ?? []
}

/** The default reply: with ignore_eos + max_tokens exactly that many tokens; else "<reasoning> … <answer>" echoing the prompt. */
export function defaultReply(body) {
  if (body.ignore_eos && body.max_tokens) return {answer: Array.from({length: body.max_tokens}, (_, i) => ` t${i}`), reasoning: []}
  const prompt = body.messages?.at(-1)?.content ?? ''
  return {answer: tokenize(`You asked: ${prompt.slice(0, 40)}`), reasoning: tokenize('Let me think about it.')}
}

/**
 * @param {object} options
 * @param {string[]} [options.models]       ids /v1/models lists (default ["deepseek-r1"])
 * @param {number} [options.ttftMs]         delay before the first token
 * @param {number} [options.itlMs]          delay between tokens
 * @param {'reasoning_content'|'think-tags'|'think-implicit'} [options.style]  how the reasoning is sent
 * @param {boolean} [options.usage]         send a usage chunk when stream_options.include_usage (default true)
 * @param {string} [options.apiKey]         require this Bearer token (401 otherwise)
 * @param {(body: any, n: number) => any} [options.reply]  per request n (0-based): {reasoning: string|string[], answer: string|string[], finishReason?}
 *        or {status, message} to fail with an HTTP error, or {malformed: true}, or {cut: k} to drop the connection after k tokens
 * @param {'stall-after-one'|'models-stall'} [options.mode]  misbehave: send one chunk of the stream then nothing (connection open),
 *        or answer GET /v1/models with headers and then nothing
 * @param {{first: number, retryAfter: string}} [options.rateLimit]  the first `first` chat requests get 429 with this Retry-After
 * @param {{sleep: (ms: number) => Promise<void>, wrote: (bytes: number) => void, opened: () => void, closed: () => void}} [options.clock]
 *        a virtual clock (test/helpers/virtual-clock.ts): the delays sleep on it, and it hears of each streamed answer's
 *        start, bytes and end. Without it the delays are real time.
 */
export async function startFakeOpenAI(options = {}) {
  const models = options.models ?? ['deepseek-r1']
  const style = options.style ?? 'reasoning_content'
  const requests = []
  let n = 0
  const clock = options.clock
  const wait = (ms) => (clock ? clock.sleep(ms) : sleep(ms))
  const server = createServer({noDelay: true}, async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const raw = Buffer.concat(chunks).toString('utf8')
    const record = {body: raw ? safeJson(raw) : null, headers: req.headers, method: req.method, path: req.url}
    requests.push(record)
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return json(res, 401, {error: {message: 'Invalid API key', type: 'invalid_request_error'}})
    if (req.method === 'GET' && req.url === '/health') return json(res, 200, {})
    if (req.method === 'GET' && req.url === '/v1/models' && options.mode === 'models-stall') {
      res.writeHead(200, {'content-type': 'application/json'})
      res.flushHeaders()
      return
    }

    if (req.method === 'GET' && req.url === '/v1/models') return json(res, 200, {data: models.map((id) => ({id, object: 'model', owned_by: 'fake'})), object: 'list'})
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, 404, {detail: 'Not Found'})
    const body = record.body
    if (!body || !Array.isArray(body.messages)) return json(res, 400, {error: {message: 'messages is required'}})
    if (options.rateLimit && n < options.rateLimit.first) {
      n++
      res.writeHead(429, {'content-type': 'application/json', 'retry-after': options.rateLimit.retryAfter})
      return res.end(JSON.stringify({error: {message: 'rate limited'}}))
    }

    const plan = (options.reply ?? defaultReply)(body, n++) ?? defaultReply(body)
    if (plan.status) return json(res, plan.status, {error: {message: plan.message ?? 'fake failure'}, object: 'error'})
    const reasoning = toTokens(plan.reasoning)
    const answer = toTokens(plan.answer)
    const finishReason = plan.finishReason ?? 'stop'
    const id = `chatcmpl-${n}`
    const usage = {completion_tokens: reasoning.length + answer.length, prompt_tokens: tokenize(body.messages.map((m) => m.content).join(' ')).length}
    if (!body.stream) {
      const content = style === 'reasoning_content' ? answer.join('') : `${style === 'think-tags' ? '<think>' : ''}${reasoning.join('')}</think>${answer.join('')}`
      const message = {content, role: 'assistant', ...(style === 'reasoning_content' ? {reasoning_content: reasoning.join('')} : {})}
      return json(res, 200, {choices: [{finish_reason: finishReason, index: 0, message}], id, object: 'chat.completion', usage: {...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens}})
    }

    res.writeHead(200, {'cache-control': 'no-cache', 'content-type': 'text/event-stream'})
    res.flushHeaders()
    clock?.opened()
    res.on('close', () => clock?.closed())
    const write = (text) => {
      clock?.wrote(Buffer.byteLength(text))
      res.write(text)
    }
    const send = (obj) => write(`data: ${JSON.stringify(obj)}\n\n`)
    const chunk = (delta, finish = null) => send({choices: [{delta, finish_reason: finish, index: 0}], created: 0, id, model: body.model, object: 'chat.completion.chunk'})
    if (plan.malformed) {
      await wait(options.ttftMs ?? 0)
      write('data: {"choices": [oops\n\n')
      return res.end()
    }

    // Tokens as the engine would stream them, one per chunk.
    const stream = []
    if (style === 'reasoning_content') {
      for (const t of reasoning) stream.push({reasoning_content: t})
      for (const t of answer) stream.push({content: t})
    } else {
      reasoning.forEach((t, i) => stream.push({content: i === 0 && style === 'think-tags' ? `<think>${t}` : t}))
      answer.forEach((t, i) => stream.push({content: i === 0 && reasoning.length > 0 ? `</think>${t}` : t}))
    }

    await wait(options.ttftMs ?? 0)
    if (options.mode === 'stall-after-one') {
      chunk({role: 'assistant', ...stream[0]})
      return
    }

    for (let i = 0; i < stream.length; i++) {
      if (plan.cut !== undefined && i === plan.cut) return res.destroy()
      if (i > 0) await wait(options.itlMs ?? 0)
      chunk(i === 0 ? {role: 'assistant', ...stream[i]} : stream[i], i === stream.length - 1 ? finishReason : null)
    }

    if (stream.length === 0) chunk({content: '', role: 'assistant'}, finishReason)
    if (body.stream_options?.include_usage && options.usage !== false) send({choices: [], id, object: 'chat.completion.chunk', usage: {...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens}})
    write('data: [DONE]\n\n')
    res.end()
  })
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const port = server.address().port
  return {
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
    port,
    requests,
    url: `http://127.0.0.1:${port}`,
  }
}

function toTokens(x) {
  if (x === undefined || x === null) return []
  return Array.isArray(x) ? x : tokenize(x)
}

function safeJson(s) {
  try {
    return JSON.parse(s)
  } catch {
    return s
  }
}

function json(res, status, obj) {
  res.writeHead(status, {'content-type': 'application/json'})
  res.end(JSON.stringify(obj))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = process.argv[2] ? JSON.parse(process.argv[2]) : {}
  const s = await startFakeOpenAI(options)
  process.stdout.write(`${JSON.stringify({port: s.port, url: s.url})}\n`)
  const stop = () => s.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
