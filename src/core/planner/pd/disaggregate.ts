/**
 * Disaggregated candidates: x prefill instances of p nodes and y decode instances of d nodes, each role
 * with its own layout and memory plan (roles.ts), rates from the calibrated rooflines (rates.ts,
 * calibration.ts), and the ratio from the rate-matching rule (pd-disaggregation.md §4.2):
 *
 *   requests/s = min(0.9 × prefill nodes × P / input, 0.92 × decode nodes × D / output)
 *
 * P and D are the per-node prefill and decode rates; 0.9 and 0.92 are AIConfigurator's rate-matching
 * degradation factors (§4.4). The search takes the x, p, y, d that serve the most requests per second on
 * the nodes there are (ties: fewer nodes, then fewer instances).
 *
 * Against one aggregated group on all the nodes (the same wide-EP layout serving both phases), r1 uses
 * the same rates and the way such a group steps: DP-attention ranks and the expert all-to-all advance in
 * lockstep, so a step is a prefill step or a decode step for every rank (LMSYS's second reason: "DP-attention
 * ranks become imbalanced when one rank prefills while another decodes", §1.1; vLLM/llm-d: one long prefill
 * stalls the whole EP group, §2.1). Each rank decodes B requests; to keep up it receives q = B / output new
 * prompts per decode step. A prefill step lasts max(1, q) prompts' time on a rank, and ranks without a
 * prompt wait. So per rank
 *   cycle = decode step + max(1, q) × input / P_rank,   aggregated requests/s = ranks × q / cycle
 * When q ≥ 1 this is plain time sharing and the aggregated group wins (no nodes set apart); when q < 1
 * (long outputs: R1's reasoning) most ranks idle through every prefill step and disaggregation wins.
 * Aggregated decode is given the disaggregated decode efficiency, although it cannot use DeepEP's
 * low-latency mode with CUDA graphs (§1.4): that favours aggregated, so a disaggregated verdict is not
 * flattered. Dense models (no expert parallelism) have independent replicas: time sharing, max(1, q) → q.
 */
import type {Hardware} from '../types.js'
import type {Calibration} from './calibration.js'
import {idealDecodePerGpu, idealPrefillPerGpu, meanKvLength, type RateGpu, TTFT_QUEUEING} from './rates.js'
import {evaluateRole, isMoe, type RoleContext, type RoleEvaluation} from './roles.js'
import type {Workload} from './pd.schema.js'

/** AIConfigurator's rate-matching degradation factors (§4.4). */
export const PREFILL_MATCH_FACTOR = 0.9
export const DECODE_MATCH_FACTOR = 0.92
/** Decode requests per GPU: LMSYS measured 256 per GPU on H100 [P10]; r1 does not plan beyond a measured batch. */
export const DECODE_BATCH_CAP = 256
/** Prefill requests per rank waiting for their KV to be pulled (LMSYS: 2048 per node = 256 per rank). */
export const PREFILL_RUNNING_CAP = 256
/** Prefill chunk per rank: 16K tokens per device with two-batch overlap on 80 GB Hopper (LMSYS: 8K OOMs without TBO). */
export const PREFILL_CHUNK_LARGE = 16_384
export const PREFILL_CHUNK_SMALL = 8192

export type DisaggregateMode = 'auto' | 'off' | 'on'

export interface PrefillSizing {
  instances: number
  nodesPerInstance: number
  role: RoleEvaluation
  /** Tokens per rank per chunk; the server's --chunked-prefill-size is ranks × this. */
  chunkPerRank: number
  maxRunningPerRank: number
  /** Prompt tokens per second per node (modelled). */
  ratePerNode: number
  ttftMs: number
}

export interface DecodeSizing {
  instances: number
  nodesPerInstance: number
  role: RoleEvaluation
  /** Requests per rank (DP-attention rank or vLLM DP rank): --max-running-requests / ranks, the CUDA-graph batch. */
  batchPerRank: number
  /** What limited the batch. */
  batchLimit: 'cap' | 'itl' | 'kv'
  /** Output tokens per second per node (modelled). */
  ratePerNode: number
  itlMs: number
}

export interface PdCandidate {
  prefill: PrefillSizing
  decode: DecodeSizing
  requestsPerSecond: number
  /** Which side limits the rate. */
  bound: 'decode' | 'prefill'
}

export interface AggregatedRate {
  nodes: number
  /** Requests each rank decodes at once, and new prompts per rank per decode step (q = batch / output). */
  batchPerRank: number
  promptsPerStep: number
  /** One decode step plus one prefill step (ms). */
  cycleMs: number
  requestsPerSecond: number
}

export interface PdSearchInput extends RoleContext {
  hardware: Hardware
  workload: Workload
  calibration: Calibration
  /** Compute and bandwidth of the GPU (null when the catalog has no TFLOPS for it). */
  rates: RateGpu | null
  mode: DisaggregateMode
}

export interface PdOutcome {
  candidate: PdCandidate | null
  aggregated: AggregatedRate | null
  recommended: boolean
  why: string[]
}

/** Disaggregation is considered: R1 on two nodes or more (auto), any model with --disaggregate on. */
export function considered(input: Pick<PdSearchInput, 'hardware' | 'mode' | 'model'>): boolean {
  if (input.mode === 'off') return false
  if (input.mode === 'on') return true
  return isMoe(input.model) && input.hardware.nodes >= 2
}

export function searchDisaggregated(input: PdSearchInput): PdOutcome {
  const {hardware, workload} = input
  const nodes = hardware.nodes
  const why: string[] = []
  const none = (line: string): PdOutcome => ({aggregated: null, candidate: null, recommended: false, why: [line]})
  if (!input.rates) return none(`No disaggregated plan: r1 has no compute figure (TFLOPS) for ${input.gpu.name}, so it cannot model prefill.`)
  if (nodes < 2) return none('Stays aggregated: disaggregation puts prefill and decode on separate nodes, and there is one node.')

  const roles = new Map<string, RoleEvaluation>()
  const roleOf = (role: 'decode' | 'prefill', n: number) => {
    const key = `${role}${n}`
    let r = roles.get(key)
    if (!r) roles.set(key, (r = evaluateRole(input, role, n)))
    return r
  }

  const sizes = isMoe(input.model) ? range(1, nodes - 1) : [1]
  const minP = sizes.find((n) => roleOf('prefill', n).fits)
  const minD = sizes.find((n) => roleOf('decode', n).fits)
  if (minP === undefined || minD === undefined || minP + minD > nodes) {
    const role = minP === undefined ? roleOf('prefill', sizes.at(-1)!) : roleOf('decode', sizes.at(-1)!)
    const need = minP !== undefined && minD !== undefined ? `: a prefill instance needs ${minP} node${minP === 1 ? '' : 's'} and a decode instance ${minD}` : `: ${role.reasons[0] ?? 'a role does not fit'}`
    return none(`Stays aggregated: ${input.model.displayName} cannot be split into prefill and decode instances on ${nodes} nodes${need}.`)
  }

  const prefillSizing = (n: number): PrefillSizing | null => sizePrefill(input, roleOf('prefill', n))
  const decodeSizing = (n: number): DecodeSizing | null => sizeDecode(input, roleOf('decode', n))
  let best: PdCandidate | null = null
  for (const p of sizes.filter((n) => n >= minP && n + minD <= nodes)) {
    const pre = prefillSizing(p)
    if (!pre) continue
    for (const d of sizes.filter((n) => n >= minD && p + n <= nodes)) {
      const dec = decodeSizing(d)
      if (!dec) continue
      for (let x = 1; x * p + d <= nodes; x++) {
        for (let y = 1; x * p + y * d <= nodes; y++) {
          const prefillRps = (PREFILL_MATCH_FACTOR * x * p * pre.ratePerNode) / workload.inputTokens
          const decodeRps = (DECODE_MATCH_FACTOR * y * d * dec.ratePerNode) / workload.outputTokens
          const c: PdCandidate = {
            bound: prefillRps < decodeRps ? 'prefill' : 'decode',
            decode: {...dec, instances: y},
            prefill: {...pre, instances: x},
            requestsPerSecond: Math.min(prefillRps, decodeRps),
          }
          if (!best || better(c, best)) best = c
        }
      }
    }
  }

  if (!best) return none(`Stays aggregated: no prefill/decode split of ${nodes} nodes serves ${fmt(workload.inputTokens)}-token prompts and ${fmt(workload.outputTokens)}-token outputs.`)

  const aggregated = aggregatedRate(input, roleOf('decode', nodes))
  const pdNodes = nodesOf(best)
  const lengths = `${fmt(workload.inputTokens)}-token prompts and ${fmt(workload.outputTokens)}-token outputs`
  const verdict = `${fmt1(best.requestsPerSecond)} requests/s disaggregated (${pdNodes} nodes)`
  let recommended: boolean
  if (aggregated) {
    recommended = best.requestsPerSecond > aggregated.requestsPerSecond
    const against = `${fmt1(aggregated.requestsPerSecond)} for one aggregated group on ${nodes} nodes`
    const q = aggregated.promptsPerStep
    if (recommended) {
      why.push(`Disaggregated: ${verdict} against ${against}, for ${lengths}.`)
      why.push(`In one aggregated group each rank gets ${fmtQ(q)} new prompt${q === 1 ? '' : 's'} per decode step (${aggregated.batchPerRank} requests, ${fmt(workload.outputTokens)} output tokens each), so every prefill step holds up all ranks while ${q < 1 ? `only ${pct(q)} of them have a prompt` : 'they prefill'}; apart, decode never waits for prefill.`)
    } else {
      const cause = q >= 1
        ? `each rank gets ${fmtQ(q)} new prompts per decode step, so an aggregated group keeps every rank busy, and the decode nodes set apart cannot prefill`
        : 'the nodes a split needs cost more than decode gains by running apart'
      why.push(`Stays aggregated: ${against} against ${verdict}, for ${lengths}: ${cause}.`)
    }
  } else {
    recommended = true
    why.push(`Disaggregated: ${verdict}; one aggregated group on ${nodes} nodes cannot serve ${lengths}.`)
  }

  if (input.mode === 'on' && !recommended) why.push('--disaggregate on: the disaggregated plan is given anyway.')
  return {aggregated, candidate: best, recommended: recommended || input.mode === 'on', why}
}

function better(a: PdCandidate, b: PdCandidate): boolean {
  const gain = a.requestsPerSecond / b.requestsPerSecond
  if (gain > 1.005) return true
  if (gain < 0.995) return false
  const na = nodesOf(a)
  const nb = nodesOf(b)
  if (na !== nb) return na < nb
  return a.prefill.instances + a.decode.instances < b.prefill.instances + b.decode.instances
}

export function nodesOf(c: PdCandidate): number {
  return c.prefill.instances * c.prefill.nodesPerInstance + c.decode.instances * c.decode.nodesPerInstance
}

function sizePrefill(input: PdSearchInput, role: RoleEvaluation): PrefillSizing | null {
  if (!role.fits || !input.rates) return null
  const {workload} = input
  const big = input.gpu.memoryTotalBytes >= 70 * 1024 ** 3 && ['hopper', 'blackwell'].includes(input.gpu.architecture)
  const pool = role.kvTokensPerRank
  const chunk = Math.max(1024, Math.min(big ? PREFILL_CHUNK_LARGE : PREFILL_CHUNK_SMALL, pool - workload.inputTokens))
  if (pool < workload.inputTokens + 1024) return null
  const maxRunningPerRank = Math.max(1, Math.min(PREFILL_RUNNING_CAP, Math.floor(pool / workload.inputTokens)))
  const gpus = input.gpusPerNode
  const perGpu = input.calibration.prefillEfficiency * idealPrefillPerGpu(input.model, input.checkpoint, input.rates, workload.inputTokens)
  // A prompt is prefilled on one rank (DP attention) or one TP group (dense).
  const rankGpus = isMoe(input.model) ? 1 : role.layout.tensorParallel
  const ttftMs = ((workload.inputTokens / (perGpu * rankGpus)) * TTFT_QUEUEING) * 1000
  return {chunkPerRank: chunk, instances: 1, maxRunningPerRank, nodesPerInstance: role.nodes, ratePerNode: perGpu * gpus, role, ttftMs: Math.round(ttftMs)}
}

function decodeRate(input: PdSearchInput, role: RoleEvaluation, batchPerRank: number): {perGpu: number; itlMs: number} {
  const a = input.model.architecture
  const moe = a.kind === 'mla-moe'
  // A dense TP group decodes one batch over its GPUs: each GPU reads 1/TP of the weights and of the KV.
  const batchPerGpu = moe ? batchPerRank : batchPerRank
  const ideal = idealDecodePerGpu({
    bandwidthGBs: input.rates!.bandwidthGBs,
    batchPerGpu,
    expertGroupGpus: role.layout.expertParallel,
    expertsPerToken: moe ? a.numExpertsPerToken : 1,
    kvBytesPerToken: role.memory.kvBytesPerToken,
    kvLength: meanKvLength(input.workload.inputTokens, input.workload.outputTokens),
    numExperts: moe ? a.numRoutedExperts : 1,
    routedBytesPerGpu: role.routedBytes,
    weightsBytesPerGpu: role.weightsBytes,
  })
  const eff = input.calibration.decodeEfficiency
  const perGpu = moe ? ideal.tokensPerSecond * eff : (ideal.tokensPerSecond * eff) / role.layout.tensorParallel
  return {itlMs: (ideal.stepSeconds / eff) * 1000, perGpu}
}

function sizeDecode(input: PdSearchInput, role: RoleEvaluation): DecodeSizing | null {
  if (!role.fits || !input.rates) return null
  const {workload} = input
  const perRequest = workload.inputTokens + workload.outputTokens
  const byKv = Math.floor(role.kvTokensPerRank / perRequest)
  if (byKv < 1) return null
  let batch = Math.min(byKv, DECODE_BATCH_CAP)
  let limit: DecodeSizing['batchLimit'] = byKv <= DECODE_BATCH_CAP ? 'kv' : 'cap'
  if (workload.itlMs !== null) {
    while (batch > 1 && decodeRate(input, role, batch).itlMs > workload.itlMs) {
      batch = Math.max(1, Math.floor(batch * 0.9))
      limit = 'itl'
    }
  }

  const rate = decodeRate(input, role, batch)
  const gpus = role.layout.nodes === 1 && !isMoe(input.model) ? role.layout.tensorParallel : input.gpusPerNode
  return {batchLimit: limit, batchPerRank: batch, instances: 1, itlMs: Math.round(rate.itlMs), nodesPerInstance: role.nodes, ratePerNode: rate.perGpu * gpus, role}
}

function aggregatedRate(input: PdSearchInput, role: RoleEvaluation): AggregatedRate | null {
  const dec = sizeDecode(input, role)
  if (!dec || !input.rates) return null
  const {workload} = input
  const moe = isMoe(input.model)
  const rankGpus = moe ? 1 : role.layout.tensorParallel
  const promptPerRank = workload.inputTokens / (input.calibration.prefillEfficiency * idealPrefillPerGpu(input.model, input.checkpoint, input.rates, workload.inputTokens) * rankGpus)
  const q = dec.batchPerRank / workload.outputTokens
  // Lockstep ranks (expert parallelism): a prefill step lasts at least one prompt; independent replicas: time sharing.
  const cycle = dec.itlMs / 1000 + (moe ? Math.max(1, q) : q) * promptPerRank
  const ranks = moe ? role.ranks : Math.floor((input.hardware.nodes * input.gpusPerNode) / rankGpus)
  return {batchPerRank: dec.batchPerRank, cycleMs: Math.round(cycle * 1000), nodes: input.hardware.nodes, promptsPerStep: round2(q), requestsPerSecond: (ranks * q) / cycle}
}

function range(from: number, to: number): number[] {
  const out: number[] = []
  for (let i = from; i <= to; i++) out.push(i)
  return out
}

function fmt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

function fmt1(n: number): string {
  return n >= 100 ? fmt(n) : String(Math.round(n * 10) / 10)
}

function fmtQ(q: number): string {
  return q >= 10 ? fmt(q) : String(Math.round(q * 100) / 100)
}

function pct(n: number): string {
  return `${Math.round(n * 100)} %`
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
