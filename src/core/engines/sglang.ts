/**
 * `python3 -m sglang.launch_server` argv for a plan (flag names checked against shared/engine-flags/sglang.json).
 */
import type {NodeCommand} from '../planner/plan.schema.js'
import {type BuildContext, DEEPSEEK_SAMPLING, str} from './common.js'
import {REASONING_PARSER} from './semantics.js'
import {envRef} from './shell.js'

export const SGLANG_ENTRY = ['python3', '-m', 'sglang.launch_server'] as const

/** Default rendezvous port for --dist-init-addr (the SGLang DeepSeek examples use 5000). */
export const SGLANG_DIST_PORT = 5000

export function sglangArgs(ctx: BuildContext): {argv: string[]; env: Record<string, string>; passEnv: string[]} {
  const {flags, input, sizes, attention} = ctx
  const {plan, checkpoint, options} = input
  const argv: string[] = [...SGLANG_ENTRY, '--model-path', checkpoint.repo]
  const env: Record<string, string> = {}
  const passEnv: string[] = []

  if (checkpoint.trustRemoteCode) argv.push('--trust-remote-code')
  if (flags.accepts('--reasoning-parser', REASONING_PARSER.sglang.name)) argv.push('--reasoning-parser', REASONING_PARSER.sglang.name)
  if (plan.dtype === 'half') argv.push('--dtype', 'half')
  const quantization = checkpoint.engineQuantization.sglang
  if (quantization) argv.push('--quantization', quantization)

  // Parallelism. The layout reads as SGLang's flags (src/core/planner/search.ts): under DP attention
  // tensorParallel is the whole TP group (--tp-size 8 --dp-size 8 --enable-dp-attention on 8 GPUs).
  argv.push('--tp-size', str(plan.tensorParallel))
  if (plan.pipelineParallel > 1) argv.push('--pp-size', str(plan.pipelineParallel))
  if (plan.dataParallel > 1) argv.push('--dp-size', str(plan.dataParallel))
  if (plan.dpAttention && plan.dataParallel > 1) argv.push('--enable-dp-attention')
  if (plan.expertParallel > 1) {
    // Up to 0.4.10.post1 only --enable-ep-moe turns EP on (EP = TP); from 0.4.10.post2 it is deprecated for --ep-size.
    if (flags.has('ep-moe-implies-ep-size') && flags.current('--enable-ep-moe')) argv.push('--enable-ep-moe')
    else argv.push('--ep-size', str(plan.expertParallel))
  }

  // Attention and KV cache.
  if (attention.backend === 'flashmla' && !flags.accepts('--attention-backend', 'flashmla')) argv.push('--enable-flashmla')
  else if (attention.backend) argv.push('--attention-backend', attention.backend)
  // SGLang spells FP8 KV fp8_e4m3 (never plain fp8, unlike vLLM).
  if (attention.fp8Kv) argv.push('--kv-cache-dtype', flags.accepts('--kv-cache-dtype', 'fp8_e4m3') ? 'fp8_e4m3' : 'fp8_e5m2')

  if (ctx.mtp) {
    argv.push(
      '--speculative-algorithm', flags.has('eagle-mtp') || !flags.accepts('--speculative-algorithm', 'NEXTN') ? 'EAGLE' : 'NEXTN',
      '--speculative-num-steps', '3',
      '--speculative-eagle-topk', '1',
      '--speculative-num-draft-tokens', '4',
    )
    if (flags.has('spec-v2-env')) env.SGLANG_ENABLE_SPEC_V2 = '1'
  }

  // Memory and batching.
  if (plan.memFractionStatic !== null) argv.push('--mem-fraction-static', str(plan.memFractionStatic))
  argv.push('--context-length', str(plan.contextLength))
  const ranks = plan.dpAttention ? plan.dataParallel : 1
  argv.push('--max-running-requests', str(sizes.maxRunningPerRank * ranks))
  argv.push('--chunked-prefill-size', str(sizes.prefillChunk))
  // --cuda-graph-max-bs is a deprecated alias of --cuda-graph-max-bs-decode from 0.5.14.
  argv.push(flags.current('--cuda-graph-max-bs-decode') ? '--cuda-graph-max-bs-decode' : '--cuda-graph-max-bs', str(sizes.cudaGraphMaxBs))

  // DeepSeek's sampling as the server default. /v1/chat/completions takes it from the checkpoint's
  // generation_config.json (--sampling-defaults model; DeepSeek's own files say 0.6 / 0.95);
  // --preferred-sampling-params reaches the native /generate path only (sgl-project/sglang#39096).
  if (flags.accepts('--sampling-defaults', 'model')) argv.push('--sampling-defaults', 'model')
  if (flags.current('--preferred-sampling-params')) argv.push('--preferred-sampling-params', JSON.stringify(DEEPSEEK_SAMPLING))

  argv.push('--host', options.host, '--port', str(options.port))
  if (options.apiKeyEnv) {
    // SGLang reads the key only from --api-key: the argv carries a reference that the launcher fills in.
    argv.push('--api-key', envRef(options.apiKeyEnv))
    passEnv.push(options.apiKeyEnv)
  }

  return {argv, env, passEnv}
}

/** One command per node: --nnodes N --node-rank R --dist-init-addr HEAD:PORT (the head serves HTTP). */
export function sglangNodes(ctx: BuildContext, base: string[], env: Record<string, string>): NodeCommand[] {
  const {plan, options} = ctx.input
  const port = options.distInitPort ?? SGLANG_DIST_PORT
  const nodes: NodeCommand[] = []
  // Loading R1 over several nodes outlasts the default rendezvous timeout; --dist-timeout exists from 0.4.3.post3.
  const timeout = ctx.flags.current('--dist-timeout') ? ['--dist-timeout', '3600'] : []
  for (let rank = 0; rank < plan.nodes; rank++) {
    nodes.push({
      argv: [...base, '--nnodes', str(plan.nodes), '--node-rank', str(rank), '--dist-init-addr', `${ctx.headAddress}:${port}`, ...timeout],
      before: [],
      env: {...env},
      rank,
      role: rank === 0 ? 'head' : 'worker',
    })
  }

  return nodes
}
