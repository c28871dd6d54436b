/**
 * Text from outside r1 (captures, engine and server output, profiles, paths) on its way to a terminal:
 * control characters escaped, so that escape sequences cannot move the cursor, recolour or retitle the
 * terminal; long foreign text cut to a few hundred bytes in messages; credentials cut out of URLs. Pure.
 */

/** C0 controls except tab, DEL, C1 controls, and the bidi overrides that can reorder what is shown. */
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

/** Escapes control characters as \xNN (\n, \r as such): one line, shown as it is, harmless to a terminal. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    const code = c.charCodeAt(0)
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`
  })
}

/** Everything CONTROL matches but newline and tab: what multi-line text (model output) may keep. */
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

/**
 * Multi-line foreign text (a model's answer) for the terminal: newlines and tabs kept, every other control
 * escaped as \xNN (ESC, CSI, BEL, C1, \r, bidi overrides). Escaping works character by character, so a
 * sequence split across stream chunks is made as harmless as a whole one.
 */
export function escapeTerminal(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL_BUT_LINES, (c) => {
    if (c === '\r') return '\\r'
    const code = c.charCodeAt(0)
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`
  })
}

/** True when `text` holds a control character that escapeControls would escape. */
export function hasControls(text: string): boolean {
  return new RegExp(CONTROL.source).test(text)
}

/** True when `text` holds a control character other than newline and tab (what escapeTerminal escapes). */
export function hasTerminalControls(text: string): boolean {
  return new RegExp(CONTROL_BUT_LINES.source).test(text.replace(/\r\n/g, '\n'))
}

/** The longest foreign text a message quotes. */
export const QUOTE_LIMIT = 200

/** Foreign text for a message: controls escaped, at most `limit` characters, with how much was left out. */
export function quoteForeign(text: string, limit = QUOTE_LIMIT): string {
  const cut = text.length > limit ? text.slice(0, limit) : text
  const shown = escapeControls(cut)
  return text.length > limit ? `${shown}… (${text.length - limit} more characters)` : shown
}

/** A line of engine or server output for the terminal: controls escaped, cut at `limit` characters. */
export function safeLine(line: string, limit = 4096): string {
  return quoteForeign(line, limit)
}

/** "http://user:secret@host/x" → "http://***@host/x"; also ?api_key=… / ?token=… in the query. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][\w+.-]*:\/\/)[^/@\s]*@/i, '$1***@')
    .replace(/([?&](?:api[_-]?key|key|token|access_token|password|secret)=)[^&#\s]*/gi, '$1***')
}

/** Every URL with credentials in a message redacted. */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][\w+.-]*:\/\/[^\s"'<>]+/gi, (u) => redactUrl(u))
}
