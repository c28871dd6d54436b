/** The network side of serve: is a port free, does the server answer. */
import {createServer} from 'node:net'

/** True when nothing listens on host:port (we can bind it ourselves, then let go). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen({exclusive: true, host: host === '*' ? undefined : host, port}, () => {
      server.close(() => resolve(true))
    })
  })
}

export interface HttpAnswer {
  status: number
  body: string
}

/**
 * GET url; null when nothing answers (refused, reset, timed out). Bodies are cut at 64 KiB:
 * this is a readiness probe, not a client.
 */
export async function httpGet(url: string, options: {timeoutMs?: number; headers?: Record<string, string>} = {}): Promise<HttpAnswer | null> {
  try {
    const response = await fetch(url, {headers: options.headers, signal: AbortSignal.timeout(options.timeoutMs ?? 3000)})
    const body = (await response.text()).slice(0, 65_536)
    return {body, status: response.status}
  } catch {
    return null
  }
}
