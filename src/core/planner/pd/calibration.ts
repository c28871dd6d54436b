/**
 * The efficiencies that turn the rooflines of rates.ts into per-node rates, calibrated on the published
 * measurements of DeepSeek-V3/R1 disaggregated serving (shared/reference/pd-disaggregation.md §1.6, §1.7,
 * §4.1). Pure and deterministic: the same catalog gives the same table.
 *
 * - Prefill efficiency: the geometric mean of published / ideal over LMSYS's three H100 prefill points
 *   (1K, 2K, 4K prompts, 4 nodes EP32, each phase saturated in isolation) [P10].
 * - Decode efficiency: published / ideal at LMSYS's H100 decode point (2K inputs, 256 requests per GPU,
 *   9 nodes EP72, BF16 KV) [P10].
 * The other rows are checks, not fitted: they show how far the model carries to other GPUs, precisions
 * and KV lengths. Every row says what was assumed where the source is silent.
 */
import type {Checkpoint, EngineProfile, GpuProfile, ModelProfile} from '../../profiles/catalog.js'
import {kvBytesPerToken} from '../kv.js'
import {idealDecodePerGpu, idealPrefillPerGpu, type RateGpu} from './rates.js'
import {redundantExperts, roleLayout, roleWeights} from './roles.js'

export interface PublishedRate {
  id: string
  /** Where it was published: a name and a public URL (printed by `r1 plan --json` and the report). */
  source: string
  /** Catalog GPU id. */
  gpu: string
  gpusPerNode: number
  /** Which R1 checkpoint family it ran (FP8 block-quantized, or NVFP4 experts). */
  quantization: 'fp4' | 'fp8'
  phase: 'decode' | 'prefill'
  /** What the source counts: tokens/s per node or per GPU. */
  per: 'gpu' | 'node'
  published: number
  inputTokens: number
  /** Decode: mean KV length per request, requests per GPU, GPUs in the EP group, KV precision. */
  kvLength?: number
  batchPerGpu?: number
  epGpus?: number
  kvDtype?: 'bf16' | 'fp8'
  /** Used to fit the efficiency (else a check). */
  fit: boolean
  conditions: string
}

export const PUBLISHED_RATES: readonly PublishedRate[] = [
  {conditions: '4 nodes EP32, 1K prompts, prefill saturated in isolation', fit: true, gpu: 'h100-sxm', gpusPerNode: 8, id: 'lmsys-h100-prefill-1k', inputTokens: 1000, per: 'node', phase: 'prefill', published: 57_674, quantization: 'fp8', source: 'LMSYS blog, 96 H100 (2025-05-05): https://lmsys.org/blog/2025-05-05-large-scale-ep/'},
  {conditions: '4 nodes EP32, 2K prompts', fit: true, gpu: 'h100-sxm', gpusPerNode: 8, id: 'lmsys-h100-prefill-2k', inputTokens: 2000, per: 'node', phase: 'prefill', published: 54_543, quantization: 'fp8', source: 'LMSYS blog, 96 H100 (2025-05-05): https://lmsys.org/blog/2025-05-05-large-scale-ep/'},
  {conditions: '4 nodes EP32, 4K prompts', fit: true, gpu: 'h100-sxm', gpusPerNode: 8, id: 'lmsys-h100-prefill-4k', inputTokens: 4000, per: 'node', phase: 'prefill', published: 50_302, quantization: 'fp8', source: 'LMSYS blog, 96 H100 (2025-05-05): https://lmsys.org/blog/2025-05-05-large-scale-ep/'},
  {batchPerGpu: 256, conditions: '9 nodes EP72, 2K inputs, 256 requests per GPU, BF16 KV', epGpus: 72, fit: true, gpu: 'h100-sxm', gpusPerNode: 8, id: 'lmsys-h100-decode-2k', inputTokens: 2000, kvDtype: 'bf16', kvLength: 2000, per: 'node', phase: 'decode', published: 22_282, quantization: 'fp8', source: 'LMSYS blog, 96 H100 (2025-05-05): https://lmsys.org/blog/2025-05-05-large-scale-ep/'},
  {batchPerGpu: 256, conditions: 'same, 4K KV with simulated MTP (attention slowed: not a clean decode point)', epGpus: 72, fit: false, gpu: 'h100-sxm', gpusPerNode: 8, id: 'lmsys-h100-decode-4k-mtp', inputTokens: 4000, kvDtype: 'bf16', kvLength: 4000, per: 'node', phase: 'decode', published: 17_373, quantization: 'fp8', source: 'LMSYS blog, 96 H100 (2025-05-05): https://lmsys.org/blog/2025-05-05-large-scale-ep/'},
  {batchPerGpu: 88, conditions: 'production, EP144, mean KV 4,989; batch derived (14.8k / 8 GPUs / about 21 tok/s per request); KV precision assumed BF16', epGpus: 144, fit: false, gpu: 'h800', gpusPerNode: 8, id: 'deepseek-h800-decode', inputTokens: 2000, kvDtype: 'bf16', kvLength: 4989, per: 'node', phase: 'decode', published: 14_800, quantization: 'fp8', source: 'DeepSeek inference system overview (open-infra-index, day 6): https://github.com/deepseek-ai/open-infra-index/blob/main/202502OpenSourceWeek/day_6_one_more_thing_deepseekV3R1_inference_system_overview.md'},
  {conditions: '2K input, FP8 attention + NVFP4 MoE (modelled with the NVFP4 checkpoint)', fit: false, gpu: 'gb200', gpusPerNode: 4, id: 'lmsys-gb200-prefill-fp4', inputTokens: 2000, per: 'gpu', phase: 'prefill', published: 26_156, quantization: 'fp4', source: 'LMSYS blog, GB200 NVL72 part II (2025-09-25): https://lmsys.org/blog/2025-09-25-gb200-part-2/'},
  {conditions: '2K input, BF16 attention + FP8 MoE (modelled with the FP8 checkpoint: FP8 attention too)', fit: false, gpu: 'gb200', gpusPerNode: 4, id: 'lmsys-gb200-prefill-fp8', inputTokens: 2000, per: 'gpu', phase: 'prefill', published: 18_471, quantization: 'fp8', source: 'LMSYS blog, GB200 NVL72 part II (2025-09-25): https://lmsys.org/blog/2025-09-25-gb200-part-2/'},
]

export interface CalibrationRow {
  id: string
  source: string
  gpu: string
  phase: 'decode' | 'prefill'
  per: 'gpu' | 'node'
  conditions: string
  fit: boolean
  published: number
  /** The roofline at 100 % (same unit as published). */
  ideal: number
  /** Ideal × the calibrated efficiency. */
  modelled: number
  /** modelled / published. */
  ratio: number
}

export interface Calibration {
  prefillEfficiency: number
  decodeEfficiency: number
  rows: CalibrationRow[]
}

export interface CalibrationInput {
  model: ModelProfile
  checkpoints: readonly Checkpoint[]
  gpus: readonly GpuProfile[]
  engine: EngineProfile
}

export function rateGpu(gpu: Pick<GpuProfile, 'bandwidthGBs' | 'denseBf16Tflops' | 'fp4' | 'fp8'>): RateGpu | null {
  if (gpu.denseBf16Tflops === null) return null
  return {bandwidthGBs: gpu.bandwidthGBs, denseBf16Tflops: gpu.denseBf16Tflops, fp4: gpu.fp4, fp8: gpu.fp8}
}

const memo = new WeakMap<ModelProfile, Calibration>()

/** Calibrate on the published rates. Rows whose GPU or checkpoint the catalog lacks are left out. */
export function calibrate(input: CalibrationInput): Calibration {
  const held = memo.get(input.model)
  if (held) return held
  const ideals: {rate: PublishedRate; ideal: number}[] = []
  for (const rate of PUBLISHED_RATES) {
    const gpu = input.gpus.find((g) => g.id === rate.gpu)
    const checkpoint = input.checkpoints.find((c) => c.quantization === rate.quantization && c.scheme.weights === (rate.quantization === 'fp8' ? 'fp8_e4m3' : 'nvfp4'))
    const spec = gpu ? rateGpu(gpu) : null
    if (!spec || !checkpoint || input.model.architecture.kind !== 'mla-moe') continue
    const perNode = rate.per === 'node' ? rate.gpusPerNode : 1
    if (rate.phase === 'prefill') {
      ideals.push({ideal: perNode * idealPrefillPerGpu(input.model, checkpoint, spec, rate.inputTokens), rate})
      continue
    }

    const ep = rate.epGpus ?? rate.gpusPerNode
    const layout = roleLayout(input.engine.id, input.model, ep / rate.gpusPerNode, rate.gpusPerNode)
    const w = roleWeights(input.model, checkpoint, input.engine.id, layout, redundantExperts(input.model, ep))
    const a = input.model.architecture
    const ideal = idealDecodePerGpu({
      bandwidthGBs: spec.bandwidthGBs,
      batchPerGpu: rate.batchPerGpu ?? 1,
      expertGroupGpus: ep,
      expertsPerToken: a.numExpertsPerToken,
      kvBytesPerToken: kvBytesPerToken(input.model, layout, rate.kvDtype === 'fp8' ? 'fp8' : 'bf16'),
      kvLength: rate.kvLength ?? rate.inputTokens,
      numExperts: a.numRoutedExperts,
      routedBytesPerGpu: w.routed,
      weightsBytesPerGpu: w.total,
    })
    ideals.push({ideal: perNode * ideal.tokensPerSecond, rate})
  }

  const fitted = (phase: PublishedRate['phase']) => {
    const points = ideals.filter((p) => p.rate.fit && p.rate.phase === phase)
    if (points.length === 0) return phase === 'prefill' ? 0.3 : 0.15
    return Math.exp(points.reduce((s, p) => s + Math.log(p.rate.published / p.ideal), 0) / points.length)
  }

  const prefillEfficiency = fitted('prefill')
  const decodeEfficiency = fitted('decode')
  const rows = ideals.map(({ideal, rate}): CalibrationRow => {
    const modelled = ideal * (rate.phase === 'prefill' ? prefillEfficiency : decodeEfficiency)
    return {conditions: rate.conditions, fit: rate.fit, gpu: rate.gpu, id: rate.id, ideal: Math.round(ideal), modelled: Math.round(modelled), per: rate.per, phase: rate.phase, published: rate.published, ratio: Math.round((modelled / rate.published) * 100) / 100, source: rate.source}
  })
  const result = {decodeEfficiency: round3(decodeEfficiency), prefillEfficiency: round3(prefillEfficiency), rows}
  memo.set(input.model, result)
  return result
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000
}
