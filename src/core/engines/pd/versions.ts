/**
 * Version cut-offs of the prefill/decode mechanisms, from shared/reference/pd-disaggregation.md §5 (and the
 * tables of §1.2, §1.4, §1.5, §2.3, §2.6), each read from the engines' tagged source trees there.
 * `since` is inclusive, `until` exclusive.
 */
import type {Engine} from '../../constants.js'
import {R1Error} from '../../errors.js'
import {compareVersions, parseVersion} from '../version.js'

interface PdRule {
  engine: Engine
  id: string
  since?: string
  until?: string
  source: string
}

export const PD_RULES: readonly PdRule[] = [
  // SGLang
  {engine: 'sglang', id: 'pd', since: '0.4.4.post2', source: '§1.2: --disaggregation-mode, --disaggregation-bootstrap-port (PR #4654)'},
  {engine: 'sglang', id: 'transfer-backend-choice', since: '0.4.6', source: '§1.2: mooncake,nixl choices from v0.4.6'},
  {engine: 'sglang', id: 'deepep-mode', since: '0.4.4.post4', source: '§1.4'},
  {engine: 'sglang', id: 'enable-deepep-moe', since: '0.4.4.post2', until: '0.5.3rc2', source: '§1.4: last tag v0.5.3rc1'},
  {engine: 'sglang', id: 'moe-a2a-backend', since: '0.4.10.post2', source: '§1.4, §5'},
  {engine: 'sglang', id: 'moe-dense-tp-size', since: '0.4.5.post2', source: '§1.4'},
  {engine: 'sglang', id: 'dp-lm-head', since: '0.4.6.post4', source: '§1.4'},
  {engine: 'sglang', id: 'eplb', since: '0.4.6.post5', source: '§1.4, §5: --enable-eplb, --ep-num-redundant-experts'},
  {engine: 'sglang', id: 'two-batch-overlap', since: '0.4.7', source: '§1.4, §5'},
  {engine: 'sglang', id: 'decode-tp-flags', since: '0.4.8', until: '0.5.10', source: '§1.2: --disaggregation-decode-tp/dp removed in v0.5.10 (PR #19618)'},
  {engine: 'sglang', id: 'round-robin-balance', since: '0.5.2', until: '0.5.8', source: '§1.2, §1.8 B2: --prefill-round-robin-balance with --load-balance-method round_robin; auto from v0.5.8'},
  {engine: 'sglang', id: 'launch-router', since: '0.5.2', source: '§1.5: docs use sglang_router.launch_router from v0.5.2 (router in the docker image, PR #9964)'},
  {engine: 'sglang', id: 'cuda-graph-decode-names', since: '0.5.14', source: '§1.4: from v0.5.14 --cuda-graph-max-bs is a deprecated alias of --cuda-graph-max-bs-decode'},
  // vLLM
  {engine: 'vllm', id: 'pd', since: '0.9.0', source: '§2.3, §5: NixlConnector first in v0.9.0'},
  {engine: 'vllm', id: 'all2all-env', since: '0.9.1', until: '0.16.0', source: '§2.6: VLLM_ALL2ALL_BACKEND deepep_* from v0.9.1, gone by v0.16.0'},
  {engine: 'vllm', id: 'all2all-flag', since: '0.11.1', source: '§2.6: --all2all-backend'},
  {engine: 'vllm', id: 'eplb', since: '0.9.2', source: '§2.6: --enable-eplb'},
  {engine: 'vllm', id: 'num-redundant-experts-flag', since: '0.9.2', until: '0.10.2', source: '§2.6: --num-redundant-experts (deprecated by --eplb-config from v0.10.2, removed after v0.11.2)'},
  {engine: 'vllm', id: 'eplb-config', since: '0.10.2', source: '§2.6'},
  {engine: 'vllm', id: 'dbo', since: '0.11.0', source: '§2.6: --enable-dbo'},
  {engine: 'vllm', id: 'kv-load-failure-policy', since: '0.13.0', source: '§2.2'},
  {engine: 'vllm', id: 'nixl-port-5600', since: '0.12.0', source: '§2.3: side-channel default 5557 → 5600'},
]

export interface PdFlags {
  version: string
  has: (id: string) => boolean
}

export function pdFlagsFor(engine: Engine, version: string): PdFlags {
  const parsed = parseVersion(version)
  if (!parsed) throw new R1Error('R1_INVALID_FLAGS', `cannot read ${engine} version ${JSON.stringify(version)}`)
  const known = new Set(PD_RULES.filter((r) => r.engine === engine).map((r) => r.id))
  const has = (id: string): boolean => {
    if (!known.has(id)) throw new Error(`no ${engine} PD rule "${id}"`)
    const rule = PD_RULES.find((r) => r.engine === engine && r.id === id)!
    // Full PEP 440 order: these floors include post and rc releases (0.4.4.post2, 0.5.3rc2).
    if (rule.since && compareVersions(parsed, parseVersion(rule.since)!) < 0) return false
    if (rule.until && compareVersions(parsed, parseVersion(rule.until)!) >= 0) return false
    return true
  }

  return {has, version: parsed.raw}
}

/** Refuse versions without the mechanism (a usage error: the user named the version). */
export function requirePd(engine: Engine, version: string): PdFlags {
  const flags = pdFlagsFor(engine, version)
  if (!flags.has('pd')) {
    const floor = PD_RULES.find((r) => r.engine === engine && r.id === 'pd')!.since!
    throw new R1Error('R1_INVALID_FLAGS', `${engine === 'sglang' ? 'SGLang' : 'vLLM'} ${version} has no prefill/decode disaggregation${engine === 'vllm' ? ' (NixlConnector)' : ''}: it needs ${floor} or newer`, {
      suggestions: [`Plan for ${engine} ${floor} or newer (--engine-version), or pass --disaggregate off.`],
    })
  }

  return flags
}
