/**
 * What to tell people once the server is up: the endpoint, and a curl request that follows
 * DeepSeek's usage rules for R1 (temperature 0.6, top-p 0.95, no system prompt, the math directive).
 */

/** DeepSeek-R1 model card: "Please reason step by step, and put your final answer within \boxed{}." */
export const MATH_DIRECTIVE = 'Please reason step by step, and put your final answer within \\boxed{}.'
export const R1_SAMPLING = {temperature: 0.6, top_p: 0.95} as const

/** Where r1 itself reaches the server: a wildcard bind is reached on loopback. */
export function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '*') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

export function endpointUrl(host: string, port: number): string {
  return `http://${probeHost(host)}:${port}/v1`
}

/** The model name the server answers to: --served-model-name when the command sets it, else the model argument. */
export function servedModelName(argv: readonly string[], fallback: string): string {
  for (const flag of ['--served-model-name', '--model-path', '--model']) {
    const i = argv.indexOf(flag)
    if (i !== -1 && argv[i + 1] !== undefined) return argv[i + 1]
    const eq = argv.find((a) => a.startsWith(`${flag}=`))
    if (eq) return eq.slice(flag.length + 1)
  }

  const serve = argv.indexOf('serve')
  if (serve !== -1 && argv[serve + 1] !== undefined && !argv[serve + 1].startsWith('-')) return argv[serve + 1]
  return fallback
}

/** The request body of the example: one user turn, no system prompt. */
export function exampleRequest(model: string): Record<string, unknown> {
  return {
    messages: [{content: `What is the sum of the first 20 odd numbers? ${MATH_DIRECTIVE}`, role: 'user'}],
    model,
    ...R1_SAMPLING,
    max_tokens: 4096,
  }
}

/**
 * A curl line for people to copy (shown, never run). The API key is referenced by its
 * environment variable's name, never by value.
 */
export function curlExample(baseUrl: string, model: string, apiKeyEnv: string | null): string {
  const body = JSON.stringify(exampleRequest(model)).replaceAll("'", "'\\''")
  const lines = [`curl ${baseUrl}/chat/completions`, `  -H 'Content-Type: application/json'`]
  if (apiKeyEnv) lines.push(`  -H "Authorization: Bearer $${apiKeyEnv}"`)
  lines.push(`  -d '${body}'`)
  return lines.join(' \\\n')
}

/** Env values as shown to people: secrets by name only. */
export function redactEnv(env: Record<string, string>, secrets: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {...env}
  for (const [name, source] of Object.entries(secrets)) out[name] = `<from ${source}>`
  return out
}
