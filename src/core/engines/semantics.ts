/**
 * What r1 relies on that no parser shows: behaviour behind a flag, environment variables, hardware support of a
 * backend. Everything a parser does show (option names, choices, types, deprecations) comes from the per-release
 * data (interface.ts); this file is the ONE table of the rest, each entry with its source.
 */
import type {Engine} from '../constants.js'
import {atLeast, type EngineVersion, parseVersion} from './version.js'

export interface SemanticRule {
  engine: Engine
  id: string
  /** First release with the behaviour (inclusive); absent = always. */
  since?: string
  /** First release without it (exclusive); absent = still there. */
  until?: string
  what: string
  source: string
  /** The floor is our inference from PR dates, not a documented release. */
  inferred?: boolean
}

export const SEMANTIC_RULES: readonly SemanticRule[] = [
  // vLLM
  {
    engine: 'vllm', id: 'multi-node-dp', since: '0.9.0',
    what: 'data parallelism across nodes (--data-parallel-size-local/-address/-rpc-port/-start-rank, --headless); before it, several nodes mean TP/PP over Ray',
    source: 'shared/engine-cli history/vllm.txt: --data-parallel-size-local, --data-parallel-address and --headless first appear in v0.9.0; in 0.8.x DP is one node (no address flags)',
  },
  {
    engine: 'vllm', id: 'attention-backend-env', until: '0.15.0',
    what: 'VLLM_ATTENTION_BACKEND selects the attention backend (the only way up to 0.12.0; deprecated next to --attention-backend in 0.13-0.14)',
    source: 'shared/engine-cli README "What changed" (removed from vllm/envs.py in v0.15.0 and silently ignored there)',
  },
  {engine: 'vllm', id: 'mtp', since: '0.7.3', what: 'DeepSeek MTP speculative decoding', source: 'shared/reference engines.md §2.4: PR #12755 (Feb 2025), in v0.7.3', inferred: true},
  {engine: 'vllm', id: 'mtp-method-name', since: '0.11.0', what: '"method":"mtp" in --speculative-config (before: "deepseek_mtp")', source: 'engines.md §2.4: PR #25232 (Sep 2025) folded deepseek_mtp into mtp (the JSON is not a parser choice)', inferred: true},
  {engine: 'vllm', id: 'flashinfer-moe-env', since: '0.10.0', what: 'VLLM_USE_FLASHINFER_MOE_FP8=1 / _FP4=1', source: 'engines.md §2.1 (vllm-project/recipes DeepSeek-R1.yaml, min_vllm_version 0.12.0); environment variables are not in the parser data', inferred: true},
  {engine: 'vllm', id: 'spec-with-pp', since: '0.16.0', what: 'speculative decoding with --pipeline-parallel-size > 1', source: 'engines.md §2.2: PP and speculative decoding did not combine up to v0.15', inferred: true},
  {engine: 'vllm', id: 'v0-engine', until: '0.8.0', what: 'the V0 engine is the default: chunked prefill only above 32K context unless --enable-chunked-prefill', source: 'renames.md: V1 on by default in v0.8.0 (PR #15064)'},
  // SGLang
  {engine: 'sglang', id: 'eagle-mtp', since: '0.5.0', what: '--speculative-algorithm EAGLE for DeepSeek MTP (NEXTN is folded into EAGLE)', source: 'renames.md; engines.md §1.3 (the docs use EAGLE with 3/1/4); both names are parser choices until 0.5.11', inferred: true},
  {engine: 'sglang', id: 'spec-v2-env', since: '0.5.6', what: 'SGLANG_ENABLE_SPEC_V2=1 with MTP', source: 'engines.md §1.3/§1.4 (sgl-cookbook v0.5.6 speculative-mtp preset)'},
  {
    engine: 'sglang', id: 'ep-moe-implies-ep-size', until: '0.4.10.post2',
    what: 'expert parallelism is switched on by --enable-ep-moe (EP size = TP size); --ep-size alone keeps the dense MoE path',
    source: 'sglang server_args.py up to v0.4.10.post1 (ep_size is set from tp_size when enable_ep_moe); shared/engine-cli: --enable-ep-moe deprecated from 0.4.10.post2, when --moe-a2a-backend arrived',
  },
]

/** The DeepSeek-R1 reasoning parser's name, per engine (the engines spell it differently). */
export const REASONING_PARSER: Record<Engine, {name: string; source: string}> = {
  sglang: {name: 'deepseek-r1', source: 'SGLang ReasoningParser.DetectorMap (shared/engine-cli: from 0.4.3.post3)'},
  vllm: {name: 'deepseek_r1', source: 'vLLM ReasoningParserManager registry (shared/engine-cli: from 0.7.3)'},
}

export interface Capability {
  major: number
  minor: number
}

/** Data-centre Blackwell (SM100/SM103), where the MLA kernels with FP8 KV live. Not SM12x, not Thor. */
export function isBlackwellDc(cc: Capability | null): boolean {
  return cc !== null && cc.major === 10 && (cc.minor === 0 || cc.minor === 3)
}

export interface MlaBackend {
  name: string
  /** Supports an FP8 KV cache. */
  fp8Kv: boolean
  /** The GPUs the kernels are built for. */
  fits: (cc: Capability) => boolean
  hardware: string
  /** vLLM before --attention-backend (0.13): first release whose VLLM_ATTENTION_BACKEND knows the name. */
  envSince?: string
  source: string
}

/**
 * MLA attention backends per architecture. Which releases have each one comes from the data (the choices of
 * SGLang's --attention-backend; vLLM's AttentionBackendEnum from 0.13), except vLLM's env-var era (envSince).
 */
export const MLA_BACKENDS: Record<Engine, readonly MlaBackend[]> = {
  sglang: [
    {fits: (cc) => isBlackwellDc(cc), fp8Kv: true, hardware: 'SM100/SM103 (B200, B300, GB200)', name: 'trtllm_mla', source: 'engines.md §1.5 (TRT-LLM MLA kernels, SM100 with CUDA >= 12.8); shared/engine-cli: a choice from 0.4.10.post1'},
    {fits: (cc) => isBlackwellDc(cc), fp8Kv: true, hardware: 'SM100/SM103', name: 'cutlass_mla', source: 'engines.md §1.5; shared/engine-cli: a choice from 0.4.6.post1'},
    {fits: (cc) => cc.major === 9 || isBlackwellDc(cc), fp8Kv: true, hardware: 'SM90, SM100/SM103', name: 'flashmla', source: 'engines.md §1.5 (FlashMLA: Hopper, Blackwell); shared/engine-cli: a choice from 0.4.5.post2'},
    {fits: (cc) => cc.major === 9, fp8Kv: false, hardware: 'SM90', name: 'fa3', source: 'engines.md §1.5 (FlashAttention 3 is Hopper-only); shared/engine-cli: a choice from 0.4.4.post2'},
    {fits: (cc) => cc.major >= 8, fp8Kv: false, hardware: 'SM80 or newer', name: 'flashinfer', source: 'engines.md §1.5'},
    {fits: () => true, fp8Kv: false, hardware: 'any', name: 'triton', source: 'engines.md §1.5'},
  ],
  vllm: [
    {envSince: '0.10.0', fits: (cc) => isBlackwellDc(cc), fp8Kv: true, hardware: 'SM100/SM103', name: 'FLASHINFER_MLA', source: 'engines.md §2.5; env-var floor inferred from PR dates (mid 2025)'},
    {envSince: '0.9.0', fits: (cc) => isBlackwellDc(cc), fp8Kv: true, hardware: 'SM100/SM103', name: 'CUTLASS_MLA', source: 'engines.md §2.5; env-var floor inferred from PR dates (May 2025)'},
    {envSince: '0.8.0', fits: (cc) => cc.major === 9 || isBlackwellDc(cc), fp8Kv: true, hardware: 'SM90, SM100/SM103', name: 'FLASHMLA', source: 'engines.md §2.5; FlashMLA integration PR #13747 (merged after v0.7.3 was cut): floor inferred'},
    {envSince: '0.10.2', fits: (cc) => cc.major === 9, fp8Kv: false, hardware: 'SM90', name: 'FLASH_ATTN_MLA', source: 'engines.md §2.5; env-var floor inferred from PR dates (Aug 2025)'},
    {envSince: '0.7.3', fits: () => true, fp8Kv: false, hardware: 'any', name: 'TRITON_MLA', source: 'engines.md §2.5 (MLA arrived in v0.7.1)'},
  ],
}

/**
 * Standard-attention backends vLLM's VLLM_ATTENTION_BACKEND took before --attention-backend (0.13): members of the
 * `_Backend` enum in vllm/attention/selector.py (vllm/platforms/interface.py later) at v0.7.3 and after.
 */
export const VLLM_DENSE_ENV_BACKENDS: readonly string[] = ['FLASH_ATTN', 'FLASHINFER', 'XFORMERS', 'TORCH_SDPA']

function holds(rule: SemanticRule, version: EngineVersion): boolean {
  if (rule.since && !atLeast(version, rule.since)) return false
  if (rule.until && atLeast(version, rule.until)) return false
  return true
}

/** Whether a semantic rule holds at a release (an unknown id throws: a typo would silently drop a behaviour). */
export function semantic(engine: Engine, id: string, version: string | EngineVersion): boolean {
  const rule = SEMANTIC_RULES.find((r) => r.engine === engine && r.id === id)
  if (!rule) throw new Error(`no ${engine} semantic rule "${id}"`)
  const parsed = typeof version === 'string' ? parseVersion(version) : version
  if (!parsed) throw new Error(`bad ${engine} version ${String(version)}`)
  return holds(rule, parsed)
}
