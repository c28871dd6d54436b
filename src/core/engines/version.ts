/**
 * A small, pure comparator for engine version strings as the engines print them:
 * `0.7.3`, `v0.20.1`, `0.9.1.dev705+g01220ce89`, `0.5.0rc2`, `0.4.6.post1`.
 *
 * Ordering is PEP 440's (packaging.version): release numbers, then
 * `X.devN` < `XaN` < `XbN` < `XrcN` < `X` < `X.postN`, where a dev part sorts just before what it is a dev
 * build of (`0.5.0rc2.dev1` < `0.5.0rc2`, `0.4.6.post1.dev2` < `0.4.6.post1`). The local part (`+g01220ce89`)
 * is ignored. alpha, beta, c, pre and preview are spellings of a, b and rc.
 */
export interface EngineVersion {
  /** Release numbers, at least three (missing ones are 0). */
  release: number[]
  /** The pre-release (a < b < rc) and its number, or null. */
  pre: {kind: PreKind; number: number} | null
  /** The post-release number, or null. */
  post: number | null
  /** The dev-release number, or null. */
  dev: number | null
  /** The last part of the version (dev, else pre, else post, else final), for display. */
  phase: 'dev' | 'pre' | 'final' | 'post'
  /** The number after that part (0 for a final release). */
  phaseNumber: number
  raw: string
}

export type PreKind = 'a' | 'b' | 'rc'

const PATTERN = /^v?(\d+(?:\.\d+)*)(?:[.-]?(a|b|rc|c|alpha|beta|pre|preview)[.-]?(\d*))?(?:[.-]?post[.-]?(\d*))?(?:[.-]?dev[.-]?(\d*))?(?:\+[\w.]+)?$/i

const PRE_KIND: Record<string, PreKind> = {a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc'}
const PRE_ORDER: Record<PreKind, number> = {a: 0, b: 1, rc: 2}

// The builders, the gate and the semantic rules ask about the same few release strings for every candidate.
const parsedMemo = new Map<string, Readonly<EngineVersion> | null>()

/** Parse a version string, or null when it does not look like one (the same frozen object for the same string). */
export function parseVersion(raw: string): EngineVersion | null {
  let parsed = parsedMemo.get(raw)
  if (parsed === undefined) {
    parsed = parse(raw)
    if (parsed) Object.freeze(parsed.release)
    parsedMemo.set(raw, parsed && Object.freeze(parsed))
  }

  return parsed as EngineVersion | null
}

function parse(raw: string): EngineVersion | null {
  const text = raw.trim()
  const match = PATTERN.exec(text)
  if (!match) return null
  const release = match[1].split('.').map(Number)
  while (release.length < 3) release.push(0)
  const [, , preKind, preNumber, post, dev] = match
  const version = {
    dev: dev === undefined ? null : Number(dev || 0),
    post: post === undefined ? null : Number(post || 0),
    pre: preKind === undefined ? null : {kind: PRE_KIND[preKind.toLowerCase()], number: Number(preNumber || 0)},
    raw: text,
    release,
  }
  return {...version, ...phaseOf(version)}
}

function phaseOf(v: Pick<EngineVersion, 'dev' | 'post' | 'pre'>): Pick<EngineVersion, 'phase' | 'phaseNumber'> {
  if (v.dev !== null) return {phase: 'dev', phaseNumber: v.dev}
  if (v.pre !== null) return {phase: 'pre', phaseNumber: v.pre.number}
  if (v.post !== null) return {phase: 'post', phaseNumber: v.post}
  return {phase: 'final', phaseNumber: 0}
}

/** packaging.version's sort key after the release: pre, post, dev (±Infinity where a part is absent). */
function suffixKey(v: Pick<EngineVersion, 'dev' | 'post' | 'pre'>): number[] {
  // A dev build of a final release sorts before its pre-releases (1.0.dev1 < 1.0a1); no pre otherwise sorts after them.
  const pre = v.pre !== null ? [PRE_ORDER[v.pre.kind], v.pre.number] : v.post === null && v.dev !== null ? [-Infinity, 0] : [Infinity, 0]
  return [...pre, v.post ?? -Infinity, v.dev ?? Infinity]
}

/** Negative when a < b, 0 when equal, positive when a > b (PEP 440). */
export function compareVersions(a: EngineVersion, b: EngineVersion): number {
  const length = Math.max(a.release.length, b.release.length)
  for (let i = 0; i < length; i++) {
    const diff = (a.release[i] ?? 0) - (b.release[i] ?? 0)
    if (diff !== 0) return diff
  }

  const x = suffixKey(a)
  const y = suffixKey(b)
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1
  }

  return 0
}

/**
 * `version >= floor` in PEP 440 order, where a build on its way to the floor counts as the floor: a dev build
 * of it (`0.9.1.dev705` for `0.9.1`, `0.4.6.post2.dev1` for `0.4.6.post2`), and for a final or post floor a
 * pre-release of its release (`0.5.0rc2` for `0.5.0`). So `0.4.4.post2` is at least `0.4.4.post2` and
 * `0.4.4.post1` is not; `0.5.0rc1` is not at least `0.5.0rc2`.
 */
export function atLeast(version: EngineVersion, floor: string): boolean {
  const target = parseVersion(floor)
  if (!target) throw new Error(`bad version floor ${floor}`)
  const leading = {
    ...version,
    dev: target.dev === null ? null : version.dev,
    pre: target.pre === null && target.dev === null ? null : version.pre,
  }
  return compareVersions(leading, target) >= 0
}

/** `version < ceiling` (the first release without the flag or behaviour), the complement of atLeast. */
export function before(version: EngineVersion, ceiling: string): boolean {
  return !atLeast(version, ceiling)
}
