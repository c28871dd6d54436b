/**
 * Typed entry to the fake OpenAI-compatible server (the code is plain JavaScript in
 * fake-openai-server.mjs so that spawned fake engines can run it without a TypeScript loader).
 */
// @ts-expect-error: plain JavaScript module without declarations
import * as impl from './fake-openai-server.mjs'

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: any
}

export type FakeReply =
  | {reasoning?: string | string[]; answer?: string | string[]; finishReason?: string}
  | {status: number; message?: string}
  | {malformed: true}
  | {cut: number; reasoning?: string | string[]; answer?: string | string[]}

export interface FakeOpenAIOptions {
  /** A virtual clock's server side (test/helpers/virtual-clock.ts): the delays run on it. */
  clock?: import('./virtual-clock.js').ServerClockHooks
  models?: string[]
  ttftMs?: number
  itlMs?: number
  style?: 'reasoning_content' | 'think-tags' | 'think-implicit'
  usage?: boolean
  apiKey?: string
  port?: number
  reply?: (body: any, n: number) => FakeReply | undefined
}

export interface FakeOpenAI {
  url: string
  port: number
  requests: RecordedRequest[]
  close(): Promise<void>
}

export const startFakeOpenAI: (options?: FakeOpenAIOptions) => Promise<FakeOpenAI> = impl.startFakeOpenAI
export const tokenize: (text: string) => string[] = impl.tokenize
export const FAKE_SERVER_SCRIPT = new URL('./fake-openai-server.mjs', import.meta.url).pathname
