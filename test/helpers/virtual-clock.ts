/**
 * A virtual clock shared by the fake OpenAI server and the client under test, so that latency tests measure
 * exact, load-independent values over real loopback HTTP (the guide forbids timed tests).
 *
 * The fake server's delays (ttftMs, itlMs) become `clock.sleep(ms)`: timers on the virtual time line. The client
 * reads `clock.now()`. Virtual time moves to the next timer only when everything else has settled:
 *   - every stream the client opened has reached the server (the server started its answer),
 *   - every open stream on the server is asleep on a timer,
 *   - the client has consumed every byte the server wrote (it asked its stream for the next piece after the last),
 * so each chunk is read at exactly the virtual time it was sent, and concurrent streams overlap as they would
 * on a real clock. The client side is observed by wrapping its HttpClient's postStream (clock.wrap).
 */
import type {HttpClient} from '../../src/io/http.js'

export interface ServerClockHooks {
  sleep(ms: number): Promise<void>
  wrote(bytes: number): void
  opened(): void
  closed(): void
}

export interface VirtualClock {
  now(): number
  /** What the fake server calls (startFakeOpenAI({clock})). */
  server: ServerClockHooks
  /** The client's HttpClient, observed. */
  wrap(http: HttpClient): HttpClient
}

export function virtualClock(): VirtualClock {
  let t = 0
  const timers: {at: number; resolve: () => void}[] = []
  let serverOpen = 0
  let clientOpen = 0
  let written = 0
  let consumed = 0
  let scheduled = false

  const settle = () => {
    scheduled = false
    if (timers.length === 0) return
    if (clientOpen !== serverOpen || timers.length !== serverOpen || consumed !== written) return
    const at = Math.min(...timers.map((x) => x.at))
    t = at
    for (const due of timers.filter((x) => x.at === at)) {
      timers.splice(timers.indexOf(due), 1)
      due.resolve()
    }
  }

  // Check after the current turn of the event loop: the hooks fire in the middle of the server's and client's work.
  const check = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(settle)
  }

  const server: ServerClockHooks = {
    closed() {
      serverOpen--
      check()
    },
    opened() {
      serverOpen++
      check()
    },
    sleep(ms) {
      return new Promise<void>((resolve) => {
        timers.push({at: t + ms, resolve})
        check()
      })
    },
    wrote(bytes) {
      written += bytes
      check()
    },
  }

  const wrap = (http: HttpClient): HttpClient => ({
    getJson: (url, options) => http.getJson(url, options),
    async postStream(url, body, options) {
      clientOpen++
      let stream: AsyncIterable<string>
      try {
        stream = await http.postStream(url, body, options)
      } catch (error) {
        clientOpen--
        check()
        throw error
      }

      const inner = stream[Symbol.asyncIterator]()
      let pending = 0
      let open = true
      const close = () => {
        if (!open) return
        open = false
        consumed += pending
        pending = 0
        clientOpen--
        check()
      }

      const iterator: AsyncIterator<string> = {
        async next() {
          // Asking for the next piece: the last one is handled (the client read the clock for it).
          consumed += pending
          pending = 0
          check()
          const r = await inner.next()
          if (r.done) close()
          else pending = Buffer.byteLength(r.value)
          return r
        },
        async return(value?: unknown) {
          close()
          await inner.return?.(value)
          return {done: true, value: undefined}
        },
      }
      return {[Symbol.asyncIterator]: () => iterator}
    },
  })

  return {now: () => t, server, wrap}
}
