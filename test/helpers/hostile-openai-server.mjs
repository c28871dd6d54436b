// A fake OpenAI-compatible server that sends exactly the stream a test scripts, for hostile-input e2e tests.
// Standalone: node test/helpers/hostile-openai-server.mjs '<options JSON>'  → prints {"url": ...} on stdout.
// Options: {models?: string[], reasoning?: string[], answer?: string[], finishReason?: string|null,
//           usageRaw?: string}  — usageRaw is written verbatim as the "usage" value of the last chunk (so it
//           can hold -5, 1e300, 2.5 or even NaN, which JSON.stringify cannot write).
import {createServer} from 'node:http'

const options = process.argv[2] ? JSON.parse(process.argv[2]) : {}
const models = options.models ?? ['deepseek-r1']

const server = createServer(async (req, res) => {
  req.resume()
  await new Promise((resolve) => req.on('end', resolve))
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, {'content-type': 'application/json'})
    return res.end(JSON.stringify({data: models.map((id) => ({id, object: 'model'})), object: 'list'}))
  }

  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404)
    return res.end()
  }

  res.writeHead(200, {'content-type': 'text/event-stream'})
  const chunk = (delta, finish = null) =>
    res.write(`data: ${JSON.stringify({choices: [{delta, finish_reason: finish, index: 0}], id: 'x', object: 'chat.completion.chunk'})}\n\n`)
  for (const t of options.reasoning ?? []) chunk({reasoning_content: t})
  for (const t of options.answer ?? []) chunk({content: t})
  chunk({}, options.finishReason === undefined ? 'stop' : options.finishReason)
  if (options.usageRaw !== undefined) res.write(`data: {"choices": [], "id": "x", "object": "chat.completion.chunk", "usage": ${options.usageRaw}}\n\n`)
  res.write('data: [DONE]\n\n')
  res.end()
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({url: `http://127.0.0.1:${server.address().port}`})}\n`)
})
process.on('SIGTERM', () => process.exit(0))
