/** Reading the report's list flags (--models, --context) and resolving names against the catalog. Pure. */
import {R1Error} from '../errors.js'
import {LIMITS, parseTokenCount, rangeText} from '../units.js'
import type {Catalog, GpuProfile} from '../profiles/catalog.js'
import {closestGpus, findGpu, gpuCandidates} from '../profiles/gpus.js'
import type {ReportModel} from './build.js'

/** "8192,32k,128K" → [8192, 32768, 131072] (k = 1024, as `r1 plan --context` reads it), sorted, without duplicates. */
export function parseContexts(spec: string): number[] {
  const out = new Set<number>()
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const n = parseTokenCount(part)
    if (n === null || n < LIMITS.context.min || n > LIMITS.context.max) {
      throw new R1Error('R1_INVALID_FLAGS', `--context must be token counts from ${rangeText(LIMITS.context)}, comma separated (8192, 32k or 128K); got "${part}"`, {
        suggestions: ['Pass token counts separated by commas: --context 8192,32768,131072 (or 8k,32k,128k).'],
      })
    }

    out.add(n)
  }

  if (out.size === 0) throw new R1Error('R1_USAGE', '--context is empty', {suggestions: ['Pass --context 8192,32768,131072.']})
  return [...out].sort((a, b) => a - b)
}

const lower = (s: string) => s.toLowerCase()

/**
 * --models "r1,qwen-32b,r1-awq": each name is a model (all its checkpoints) or one checkpoint,
 * by id, alias or Hugging Face repository. Default: every checkpoint of every model.
 */
export function selectModels(catalog: Catalog, spec: string | undefined): ReportModel[] {
  if (spec === undefined || spec.trim() === '') return catalog.models.map((model) => ({checkpoints: [...model.checkpoints], model}))
  const picked = new Map<string, ReportModel>()
  const add = (model: CatalogModel, checkpoints: CatalogCheckpoint[]) => {
    const held = picked.get(model.id) ?? {checkpoints: [], model}
    for (const c of checkpoints) if (!held.checkpoints.includes(c)) held.checkpoints.push(c)
    picked.set(model.id, held)
  }

  for (const name of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const n = lower(name)
    const model = catalog.models.find((m) => lower(m.id) === n || m.aliases.some((a) => lower(a) === n) || lower(m.displayName) === n)
    if (model) {
      add(model, model.checkpoints)
      continue
    }

    // Ids and repositories first, then aliases (an alias may repeat another checkpoint's id).
    const byId = findCheckpoint(catalog, (k) => lower(k.id) === n || lower(k.repo) === n)
    const hit = byId ?? findCheckpoint(catalog, (k) => k.aliases.some((a) => lower(a) === n))
    if (hit) add(hit.model, [hit.checkpoint])
    const found = hit !== undefined
    if (!found) {
      throw new R1Error('R1_UNKNOWN_MODEL', `no model or checkpoint named "${name}"`, {
        suggestions: [
          `Models: ${catalog.models.map((m) => m.id).join(', ')}.`,
          'Checkpoints too, by id or repository: `r1 profiles list models`, `r1 profiles show deepseek-r1`.',
        ],
      })
    }
  }

  // Keep the catalog's order: rows read the same whatever order the flag lists them in.
  return catalog.models
    .filter((m) => picked.has(m.id))
    .map((m) => ({checkpoints: m.checkpoints.filter((c) => picked.get(m.id)!.checkpoints.includes(c)), model: m}))
}

type CatalogModel = Catalog['models'][number]
type CatalogCheckpoint = CatalogModel['checkpoints'][number]

function findCheckpoint(catalog: Catalog, match: (k: CatalogCheckpoint) => boolean): {model: CatalogModel; checkpoint: CatalogCheckpoint} | undefined {
  for (const model of catalog.models) {
    const checkpoint = model.checkpoints.find((k) => match(k))
    if (checkpoint) return {checkpoint, model}
  }

  return undefined
}

/** findGpu, or R1_UNKNOWN_GPU naming the closest catalog names. */
export function resolveGpuName(gpus: readonly GpuProfile[], typed: string, where?: string): GpuProfile {
  const found = findGpu(gpus, typed)
  if (found) return found
  const at = where ? `${where}: ` : ''
  const several = gpuCandidates(gpus, typed, {prefix: 'always'})
  if (several.length > 1) {
    throw new R1Error('R1_UNKNOWN_GPU', `${at}"${typed}" could be ${several.length} GPUs`, {
      suggestions: [`Name one of: ${several.map((g) => g.aliases[0] ?? g.id).join(', ')}.`],
    })
  }

  throw new R1Error('R1_UNKNOWN_GPU', `${at}unknown GPU "${typed}"`, {
    suggestions: [...closestGpus(gpus, typed).map((g) => `Did you mean ${g.aliases[0] ?? g.id} (${g.displayName})?`), 'See every GPU r1 knows: r1 profiles list gpus.'],
  })
}

