import {PROFILE_KINDS, type ProfileKind} from '../core/constants.js'
import {R1Error} from '../core/errors.js'
import type {Catalog} from '../core/profiles/catalog.js'
import {gpuMemoryBytes} from '../core/profiles/gpus.js'
import {findModel} from '../core/profiles/models.js'
import type {ProfileRow, ProfilesListResult, ProfilesShowResult} from '../core/profiles/results.schema.js'
import {fmtGiB} from '../core/units.js'

export interface ProfilesDeps {
  loadCatalog: () => Promise<Catalog>
}

export async function listProfiles(deps: ProfilesDeps, kind?: ProfileKind): Promise<ProfilesListResult> {
  const catalog = await deps.loadCatalog()
  const rows: ProfileRow[] = []
  if (!kind || kind === 'models') {
    for (const m of catalog.models) {
      // e.g. "r1; fp8 640.7 GiB, int8 640.7 GiB, awq 326.9 GiB, …": GiB with the one rounding, as plan and serve print sizes.
      const sizes = m.checkpoints.map((c) => `${c.quantization} ${fmtGiB(c.diskBytes)} GiB`).join(', ')
      rows.push({detail: m.aliases.length > 0 ? `${m.aliases[0]}; ${sizes}` : sizes, id: m.id, kind: 'models', name: m.displayName})
    }
  }

  if (!kind || kind === 'gpus') {
    for (const g of catalog.gpus) {
      // The memory plan sizes against (what CUDA sees), as plan's hardware line prints it.
      rows.push({detail: `${g.architecture} ${g.computeCapability}, ${fmtGiB(gpuMemoryBytes(g))} GiB`, id: g.id, kind: 'gpus', name: g.displayName})
    }
  }

  if (!kind || kind === 'engines') {
    for (const e of catalog.engines) {
      rows.push({detail: `default version ${e.defaultVersion}, compute capability ${e.minComputeCapability}+`, id: e.id, kind: 'engines', name: e.displayName})
    }
  }

  return {profiles: rows}
}

export async function showProfile(deps: ProfilesDeps, id: string): Promise<ProfilesShowResult> {
  const catalog = await deps.loadCatalog()
  const needle = id.toLowerCase()
  for (const kind of PROFILE_KINDS) {
    for (const p of catalog[kind] as Array<{id: string; aliases?: string[]}>) {
      if (p.id.toLowerCase() === needle || p.aliases?.some((a) => a.toLowerCase() === needle)) {
        return {kind, profile: p as unknown as Record<string, unknown>}
      }
    }
  }

  // A checkpoint alias or a repository id shows its model ("r1-0528", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B").
  const match = findModel(catalog.models, id)
  if (match) return {kind: 'models', profile: match.model as unknown as Record<string, unknown>}

  throw new R1Error('R1_USAGE', `no profile with id or alias "${id}"`, {
    suggestions: ['List them with `r1 profiles list`.'],
  })
}
