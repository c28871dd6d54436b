import {R1Error} from '../errors.js'

const UNIT_SECONDS: Record<string, number> = {'': 1, h: 3600, m: 60, ms: 0.001, s: 1}

/**
 * `--ready-timeout` and `--stop-timeout`: plain seconds (`900`), or a duration with a unit
 * (`90s`, `45m`, `1.5h`, `500ms`, `1h30m`). Returns seconds; throws a usage error otherwise.
 */
export function parseDuration(text: string, flag = '--ready-timeout'): number {
  const trimmed = text.trim().toLowerCase()
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*(ms|h|m|s)?/g)]
  const rebuilt = parts.map((p) => p[0].replaceAll(/\s/g, '')).join('')
  if (parts.length === 0 || rebuilt !== trimmed.replaceAll(/\s/g, '') || (parts.length > 1 && parts.some((p) => p[2] === undefined))) {
    throw new R1Error('R1_INVALID_FLAGS', `${flag} ${JSON.stringify(text)} is not a duration.`, {
      suggestions: [`Give seconds (${flag} 900) or a duration such as 90s, 45m or 1h30m.`],
    })
  }

  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2] ?? ''], 0)
  if (!(seconds > 0)) {
    throw new R1Error('R1_INVALID_FLAGS', `${flag} must be longer than zero.`, {suggestions: [`For example ${flag} 45m.`]})
  }

  return seconds
}

/** "1h 05m", "12m 30s", "45s": for messages. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m ${String(rest).padStart(2, '0')}s`
  return `${rest}s`
}
