import {Flags} from '@oclif/core'

import {R1Error} from '../core/errors.js'
import type {PlanFlags} from '../services/plan.js'

/** Flags shared by several commands. */
export const profilesFlag = Flags.string({
  description: 'A folder of extra profiles (models/, gpus/, engines/ inside; JSON or YAML). They add to or replace the built-in ones by id.',
  env: 'R1_PROFILES',
  helpGroup: 'PROFILES',
})

/**
 * The flags of `r1 plan`, shared with `r1 serve` (which plans first): spread them into a command's flags.
 * Inputs (hardware, model, engine), overrides that pin a choice, and where the server listens.
 */
export const planFlags = {
  gpu: Flags.string({description: 'Plan for this GPU from the catalog instead of detecting ("H200", "h100-sxm", "A100-80GB", "RTX 4090").', helpGroup: 'HARDWARE'}),
  count: Flags.integer({description: 'GPUs per node (with --gpu or --gpu-memory; with detection, use only this many).', helpGroup: 'HARDWARE', min: 1}),
  nodes: Flags.integer({description: 'Identical nodes (default 1).', helpGroup: 'HARDWARE', min: 1}),
  'gpu-memory': Flags.string({description: 'Plan for a GPU not in the catalog with this much memory ("80GB", "24GiB", "81559MiB").', helpGroup: 'HARDWARE'}),
  'compute-capability': Flags.string({description: 'Its compute capability, with --gpu-memory ("8.9").', helpGroup: 'HARDWARE'}),
  'from-file': Flags.string({description: 'Read the hardware from a saved nvidia-smi capture (any format `r1 detect --from-file` reads).', helpGroup: 'HARDWARE'}),
  model: Flags.string({description: 'Model id, alias or Hugging Face repository id (default: every R1-family model).', helpGroup: 'MODEL'}),
  quantization: Flags.string({description: 'Only checkpoints of this kind.', helpGroup: 'MODEL', options: ['fp8', 'int8', 'awq', 'fp4', 'bf16']}),
  engine: Flags.string({default: 'auto', description: 'Serving engine.', helpGroup: 'MODEL', options: ['sglang', 'vllm', 'auto']}),
  'engine-version': Flags.string({description: 'Build the command for this engine version (with --engine sglang|vllm).', helpGroup: 'MODEL'}),
  context: Flags.integer({description: 'Context length in tokens that every request may use (default 131072, R1\'s advertised 128K).', helpGroup: 'MODEL', min: 1}),
  goal: Flags.string({default: 'throughput', description: 'What the layout optimizes: many requests at once, or the fastest single request.', helpGroup: 'MODEL', options: ['throughput', 'latency']}),
  'kv-cache-dtype': Flags.string({default: 'auto', description: 'KV cache precision (fp8 needs FlashMLA/CUTLASS MLA on Hopper or Blackwell for R1).', helpGroup: 'MODEL', options: ['auto', 'fp8', 'bf16']}),
  'input-tokens': Flags.integer({description: 'Typical prompt length in tokens, for sizing prefill against decode (default 2000: the published per-node measurements).', helpGroup: 'WORKLOAD', min: 1}),
  'output-tokens': Flags.integer({description: 'Typical output length in tokens, thinking included (default 6000: R1 reasons at length; DeepSeek reports a mean KV length of about 5,000 per output token).', helpGroup: 'WORKLOAD', min: 1}),
  ttft: Flags.integer({description: 'Time-to-first-token target in ms (disaggregated plans say when the model misses it).', helpGroup: 'WORKLOAD', min: 1}),
  itl: Flags.integer({description: 'Inter-token latency target in ms: caps the decode batch per rank.', helpGroup: 'WORKLOAD', min: 1}),
  disaggregate: Flags.string({default: 'auto', description: 'Prefill/decode disaggregation: auto (R1 on 2+ nodes, when it beats one aggregated group), on, off.', helpGroup: 'WORKLOAD', options: ['auto', 'on', 'off']}),
  'node-addresses': Flags.string({description: 'Disaggregated plans: every node\'s address, comma-separated, in plan order (prefill nodes first).', helpGroup: 'SERVER'}),
  tp: Flags.integer({description: 'Pin the tensor-parallel size.', helpGroup: 'PIN', min: 1}),
  pp: Flags.integer({description: 'Pin the pipeline-parallel size.', helpGroup: 'PIN', min: 1}),
  dp: Flags.integer({description: 'Pin the data-parallel size (replicas, or DP attention ranks for R1).', helpGroup: 'PIN', min: 1}),
  ep: Flags.integer({description: 'Pin the expert-parallel size (R1 only).', helpGroup: 'PIN', min: 1}),
  'gpu-memory-utilization': Flags.string({description: 'Pin vLLM\'s --gpu-memory-utilization (0–1).', helpGroup: 'PIN'}),
  'mem-fraction-static': Flags.string({description: 'Pin SGLang\'s --mem-fraction-static (0–1).', helpGroup: 'PIN'}),
  host: Flags.string({default: '127.0.0.1', description: 'Address the server listens on.', helpGroup: 'SERVER'}),
  port: Flags.integer({default: 8000, description: 'Port the server listens on.', helpGroup: 'SERVER', max: 65_535, min: 1}),
  'head-address': Flags.string({description: 'Several nodes: the head node\'s address, reachable from every node (never guessed).', helpGroup: 'SERVER'}),
  calibration: Flags.boolean({
    allowNo: true,
    default: true,
    description: 'Use what earlier launches measured on this machine (r1 calibrate list); --no-calibration plans from the memory model alone.',
    helpGroup: 'MODEL',
  }),
  profiles: profilesFlag,
}

/** The parsed values of planFlags, as the plan service takes them (services/plan.ts PlanFlags). */
export function toPlanFlags(flags: Record<string, unknown>): PlanFlagValues {
  const fraction = (name: string): number | undefined => {
    const raw = flags[name]
    if (raw === undefined) return undefined
    const n = Number(raw)
    if (!Number.isFinite(n)) throw new R1Error('R1_INVALID_FLAGS', `--${name} ${JSON.stringify(raw)} is not a number`, {suggestions: [`For example --${name} 0.9`]})
    return n
  }

  const str = (name: string) => flags[name] as string | undefined
  const int = (name: string) => flags[name] as number | undefined
  return {
    calibration: flags.calibration as boolean | undefined,
    computeCapability: str('compute-capability'),
    context: int('context'),
    count: int('count'),
    disaggregate: str('disaggregate') as PlanFlagValues['disaggregate'],
    dp: int('dp'),
    engine: str('engine') as PlanFlagValues['engine'],
    engineVersion: str('engine-version'),
    ep: int('ep'),
    fromFile: str('from-file'),
    goal: str('goal') as PlanFlagValues['goal'],
    gpu: str('gpu'),
    gpuMemory: str('gpu-memory'),
    gpuMemoryUtilization: fraction('gpu-memory-utilization'),
    headAddress: str('head-address'),
    host: str('host'),
    inputTokens: int('input-tokens'),
    itl: int('itl'),
    nodeAddresses: str('node-addresses')?.split(',').map((a) => a.trim()).filter(Boolean),
    outputTokens: int('output-tokens'),
    ttft: int('ttft'),
    kvCacheDtype: str('kv-cache-dtype') as PlanFlagValues['kvCacheDtype'],
    memFractionStatic: fraction('mem-fraction-static'),
    model: str('model'),
    nodes: int('nodes'),
    port: int('port'),
    pp: int('pp'),
    quantization: str('quantization') as PlanFlagValues['quantization'],
    tp: int('tp'),
  }
}

/** The parsed values of planFlags: the plan service's input, less what only `r1 plan` or `r1 serve` add. */
export type PlanFlagValues = Omit<PlanFlags, 'apiKeyEnv' | 'force' | 'out' | 'yes'>
