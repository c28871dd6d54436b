/** Answer extraction for math: the LAST `\boxed{…}` (nested braces allowed), compared numerically. */

/** The contents of the last `\boxed{…}` (or `\fbox{…}`) in `text`, or null when there is none (or it is unclosed). */
export function lastBoxed(text: string): string | null {
  const re = /\\(?:boxed|fbox)\s*\{/g
  let found: string | null = null
  let m: RegExpExecArray | null
  while ((m = re.exec(text)) !== null) {
    let depth = 1
    let i = m.index + m[0].length
    const start = i
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++
      else if (text[i] === '}') depth--
    }

    if (depth === 0) found = text.slice(start, i - 1)
  }

  return found
}

/**
 * An integer from a boxed answer: `42`, ` 42 `, `42.`, `1,000`, `1\,000`, `-7`, `$42$`, `\text{42}`,
 * `x = 42`, `42.0`. Null when it is not an integer (`\frac{1}{2}`, `3.5`, words).
 */
export function parseIntegerAnswer(raw: string): bigint | null {
  let s = raw.trim()
  s = s.replace(/\\(?:text|textbf|mathrm|mathbf)\s*\{([^{}]*)\}/g, '$1')
  s = s.replace(/\$/g, '').replace(/\\[,!;: ]/g, '').replace(/\\(?:left|right)/g, '')
  s = s.replace(/^[a-zA-Z]\s*=\s*/, '') // "x = 42"
  s = s.replace(/\s+/g, '')
  s = s.replace(/^\{(.*)\}$/, '$1')
  s = s.replace(/[.。]$/, '') // "42."
  if (/^[+-]?\d{1,3}(,\d{3})+(\.0+)?$/.test(s)) s = s.replace(/,/g, '')
  s = s.replace(/\.0+$/, '')
  if (!/^[+-]?\d+$/.test(s)) return null
  return BigInt(s)
}

/** Is the model's boxed answer equal to the expected integer (numeric comparison)? */
export function isCorrect(modelOutput: string, expected: string | number | bigint): {extracted: string | null; correct: boolean} {
  const extracted = lastBoxed(modelOutput)
  if (extracted === null) return {correct: false, extracted: null}
  const got = parseIntegerAnswer(extracted)
  const want = typeof expected === 'bigint' ? expected : parseIntegerAnswer(String(expected))
  return {correct: got !== null && want !== null && got === want, extracted: extracted.trim()}
}
