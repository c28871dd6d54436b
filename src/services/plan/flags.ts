/**
 * `r1 plan`'s flags as the service takes them, and the checks that need no hardware or only its shape:
 * values in range, flags that go together, --tp/--pp/--dp/--ep against the GPUs. Each failure is one
 * R1_INVALID_FLAGS error that says what to pass instead.
 */
import {ENGINES, type Engine, type Goal, type KvCacheDtypeRequest, type Quantization} from '../../core/constants.js'
import {parseVersion} from '../../core/engines/version.js'
import {resolveRelease} from '../../core/engines/versions.js'
import {R1Error} from '../../core/errors.js'
import type {DisaggregateMode} from '../../core/planner/pd/disaggregate.js'
import type {LayoutPins} from '../../core/planner/search.js'

/** R1's advertised context (128K), the default --context. */
export const DEFAULT_CONTEXT = 131_072
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 8000

export interface PlanFlags {
  gpu?: string
  count?: number
  nodes?: number
  gpuMemory?: string
  computeCapability?: string
  fromFile?: string
  model?: string
  quantization?: Quantization
  engine?: Engine | 'auto'
  engineVersion?: string
  context?: number
  goal?: Goal
  kvCacheDtype?: KvCacheDtypeRequest
  tp?: number
  pp?: number
  dp?: number
  ep?: number
  gpuMemoryUtilization?: number
  memFractionStatic?: number
  host?: string
  port?: number
  headAddress?: string
  /** Name of the environment variable holding the API key (serve). */
  apiKeyEnv?: string | null
  /** The workload (disaggregated plans): typical request lengths and latency targets (ms). */
  inputTokens?: number
  outputTokens?: number
  ttft?: number
  itl?: number
  disaggregate?: DisaggregateMode
  /** One address per node, in plan order (prefill nodes first): the disaggregated commands use them. */
  nodeAddresses?: string[]
  /** Write the Kubernetes objects of the recommendation to this file (YAML). */
  kubernetes?: string
  kubernetesName?: string
  out?: string
  force?: boolean
  yes?: boolean
  /** Use this machine's calibration records (default true; --no-calibration turns it off). */
  calibration?: boolean
  /**
   * Build every candidate's command during the plan (default true: --json prints them all). False: only the
   * recommendation's; the others are built when read (services/plan/commands.ts withLazyCommand).
   */
  candidateCommands?: boolean
}

export function checkFlags(flags: PlanFlags): void {
  if (flags.engineVersion !== undefined) {
    if (!flags.engine || flags.engine === 'auto') throw invalid('--engine-version needs --engine sglang or --engine vllm', ['For example: --engine vllm --engine-version 0.11.0'])
    if (!parseVersion(flags.engineVersion)) throw invalid(`--engine-version ${JSON.stringify(flags.engineVersion)} is not a version`, ['For example 0.5.14 (SGLang) or 0.20.1 (vLLM).'])
    // Older than every release in r1's engine data: R1_USAGE with the supported range (a newer or unknown one is explained by the build).
    if (ENGINES.includes(flags.engine as Engine)) resolveRelease(flags.engine as Engine, flags.engineVersion)
  }

  if (flags.gpuMemoryUtilization !== undefined && !(flags.gpuMemoryUtilization > 0 && flags.gpuMemoryUtilization <= 1)) {
    throw invalid(`--gpu-memory-utilization ${flags.gpuMemoryUtilization} is not between 0 and 1`, ['vLLM\'s default is 0.9.'])
  }

  if (flags.memFractionStatic !== undefined && !(flags.memFractionStatic > 0 && flags.memFractionStatic < 1)) {
    throw invalid(`--mem-fraction-static ${flags.memFractionStatic} is not between 0 and 1`, ['SGLang\'s defaults are 0.79–0.88.'])
  }

  if (flags.gpuMemoryUtilization !== undefined && flags.engine === 'sglang') {
    throw invalid('--gpu-memory-utilization is vLLM\'s; SGLang takes --mem-fraction-static')
  }

  if (flags.memFractionStatic !== undefined && flags.engine === 'vllm') {
    throw invalid('--mem-fraction-static is SGLang\'s; vLLM takes --gpu-memory-utilization')
  }

  if (flags.context !== undefined && !(Number.isInteger(flags.context) && flags.context > 0)) throw invalid('--context must be a positive number of tokens')
  for (const [name, value] of [['--input-tokens', flags.inputTokens], ['--output-tokens', flags.outputTokens]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw invalid(`${name} ${value} is not a positive number of tokens`)
  }

  if (flags.inputTokens !== undefined && flags.outputTokens !== undefined && flags.context !== undefined && flags.inputTokens + flags.outputTokens > flags.context) {
    throw invalid(`--input-tokens ${flags.inputTokens} + --output-tokens ${flags.outputTokens} is more than --context ${flags.context}`, ['Raise --context, or give the typical lengths of a request.'])
  }

  for (const [name, value] of [['--ttft', flags.ttft], ['--itl', flags.itl]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw invalid(`${name} ${value} is not a positive number of milliseconds`)
  }
  if (flags.engine && flags.engine !== 'auto' && !ENGINES.includes(flags.engine)) throw invalid(`--engine ${flags.engine} is not one of sglang, vllm, auto`)
}

/** --tp/--pp/--dp/--ep against the hardware: impossible layouts are usage errors. */
export function checkPins(flags: Pick<PlanFlags, 'dp' | 'engine' | 'ep' | 'pp' | 'tp'>, perNode: number, nodes: number): LayoutPins {
  const total = perNode * nodes
  const tp = flags.tp
  const pp = flags.pp ?? 1
  const dp = flags.dp ?? 1
  for (const [name, value] of [['--tp', flags.tp], ['--pp', flags.pp], ['--dp', flags.dp], ['--ep', flags.ep]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw invalid(`${name} must be a positive whole number`)
  }

  const gpus = (tp ?? 1) * pp * dp
  // SGLang's DP attention runs its DP ranks inside the TP group (`--tp 8 --dp 8 --enable-dp-attention`
  // on 8 GPUs): a --dp that divides --tp needs only --tp × --pp GPUs.
  const dpAttention = flags.engine !== 'vllm' && tp !== undefined && dp > 1 && tp % dp === 0 && tp * pp <= total
  if (gpus > total && !dpAttention) {
    throw invalid(`--tp × --pp × --dp needs ${gpus} GPUs; there ${total === 1 ? 'is 1' : `are ${total}`}`, [
      `Choose values whose product is at most ${total}, or describe more GPUs (--count, --nodes).`,
      'For SGLang DP attention (R1), give a --dp that divides --tp: --tp 8 --dp 8 runs on 8 GPUs.',
    ])
  }

  if (tp !== undefined) {
    if (tp <= perNode ? perNode % tp !== 0 : tp % perNode !== 0) {
      throw invalid(`--tp ${tp} does not split the ${perNode} GPU${perNode === 1 ? '' : 's'} of a node evenly`, [
        `Use a divisor of ${perNode}${nodes > 1 ? ` or a multiple of it up to ${total}` : ''}.`,
      ])
    }
  }

  if (flags.ep !== undefined && flags.ep > total) throw invalid(`--ep ${flags.ep} is more than the ${total} GPUs`)
  return {dataParallel: flags.dp, expertParallel: flags.ep, pipelineParallel: flags.pp, tensorParallel: flags.tp}
}

export function invalid(message: string, suggestions: string[] = []): R1Error {
  return new R1Error('R1_INVALID_FLAGS', message, {suggestions: [...suggestions, 'See r1 plan --help.']})
}
