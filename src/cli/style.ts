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

/** A table column: how it is titled, and how it gives way on a narrow terminal. */
export interface TableColumn {
  title: string
  /** On a narrow terminal, columns are dropped in ascending order of this; undefined = never dropped. */
  drop?: number
  /** May be shortened (with "…") down to this many characters: before any column is dropped when `early`, else after. */
  min?: number
  early?: boolean
}

export interface TableOptions {
  /** Column titles (or full column specs with `columns`). */
  header?: string[]
  columns?: TableColumn[]
  /** stdout is a terminal: aligned columns fitted to `width`. */
  tty: boolean
  /** false = no header row (--no-headers). Headers stay when piped, as kubectl keeps them. */
  headers?: boolean
  /** The terminal's width; tables for a terminal are fitted to it. */
  width?: number
}

/**
 * Left-aligned text table. For a terminal: aligned under the header (as kubectl prints), fitted to the
 * width: long free text is shortened first (with "…"), then columns are dropped in their `drop`
 * order, then the other shortenable columns are cut. Piped: tab-separated rows under a tab-separated
 * header, nothing cut.
 */
export function table(rows: string[][], options: TableOptions): string {
  const columns = options.columns ?? options.header?.map((title) => ({title}))
  const headers = options.headers !== false && columns !== undefined
  if (!options.tty) {
    const all = headers ? [columns!.map((c) => c.title), ...rows] : rows
    return all.map((r) => r.join('\t')).join('\n')
  }

  const n = Math.max(columns?.length ?? 0, ...rows.map((r) => r.length))
  const natural: number[] = Array.from({length: n}, () => 0)
  for (const row of headers ? [columns!.map((c) => c.title), ...rows] : rows) row.forEach((cell, i) => (natural[i] = Math.max(natural[i], visibleLength(cell))))
  const widths = fitWidths(natural, columns ?? [], options.width ?? Infinity)
  const keep = widths.map((w, i) => (w > 0 ? i : -1)).filter((i) => i >= 0)
  const cell = (text: string, i: number) => {
    const w = widths[i]
    const shown = visibleLength(text) > w ? `${stripAnsi(text).slice(0, Math.max(0, w - 1))}…` : text
    return shown + ' '.repeat(Math.max(0, w - visibleLength(shown)))
  }

  const line = (row: string[]) => keep.map((i) => cell(row[i] ?? '', i)).join('  ').trimEnd()
  const out = rows.map((r) => line(r))
  if (headers) out.unshift(line(columns!.map((c) => c.title)))
  return out.join('\n')
}

/** Column widths that fit `width` (0 = dropped), by the rule in `table`. */
export function fitWidths(natural: readonly number[], columns: readonly TableColumn[], width: number): number[] {
  const widths = [...natural]
  const total = () => {
    const shown = widths.filter((w) => w > 0)
    return shown.reduce((a, b) => a + b, 0) + 2 * Math.max(0, shown.length - 1)
  }

  const shorten = (early: boolean) => {
    while (total() > width) {
      let widest = -1
      for (let i = 0; i < widths.length; i++) {
        const c = columns[i]
        if (c?.min !== undefined && Boolean(c.early) === early && widths[i] > c.min && (widest < 0 || widths[i] > widths[widest])) widest = i
      }

      if (widest < 0) return
      widths[widest] = Math.max(columns[widest].min!, widths[widest] - (total() - width))
    }
  }

  // 1. Shorten the columns that give way early (long free text), the widest first, down to their minimum.
  shorten(true)
  // 2. Drop columns in their order.
  const order = columns.map((c, i) => ({d: c.drop, i})).filter((c) => c.d !== undefined).sort((a, b) => a.d! - b.d!)
  for (const {i} of order) {
    if (total() <= width) break
    widths[i] = 0
  }

  // 3. Shorten the rest that may be shortened.
  shorten(false)
  // 4. Still too wide: cut the last column shown.
  const last = widths.findLastIndex((w) => w > 0)
  if (total() > width && last >= 0) widths[last] = Math.max(1, widths[last] - (total() - width))
  return widths
}

/** The width tables for people are fitted to: the terminal's, else $COLUMNS, else 80. */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns > 0) return stream.columns
  const n = Number(env.COLUMNS)
  return Number.isInteger(n) && n > 0 ? n : 80
}

const ANSI = /\u001B\[[0-9;]*m/g
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length
}

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '')
}
