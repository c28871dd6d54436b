/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never under CI or --json). */
export interface Progress {
  update(done: number, total: number, detail?: string): void
  /** Clear the line (the result follows on stdout). */
  stop(): void
}

export function progressEnabled(json: boolean, stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return !json && Boolean(stream.isTTY) && env.CI === undefined
}

/** The text of one frame, e.g. "eval [#######-------------] 12/40  30%  correct 9". */
export function progressLine(label: string, done: number, total: number, width: number, detail?: string): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100
  const tail = ` ${done}/${total} ${String(pct).padStart(3)}%${detail ? `  ${detail}` : ''}`
  const barWidth = Math.max(10, Math.min(40, width - label.length - tail.length - 4))
  const filled = total > 0 ? Math.round((barWidth * done) / total) : barWidth
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`
}

export function createProgress(label: string, options: {enabled: boolean; stream?: NodeJS.WriteStream}): Progress {
  const stream = options.stream ?? process.stderr
  if (!options.enabled) return {stop() {}, update() {}}
  let drawn = false
  return {
    stop() {
      if (drawn) stream.write('\r\u001B[2K')
      drawn = false
    },
    update(done, total, detail) {
      stream.write(`\r\u001B[2K${progressLine(label, done, total, stream.columns ?? 80, detail)}`)
      drawn = true
    },
  }
}
