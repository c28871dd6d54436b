import {Chalk, type ChalkInstance} from 'chalk'

/** Colour is on only for a TTY, without NO_COLOR or CI, and never with --json (STYLE.md §3). */
export function colourEnabled(stream: NodeJS.WriteStream, json: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (json) return false
  if (env.NO_COLOR !== undefined || env.CI !== undefined) return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}

export function painter(enabled: boolean): ChalkInstance {
  return new Chalk({level: enabled ? 1 : 0})
}

/** Left-aligned text table; a header row only when `header` is true (people), plain tab-separated rows when piped. */
export function table(rows: string[][], options: {header?: string[]; tty: boolean}): string {
  if (!options.tty) return rows.map((r) => r.join('\t')).join('\n')
  const all = options.header ? [options.header, ...rows] : rows
  const widths: number[] = []
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))))
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat(widths[i] - visibleLength(c)))).join('  ')
  const out = all.map((r) => line(r))
  if (options.header) out.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '))
  return out.join('\n')
}

const ANSI = /\u001B\[[0-9;]*m/g
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length
}

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '')
}
