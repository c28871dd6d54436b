/**
 * Throughput measured on real systems (published benchmarks, each with its public source), shown
 * beside the roofline ceiling so readers see how far real serving sits below it, and turned into a
 * cost per million output tokens where a figure matches a fleet entry. Output tokens per second.
 */
import type {Quantization} from '../constants.js'
import type {GpuProfile} from '../profiles/catalog.js'
import type {FleetEntry} from './fleet.js'
import type {MeasuredRate, PublishedFigure} from './report.schema.js'
import {costPerMillionTokens} from './roofline.js'

export interface MeasuredFigure {
  setup: string
  workload: string
  engine: string
  outputTokensPerSecond: number
  per: PublishedFigure['per']
  source: string
  /** The GPU it ran on, matched on the catalog profile's names. */
  gpu: RegExp
  gpus: number
  /** Nodes of the measured setup: a figure from a many-node deployment describes only fleets as large. */
  nodes: number
  quantization: Quantization
}

export const MEASURED: readonly MeasuredFigure[] = [
  {engine: 'SGLang 0.5.6.post1', gpu: /\bb200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 105, per: 'deployment', quantization: 'fp8', setup: '8×B200, TP8, R1-0528 FP8, default flags', source: 'SGLang cookbook, DeepSeek-R1 benchmarks: https://github.com/sgl-project/sgl-cookbook', workload: 'random 1K/1K, concurrency 1'},
  {engine: 'SGLang 0.5.6.post1', gpu: /\bb200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 795, per: 'deployment', quantization: 'fp8', setup: '8×B200, TP8, R1-0528 FP8, default flags', source: 'SGLang cookbook, DeepSeek-R1 benchmarks: https://github.com/sgl-project/sgl-cookbook', workload: 'random 1K/1K, concurrency 16'},
  {engine: 'SGLang 0.5.6.post1', gpu: /\bb200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 2283, per: 'deployment', quantization: 'fp8', setup: '8×B200, TP8, R1-0528 FP8, default flags', source: 'SGLang cookbook, DeepSeek-R1 benchmarks: https://github.com/sgl-project/sgl-cookbook', workload: 'random 1K/1K, concurrency 100'},
  {engine: 'SGLang 0.5.6.post1', gpu: /\bb200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 1469, per: 'deployment', quantization: 'fp8', setup: '8×B200, TP8, R1-0528 FP8, default flags', source: 'SGLang cookbook, DeepSeek-R1 benchmarks: https://github.com/sgl-project/sgl-cookbook', workload: 'random 8K/1K, concurrency 100 (59 effective)'},
  {engine: 'SGLang 0.5.8.post1', gpu: /\bb200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 5088, per: 'deployment', quantization: 'fp4', setup: '8×B200, R1-0528 FP4', source: 'third-party benchmarks: SemiAnalysis InferenceMAX (https://inferencemax.semianalysis.com), NVIDIA (https://developer.nvidia.com/blog/nvidia-blackwell-delivers-world-record-deepseek-r1-inference-performance/)', workload: '1K/1K, peak'},
  {engine: 'TensorRT-LLM', gpu: /\bb200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 30000, per: 'deployment', quantization: 'fp4', setup: '8×B200, max-throughput configuration', source: 'third-party benchmarks: SemiAnalysis InferenceMAX (https://inferencemax.semianalysis.com), NVIDIA (https://developer.nvidia.com/blog/nvidia-blackwell-delivers-world-record-deepseek-r1-inference-performance/)', workload: 'max throughput (">30,000")'},
  {engine: 'vLLM recipe', gpu: /\bh200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 61, per: 'deployment', quantization: 'fp8', setup: '8×H200, FP8, TP8+EP', source: 'vLLM recipes, DeepSeek-R1: https://github.com/vllm-project/recipes', workload: '8K in / 1K out, 1 request'},
  {engine: 'vLLM wide-EP', gpu: /\bh200\b/, gpus: 8, nodes: 2, outputTokensPerSecond: 2200, per: 'gpu', quantization: 'fp8', setup: 'H200 + InfiniBand, wide expert parallelism over many nodes', source: 'vLLM blog, wide-EP (2025-12-17): https://blog.vllm.ai/2025/12/17/large-scale-serving.html', workload: 'decode-heavy'},
  {engine: 'SGLang (LMSYS)', gpu: /\bh100\b/, gpus: 8, nodes: 12, outputTokensPerSecond: 22300, per: 'node', quantization: 'fp8', setup: '96×H100 (12 nodes), PD disaggregation, large EP, two-batch overlap', source: 'LMSYS blog, 96 H100 (2025-05-05): https://lmsys.org/blog/2025-05-05-large-scale-ep/', workload: '2,000-token inputs'},
  {engine: 'vLLM (AWQ card)', gpu: /\bh100\b|\bh200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 61.5, per: 'request', quantization: 'awq', setup: '8×H100/H200, AWQ', source: 'model card: https://huggingface.co/cognitivecomputations/DeepSeek-R1-AWQ', workload: 'batch 1, 2K output'},
  {engine: 'vLLM (AWQ card)', gpu: /\bh100\b|\bh200\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 963, per: 'deployment', quantization: 'awq', setup: '8×H100/H200, AWQ', source: 'model card: https://huggingface.co/cognitivecomputations/DeepSeek-R1-AWQ', workload: 'batch 32, 4K in / 256 out: 30.1 tok/s per request × 32'},
  {engine: 'vLLM (AWQ card)', gpu: /\ba100\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 46.8, per: 'request', quantization: 'awq', setup: '8×A100, AWQ', source: 'model card: https://huggingface.co/cognitivecomputations/DeepSeek-R1-AWQ', workload: 'batch 1, 2K output'},
  {engine: 'vLLM (AWQ card)', gpu: /\ba100\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 410, per: 'deployment', quantization: 'awq', setup: '8×A100, AWQ', source: 'model card: https://huggingface.co/cognitivecomputations/DeepSeek-R1-AWQ', workload: 'batch 32, 4K in / 256 out: 12.8 tok/s per request × 32'},
  {engine: 'vLLM (AWQ card)', gpu: /\bl40s\b/, gpus: 8, nodes: 1, outputTokensPerSecond: 46.3, per: 'request', quantization: 'awq', setup: '8×L40S, AWQ', source: 'model card: https://huggingface.co/cognitivecomputations/DeepSeek-R1-AWQ', workload: 'batch 1, 2K output'},
]

const names = new WeakMap<GpuProfile, string>()

function gpuNames(gpu: GpuProfile): string {
  let held = names.get(gpu)
  if (held === undefined) names.set(gpu, (held = [gpu.id, gpu.displayName, ...gpu.aliases].join(' ').toLowerCase().replaceAll(/[-_]/g, ' ')))
  return held
}

/** Does a measured figure describe this fleet entry: same GPU, and the same size (a per-GPU or per-node figure from a many-node deployment: entries of at least as many nodes)? */
function describes(m: MeasuredFigure, f: FleetEntry): boolean {
  if (!m.gpu.test(gpuNames(f.gpu))) return false
  return m.per === 'gpu' || m.per === 'node' ? f.nodes >= m.nodes : f.gpusPerNode * f.nodes === m.gpus * m.nodes
}

/** The figure as output tokens/s of the whole entry: per GPU × its GPUs, per node × its nodes; a per-request figure is batch 1. */
export function entryRate(m: Pick<MeasuredFigure, 'outputTokensPerSecond' | 'per'>, f: Pick<FleetEntry, 'gpusPerNode' | 'nodes'>): number {
  if (m.per === 'gpu') return m.outputTokensPerSecond * f.gpusPerNode * f.nodes
  if (m.per === 'node') return m.outputTokensPerSecond * f.nodes
  return m.outputTokensPerSecond
}

/**
 * The best published measurement (highest rate on the whole entry) of R1 for this entry and
 * checkpoint family, as a whole-entry rate; null when none matches. Only figures of one deployment
 * of the same GPU count (per deployment, or one request): the per-node and per-GPU figures come from
 * many-node disaggregated or wide-EP systems, which an aggregated plan is not (the disaggregated
 * rows compare with those).
 */
export function measuredFor(f: FleetEntry, quantization: Quantization): MeasuredRate | null {
  const key = `${f.gpusPerNode}|${f.nodes}|${quantization}`
  let byGpu = measuredMemo.get(f.gpu)
  if (!byGpu) measuredMemo.set(f.gpu, (byGpu = new Map()))
  if (byGpu.has(key)) return byGpu.get(key)!
  let best: MeasuredRate | null = null
  for (const m of MEASURED) {
    if (m.quantization !== quantization || m.per === 'gpu' || m.per === 'node' || !describes(m, f)) continue
    const rate = entryRate(m, f)
    if (best && best.outputTokensPerSecond >= rate) continue
    best = {engine: m.engine, outputTokensPerSecond: rate, per: m.per, published: m.outputTokensPerSecond, setup: m.setup, source: m.source, workload: m.workload}
  }

  byGpu.set(key, best)
  return best
}

const measuredMemo = new WeakMap<GpuProfile, Map<string, MeasuredRate | null>>()

export interface CeilingOf {
  atConcurrency: number | null
  atBatch1: number | null
  /** GPUs the layout behind the ceiling occupies. */
  gpus: number | null
}

/**
 * The measured figures that describe one of the fleet's entries: same GPU, the checkpoint family's
 * quantization, and the same size (the same GPU count; a per-GPU or per-node figure from a
 * many-node deployment only for entries of at least as many nodes). Only entries the report has a
 * ceiling for are listed; a figure that matches none is left out. Each match carries the cost per
 * million output tokens at the ceiling and at the figure (with the entry's price).
 */
export function matchPublished(fleet: readonly FleetEntry[], ceilingOf: (fleet: string, quantization: Quantization) => CeilingOf): PublishedFigure[] {
  const out: PublishedFigure[] = []
  for (const m of MEASURED) {
    const matches: PublishedFigure['matches'] = []
    for (const f of fleet) {
      if (!describes(m, f)) continue
      const c = ceilingOf(f.name, m.quantization)
      if (c.atConcurrency === null) continue
      const gpus = c.gpus ?? f.gpusPerNode * f.nodes
      matches.push({
        ceiling: c.atConcurrency,
        ceilingBatch1: c.atBatch1,
        costPerMillionTokensAtCeiling: round3(costPerMillionTokens(f.pricePerGpuHour, gpus, c.atConcurrency)),
        costPerMillionTokensMeasured: round3(costPerMillionTokens(f.pricePerGpuHour, f.gpusPerNode * f.nodes, entryRate(m, f))),
        fleet: f.name,
        quantization: m.quantization,
      })
    }

    if (matches.length === 0) continue
    out.push({engine: m.engine, matches, outputTokensPerSecond: m.outputTokensPerSecond, per: m.per, setup: m.setup, source: m.source, workload: m.workload})
  }

  return out
}

export function round3(n: number | null): number | null {
  return n === null ? null : Math.round(n * 1000) / 1000
}
