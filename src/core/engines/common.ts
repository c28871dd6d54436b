import type {Checkpoint, ModelProfile} from '../profiles/catalog.js'
import type {BuildOptions, PlanCore} from '../planner/types.js'
import type {AttentionChoice, BatchSizes} from './tuning.js'
import type {EngineFlags} from './versions.js'

export interface EngineBuildInput {
  plan: PlanCore
  checkpoint: Checkpoint
  model: ModelProfile
  options: BuildOptions
  /** Overrides plan.engineVersion (for example the version `r1 serve` read from the installed engine). */
  engineVersion?: string
}

/** What a builder decided, before the nodes are laid out. */
export interface BuildContext {
  input: EngineBuildInput
  flags: EngineFlags
  attention: AttentionChoice
  sizes: BatchSizes
  /** R1 itself (MLA + MoE), as opposed to a dense distill. */
  mla: boolean
  /** MTP speculative decoding actually emitted. */
  mtp: boolean
  headAddress: string
  warnings: string[]
  notes: string[]
}

/** The placeholder used when a several-node plan has no --head-address: never a guess. */
export const HEAD_ADDRESS_PLACEHOLDER = '<head-address>'

/** DeepSeek's recommended sampling (R1 model card): temperature 0.6, top-p 0.95. */
export const DEEPSEEK_SAMPLING = {temperature: 0.6, top_p: 0.95} as const

export function str(n: number): string {
  return String(n)
}
