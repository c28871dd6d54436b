/**
 * The engine commands of a plan (src/core/engines): the recommendation's, with the builder's warnings, and
 * every candidate's. Each one passes the engine gate (the release's own parser) or the builder throws R1_BUG.
 */
import {buildEngine, buildEngineCommand} from '../../core/engines/build.js'
import type {PlanConfig} from '../../core/planner/plan.schema.js'
import type {Candidate} from '../../core/planner/search.js'
import type {BuildOptions} from '../../core/planner/types.js'

/** The chosen plan with its command, and what the builder warns about. */
export function withBuiltCommand(chosen: Candidate, options: BuildOptions): {plan: PlanConfig; warnings: string[]} {
  const built = buildEngine({checkpoint: chosen.checkpoint, model: chosen.model, options, plan: chosen.plan})
  return {plan: {...chosen.plan, command: built.spec}, warnings: built.warnings}
}

/** A candidate with its command. */
export function withCommand(c: Candidate, options: BuildOptions): PlanConfig {
  const command = buildEngineCommand({checkpoint: c.checkpoint, model: c.model, options, plan: c.plan})
  return {...c.plan, command}
}
