/**
 * Text for a terminal of a given width: prose wraps between words, a shell command breaks between
 * its arguments with " \" continuations (still one command to paste). Piped (width Infinity),
 * every paragraph and command stays on one line, nothing cut.
 */
import {visibleLength} from '../style.js'

/**
 * Word-wrap one paragraph to `width`: the first line starts with `first`, the others with `rest`
 * (a hanging indent). One line when it fits or when `width` is not finite.
 */
export function wrapHanging(text: string, width: number, first = '', rest = first): string[] {
  if (!Number.isFinite(width) || visibleLength(first) + visibleLength(text) <= width) return [`${first}${text}`]
  const out: string[] = []
  let prefix = first
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && visibleLength(prefix) + visibleLength(line) + 1 + visibleLength(word) > width) {
      out.push(`${prefix}${line}`)
      prefix = rest
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }

  if (line !== '') out.push(`${prefix}${line}`)
  return out
}

/** Word-wrap one paragraph to `width` with the same indent on every line (a terminal); one line when piped. */
export function wrap(text: string, width: number, indent: string): string[] {
  return wrapHanging(text, width, indent, indent)
}

/**
 * A shell command (its words, each already quoted) for a terminal `width` wide: broken between
 * arguments, a flag kept with its value, each broken line ending in " \" and the next indented by
 * two more spaces. One line when it fits or when `width` is not finite. A single argument wider than
 * the terminal stays whole (cutting it would change the command).
 */
export function commandLines(words: readonly string[], width: number, indent = ''): string[] {
  const oneLine = `${indent}${words.join(' ')}`
  if (!Number.isFinite(width) || visibleLength(oneLine) <= width) return [oneLine]
  const groups: string[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    const next = words[i + 1]
    if (word.startsWith('-') && next !== undefined && !next.startsWith('-') && !word.includes('=')) {
      groups.push(`${word} ${next}`)
      i++
    } else {
      groups.push(word)
    }
  }

  const out: string[] = []
  const rest = `${indent}  `
  let line = ''
  for (const group of groups) {
    const prefix = out.length === 0 ? indent : rest
    // Room for the group and the " \" that ends a broken line.
    if (line !== '' && visibleLength(prefix) + visibleLength(line) + 1 + visibleLength(group) + 2 > width) {
      out.push(`${prefix}${line} \\`)
      line = group
    } else {
      line = line === '' ? group : `${line} ${group}`
    }
  }

  if (line !== '') out.push(`${out.length === 0 ? indent : rest}${line}`)
  return out
}
