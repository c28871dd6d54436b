/**
 * Finding a model and checkpoint by what people type: a Hugging Face repository id, a short alias
 * (`r1`, `r1-0528`, `qwen-32b`, `llama-70b-awq`) or a profile id. Pure.
 */
import type {Quantization} from '../constants.js'
import {R1Error} from '../errors.js'
import type {Checkpoint, ModelProfile} from './catalog.js'

export interface ModelMatch {
  model: ModelProfile
  /** Set when what was typed names one checkpoint (a repository id or a checkpoint alias). */
  checkpoint?: Checkpoint
}

const norm = (s: string): string => s.trim().toLowerCase()

/** The model (and checkpoint, when named) for a typed name; null when nothing matches. */
export function findModel(models: readonly ModelProfile[], typed: string): ModelMatch | null {
  const needle = norm(typed)
  if (needle === '') return null
  // 1. a repository id or a checkpoint id/alias names one checkpoint
  for (const model of models) {
    for (const checkpoint of model.checkpoints) {
      if (norm(checkpoint.repo) === needle) return {checkpoint, model}
    }
  }

  for (const model of models) {
    for (const checkpoint of model.checkpoints) {
      if (norm(checkpoint.id) === needle || checkpoint.aliases.some((a) => norm(a) === needle)) return {checkpoint, model}
    }
  }

  // 2. a model id or alias names the model; the checkpoint is chosen later (by quantization)
  for (const model of models) {
    if (norm(model.id) === needle || model.aliases.some((a) => norm(a) === needle)) return {model}
  }

  // 3. the repository's last part ("DeepSeek-R1-Distill-Qwen-32B") without its owner
  for (const model of models) {
    for (const checkpoint of model.checkpoints) {
      const base = norm(checkpoint.repo.split('/').pop() ?? '')
      if (base === needle) return {checkpoint, model}
    }
  }

  return null
}

/** Like findModel, but a miss is a usage error that lists what r1 knows. */
export function requireModel(models: readonly ModelProfile[], typed: string): ModelMatch {
  const found = findModel(models, typed)
  if (found) return found
  const names = models.map((m) => m.aliases[0] ?? m.id)
  throw new R1Error('R1_UNKNOWN_MODEL', `no model or checkpoint called "${typed}"`, {
    suggestions: [`Use a Hugging Face repository id or one of: ${names.join(', ')}.`, 'See them all with `r1 profiles list models`.'],
  })
}

/** The model's first checkpoint of this quantization (the catalog lists the preferred one first). */
export function checkpointFor(model: ModelProfile, quantization: Quantization): Checkpoint | undefined {
  return model.checkpoints.find((c) => c.quantization === quantization)
}

/** The publisher's own checkpoint of a model (deepseek-ai/…): its "original repository". */
export function isPublisherCheckpoint(checkpoint: Pick<Checkpoint, 'repo'>): boolean {
  return checkpoint.repo.toLowerCase().startsWith('deepseek-ai/')
}
