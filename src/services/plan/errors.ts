/**
 * The errors `r1 plan` ends with when there is nothing to recommend: nothing fits (the full result rides
 * along for --json), or nothing could even be tried (no checkpoint, no layout for the pins).
 */
import {R1Error} from '../../core/errors.js'
import type {PlanResult} from '../../core/planner/plan-result.schema.js'
import {fmtInt} from '../../core/planner/format.js'
import {invalid, type PlanFlags} from './flags.js'
import type {SelectedModels} from './models.js'

/** The error `r1 plan` exits with when nothing fits; the full result rides along for --json. */
export function doesNotFit(result: PlanResult, out?: string, flags?: PlanFlags): R1Error {
  const p = result.plan
  const what = `${p.modelName} ${p.quantization.toUpperCase()} on ${p.engine}`
  // Memory is the problem when the weights or one request of the context do not fit; else the GPU or engine is.
  const memoryBound = p.memory.weightsGiB >= p.memory.usableGiB || p.kvCacheTokens < p.contextLength || p.tight === true
  return new R1Error('R1_DOES_NOT_FIT', `nothing fits as asked: the closest, ${what}, ${p.reasons[0] ?? 'does not fit'}`, {
    data: result,
    suggestions: [
      ...(out ? [`${out} was not written: a plan that does not fit would not start.`] : []),
      ...p.reasons.filter((r) => /^free \d/.test(r)).map((r) => `Other processes hold GPU memory: ${r.replace(/^free/, 'free')} (nvidia-smi lists them), then plan again.`),
      memoryBound
        ? `Try a smaller --context (now ${fmtInt(p.contextLength)}), a 4-bit checkpoint (--quantization awq or fp4), or more GPUs (--count, --nodes).`
        : 'The GPU or the engine is what stops it (see the reason): plan for other GPUs with --gpu NAME --count N.',
      ...dropSuggestion(flags),
    ],
  })
}

/** "Drop --tp, --quantization …" naming only the flags that were given (all of them when unknown). */
function dropSuggestion(flags?: PlanFlags): string[] {
  if (!flags) return ['Drop --tp/--pp/--dp/--ep, --model, --quantization or --engine to let r1 search every layout.']
  const given = [
    ['--tp', flags.tp],
    ['--pp', flags.pp],
    ['--dp', flags.dp],
    ['--ep', flags.ep],
    ['--model', flags.model],
    ['--quantization', flags.quantization],
    ['--engine', flags.engine === 'auto' ? undefined : flags.engine],
  ].filter(([, v]) => v !== undefined).map(([name]) => name as string)
  if (given.length === 0) return []
  return [`Drop ${given.join(', ')} to let r1 search every ${flags.model || flags.quantization ? 'checkpoint and ' : ''}layout.`]
}

export function noCandidates(flags: PlanFlags, models: SelectedModels, hardware: {gpusPerNode: number; nodes: number}): R1Error {
  const checkpoints = models.list.flatMap((m) => m.checkpoints).filter((c) => (!flags.quantization || c.quantization === flags.quantization) && (!models.checkpointId || c.id === models.checkpointId))
  if (checkpoints.length === 0) {
    const what = [flags.model ? `--model ${flags.model}` : null, flags.quantization ? `--quantization ${flags.quantization}` : null].filter(Boolean).join(' with ')
    const kinds = [...new Set(models.list.flatMap((m) => m.checkpoints.map((c) => c.quantization)))].join(', ')
    return new R1Error('R1_USAGE', `no checkpoint to plan for (${what}): ${models.pinned ? `${models.list[0].displayName} has ${kinds} checkpoints` : `the checkpoints are ${kinds}`}`, {
      suggestions: ['See the checkpoints of each model with `r1 profiles list models`.', ...(flags.quantization ? [`Drop --quantization, or pass one of ${kinds}.`] : [])],
    })
  }

  const total = hardware.gpusPerNode * hardware.nodes
  const pins = [['--tp', flags.tp], ['--pp', flags.pp], ['--dp', flags.dp], ['--ep', flags.ep]].filter(([, v]) => v !== undefined).map(([n, v]) => `${n} ${v}`)
  return invalid(`no layout with ${pins.join(' ')} fits ${total} GPU${total === 1 ? '' : 's'} (${hardware.nodes > 1 ? `${hardware.nodes} nodes of ${hardware.gpusPerNode}` : 'one node'}) on ${flags.engine && flags.engine !== 'auto' ? flags.engine : 'either engine'}`, [
    'TP × PP (× DP replicas) must use whole nodes: for example --tp 2 --pp 3 on 6 GPUs, --tp 8 --pp 2 on 2 nodes of 8.',
    `Drop ${pins.map((p) => p.split(' ')[0]).join(', ')} to let r1 search every layout.`,
  ])
}
