/**
 * `python3 -m sglang.launch_server` argv for a plan (flag names checked against shared/engine-flags/sglang.json).
 */
import type {NodeCommand} from '../planner/plan.schema.js'
import {type BuildContext, DEEPSEEK_SAMPLING, str} from './common.js'
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
  if (flags.has('reasoning-parser')) argv.push('--reasoning-parser', 'deepseek-r1')
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
    if (flags.has('ep-size')) argv.push('--ep-size', str(plan.expertParallel))
    else if (flags.has('enable-ep-moe')) argv.push('--enable-ep-moe')
  }

  // Attention and KV cache.
  if (attention.backend === 'flashmla' && !flags.has('attention-backend-mla')) argv.push('--enable-flashmla')
  else if (attention.backend) argv.push('--attention-backend', attention.backend)
  if (attention.fp8Kv) {
    if (flags.has('kv-fp8-e4m3')) argv.push('--kv-cache-dtype', 'fp8_e4m3')
    else argv.push('--kv-cache-dtype', 'fp8_e5m2')
  }

  if (ctx.mtp) {
    argv.push(
      '--speculative-algorithm', flags.has('eagle-mtp') ? 'EAGLE' : 'NEXTN',
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
  argv.push(flags.has('cuda-graph-max-bs-decode') ? '--cuda-graph-max-bs-decode' : '--cuda-graph-max-bs', str(sizes.cudaGraphMaxBs))

  // DeepSeek's sampling as the server default. /v1/chat/completions takes it from the checkpoint's
  // generation_config.json (--sampling-defaults model; DeepSeek's own files say 0.6 / 0.95);
  // --preferred-sampling-params reaches the native /generate path only (sgl-project/sglang#39096).
  if (flags.has('sampling-defaults')) argv.push('--sampling-defaults', 'model')
  if (flags.has('preferred-sampling-params')) argv.push('--preferred-sampling-params', JSON.stringify(DEEPSEEK_SAMPLING))

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
  for (let rank = 0; rank < plan.nodes; rank++) {
    nodes.push({
      argv: [...base, '--nnodes', str(plan.nodes), '--node-rank', str(rank), '--dist-init-addr', `${ctx.headAddress}:${port}`, '--dist-timeout', '3600'],
      before: [],
      env: {...env},
      rank,
      role: rank === 0 ? 'head' : 'worker',
    })
  }

  return nodes
}
