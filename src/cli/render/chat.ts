/** `r1 chat` for people: the reasoning dimmed (or under a label when there is no colour), then the answer; control characters escaped. */
import type {ChalkInstance} from 'chalk'

import type {ChatResult} from '../../core/client/client.schema.js'
import {escapeControls, escapeTerminal} from '../../core/text/sanitize.js'

export interface ChatStreamRenderer {
  piece(piece: {kind: 'reasoning' | 'answer'; text: string}): void
  end(result: ChatResult): void
}

/** Writes the stream as it arrives. `showReasoning` false prints the answer only (for pipes). */
export function chatStreamRenderer(write: (s: string) => void, c: ChalkInstance, options: {colour: boolean; showReasoning: boolean}): ChatStreamRenderer {
  let current: 'reasoning' | 'answer' | null = null
  let wroteAny = false
  let endsWithNewline = true
  const put = (s: string) => {
    if (s === '') return
    write(s)
    wroteAny = true
    endsWithNewline = s.endsWith('\n')
  }

  return {
    end() {
      if (wroteAny && !endsWithNewline) write('\n')
    },
    piece(p) {
      if (p.kind === 'reasoning' && !options.showReasoning) return
      // The model's text is foreign: it must not retitle, clear or recolour the terminal.
      let text = escapeTerminal(p.text)
      if (current !== p.kind) {
        if (p.kind === 'answer') {
          text = text.replace(/^\s+/, '')
          if (text === '') return
        }

        if (current !== null) put(endsWithNewline ? '\n' : '\n\n')
        if (!options.colour) put(p.kind === 'reasoning' ? '[reasoning]\n' : options.showReasoning ? '[answer]\n' : '')
        current = p.kind
      }

      put(p.kind === 'reasoning' ? c.dim(text) : text)
    },
  }
}

export function chatSummary(result: ChatResult): string {
  const u = result.usage
  const tokens = u ? `, ${u.promptTokens} prompt + ${u.completionTokens} completion tokens` : ''
  return `${escapeControls(result.model)}: first token ${(result.ttftMs / 1000).toFixed(2)} s, total ${(result.e2eMs / 1000).toFixed(2)} s${tokens}${result.finishReason && result.finishReason !== 'stop' ? ` (finish: ${result.finishReason})` : ''}`
}
