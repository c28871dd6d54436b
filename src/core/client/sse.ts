/**
 * Server-sent events (the wire format of OpenAI-compatible streaming) parsed incrementally:
 * feed text as it arrives, get back the complete `data:` payloads. Pure: no I/O.
 */
export interface SseParser {
  /** Feed the next piece of the body; returns the data of every event completed by it. */
  push(text: string): string[]
  /** The end of the body: an unterminated last event still counts. */
  end(): string[]
}

export function createSseParser(): SseParser {
  let buffer = ''
  let data: string[] = []

  const takeLine = (line: string, out: string[]) => {
    if (line === '') {
      if (data.length > 0) out.push(data.join('\n'))
      data = []
      return
    }

    if (line.startsWith(':')) return // a comment (keep-alive)
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
  }

  return {
    end() {
      const out: string[] = []
      if (buffer !== '') takeLine(buffer.replace(/\r$/, ''), out)
      buffer = ''
      takeLine('', out)
      return out
    },
    push(text) {
      buffer += text
      const out: string[] = []
      let nl: number
      while ((nl = buffer.search(/\r\n|\r|\n/)) !== -1) {
        // A lone \r at the very end may be the first half of \r\n: wait for the next piece.
        if (buffer[nl] === '\r' && nl === buffer.length - 1) break
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1))
        takeLine(line, out)
      }

      return out
    },
  }
}
