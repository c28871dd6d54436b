/**
 * `vllm serve` argv for a plan (flag names checked against shared/engine-flags/vllm.json).
 */
import type {NodeCommand} from '../planner/plan.schema.js'
import {type BuildContext, DEEPSEEK_SAMPLING, str} from './common.js'
import {REASONING_PARSER} from './semantics.js'
import {envRef} from './shell.js'

export const VLLM_ENTRY = ['vllm', 'serve'] as const

/** vLLM's documented multi-node DP RPC port (data_parallel_deployment.md example) and Ray's default port. */
export const VLLM_DP_RPC_PORT = 13_345
export const RAY_PORT = 6379

/** The environment variable `vllm serve` reads its API key from. */
export const VLLM_API_KEY_ENV = 'VLLM_API_KEY'

export function vllmArgs(ctx: BuildContext): {argv: string[]; env: Record<string, string>; passEnv: string[]} {
  const {flags, input, sizes, attention} = ctx
  const {plan, checkpoint, options} = input
  const argv: string[] = [...VLLM_ENTRY, checkpoint.repo]
  const env: Record<string, string> = {}
  const passEnv: string[] = []

  if (checkpoint.trustRemoteCode) argv.push('--trust-remote-code')
  // 0.7.x-0.8.x need --enable-reasoning beside the parser; it is a deprecated no-op in 0.9 and gone in 0.10.
  if (flags.current('--enable-reasoning')) argv.push('--enable-reasoning')
  if (flags.accepts('--reasoning-parser', REASONING_PARSER.vllm.name)) argv.push('--reasoning-parser', REASONING_PARSER.vllm.name)
  if (plan.dtype === 'half') argv.push('--dtype', 'half')
  const quantization = checkpoint.engineQuantization.vllm
  if (quantization) argv.push('--quantization', quantization)

  // Parallelism: TP inside a replica, PP across stages, DP replicas; EP spans TP × DP (expert_parallel_deployment.md).
  argv.push('--tensor-parallel-size', str(plan.tensorParallel))
  if (plan.pipelineParallel > 1) argv.push('--pipeline-parallel-size', str(plan.pipelineParallel))
  if (plan.dataParallel > 1) argv.push('--data-parallel-size', str(plan.dataParallel))
  if (plan.expertParallel > 1 && flags.current('--enable-expert-parallel')) argv.push('--enable-expert-parallel')

  // Attention and KV cache.
  if (attention.backend) {
    // --attention-backend from 0.13; before it only the environment variable, which 0.15 and later ignore.
    if (flags.option('--attention-backend')) argv.push('--attention-backend', attention.backend)
    else if (flags.has('attention-backend-env')) env.VLLM_ATTENTION_BACKEND = attention.backend
  }

  if (attention.fp8Kv) argv.push('--kv-cache-dtype', 'fp8')

  if (ctx.mtp) {
    // The JSON --speculative-config from 0.8.3 (a plain string in 0.8.2); the flat flags up to 0.8.2.
    if (flags.option('--speculative-config')?.type === 'json') {
      const method = flags.has('mtp-method-name') ? 'mtp' : 'deepseek_mtp'
      argv.push('--speculative-config', JSON.stringify({method, num_speculative_tokens: 1}))
    } else {
      argv.push('--num-speculative-tokens', '1')
    }
  }

  // Memory and batching.
  if (plan.gpuMemoryUtilization !== null) argv.push('--gpu-memory-utilization', str(plan.gpuMemoryUtilization))
  argv.push('--max-model-len', str(plan.contextLength))
  argv.push('--max-num-seqs', str(sizes.maxRunningPerRank))
  argv.push('--max-num-batched-tokens', str(Math.max(sizes.prefillChunk, sizes.maxRunningPerRank)))
  // Without chunked prefill V0 refuses a batch budget below --max-model-len.
  if (flags.has('v0-engine') && flags.current('--enable-chunked-prefill')) argv.push('--enable-chunked-prefill')
  if (flags.current('--max-cudagraph-capture-size')) argv.push('--max-cudagraph-capture-size', str(sizes.cudaGraphMaxBs))

  // DeepSeek's sampling as the server default, so a client that sends nothing gets temperature 0.6, top-p 0.95.
  if (flags.current('--override-generation-config')) argv.push('--override-generation-config', JSON.stringify(DEEPSEEK_SAMPLING))

  // Recipe environment (vllm-project/recipes DeepSeek-R1.yaml): FlashInfer MoE kernels for FP8 on Hopper and
  // Blackwell, FP4 on Blackwell. Never VLLM_USE_V1.
  if (ctx.mla && flags.has('flashinfer-moe-env')) {
    const arch = plan.gpu.architecture
    if (checkpoint.quantization === 'fp8' && (arch === 'hopper' || arch === 'blackwell')) env.VLLM_USE_FLASHINFER_MOE_FP8 = '1'
    if (checkpoint.quantization === 'fp4' && arch === 'blackwell') env.VLLM_USE_FLASHINFER_MOE_FP4 = '1'
  }

  argv.push('--host', options.host, '--port', str(options.port))
  if (options.apiKeyEnv === VLLM_API_KEY_ENV) {
    passEnv.push(VLLM_API_KEY_ENV)
  } else if (options.apiKeyEnv) {
    argv.push('--api-key', envRef(options.apiKeyEnv))
    passEnv.push(options.apiKeyEnv)
  }

  return {argv, env, passEnv}
}

/**
 * Several nodes, vLLM's own way:
 * - data parallel (DP/EP plans): every node runs `vllm serve` with --data-parallel-size-local; workers are --headless;
 * - TP × PP across nodes: a Ray cluster (`ray start --head` / `ray start --address`), then one `vllm serve` on the head.
 */
export function vllmNodes(ctx: BuildContext, base: string[], env: Record<string, string>): NodeCommand[] {
  const {plan, options} = ctx.input
  const perReplica = plan.tensorParallel * plan.pipelineParallel
  const local = Math.floor(plan.gpusPerNode / perReplica)
  const nodes: NodeCommand[] = []
  if (plan.dataParallel > 1 && local >= 1 && plan.gpusPerNode % perReplica === 0 && ctx.flags.has('multi-node-dp') && ctx.flags.current('--data-parallel-size-local')) {
    const rpcPort = options.distInitPort ?? VLLM_DP_RPC_PORT
    const common = ['--data-parallel-size-local', str(local), '--data-parallel-address', ctx.headAddress, '--data-parallel-rpc-port', str(rpcPort)]
    for (let rank = 0; rank < plan.nodes; rank++) {
      const argv = rank === 0 ? [...base, ...common] : [...base, ...common, '--data-parallel-start-rank', str(rank * local), '--headless']
      nodes.push({argv, before: [], env: {...env}, rank, role: rank === 0 ? 'head' : 'worker'})
    }

    return nodes
  }

  const rayDp = plan.dataParallel > 1 && ctx.flags.has('multi-node-dp') && ctx.flags.current('--data-parallel-backend')
  if (plan.dataParallel > 1) {
    ctx.warnings.push(
      rayDp
        ? `vLLM ${ctx.flags.version} cannot run this data-parallel layout with --data-parallel-size-local (${plan.gpusPerNode} GPUs per node, ${perReplica} per replica): using one Ray cluster instead`
        : `vLLM ${ctx.flags.version} cannot spread data parallel over several nodes: upgrade vLLM, or plan one node per server`,
    )
  }

  const rayPort = options.distInitPort ?? RAY_PORT
  for (let rank = 0; rank < plan.nodes; rank++) {
    if (rank === 0) {
      nodes.push({
        argv: [...base, '--distributed-executor-backend', 'ray', ...(rayDp ? ['--data-parallel-backend', 'ray'] : [])],
        before: [['ray', 'start', '--head', '--port', str(rayPort)]],
        env: {...env},
        rank,
        role: 'head',
      })
    } else {
      nodes.push({argv: ['ray', 'start', '--address', `${ctx.headAddress}:${rayPort}`, '--block'], before: [], env: {...env}, rank, role: 'worker'})
    }
  }

  return nodes
}
