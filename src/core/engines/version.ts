/**
 * A small, pure comparator for engine version strings as the engines print them:
 * `0.7.3`, `v0.20.1`, `0.9.1.dev705+g01220ce89`, `0.5.0rc2`, `0.4.6.post1`.
 *
 * Ordering follows PEP 440 for the parts that occur in practice:
 * `0.9.1.dev705` < `0.9.1rc1` < `0.9.1` < `0.9.1.post1` < `0.9.2`. The local part (`+g01220ce89`) is ignored.
 */
export interface EngineVersion {
  /** Release numbers, at least three (missing ones are 0). */
  release: number[]
  /** dev < pre (a, b, rc) < final < post. */
  phase: 'dev' | 'pre' | 'final' | 'post'
  /** The number after dev/rc/post (0 for a final release). */
  phaseNumber: number
  raw: string
}

const PATTERN = /^v?(\d+(?:\.\d+)*)(?:[.-]?(a|b|rc|alpha|beta|c)[.-]?(\d*))?(?:[.-]?post[.-]?(\d*))?(?:[.-]?dev[.-]?(\d*))?(?:\+[\w.]+)?$/i

const PHASE_ORDER: Record<EngineVersion['phase'], number> = {dev: 0, pre: 1, final: 2, post: 3}

/** Parse a version string, or null when it does not look like one. */
export function parseVersion(raw: string): EngineVersion | null {
  const text = raw.trim()
  const match = PATTERN.exec(text)
  if (!match) return null
  const release = match[1].split('.').map(Number)
  while (release.length < 3) release.push(0)
  const [, , pre, preNumber, post, dev] = match
  if (dev !== undefined) return {release, phase: 'dev', phaseNumber: Number(dev || 0), raw: text}
  if (pre !== undefined) return {release, phase: 'pre', phaseNumber: Number(preNumber || 0), raw: text}
  if (post !== undefined) return {release, phase: 'post', phaseNumber: Number(post || 0), raw: text}
  return {release, phase: 'final', phaseNumber: 0, raw: text}
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: EngineVersion, b: EngineVersion): number {
  const length = Math.max(a.release.length, b.release.length)
  for (let i = 0; i < length; i++) {
    const diff = (a.release[i] ?? 0) - (b.release[i] ?? 0)
    if (diff !== 0) return diff
  }
  const phase = PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase]
  if (phase !== 0) return phase
  return a.phaseNumber - b.phaseNumber
}

/** `version >= floor` where floor is a plain release such as `0.9.0`. A dev or rc build of the floor counts as the floor. */
export function atLeast(version: EngineVersion, floor: string): boolean {
  const target = parseVersion(floor)
  if (!target) throw new Error(`bad version floor ${floor}`)
  const release = {...version, phase: 'final' as const, phaseNumber: 0}
  return compareVersions(release, target) >= 0
}

/** `version < ceiling` (the first release without the flag). */
export function before(version: EngineVersion, ceiling: string): boolean {
  return !atLeast(version, ceiling)
}
