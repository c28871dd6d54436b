/**
 * The hardware `r1 plan` plans for: described by flags (--gpu/--count/--nodes, --gpu-memory), or detected
 * (nvidia-smi, or a capture with --from-file) through the detect service.
 */
import type {DetectResult} from '../../core/detect/detect.schema.js'
import {isR1Error, R1Error} from '../../core/errors.js'
import {hardwareFromDetect, hardwareFromFlags, type ResolvedHardware} from '../../core/planner/hardware.js'
import type {Catalog} from '../../core/profiles/catalog.js'
import type {PlanDeps} from './deps.js'
import {invalid, type PlanFlags} from './flags.js'

export async function resolveHardware(deps: PlanDeps, catalog: Catalog, flags: PlanFlags, warnings: string[]): Promise<ResolvedHardware> {
  const described = hardwareFromFlags(catalog.gpus, flags)
  if (described) {
    if (flags.fromFile) throw invalid('--from-file reads the hardware from a capture; --gpu/--gpu-memory describe it: pass one of them')
    return described
  }

  let detected: {result: DetectResult; warnings: string[]}
  try {
    detected = await deps.detect({fromFile: flags.fromFile})
  } catch (error) {
    if (isR1Error(error) && !flags.fromFile && ['R1_NO_NVIDIA_SMI', 'R1_NVIDIA_SMI_FAILED', 'R1_NO_GPU'].includes(error.code)) {
      throw new R1Error(error.code, error.message, {
        cause: error,
        suggestions: [...error.suggestions, 'Plan for GPUs you describe instead: r1 plan --gpu H200 --count 8'],
      })
    }

    throw error
  }

  // Memory in use: the hardware notes say it with what the plan did about it (sized to the free memory).
  // (classify.js is loaded already: detect uses it; a --gpu plan does not load it.)
  const {isBusyMemoryWarning} = await import('../../core/detect/classify.js')
  warnings.push(...detected.warnings.filter((w) => !isBusyMemoryWarning(w)))
  return hardwareFromDetect(detected.result, catalog.gpus, {count: flags.count, nodes: flags.nodes})
}
