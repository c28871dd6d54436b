/**
 * The disaggregated part of `r1 plan` (services/plan-pd.ts and src/core/planner/pd, a dozen modules), loaded
 * only when it can have something to say: a one-node plan, or a distill, pays nothing for it.
 */
import type {PdPlanArgs, PdPlanOutcome} from '../plan-pd.js'

/**
 * planDisaggregated, imported on first need. It returns nothing when disaggregation is off, or when it is not
 * considered (auto: R1 on two nodes or more, core/planner/pd/disaggregate.ts considered()) and no workload was
 * given; those cases are answered here without the import (a test holds the two rules together).
 */
export async function planDisaggregatedLazily(args: PdPlanArgs): Promise<PdPlanOutcome> {
  if (args.mode === 'off') return {plan: null, why: []}
  const mayApply = args.mode === 'on' || (args.model.architecture.kind === 'mla-moe' && args.hardware.nodes >= 2)
  if (!mayApply && !args.workload.given) return {plan: null, why: []}
  const {planDisaggregated} = await import('../plan-pd.js')
  return planDisaggregated(args)
}
