/**
 * The builder proper: a plan (without its command) → argv/env per node, with the warnings that explain it.
 */
import type {CommandSpec} from '../planner/plan.schema.js'
import {type BuildContext, type EngineBuildInput, HEAD_ADDRESS_PLACEHOLDER} from './common.js'
import {assertGate} from './gate.js'
import {sglangArgs, sglangNodes} from './sglang.js'
import {batchSizes, chooseDenseAttention, chooseMlaAttention} from './tuning.js'
import {REASONING_PARSER} from './semantics.js'
import {type EngineFlags, engineFlagsFor} from './versions.js'
import {vllmArgs, vllmNodes} from './vllm.js'

export interface EngineBuild {
  spec: CommandSpec
  /** The version the flags were chosen for. */
  version: string
  /** Things the user should act on (an unreadable version, a feature the version lacks, a missing head address). */
  warnings: string[]
  /** Facts worth saying (where the sampling defaults come from). */
  notes: string[]
}

/** Build the engine command with the warnings and notes that explain it. */
export function buildEngine(input: EngineBuildInput): EngineBuild {
  const {plan, checkpoint, model, options} = input
  const engine = plan.engine
  const flags = engineFlagsFor(engine, input.engineVersion ?? plan.engineVersion)
  const warnings: string[] = flags.warning ? [flags.warning] : []
  const notes: string[] = []
  const mla = model.architecture.kind === 'mla-moe'

  const attention = mla ? chooseMlaAttention(engine, plan, flags) : chooseDenseAttention(engine, plan, flags)
  warnings.push(...attention.warnings)

  let mtp = plan.speculative === 'mtp'
  if (mtp) {
    const reason = mtpBlocker(input, flags)
    if (reason) {
      warnings.push(`no MTP speculative decoding: ${reason}`)
      mtp = false
    }
  }

  const headAddress = options.headAddress ?? HEAD_ADDRESS_PLACEHOLDER
  if (plan.nodes > 1 && !options.headAddress) {
    warnings.push(`a ${plan.nodes}-node plan needs the head node's address: pass --head-address (the commands show ${HEAD_ADDRESS_PLACEHOLDER})`)
  }

  if (!flags.accepts('--reasoning-parser', REASONING_PARSER[engine].name)) warnings.push(`${engine} ${flags.version} has no DeepSeek-R1 reasoning parser: the thinking stays in the answer text`)
  if (engine === 'vllm' && !flags.current('--override-generation-config')) {
    warnings.push(`vLLM ${flags.version} cannot set default sampling: send temperature 0.6 and top_p 0.95 with each request`)
  }

  if (engine === 'sglang') {
    if (flags.accepts('--sampling-defaults', 'model')) {
      notes.push(
        `SGLang chat requests take their default sampling from ${checkpoint.repo}'s generation_config.json (--sampling-defaults model); DeepSeek recommends temperature 0.6, top_p 0.95, so send them when that file does not set them`,
      )
    } else if (!flags.current('--preferred-sampling-params')) {
      warnings.push(`SGLang ${flags.version} cannot set default sampling: send temperature 0.6 and top_p 0.95 with each request`)
    }
  }

  const ctx: BuildContext = {attention, flags, headAddress, input, mla, mtp, notes, sizes: batchSizes(plan), warnings}
  const built = engine === 'sglang' ? sglangArgs(ctx) : vllmArgs(ctx)
  const passEnv = [...(checkpoint.gated ? ['HF_TOKEN'] : []), ...built.passEnv]

  const nodes = plan.nodes <= 1 ? [] : engine === 'sglang' ? sglangNodes(ctx, built.argv, built.env) : vllmNodes(ctx, built.argv, built.env)
  const spec = nodes.length > 0 ? {argv: nodes[0].argv, env: nodes[0].env, nodes, passEnv} : {argv: built.argv, env: built.env, nodes: [], passEnv}
  // The gate: nothing leaves the builder that the target release would refuse (R1_BUG otherwise).
  assertGate({engine, gpu: plan.gpu, spec, version: flags.version})
  return {notes, spec, version: flags.version, warnings}
}

/** Build the engine command for a plan: one node → argv + env; several → nodes[] with argv = the head's command. */
export function buildEngineCommand(input: EngineBuildInput): CommandSpec {
  return buildEngine(input).spec
}

function mtpBlocker(input: EngineBuildInput, flags: EngineFlags): string | null {
  const {plan, checkpoint, model} = input
  if (model.architecture.kind !== 'mla-moe' || model.architecture.numNextnPredictLayers < 1) return `${model.displayName} has no MTP layer`
  if (!checkpoint.includesMtp) return `${checkpoint.repo} does not ship the MTP layer`
  if (plan.engine === 'sglang' && !flags.accepts('--speculative-algorithm', 'NEXTN') && !flags.has('eagle-mtp')) return `SGLang ${flags.version} predates NEXTN`
  if (plan.engine === 'vllm') {
    if (!flags.has('mtp')) return `vLLM ${flags.version} predates DeepSeek MTP`
    // engines.md §2.2: PP and speculative decoding did not combine up to v0.15 (inferred floor 0.16).
    if (plan.pipelineParallel > 1 && !flags.has('spec-with-pp')) return `vLLM ${flags.version} cannot combine it with pipeline parallelism`
  }

  return null
}
