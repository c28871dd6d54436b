import {z} from 'zod'

import type {ProfileKind} from '../constants.js'
import {R1Error} from '../errors.js'
import {hasControls, hasTerminalControls, quoteForeign} from '../text/sanitize.js'
import type {Catalog, RawProfileFile} from './catalog.js'
import {EngineProfile} from './engine.schema.js'
import {GpuProfile} from './gpu.schema.js'
import {ModelProfile} from './model.schema.js'

export const PROFILE_SCHEMAS = {
  engines: EngineProfile,
  gpus: GpuProfile,
  models: ModelProfile,
} as const

/** Validate one profile file; a problem names the file, the field path and what is wrong. */
export function parseProfile<K extends ProfileKind>(kind: K, path: string, data: unknown): z.infer<(typeof PROFILE_SCHEMAS)[K]> {
  const schema = PROFILE_SCHEMAS[kind] as z.ZodType
  const shownPath = quoteForeign(path)
  const control = controlField(data, [])
  if (control !== null) {
    const field = quoteForeign(control.join('.'))
    throw new R1Error('R1_BAD_PROFILE', `${shownPath}: ${field}: contains control characters (escape sequences, carriage returns, bidi overrides), which a profile's text may not hold`, {
      suggestions: [`Remove the control characters from ${field} in ${shownPath}.`],
    })
  }

  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.length > 0 ? quoteForeign(issue.path.map(String).join('.')) : '(top level)'
    throw new R1Error('R1_BAD_PROFILE', `${shownPath}: ${field}: ${quoteForeign(issue.message)}`, {
      suggestions: [
        `Fix ${field} in ${shownPath}, or move the file out of the profiles folder.`,
        `See \`r1 profiles show <id>\` for a valid ${kind.slice(0, -1)} profile to copy.`,
      ],
    })
  }

  return parsed.data as z.infer<(typeof PROFILE_SCHEMAS)[K]>
}

/**
 * The path of the first string that holds a control character, or null. Profile text reaches the terminal
 * (names, notes, sources), so it is refused at load rather than escaped at every place it is shown. Values may
 * keep newlines and tabs (YAML block scalars); keys may hold no control character at all.
 */
function controlField(value: unknown, at: Array<string | number>): Array<string | number> | null {
  if (typeof value === 'string') return hasTerminalControls(value) ? at : null
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = controlField(v, [...at, i])
      if (found) return found
    }

    return null
  }

  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (hasControls(k) || k.includes('\t')) return [...at, k]
      const found = controlField(v, [...at, k])
      if (found) return found
    }
  }

  return null
}

/** Validate every file first, then merge: nothing loads half-way. User profiles replace built-ins with the same id. */
export function buildCatalog(base: Catalog, files: readonly RawProfileFile[]): Catalog {
  const parsed = files.map((f) => ({kind: f.kind, path: f.path, profile: parseProfile(f.kind, f.path, f.data) as {id: string}}))
  const seen = new Map<string, string>()
  for (const {kind, path, profile} of parsed) {
    const key = `${kind}/${profile.id}`
    const first = seen.get(key)
    if (first !== undefined) {
      throw new R1Error('R1_BAD_PROFILE', `two ${kind} profiles have the id ${profile.id}: ${first} and ${path}`, {
        suggestions: [`Give one of them another id, or remove one (a user profile with a built-in id replaces the built-in).`],
      })
    }

    seen.set(key, path)
  }

  const out: Catalog = {engines: [...base.engines], gpus: [...base.gpus], models: [...base.models]}
  for (const {kind, profile} of parsed) {
    const list = out[kind] as Array<{id: string}>
    const at = list.findIndex((p) => p.id === profile.id)
    if (at === -1) list.push(profile)
    else list[at] = profile
  }

  return out
}
