/**
 * Splits R1's output into reasoning and answer as it streams. Engines with a reasoning parser send
 * the reasoning in `delta.reasoning_content`; without one it comes inside the content between
 * `<think>` and `</think>`. R1's chat template already opens `<think>` in the prompt, so the content
 * often starts with the reasoning and only the closing tag shows: text before `</think>` is
 * reasoning. When no tag ever shows, the whole content is the answer (see `finish`).
 */
export interface Piece {
  kind: 'reasoning' | 'answer'
  text: string
}

export interface ThinkSplitter {
  /** A `reasoning_content` delta. Once one arrives, content is the answer and tags are not looked for. */
  reasoning(text: string): Piece[]
  /** A `content` delta. */
  content(text: string): Piece[]
  /** End of stream: the final split, and what is left to show. */
  finish(): {reasoning: string; answer: string; pieces: Piece[]}
}

const OPEN = '<think>'
const CLOSE = '</think>'

/** How many chars at the end of `s` could be the start of `tag` (kept back until the next delta). */
function partialTagTail(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--) {
    if (tag.startsWith(s.slice(s.length - n))) return n
  }

  return 0
}

export function createThinkSplitter(): ThinkSplitter {
  let reasoning = ''
  let answer = ''
  let sawReasoningField = false
  let sawOpen = false
  let sawClose = false
  // 'start': nothing yet; 'think': inside the reasoning; 'answer': after </think> or with reasoning_content.
  let state: 'start' | 'think' | 'answer' = 'start'
  let pending = ''

  const emit = (kind: Piece['kind'], text: string, out: Piece[]) => {
    if (text === '') return
    if (kind === 'reasoning') reasoning += text
    else answer += text
    const last = out.at(-1)
    if (last && last.kind === kind) last.text += text
    else out.push({kind, text})
  }

  const scan = (out: Piece[], final: boolean) => {
    for (;;) {
      if (state === 'start') {
        const trimmed = pending.trimStart()
        if (trimmed === '' && !final) return
        if (trimmed.startsWith(OPEN)) {
          sawOpen = true
          pending = trimmed.slice(OPEN.length)
          state = 'think'
          continue
        }

        if (!final && OPEN.startsWith(trimmed)) return // could still become <think>
        state = 'think' // implicit: the template opened <think> in the prompt
        continue
      }

      if (state === 'think') {
        const at = pending.indexOf(CLOSE)
        if (at !== -1) {
          emit('reasoning', pending.slice(0, at), out)
          pending = pending.slice(at + CLOSE.length)
          sawClose = true
          state = 'answer'
          continue
        }

        const keep = final ? 0 : partialTagTail(pending, CLOSE)
        emit('reasoning', pending.slice(0, pending.length - keep), out)
        pending = pending.slice(pending.length - keep)
        return
      }

      emit('answer', pending, out)
      pending = ''
      return
    }
  }

  return {
    content(text) {
      const out: Piece[] = []
      if (sawReasoningField) {
        emit('answer', text, out)
        return out
      }

      pending += text
      scan(out, false)
      return out
    },
    finish() {
      const out: Piece[] = []
      scan(out, true)
      if (!sawReasoningField && !sawOpen && !sawClose) {
        // No tag at all: this model did not reason in tags; all of it is the answer.
        return {answer: reasoning + answer, pieces: out, reasoning: ''}
      }

      return {answer: answer.replace(/^\s+/, ''), pieces: out, reasoning: reasoning.trim()}
    },
    reasoning(text) {
      const out: Piece[] = []
      sawReasoningField = true
      if (state !== 'answer') state = 'answer'
      emit('reasoning', text, out)
      return out
    },
  }
}
