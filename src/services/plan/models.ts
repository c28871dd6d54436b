/**
 * Which models and checkpoints `r1 plan` searches (--model as people type it, with --quantization), and
 * --context against their maximum.
 */
import type {Catalog, ModelProfile} from '../../core/profiles/catalog.js'
import {isPublisherCheckpoint, requireModel} from '../../core/profiles/models.js'
import {fmtInt} from '../../core/planner/format.js'
import {invalid, type PlanFlags} from './flags.js'

export interface SelectedModels {
  list: ModelProfile[]
  pinned: boolean
  /** Set when --model named one checkpoint (a repository id or a checkpoint alias). */
  checkpointId?: string
  /** Set when --model named the model's own repository without --quantization: preferred, and explained when not chosen. */
  named?: string
}

/**
 * --model as people type it. A model id or alias: every checkpoint of the model. The model's own
 * repository ("deepseek-ai/DeepSeek-R1", the publisher's checkpoint): the model too, that checkpoint
 * first among equals and named in the reasons when another is chosen; with --quantization, that
 * model's checkpoint of that kind. Another checkpoint's repository or id: that checkpoint only, so a
 * different --quantization is an error.
 */
export function selectModels(catalog: Catalog, flags: Pick<PlanFlags, 'model' | 'quantization'>): SelectedModels {
  if (!flags.model) return {list: catalog.models, pinned: false}
  const found = requireModel(catalog.models, flags.model)
  const {checkpoint, model} = found
  if (!checkpoint) return {list: [model], pinned: true}
  if (isPublisherCheckpoint(checkpoint)) {
    if (!flags.quantization) return {list: [model], named: checkpoint.id, pinned: true}
    if (flags.quantization === checkpoint.quantization) return {checkpointId: checkpoint.id, list: [model], pinned: true}
    return {list: [model], pinned: true}
  }

  if (flags.quantization && checkpoint.quantization !== flags.quantization) {
    throw invalid(`--model ${flags.model} is ${model.displayName}'s ${checkpoint.quantization.toUpperCase()} checkpoint (${checkpoint.repo}); --quantization asks for ${flags.quantization}`, [
      `Pass --model ${model.aliases[0] ?? model.id} --quantization ${flags.quantization} for its ${flags.quantization.toUpperCase()} checkpoint, or drop --quantization.`,
    ])
  }

  return {checkpointId: checkpoint.id, list: [model], pinned: true}
}

export function checkContext(models: SelectedModels, context: number, warnings: string[]): void {
  const max = Math.max(...models.list.map((m) => m.architecture.maxPositionEmbeddings))
  if (context > max) {
    const which = models.pinned ? `${models.list[0].displayName}'s maximum` : 'the maximum of every model'
    throw invalid(`--context must be at most ${fmtInt(max)} tokens (${which}); got ${fmtInt(context)}`, [`Pass --context ${max} or less.`])
  }

  if (!models.pinned && context > Math.min(...models.list.map((m) => m.architecture.maxPositionEmbeddings))) {
    warnings.push(`a ${fmtInt(context)}-token context is above some models' maximum: they are listed as not fitting`)
  }
}
