/**
 * Commands for every piece of a disaggregated plan: per node the prefill and decode servers (the engine's
 * own multi-node form, from ../build.ts, plus the PD flags of the target release), and the router.
 * Pure: argv arrays and env maps; addresses the user did not give are placeholders, never guesses.
 *
 * SGLang (pd-disaggregation.md §1.2–§1.8): `--disaggregation-mode prefill|decode`, a bootstrap port per
 * prefill instance, DeepEP `normal` on prefill and `low_latency` on decode, EPLB with redundant experts,
 * dense FFNs data-parallel, DP LM head, two-batch overlap on Hopper; router
 * `python3 -m sglang_router.launch_router --pd-disaggregation --prefill URL BOOTSTRAP --decode URL`.
 * vLLM (§2.2–§2.8): `--kv-transfer-config` with NixlConnector, the NIXL side channel per node, DeepEP
 * all2all per side, EPLB, DBO on decode; router `vllm-router --vllm-pd-disaggregation`.
 *
 * Ports (none can collide, even with every instance on one host; a test checks it):
 *   router                      the plan's --port (8000)
 *   SGLang prefill i            HTTP 30000 + 10 i, bootstrap 8998 + i, rendezvous 20000 + 100 i
 *   SGLang decode j             HTTP 31000 + 10 j, rendezvous 21000 + 100 j
 *   vLLM prefill i / decode j   HTTP 8100 + 10 i / 8600 + 10 j, DP RPC 13345 + 10 i / 13845 + 10 j,
 *                               NIXL side channel 20000 + 1000 k (k = instance number over both roles; each
 *                               DP rank uses base + rank, so each instance owns a block of 1000)
 */
import type {Checkpoint, ModelProfile} from '../../profiles/catalog.js'
import type {PdNode, PdRolePlan, PdRouter} from '../../planner/pd/pd.schema.js'
import type {PlanCore} from '../../planner/types.js'
import {buildEngine} from '../build.js'
import {assertGate} from '../gate.js'
import {str} from '../common.js'
import {envRef} from '../shell.js'
import {type PdFlags, requirePd} from './versions.js'

export interface PdRoleInput {
  plan: PlanCore
  sizing: PdRolePlan
}

export interface PdBuildInput {
  model: ModelProfile
  checkpoint: Checkpoint
  engineVersion: string
  prefill: PdRoleInput
  decode: PdRoleInput
  /** One per plan node (prefill nodes first); missing ones become placeholders. */
  addresses: readonly (string | undefined)[]
  routerPort: number
  transferBackend: string
  /**
   * Where the API key comes from, when the user gave one: the servers take it the way their release does (SGLang
   * `--api-key ${R1_API_KEY}`, vLLM the VLLM_API_KEY environment variable, by name), and the router `--api-key
   * ${ROUTER_API_KEY_ENV}` (sglang_router and vllm-router: the key it sends to the workers and, from sglang_router
   * 0.5.3, checks on clients). Never the value: references that the launcher fills in.
   */
  apiKeyEnv?: string | null
}

/** The variable the router's `--api-key` reference names (its value is the key, filled in at launch). */
export const ROUTER_API_KEY_ENV = 'R1_API_KEY'

export interface PdBuild {
  nodes: PdNode[]
  router: PdRouter
  passEnv: string[]
  warnings: string[]
}

export const PD_PORTS = {
  sglang: {bootstrap: 8998, decodeDist: 21_000, decodeHttp: 31_000, prefillDist: 20_000, prefillHttp: 30_000},
  vllm: {decodeHttp: 8600, decodeRpc: 13_845, nixl: 20_000, prefillHttp: 8100, prefillRpc: 13_345},
} as const

export function nodePlaceholder(node: number): string {
  return `<node-${node}-address>`
}

/** The default KV transfer: SGLang's default backend (Mooncake), vLLM's NixlConnector. */
export function defaultTransfer(engine: PlanCore['engine']): string {
  return engine === 'sglang' ? 'mooncake' : 'NixlConnector'
}

export function buildPd(input: PdBuildInput): PdBuild {
  const engine = input.prefill.plan.engine
  const flags = requirePd(engine, input.engineVersion)
  const warnings: string[] = []
  const address = (node: number) => input.addresses[node] ?? nodePlaceholder(node)
  const nodes: PdNode[] = []
  const prefillUrls: PdRouter['prefill'] = []
  const decodeUrls: string[] = []
  let next = 0
  let instanceNumber = 0
  const passEnv = new Set<string>()
  for (const role of ['prefill', 'decode'] as const) {
    const {plan, sizing} = input[role]
    let roleRank = 0
    for (let i = 0; i < sizing.instances; i++) {
      const first = next
      const leader = address(first)
      const ports = portsOf(engine, role, i, instanceNumber)
      const built = buildEngine({
        checkpoint: input.checkpoint,
        engineVersion: input.engineVersion,
        model: input.model,
        options: {apiKeyEnv: input.apiKeyEnv ?? null, distInitPort: ports.rendezvous, headAddress: leader, host: '0.0.0.0', port: ports.http},
        plan,
      })
      for (const w of built.warnings) if (!w.includes('head node\'s address')) warnings.push(w)
      for (const name of built.spec.passEnv) passEnv.add(name)
      const perNode = built.spec.nodes.length > 0 ? built.spec.nodes : [{argv: built.spec.argv, before: [], env: built.spec.env, rank: 0, role: 'head' as const}]
      const instanceNodes: PdNode[] = []
      for (const n of perNode) {
        const node = first + n.rank
        const edited = engine === 'sglang' ? sglangRole(n.argv, role, input, flags, i) : vllmRole(n.argv, role, input, flags)
        const env = {...n.env, ...edited.env}
        if (engine === 'vllm') {
          env.VLLM_NIXL_SIDE_CHANNEL_HOST = address(node)
          env.VLLM_NIXL_SIDE_CHANNEL_PORT = str(ports.nixl ?? 0)
        }

        instanceNodes.push({address: address(node), argv: edited.argv, env, httpPort: n.rank === 0 ? ports.http : null, instance: i, node, rank: n.rank, role, roleRank: roleRank++})
      }

      // The per-release gate (engines/gate.ts) on the role's final argv, every node: a problem is a bug in r1 (R1_BUG).
      const gated = instanceNodes.map((n) => ({argv: n.argv, before: [], env: n.env, rank: n.rank, role: n.rank === 0 ? ('head' as const) : ('worker' as const)}))
      assertGate({engine, gpu: plan.gpu, spec: {argv: gated[0].argv, env: gated[0].env, nodes: gated.length > 1 ? gated : [], passEnv: built.spec.passEnv}, version: input.engineVersion})
      nodes.push(...instanceNodes)

      if (role === 'prefill') prefillUrls.push({bootstrapPort: engine === 'sglang' ? ports.bootstrap : null, url: `http://${leader}:${ports.http}`})
      else decodeUrls.push(`http://${leader}:${ports.http}`)
      next += sizing.nodesPerInstance
      instanceNumber++
    }
  }

  const router = buildRouter(engine, flags, prefillUrls, decodeUrls, input.routerPort, address(0))
  if (input.apiKeyEnv) {
    if (engine === 'sglang' && !flags.has('launch-router')) {
      warnings.push(`SGLang ${flags.version}'s mini load balancer takes no API key and does not forward the client's: with a key on the servers, requests through it fail; upgrade to 0.5.2 or newer for the SGLang Model Gateway`)
    } else {
      router.argv.push('--api-key', envRef(ROUTER_API_KEY_ENV))
      passEnv.add(ROUTER_API_KEY_ENV)
    }
  }

  if (engine === 'sglang' && !flags.has('launch-router')) warnings.push(`SGLang ${flags.version} predates sglang_router's PD mode: the router is the Python mini load balancer (sglang.srt.disaggregation.mini_lb), a demo; upgrade to 0.5.2 or newer for the SGLang Model Gateway`)
  if (engine === 'vllm') warnings.push('The vLLM Router (vllm-project/router, `vllm-router`) is a separate install: it is not in the vllm/vllm-openai image')
  return {nodes, passEnv: [...passEnv], router, warnings: [...new Set(warnings)]}
}

interface RolePorts {
  http: number
  rendezvous: number
  bootstrap: number | null
  nixl: number | null
}

export function portsOf(engine: PlanCore['engine'], role: 'decode' | 'prefill', instance: number, instanceNumber: number): RolePorts {
  if (engine === 'sglang') {
    const p = PD_PORTS.sglang
    return role === 'prefill'
      ? {bootstrap: p.bootstrap + instance, http: p.prefillHttp + 10 * instance, nixl: null, rendezvous: p.prefillDist + 100 * instance}
      : {bootstrap: null, http: p.decodeHttp + 10 * instance, nixl: null, rendezvous: p.decodeDist + 100 * instance}
  }

  const p = PD_PORTS.vllm
  return role === 'prefill'
    ? {bootstrap: null, http: p.prefillHttp + 10 * instance, nixl: p.nixl + 1000 * instanceNumber, rendezvous: p.prefillRpc + 10 * instance}
    : {bootstrap: null, http: p.decodeHttp + 10 * instance, nixl: p.nixl + 1000 * instanceNumber, rendezvous: p.decodeRpc + 10 * instance}
}

/** Replace a flag's value (or add the flag); remove it with value null. */
export function setFlag(argv: string[], flag: string, value: string | null): string[] {
  const out = [...argv]
  const at = out.indexOf(flag)
  if (value === null) {
    if (at !== -1) out.splice(at, 2)
    return out
  }

  if (at === -1) out.push(flag, value)
  else out[at + 1] = value
  return out
}

function dropSwitch(argv: string[], flag: string): string[] {
  return argv.filter((word) => word !== flag)
}

function sglangRole(base: string[], role: 'decode' | 'prefill', input: PdBuildInput, flags: PdFlags, instance: number): {argv: string[]; env: Record<string, string>} {
  const {sizing} = input[role]
  const moe = input.model.architecture.kind === 'mla-moe'
  const env: Record<string, string> = {}
  let argv = [...base]
  // The aggregated batch sizes give way to the role's own.
  for (const f of ['--cuda-graph-max-bs', '--cuda-graph-max-bs-decode']) argv = setFlag(argv, f, null)
  argv = setFlag(argv, '--max-running-requests', str(sizing.maxRunningRequests))
  if (sizing.chunkedPrefillSize !== null) argv = setFlag(argv, '--chunked-prefill-size', str(sizing.chunkedPrefillSize))
  argv.push('--disaggregation-mode', role)
  if (flags.has('transfer-backend-choice')) argv.push('--disaggregation-transfer-backend', input.transferBackend)
  if (role === 'prefill') argv.push('--disaggregation-bootstrap-port', str(PD_PORTS.sglang.bootstrap + instance))
  if (moe) {
    if (flags.has('moe-a2a-backend')) {
      argv.push('--moe-a2a-backend', 'deepep')
    } else if (flags.has('enable-deepep-moe')) {
      argv = dropSwitch(argv, '--enable-ep-moe')
      argv.push('--enable-deepep-moe')
    }

    if (flags.has('deepep-mode')) argv.push('--deepep-mode', role === 'prefill' ? 'normal' : 'low_latency')
    if (flags.has('moe-dense-tp-size')) argv.push('--moe-dense-tp-size', '1')
    if (flags.has('dp-lm-head')) argv.push('--enable-dp-lm-head')
    if (flags.has('eplb') && sizing.redundantExperts > 0) argv.push('--enable-eplb', '--ep-num-redundant-experts', str(sizing.redundantExperts))
    // Two-batch overlap: +27–35 % prefill, +25.5 % decode at 256 per GPU on H100 over InfiniBand; the GB200 recipes turn it off (NVLink).
    if (flags.has('two-batch-overlap') && input[role].plan.gpu.architecture === 'hopper') argv.push('--enable-two-batch-overlap')
  }

  argv.push('--disable-radix-cache')
  if (role === 'prefill') {
    const decode = input.decode.sizing
    if (flags.has('decode-tp-flags')) argv.push('--disaggregation-decode-tp', str(decode.tensorParallel), '--disaggregation-decode-dp', str(decode.dataParallel))
    if (flags.has('round-robin-balance') && moe) argv.push('--load-balance-method', 'round_robin')
  } else {
    if (sizing.cudaGraphMaxBatch !== null) argv.push(flags.has('cuda-graph-decode-names') ? '--cuda-graph-max-bs-decode' : '--cuda-graph-max-bs', str(sizing.cudaGraphMaxBatch))
    if (flags.has('round-robin-balance') && moe) argv.push('--prefill-round-robin-balance')
    // DeepEP's low-latency buffer holds 128 tokens per rank by default (DeepEP#165 assertion above it).
    if (moe && sizing.batchPerRank > 128) env.SGLANG_DEEPEP_NUM_MAX_DISPATCH_TOKENS_PER_RANK = str(sizing.batchPerRank)
  }

  return {argv, env}
}

function vllmRole(base: string[], role: 'decode' | 'prefill', input: PdBuildInput, flags: PdFlags): {argv: string[]; env: Record<string, string>} {
  const {sizing} = input[role]
  const moe = input.model.architecture.kind === 'mla-moe'
  const env: Record<string, string> = {}
  let argv = [...base]
  argv = setFlag(argv, '--max-num-seqs', str(Math.max(1, sizing.batchPerRank)))
  // NixlConnector ignores kv_role (the proxy decides); kv_both is the usual setting (§2.2).
  const kv: Record<string, string> = {kv_connector: input.transferBackend, kv_role: 'kv_both'}
  if (flags.has('kv-load-failure-policy')) kv.kv_load_failure_policy = 'fail'
  argv.push('--kv-transfer-config', JSON.stringify(kv))
  if (moe) {
    const backend = role === 'prefill' ? 'deepep_high_throughput' : 'deepep_low_latency'
    if (flags.has('all2all-flag')) argv.push('--all2all-backend', backend)
    else if (flags.has('all2all-env')) env.VLLM_ALL2ALL_BACKEND = backend
    if (flags.has('eplb') && sizing.redundantExperts > 0) {
      argv.push('--enable-eplb')
      if (flags.has('eplb-config')) argv.push('--eplb-config', JSON.stringify({num_redundant_experts: sizing.redundantExperts}))
      else if (flags.has('num-redundant-experts-flag')) argv.push('--num-redundant-experts', str(sizing.redundantExperts))
    }

    if (role === 'decode' && flags.has('dbo') && (flags.has('all2all-flag') || flags.has('all2all-env'))) argv.push('--enable-dbo')
  }

  return {argv, env}
}

function buildRouter(engine: PlanCore['engine'], flags: PdFlags, prefill: PdRouter['prefill'], decode: string[], port: number, address: string): PdRouter {
  const argv: string[] = []
  if (engine === 'sglang' && flags.has('launch-router')) {
    argv.push('python3', '-m', 'sglang_router.launch_router', '--pd-disaggregation')
    for (const p of prefill) argv.push('--prefill', p.url, ...(p.bootstrapPort === null ? [] : [str(p.bootstrapPort)]))
    for (const d of decode) argv.push('--decode', d)
  } else if (engine === 'sglang') {
    argv.push('python3', '-m', 'sglang.srt.disaggregation.mini_lb', '--prefill', ...prefill.map((p) => p.url), '--decode', ...decode)
  } else {
    argv.push('vllm-router', '--vllm-pd-disaggregation')
    for (const p of prefill) argv.push('--prefill', p.url)
    for (const d of decode) argv.push('--decode', d)
  }

  argv.push('--host', '0.0.0.0', '--port', str(port))
  return {address, argv, decode, env: {}, node: 0, port, prefill}
}
