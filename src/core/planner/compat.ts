/**
 * Whether an engine can serve a checkpoint on a GPU at all, and with what: dtype, attention
 * backend, KV dtype, MTP. Facts come from profiles/engines/*.json. Pure; reasons in plain words.
 */
import type {QuantKernel} from '../profiles/engine.schema.js'
import {ccNumber, compareVersions, gpuCc, inCcRange, pickAttentionBackend} from './engine-defaults.js'
import type {KvCacheDtype} from './plan.schema.js'
import type {CompatInput, CompatResult} from './types.js'

const QUANT_WORDS: Record<string, string> = {awq: 'AWQ 4-bit', bf16: 'BF16', fp4: 'NVFP4', fp8: 'FP8', int8: 'INT8'}

function archOf(cc: string): string {
  const n = ccNumber(cc)
  if (n >= 120) return 'Blackwell (RTX)'
  if (n >= 100) return 'Blackwell'
  if (n >= 90) return 'Hopper'
  if (n === 89) return 'Ada'
  if (n === 87) return 'Jetson Orin'
  if (n >= 80) return 'Ampere'
  if (n >= 75) return 'Turing'
  if (n >= 70) return 'Volta'
  if (n >= 60) return 'Pascal'
  return 'pre-Pascal'
}

function describeKernels(kernels: QuantKernel[]): string {
  return kernels.map((k) => `${k.kernel} (compute capability ${k.minCc}${k.maxCc ? `–${k.maxCc}` : ' or newer'})`).join('; ')
}

export function checkCompatibility(input: CompatInput): CompatResult {
  const {checkpoint, engine, gpu, layout, model} = input
  const reasons: string[] = []
  const notes: string[] = []
  const cc = gpuCc(gpu)
  const name = engine.displayName
  const result = (dtype: 'bfloat16' | 'half', kv: KvCacheDtype, backend: string | null, speculative: 'mtp' | null): CompatResult => ({
    attentionBackend: backend,
    dtype,
    kvCacheDtype: kv,
    notes,
    ok: reasons.length === 0,
    reasons,
    speculative,
  })

  if (cc === null) {
    notes.push(`the architecture of ${gpu.name} is unknown: assuming compute capability 8.0 (Ampere)`)
  }

  const ccv = cc ?? '8.0'
  if (ccNumber(ccv) < ccNumber(engine.minComputeCapability)) {
    const pascal = ccNumber(ccv) < 70 ? ' Pascal and older GPUs are not supported by vLLM or SGLang; llama.cpp with a GGUF file is the way on this card.' : ''
    reasons.push(`${name} needs compute capability ${engine.minComputeCapability} or newer; ${gpu.name} is ${ccv} (${archOf(ccv)}).${pascal}`)
    return result('half', 'fp16', null, null)
  }

  const dtype: 'bfloat16' | 'half' = ccNumber(ccv) < ccNumber(engine.bf16MinComputeCapability) ? 'half' : 'bfloat16'
  if (dtype === 'half') notes.push('no bf16 below sm_80: serving in fp16')

  // The checkpoint's kernels on this architecture.
  const forFamily = engine.quantKernels.filter((k) => k.quantization === checkpoint.quantization && (k.family === null || k.family === model.family))
  const kernel = forFamily.find((k) => inCcRange(ccv, k) && (k.minVersion === null || compareVersions(input.engineVersion, k.minVersion) >= 0))
  const words = QUANT_WORDS[checkpoint.quantization] ?? checkpoint.quantization
  if (forFamily.length === 0) {
    reasons.push(`${name} has no kernels for this ${words} checkpoint (${checkpoint.repo}); try the other engine or another quantization`)
  } else if (kernel) {
    if (kernel.weightOnly && checkpoint.quantization === 'fp8') notes.push(`FP8 runs weight-only here (${kernel.kernel}): no FP8 compute below compute capability 8.9`)
  } else {
    const tooOld = forFamily.find((k) => inCcRange(ccv, k))
    reasons.push(
      tooOld
        ? `${name} ${input.engineVersion} is too old for ${words} on ${archOf(ccv)}: ${tooOld.kernel} needs ${name} ${tooOld.minVersion} or newer`
        : `${words} checkpoints need ${describeKernels(forFamily)} on ${name}; ${gpu.name} is ${ccv} (${archOf(ccv)})`,
    )
  }

  const req = checkpoint.requires
  if (req?.minComputeCapability && ccNumber(ccv) < ccNumber(req.minComputeCapability)) {
    const why = req.note ? `: ${req.note}` : ''
    const reason = `${checkpoint.repo} needs compute capability ${req.minComputeCapability} or newer${why}`
    if (!reasons.some((r) => r.startsWith(words))) reasons.push(reason)
  }

  // Attention backend and KV dtype.
  const backend = pickAttentionBackend(engine, model, gpu, input.kvCacheDtype)
  let kv: KvCacheDtype = dtype === 'half' ? 'fp16' : 'bf16'
  if (input.kvCacheDtype === 'fp8') {
    if (backend) {
      kv = 'fp8'
    } else {
      const kind = model.architecture.kind === 'mla-moe' ? 'mla' : 'mha'
      const fp8 = engine.attentionBackends.filter((b) => b.kind === kind && b.fp8Kv)
      const names = fp8.map((b) => b.name).join(' or ')
      const archs = [...new Set(fp8.map((b) => archOf(b.minCc)))].join(', ')
      reasons.push(`FP8 KV cache needs ${names} (${archs}); ${gpu.name} is ${ccv} (${archOf(ccv)})`)
    }
  }

  const chosen = backend ?? pickAttentionBackend(engine, model, gpu, 'auto')
  if (!chosen && reasons.length === 0) reasons.push(`${name} has no attention backend for ${model.displayName} on compute capability ${ccv}`)

  // MTP speculative decoding: R1 only, for latency, on Hopper/Blackwell, when the checkpoint carries the layer.
  let speculative: 'mtp' | null = null
  if (input.goal === 'latency' && model.family === 'r1') {
    if (!checkpoint.includesMtp) notes.push(`${checkpoint.repo} does not carry the MTP layer: no speculative decoding`)
    else if (ccNumber(ccv) < ccNumber(engine.mtp.minCc)) notes.push(`MTP speculative decoding is proposed on Hopper and Blackwell only`)
    else speculative = 'mtp'
  }

  // Layout rules that belong to the engine.
  const moe = model.architecture.kind === 'mla-moe'
  if (layout.dpAttention && !engine.parallel.dpAttention) reasons.push(`${name} has no DP attention: ${engine.parallel.note}`)
  if (layout.dpAttention && !moe) reasons.push(`DP attention is for MLA models (DeepSeek-R1); ${model.displayName} uses standard attention`)
  if (layout.dpAttention && layout.dataParallel > layout.tensorParallel) reasons.push('with DP attention the DP size cannot exceed the TP size')
  if (layout.expertParallel > 1 && !moe) reasons.push(`expert parallel needs a mixture-of-experts model; ${model.displayName} is dense`)
  const a = model.architecture
  if (a.kind === 'gqa-dense' && a.numAttentionHeads % layout.tensorParallel !== 0) {
    reasons.push(`TP ${layout.tensorParallel} does not divide the ${a.numAttentionHeads} attention heads of ${model.displayName}`)
  }

  if (gpu.unifiedMemory) notes.push('unified memory (Jetson / superchip): the GPU shares it with the OS, keep the utilization near 0.8')
  return result(dtype, kv, chosen?.name ?? null, speculative)
}
