/** Foreign text on its way to a terminal (src/core/text/sanitize.ts): what is escaped, what is kept. */
import {describe, expect, it} from 'vitest'

import {escapeControls, escapeTerminal, hasControls, hasTerminalControls} from '../../src/core/text/sanitize.js'

describe('escapeTerminal (model output: several lines)', () => {
  it.each([
    ['an OSC retitle', '\u001B]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['a CSI clear-screen', '\u001B[2J', '\\x1b[2J'],
    ['a C1 CSI', 'a\u009B31mb', 'a\\x9b31mb'],
    ['a lone carriage return (overwrites the line)', 'ok\rEVIL', 'ok\\rEVIL'],
    ['a bidi override', 'abc\u202Edef', 'abc\\u202edef'],
    ['DEL and NUL', 'a\u007Fb\u0000c', 'a\\x7fb\\x00c'],
  ])('%s is escaped', (_what, text, shown) => {
    expect(escapeTerminal(text)).toBe(shown)
  })

  it('newlines and tabs stay; CRLF becomes a newline', () => {
    expect(escapeTerminal('one\n\ttwo\r\nthree')).toBe('one\n\ttwo\nthree')
  })

  it('a sequence split across two chunks is escaped in each', () => {
    expect(escapeTerminal('\u001B') + escapeTerminal('[2J')).toBe('\\x1b[2J')
  })
})

describe('what counts as a control character', () => {
  it('escapeControls (one line) escapes newlines too; escapeTerminal does not', () => {
    expect(escapeControls('a\nb')).toBe('a\\nb')
    expect(escapeTerminal('a\nb')).toBe('a\nb')
  })

  it('hasControls and hasTerminalControls', () => {
    expect(hasControls('H100 80GB')).toBe(false)
    expect(hasControls('line\nnext')).toBe(true)
    expect(hasTerminalControls('line\nnext\twith tab\r\n')).toBe(false)
    expect(hasTerminalControls('x\u001B[2J')).toBe(true)
  })
})
