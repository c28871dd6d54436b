/**
 * The calibration hook of `r1 plan` (issue 12): this machine's calibration records applied to the
 * candidates, and the lines that say so.
 */
import type {PlanCalibration} from '../../core/calibration/calibration.schema.js'
import type {ResolvedHardware} from '../../core/planner/hardware.js'
import {recommend} from '../../core/planner/recommend.js'
import type {Candidate} from '../../core/planner/search.js'
import {fmtInt} from '../../core/planner/format.js'
import type {PlanDeps} from './deps.js'
import type {PlanFlags} from './flags.js'

/**
 * This machine's calibration records applied to the candidates (issue 12): only when the hardware was
 * detected here (not described, not a capture), unless --no-calibration. Loaded lazily: a plan without
 * a store pays nothing.
 */
export async function calibrate(
  deps: PlanDeps,
  flags: PlanFlags,
  searched: Candidate[],
  hardware: ResolvedHardware['hardware'],
  info: ResolvedHardware['info'],
  warnings: string[],
): Promise<{candidates: Candidate[]; calibration: PlanCalibration | null; notes: (best: Candidate | null) => string[]}> {
  const none = {calibration: null, candidates: searched, notes: () => []}
  if (!info.detected || flags.fromFile !== undefined || !deps.calibration) return none
  if (flags.calibration === false) return {...none, calibration: {enabled: false, machine: null, records: 0, store: null, used: []}}
  const loaded = await deps.calibration(info.detected)
  warnings.push(...loaded.warnings)
  const base = {enabled: true, machine: loaded.machine, records: loaded.records.length, store: loaded.path}
  if (loaded.records.length === 0) return {...none, calibration: {...base, used: []}}
  const {applyCalibration} = await import('../../core/calibration/apply.js')
  const applied = applyCalibration(searched, loaded.records, {driverVersion: info.detected.driverVersion, gpu: hardware.gpu})
  const notes = (best: Candidate | null): string[] => {
    const out: string[] = []
    const mark = best?.plan.calibration
    if (best && mark?.match === 'exact') {
      out.push(`Measured on this machine, ${mark.date.slice(0, 10)} (record ${mark.recordId}): ${fmtInt(best.plan.kvCacheTokens)} KV tokens, ${best.plan.maxConcurrency} requests of ${fmtInt(best.plan.contextLength)} at once; no error band.`)
    } else if (best && mark?.match === 'nearby') {
      out.push(`Calibrated: ${mark.note}.`)
    }

    // A launch that failed here moved the recommendation: say which, and why.
    const before = recommend(searched, {goal: flags.goal ?? 'throughput'}).best
    const after = before ? applied.candidates[searched.indexOf(before)] : undefined
    if (before && after && after !== before && !after.plan.fits && before.plan.fits && after.plan.calibration) {
      out.push(`Not ${after.plan.modelName} ${after.plan.quantization.toUpperCase()} on ${after.engine.displayName} TP ${after.plan.tensorParallel}: ${after.plan.reasons[0]}.`)
    }

    return out
  }

  return {calibration: {...base, used: applied.used}, candidates: applied.candidates, notes}
}
