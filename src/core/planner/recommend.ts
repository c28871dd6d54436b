/**
 * The recommendation: rank the search's candidates and explain the pick in plain words.
 *
 * The rule (also in `r1 plan --help` and the README):
 *  1. the strongest model that serves the requested context with useful concurrency: at least
 *     `minConcurrency` (4) requests of the full context at once; when no model reaches that, the
 *     strongest that serves one;
 *  2. its best checkpoint: the publisher's own (R1 FP8, the distills' BF16), then BF16/FP8,
 *     INT8, NVFP4, AWQ (FP8 that runs weight-only, below sm_89, after INT8);
 *  3. the engine that suits the architecture: SGLang for R1 (MLA, MoE) on sm_80 and newer,
 *     vLLM for the distills and below sm_80 (the other engine when the preferred one cannot);
 *  4. the layout that suits the goal: throughput fills the GPUs, then for R1 takes the most
 *     concurrent requests (DP attention), for a distill the most replicas; latency takes the
 *     widest TP on one node, one replica.
 */
import type {Goal, Quantization} from '../constants.js'
import type {Candidate} from './search.js'
import {fmtInt} from './search.js'
import {modelStrength as strength} from '../profiles/strength.js'

export interface RecommendRules {
  goal: Goal
  /** Requests of the full context that count as useful concurrency. */
  minConcurrency?: number
  /** The checkpoint --model named by the model's own repository: first among equals, and the reasons say why when it is not chosen. */
  named?: string
}

export interface Recommendation {
  /** The pick: fitting when anything fits, else the closest candidate (with its reasons). */
  best: Candidate | null
  /** One candidate per model × checkpoint × engine (its best layout), best first. */
  ranked: Candidate[]
  /** Two to four lines on why. */
  why: string[]
}

export const MIN_CONCURRENCY = 4

export const RECOMMENDATION_RULE = `The strongest model (by the mean pass@1 of DeepSeek's published AIME 2024, MATH-500, GPQA Diamond and LiveCodeBench figures) that serves the requested context with at least ${MIN_CONCURRENCY} requests of that length at once (else the strongest that serves one); its own checkpoint before quantized ones (BF16/FP8, INT8, NVFP4, AWQ); SGLang for R1 on sm_80+, vLLM for the distills and older GPUs; for --goal throughput the layout that uses the most GPUs and holds the most requests at once for R1 (DP attention) or has the most replicas for a distill, for latency the widest tensor parallelism on one node. When a preference (the checkpoint, the engine) costs requests at once, the reasons say how many.`

const QUANT_TIER: Record<Quantization, number> = {awq: 4, bf16: 1, fp4: 3, fp8: 1, int8: 2}

/**
 * 0 = the publisher's own checkpoint; higher = more quantized. FP8 below compute capability 8.9
 * runs weight-only (Marlin W8A16, engines.md §2.5), a path that broke for R1's block-FP8 MoE in
 * 2025: it ranks after INT8 there.
 */
export function checkpointTier(c: Candidate): number {
  const base = c.checkpoint.repo.startsWith('deepseek-ai/') ? 0 : QUANT_TIER[c.checkpoint.quantization]
  const cc = c.plan.gpu.computeCapability
  const weightOnlyFp8 = c.checkpoint.quantization === 'fp8' && cc !== null && Number.parseFloat(cc) < 8.9
  return weightOnlyFp8 ? Math.max(base, 2.5) : base
}

/** The engine that suits the model's architecture on this GPU (true = preferred). */
export function preferredEngine(c: Candidate): boolean {
  const cc = c.plan.gpu.computeCapability
  const sm80 = cc === null || Number.parseFloat(cc) >= 8
  const wants = c.model.architecture.kind === 'mla-moe' && sm80 ? 'sglang' : 'vllm'
  return c.engine.id === wants
}

function useful(c: Candidate, min: number): boolean {
  return c.plan.fits && c.plan.maxConcurrency >= min
}

/** Higher is better: how well a layout suits the goal (compared within one model × checkpoint × engine). */
function layoutScore(c: Candidate, goal: Goal): number[] {
  const l = c.layout
  const replicas = l.dpAttention ? 1 : l.dataParallel
  const ep = c.engine.id === 'vllm' ? Number(l.expertParallel > 1) : Number(l.expertParallel === 1)
  // R1 (MoE, MLA) is bound by how many requests share each expert read: the most concurrent requests
  // first (DP attention). A dense distill is bound by compute: the most replicas first.
  if (goal === 'throughput' && c.model.architecture.kind === 'mla-moe') {
    return [c.gpus, c.plan.maxConcurrency, replicas, -l.nodes, -l.pipelineParallel, ep]
  }

  if (goal === 'throughput') return [c.gpus, replicas, c.plan.maxConcurrency, -l.nodes, -l.pipelineParallel, ep]
  return [-l.nodes, -l.pipelineParallel, l.tensorParallel, -replicas, -Number(l.dpAttention), ep, c.plan.maxConcurrency]
}

function compareVectors(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i] - a[i]
  return 0
}

/** How close a candidate that does not fit comes (higher = closer): it can run at all, its weights fit, then the least memory short. */
function closeness(c: Candidate): number[] {
  const m = c.plan.memory
  const short = m.weightsGiB + m.activationGiB + m.overheadGiB - m.usableGiB
  return [Number(c.compat.ok), Number(short < 0), c.plan.maxContextTokens, -Math.max(0, short)]
}

export function recommend(candidates: readonly Candidate[], rules: RecommendRules): Recommendation {
  const min = rules.minConcurrency ?? MIN_CONCURRENCY
  // The best layout of each model × checkpoint × engine; a group is useful when any of its layouts is.
  const groups = new Map<string, Candidate>()
  const usefulGroups = new Set<string>()
  const keys = new Map<Candidate, string>()
  for (const c of candidates) {
    const key = groupKey(c)
    keys.set(c, key)
    if (useful(c, min)) usefulGroups.add(key)
    const held = groups.get(key)
    if (!held || compareLayouts(c, held, rules.goal, min) < 0) groups.set(key, c)
  }

  const isUseful = (c: Candidate) => usefulGroups.has(keys.get(c) ?? groupKey(c))
  const ranked = [...groups.values()].sort((a, b) => compareCandidates(a, b, rules.goal, isUseful, rules.named))
  const best = ranked[0] ?? null
  return {best, ranked, why: best ? explain(best, ranked, rules.goal, min, isUseful(best), rules.named) : []}
}

function groupKey(c: Candidate): string {
  return `${c.model.id}|${c.checkpoint.id}|${c.engine.id}`
}

/** Negative when a is better than b. Throughput wants useful concurrency first; latency takes what fits. */
function compareLayouts(a: Candidate, b: Candidate, goal: Goal, min: number): number {
  if (!a.plan.fits && !b.plan.fits) return compareVectors(closeness(a), closeness(b)) || compareVectors(layoutScore(a, goal), layoutScore(b, goal))
  const key = (c: Candidate) => [Number(c.plan.fits), goal === 'throughput' ? Number(useful(c, min)) : 0, ...layoutScore(c, goal)]
  return compareVectors(key(a), key(b))
}

/** Negative when a is better than b. */
export function compareCandidates(a: Candidate, b: Candidate, goal: Goal, isUseful: (c: Candidate) => boolean, named?: string): number {
  // Nothing fits: the closest first (it can run at all, its weights fit, the longest context), then the strongest.
  if (!a.plan.fits && !b.plan.fits) {
    return compareVectors([...closeness(a), strength(a.model), Number(preferredEngine(a)), -checkpointTier(a)], [...closeness(b), strength(b.model), Number(preferredEngine(b)), -checkpointTier(b)])
  }

  const head = (c: Candidate) => [Number(c.plan.fits), Number(c.plan.fits && isUseful(c)), strength(c.model), Number(c.checkpoint.id === named), -checkpointTier(c), Number(preferredEngine(c))]
  return compareVectors(head(a), head(b)) || compareVectors(layoutScore(a, goal), layoutScore(b, goal))
}

function explain(best: Candidate, ranked: readonly Candidate[], goal: Goal, min: number, bestUseful: boolean, named?: string): string[] {
  const p = best.plan
  const ctx = fmtInt(p.contextLength)
  if (!p.fits) {
    const lines = [`Nothing fits as asked. The closest is ${best.model.displayName} ${label(best)} on ${engineName(best)}: ${sentence(p.reasons[0] ?? 'it does not fit')}`]
    if (best.compat.ok) lines.push('Try a smaller --context, a quantized checkpoint (--quantization awq|fp4|int8), more GPUs (--count, --nodes) or a smaller model.')
    return lines
  }

  const lines: string[] = []
  const conc = fmtConc(p.maxConcurrency)
  const score = `${strengthText(best.model)}`
  const stronger = ranked.filter((c) => strength(c.model) > strength(best.model))
  if (bestUseful) {
    const strongest = stronger[0]
    const most = strongest ? Math.max(0, ...ranked.filter((c) => c.model.id === strongest.model.id && c.plan.fits).map((c) => c.plan.maxConcurrency)) : 0
    const why = !strongest
      ? ''
      : most >= 1
        ? ` ${strongest.model.displayName} (${strengthText(strongest.model)}) fits but holds at most ${fmtConc(most)} at once.`
        : ` ${strongest.model.displayName} (${strengthText(strongest.model)}) does not fit: ${sentence(strongest.plan.reasons[0] ?? 'not enough memory')}`
    lines.push(`${best.model.displayName}: the strongest model (${score}) with at least ${min} requests of ${ctx} tokens at once.${why}`)
  } else {
    lines.push(`No model serves ${min} requests of ${ctx} tokens at once; ${best.model.displayName} (${score}) is the strongest that serves one (${conc} here). A smaller --context serves more.`)
  }

  const namedLine = namedWhy(best, ranked, named)
  if (namedLine) lines.push(namedLine)
  lines.push(checkpointWhy(best, ranked, min, goal))
  lines.push(engineWhy(best, ranked, min, goal))
  lines.push(layoutWhy(best, goal))
  return lines
}

/** "mean pass@1 78.6" */
function strengthText(m: Candidate['model']): string {
  return m.evaluation ? `mean pass@1 ${strength(m).toFixed(1)}` : 'no published evaluation'
}

/** --model named the original repository, and another checkpoint was chosen: why. */
function namedWhy(best: Candidate, ranked: readonly Candidate[], named?: string): string | null {
  if (!named || best.checkpoint.id === named) return null
  const own = ranked.find((c) => c.checkpoint.id === named)
  if (!own) return null
  const repo = `${own.checkpoint.repo} (${label(own)})`
  const because = own.plan.fits ? `holds ${fmtConc(own.plan.maxConcurrency)} at once on ${engineName(own)}` : `does not fit: ${(own.plan.reasons[0] ?? 'not enough memory').replace(/\.$/, '')}`
  return `${repo} ${because}; its ${label(best)} checkpoint ${best.checkpoint.repo} ${own.plan.fits ? 'ranks first by the rule below' : 'fits'}.`
}

/** The most requests at once among fitting rows matching `pick`, or null. */
function mostAtOnce(ranked: readonly Candidate[], pick: (c: Candidate) => boolean): Candidate | null {
  let top: Candidate | null = null
  for (const c of ranked) if (c.plan.fits && pick(c) && (!top || c.plan.maxConcurrency > top.plan.maxConcurrency)) top = c
  return top
}

/** Why this checkpoint: the model's own (and what a quantized one would hold, when more), or why the better ones lost. */
function checkpointWhy(best: Candidate, ranked: readonly Candidate[], min: number, goal: Goal): string {
  const alt = goal === 'throughput' ? mostAtOnce(ranked, (c) => c.model.id === best.model.id && c.checkpoint.id !== best.checkpoint.id) : null
  const cost = alt && Math.floor(alt.plan.maxConcurrency) > Math.floor(best.plan.maxConcurrency)
    ? `; ${label(alt)} would hold ${fmtConc(alt.plan.maxConcurrency)} at once on ${engineName(alt)} (--quantization ${alt.checkpoint.quantization})`
    : ''
  if (checkpointTier(best) === 0) return `${label(best)}: the model's own checkpoint, preferred to quantized ones${cost}.`
  if (!ranked.some((c) => c.model.id === best.model.id && c.checkpoint.id !== best.checkpoint.id)) return `${label(best)} (${best.plan.checkpoint}): the only checkpoint searched (as --model/--quantization ask).`
  const better = ranked.filter((c) => c.model.id === best.model.id && c.engine.id === best.engine.id && checkpointTier(c) < checkpointTier(best))
  // The checkpoint that would have been preferred: the least quantized, the model's own first.
  const first = [...better].sort((a, b) => checkpointTier(a) - checkpointTier(b))[0]
  return `${label(best)} (${best.plan.checkpoint})${first ? `, because on ${best.engine.displayName} ${label(first)} ${verdict(first, min)}` : ''}.`
}

/** Why this engine: it suits the architecture (and what the other engine would hold, when more), or the one that does cannot serve it as well. */
function engineWhy(best: Candidate, ranked: readonly Candidate[], min: number, goal: Goal): string {
  const r1 = best.model.architecture.kind === 'mla-moe'
  if (preferredEngine(best)) {
    const other = goal === 'throughput' ? mostAtOnce(ranked, (c) => c.model.id === best.model.id && c.checkpoint.id === best.checkpoint.id && c.engine.id !== best.engine.id) : null
    const cost = other && Math.floor(other.plan.maxConcurrency) > Math.floor(best.plan.maxConcurrency)
      ? ` over the goal; ${other.engine.displayName} would hold ${fmtConc(other.plan.maxConcurrency)} at once (--engine ${other.engine.id})`
      : ''
    return r1
      ? `SGLang: preferred for R1 (MLA, DP attention, DeepEP, MTP)${cost}.`
      : `${best.engine.displayName}: preferred for the dense distills (the widest range of GPUs)${cost}.`
  }

  const other = ranked.find((c) => c.model.id === best.model.id && preferredEngine(c))
  return other
    ? `${best.engine.displayName}, because ${other.engine.displayName} ${verdict(other, min)} with its best checkpoint (${label(other)}).`
    : `${best.engine.displayName} is the engine that serves it here.`
}

function verdict(c: Candidate, min: number): string {
  if (!c.plan.fits) return `does not fit: ${(c.plan.reasons[0] ?? 'not enough memory').replace(/\.$/, '')}`
  return c.plan.maxConcurrency < min ? `serves only ${fmtConc(c.plan.maxConcurrency)} at once` : 'serves fewer requests at once'
}

function layoutWhy(c: Candidate, goal: Goal): string {
  const aim =
    goal === 'throughput'
      ? c.model.architecture.kind === 'mla-moe'
        ? `the ${engineName(c)} layout using the most GPUs that holds the most requests at once (--goal throughput)`
        : `the ${engineName(c)} layout using the most GPUs with the most replicas (--goal throughput)`
      : 'the widest tensor parallelism on one node, for the lowest latency per request (--goal latency)'
  return `Layout: ${aim}.`
}

export function label(c: Candidate): string {
  return c.checkpoint.quantization.toUpperCase()
}

export function engineName(c: Candidate): string {
  return c.engine.displayName
}

/** A reason as the end of a sentence: one final period. */
function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`
}

/** Requests at once as people read them: whole requests. */
function fmtConc(n: number): string {
  return fmtInt(Math.floor(n))
}
