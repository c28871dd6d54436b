/**
 * Which spelling of each flag an engine version accepts, with the sources.
 * Sources: test/fixtures/engine-flags/renames.md (a verbatim copy of shared/engine-flags/renames.md),
 * the flag lists sglang.json / vllm.json (the default targets), and the PRs named per rule.
 * Where the release that carried a change is unknown, the floor is our inference and says so.
 */
import type {Engine} from '../constants.js'
import {atLeast, type EngineVersion, parseVersion} from './version.js'

/** The versions of the flag lists in shared/engine-flags: what r1 targets when no version is given. */
export const DEFAULT_ENGINE_VERSIONS: Record<Engine, string> = {
  // sglang.json: main after v0.5.14 (commit 001067ff)
  sglang: '0.5.14',
  // vllm.json: docs.vllm.ai/en/latest on 2026-05-07, between v0.20.1 and v0.20.2
  vllm: '0.20.1',
}

export interface VersionRule {
  engine: Engine
  /** What the rule decides. */
  id: string
  /** First version with the behaviour (inclusive); absent = always. */
  since?: string
  /** First version without it (exclusive); absent = still there. */
  until?: string
  /** What is emitted while the rule holds. */
  emits: string
  source: string
  /** The floor or ceiling is our inference, not a documented release. */
  inferred?: boolean
}

export const VERSION_RULES: readonly VersionRule[] = [
  // vLLM
  {engine: 'vllm', id: 'enable-reasoning', since: '0.7.1', until: '0.9.0', emits: '--enable-reasoning (with --reasoning-parser)', source: 'renames.md: PR #12473 (v0.7.x); deprecated in v0.9.0 (PR #17452, #18404); unrecognized in 0.10.0 (#18538)', inferred: true},
  {engine: 'vllm', id: 'reasoning-parser', since: '0.7.1', emits: '--reasoning-parser deepseek_r1', source: 'renames.md: PR #12473 (Jan 2025, v0.7.x)', inferred: true},
  {engine: 'vllm', id: 'override-generation-config', since: '0.7.1', emits: '--override-generation-config {"temperature":0.6,"top_p":0.95}', source: 'vllm-project/vllm PR #12409 (merged 2025-01, after v0.7.0 was cut: floor inferred)', inferred: true},
  {engine: 'vllm', id: 'mtp', since: '0.7.3', emits: 'DeepSeek MTP (--num-speculative-tokens 1 before the JSON config)', source: 'engines.md §2.4: PR #12755 (Feb 2025)', inferred: true},
  {engine: 'vllm', id: 'speculative-config-json', since: '0.8.0', emits: '--speculative-config JSON', source: 'renames.md: PR #14434 (2025-03-07) added it, PR #15466 removed the flat flags (v0.8.x)', inferred: true},
  {engine: 'vllm', id: 'mtp-method-name', since: '0.11.0', emits: '"method":"mtp" (before: "deepseek_mtp")', source: 'engines.md §2.4: PR #25232 (Sep 2025) consolidated deepseek_mtp into mtp', inferred: true},
  {engine: 'vllm', id: 'enable-expert-parallel', since: '0.8.0', emits: '--enable-expert-parallel', source: 'renames.md: PR #14305 (2025-03), v0.8.x line', inferred: true},
  {engine: 'vllm', id: 'multi-node-dp', since: '0.9.0', emits: '--data-parallel-size-local/-address/-rpc-port/-start-rank, --headless', source: 'renames.md: multi-node DP for V1 (spring 2025), probably the v0.9 line', inferred: true},
  {engine: 'vllm', id: 'dp-backend-ray', since: '0.10.0', emits: '--data-parallel-backend ray', source: 'engines.md §2.2/§2.3 (data_parallel_deployment.md); floor inferred', inferred: true},
  {engine: 'vllm', id: 'attention-backend-flag', since: '0.12.0', emits: '--attention-backend X (before: env VLLM_ATTENTION_BACKEND)', source: 'renames.md: --attention-backend is new after the v0.11 build', inferred: true},
  {engine: 'vllm', id: 'max-cudagraph-capture-size', since: '0.12.0', emits: '--max-cudagraph-capture-size N', source: 'vllm.json (2026); --cuda-graph-sizes removed after v0.11 (renames.md)', inferred: true},
  {engine: 'vllm', id: 'flashinfer-moe-env', since: '0.10.0', emits: 'VLLM_USE_FLASHINFER_MOE_FP8=1 / _FP4=1', source: 'engines.md §2.1 (vllm-project/recipes DeepSeek-R1.yaml, min_vllm_version 0.12.0); floor inferred', inferred: true},
  {engine: 'vllm', id: 'spec-with-pp', since: '0.16.0', emits: 'speculative decoding with --pipeline-parallel-size > 1', source: 'engines.md §2.2: PP and speculative decoding did not combine up to v0.15', inferred: true},
  {engine: 'vllm', id: 'v0-chunked-prefill', until: '0.8.0', emits: '--enable-chunked-prefill (V0 turned it on by itself only above 32K context; V1, the default from 0.8.0, always chunks)', source: 'renames.md: V1 on by default in v0.8.0 (PR #15064)'},
  // SGLang
  {engine: 'sglang', id: 'reasoning-parser', since: '0.4.4', emits: '--reasoning-parser deepseek-r1', source: 'renames.md: PR #4000 (Mar 2025); SGLang never shipped --enable-reasoning', inferred: true},
  {engine: 'sglang', id: 'enable-ep-moe', until: '0.5.0', emits: '--enable-ep-moe (EP size = TP size)', source: 'renames.md: deprecated by PR #8658 (2025-08-01), gone at 001067ff', inferred: true},
  {engine: 'sglang', id: 'ep-size', since: '0.5.0', emits: '--ep-size N', source: 'renames.md: replacement of --enable-ep-moe (PR #8658)', inferred: true},
  {engine: 'sglang', id: 'enable-flashmla', since: '0.4.4', until: '0.4.6', emits: '--enable-flashmla (instead of --attention-backend flashmla)', source: 'renames.md: PR #4472 (2025-03-16) to PR #5480 (2025-04-17)', inferred: true},
  {engine: 'sglang', id: 'attention-backend-mla', since: '0.4.6', emits: '--attention-backend fa3|flashmla|cutlass_mla|triton|flashinfer', source: 'renames.md: PR #5005, #5480 (Apr 2025)', inferred: true},
  {engine: 'sglang', id: 'trtllm-mla', since: '0.5.0', emits: '--attention-backend trtllm_mla', source: 'engines.md §1.5 (default for DeepSeek on SM100 with CUDA >= 12.8); floor inferred', inferred: true},
  {engine: 'sglang', id: 'nextn', since: '0.4.3', until: '0.5.0', emits: '--speculative-algorithm NEXTN', source: 'renames.md: PR #3582 (Feb 2025)', inferred: true},
  {engine: 'sglang', id: 'eagle-mtp', since: '0.5.0', emits: '--speculative-algorithm EAGLE (NEXTN collapsed into EAGLE)', source: 'renames.md; engines.md §1.3 (docs use EAGLE with 3/1/4)', inferred: true},
  {engine: 'sglang', id: 'spec-v2-env', since: '0.5.6', emits: 'SGLANG_ENABLE_SPEC_V2=1 with MTP', source: 'engines.md §1.3/§1.4 (sgl-cookbook v0.5.6 speculative-mtp preset)'},
  {engine: 'sglang', id: 'sampling-defaults', since: '0.5.4', emits: '--sampling-defaults model', source: 'sgl-project/sglang PR #11304 (2025-10-07) added --sampling-defaults; release inferred', inferred: true},
  {engine: 'sglang', id: 'preferred-sampling-params', since: '0.4.7', emits: '--preferred-sampling-params {"temperature":0.6,"top_p":0.95}', source: 'sglang.json; TokenizerManager merges it under each request\'s own sampling params; floor inferred', inferred: true},
  {engine: 'sglang', id: 'kv-fp8-e4m3', since: '0.4.2', emits: '--kv-cache-dtype fp8_e4m3', source: 'renames.md: PR #2786 (2025-01-08)', inferred: true},
  {engine: 'sglang', id: 'cuda-graph-max-bs-decode', since: '0.5.15', emits: '--cuda-graph-max-bs-decode (before: --cuda-graph-max-bs, still a deprecated alias at 001067ff)', source: 'renames.md "Other SGLang renames at 001067ff"; release unknown, so every release up to the default target gets the old spelling, which both accept', inferred: true},
]

/** The spellings and features one engine version accepts (resolved from VERSION_RULES). */
export interface EngineFlags {
  engine: Engine
  version: string
  /** Set when the version could not be parsed and the default target was used instead. */
  warning: string | null
  has: (id: string) => boolean
}

function holds(rule: VersionRule, version: EngineVersion): boolean {
  if (rule.since && !atLeast(version, rule.since)) return false
  if (rule.until && atLeast(version, rule.until)) return false
  return true
}

/** Resolve the rule table for an engine version. Unknown or unparseable versions get the default target, with a warning. */
export function engineFlagsFor(engine: Engine, version: string | null | undefined): EngineFlags {
  const fallback = DEFAULT_ENGINE_VERSIONS[engine]
  let parsed = version ? parseVersion(version) : null
  let warning: string | null = null
  if (!parsed) {
    if (version) warning = `cannot read ${engine} version "${version}": building for ${engine} ${fallback}`
    parsed = parseVersion(fallback)!
  }
  const known = new Set(VERSION_RULES.filter((rule) => rule.engine === engine).map((rule) => rule.id))
  const active = new Set(VERSION_RULES.filter((rule) => rule.engine === engine && holds(rule, parsed)).map((rule) => rule.id))
  const has = (id: string): boolean => {
    if (!known.has(id)) throw new Error(`no ${engine} version rule "${id}"`)
    return active.has(id)
  }

  return {engine, has, version: parsed.raw, warning}
}
