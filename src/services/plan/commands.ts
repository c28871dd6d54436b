/**
 * The engine commands of a plan (src/core/engines): the recommendation's, with the builder's warnings, and
 * every candidate's. Each one passes the engine gate (the release's own parser) or the builder throws R1_BUG.
 *
 * A candidate's command is built and gated when something reads it: --json prints every candidate with its
 * command (the plan service builds them all at once, so a gate error ends the plan as before), while the tables
 * for people and `r1 serve` show only the recommendation's. On a 13-node plan the gate checks 13 command lines
 * per candidate, which was most of the plan's time.
 */
import {buildEngine, buildEngineCommand} from '../../core/engines/build.js'
import type {CommandSpec, PlanConfig} from '../../core/planner/plan.schema.js'
import type {Candidate} from '../../core/planner/search.js'
import type {BuildOptions} from '../../core/planner/types.js'

/** The chosen plan with its command, and what the builder warns about. */
export function withBuiltCommand(chosen: Candidate, options: BuildOptions): {plan: PlanConfig; warnings: string[]} {
  const built = buildEngine({checkpoint: chosen.checkpoint, model: chosen.model, options, plan: chosen.plan})
  return {plan: {...chosen.plan, command: built.spec}, warnings: built.warnings}
}

/** A candidate with its command, built now. */
export function withCommand(c: Candidate, options: BuildOptions): PlanConfig {
  const command = buildEngineCommand({checkpoint: c.checkpoint, model: c.model, options, plan: c.plan})
  return {...c.plan, command}
}

/**
 * A candidate whose command is built (and gated) on first read, once: the same object to every reader,
 * JSON.stringify and spreads included (an enumerable property, last as in withCommand).
 */
export function withLazyCommand(c: Candidate, options: BuildOptions): PlanConfig {
  let command: CommandSpec | undefined
  const config = {...c.plan} as PlanConfig
  Object.defineProperty(config, 'command', {
    configurable: true,
    enumerable: true,
    get: () => (command ??= buildEngineCommand({checkpoint: c.checkpoint, model: c.model, options, plan: c.plan})),
  })
  return config
}
