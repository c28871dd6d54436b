/** How strong a model is, from DeepSeek's published evaluation kept in its profile (model.schema.ts ModelEvaluation). Pure. */
import type {ModelProfile} from './model.schema.js'

/** The metric the recommendation ranks models by, named in its reasons. */
export const STRENGTH_METRIC = 'mean pass@1 of AIME 2024, MATH-500, GPQA Diamond and LiveCodeBench (DeepSeek\'s published evaluation)'

/** How strong a model is: the mean of its four published pass@1 figures (0–100); a hand rank, else 0, without one. */
export function modelStrength(model: Pick<ModelProfile, 'evaluation' | 'strength'>): number {
  const e = model.evaluation
  if (!e) return model.strength ?? 0
  return Math.round(((e.aime2024 + e.math500 + e.gpqaDiamond + e.liveCodeBench) / 4) * 100) / 100
}
