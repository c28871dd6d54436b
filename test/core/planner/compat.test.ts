import {describe, expect, it} from 'vitest'

import {checkCompatibility} from '../../../src/core/planner/compat.js'
import type {CompatInput} from '../../../src/core/planner/types.js'
import {GPUS, layout, loadTestCatalog, pick} from './fixtures.js'

describe('checkCompatibility', async () => {
  const cat = await loadTestCatalog()
  const check = (ck: string, engine: 'sglang' | 'vllm', g: keyof typeof GPUS, extra: Partial<CompatInput> = {}) => {
    const p = pick(cat, ck, engine)
    return checkCompatibility({
      checkpoint: p.checkpoint,
      engine: p.engine,
      engineVersion: p.engine.defaultVersion,
      goal: 'throughput',
      gpu: GPUS[g],
      kvCacheDtype: 'auto',
      layout: layout(8),
      model: p.model,
      ...extra,
    })
  }

  it('P100: no engine, with the reason', () => {
    for (const engine of ['vllm', 'sglang'] as const) {
      const r = check('qwen-1.5b-bf16', engine, 'p100', {layout: layout(1)})
      expect(r.ok).toBe(false)
      expect(r.reasons[0]).toMatch(/needs compute capability (7\.5|8\.0) or newer; Tesla P100-PCIE-16GB is 6\.0 \(Pascal\)/)
      expect(r.reasons[0]).toContain('llama.cpp')
    }
  })

  it('T4: vLLM serves distills in fp16 with a note; SGLang does not run on sm_75', () => {
    const r = check('qwen-1.5b-bf16', 'vllm', 't4', {layout: layout(1)})
    expect(r).toMatchObject({dtype: 'half', kvCacheDtype: 'fp16', ok: true})
    expect(r.notes).toContain('no bf16 below sm_80: serving in fp16')
    expect(check('qwen-1.5b-bf16', 'sglang', 't4', {layout: layout(1)}).ok).toBe(false)
  })

  it('FP8 W8A8 from sm_89: Qwen-14B FP8 runs on an RTX 4090; on Ampere vLLM runs it weight-only through Marlin, SGLang not at all', () => {
    expect(check('qwen-14b-fp8', 'vllm', 'rtx4090', {layout: layout(1)})).toMatchObject({dtype: 'bfloat16', ok: true})
    const marlin = check('qwen-14b-fp8', 'vllm', 'a100', {layout: layout(1)})
    expect(marlin.ok).toBe(true)
    expect(marlin.notes.join(' ')).toContain('weight-only')
    const sglang = check('qwen-14b-fp8', 'sglang', 'a100', {layout: layout(1)})
    expect(sglang.ok).toBe(false)
    expect(sglang.reasons[0]).toContain('compute capability 8.9 or newer')
  })

  it('NVFP4 only on Blackwell', () => {
    expect(check('r1-0528-fp4', 'sglang', 'b200').ok).toBe(true)
    const h200 = check('r1-0528-fp4', 'sglang', 'h200')
    expect(h200.ok).toBe(false)
    expect(h200.reasons.join(' ')).toContain('10.0')
  })

  it('INT8 W8A8 R1 and AWQ (moe_wna16) on A100 with SGLang; vLLM has no loader for the channel-INT8 R1', () => {
    expect(check('r1-int8', 'sglang', 'a100').ok).toBe(true)
    expect(check('r1-awq', 'sglang', 'a100').ok).toBe(true)
    expect(check('r1-awq', 'vllm', 'a100').ok).toBe(true)
    expect(check('r1-int8', 'vllm', 'a100').ok).toBe(false)
  })

  it('MLA backend per architecture and engine', () => {
    expect(check('r1-fp8', 'sglang', 'h200').attentionBackend).toBe('fa3')
    expect(check('r1-fp8', 'sglang', 'b200').attentionBackend).toBe('trtllm_mla')
    expect(check('r1-fp8', 'vllm', 'h200').attentionBackend).toBe('FLASH_ATTN_MLA')
    expect(check('r1-fp8', 'vllm', 'b200').attentionBackend).toBe('FLASHINFER_MLA')
    expect(check('r1-awq', 'vllm', 'a100').attentionBackend).toBe('TRITON_MLA')
    expect(check('r1-awq', 'sglang', 'a100').attentionBackend).toBe('triton')
  })

  it('FP8 KV cache: FlashMLA on Hopper; refused on Ampere with the reason', () => {
    expect(check('r1-fp8', 'sglang', 'h200', {kvCacheDtype: 'fp8'})).toMatchObject({attentionBackend: 'flashmla', kvCacheDtype: 'fp8', ok: true})
    expect(check('r1-fp8', 'vllm', 'h200', {kvCacheDtype: 'fp8'})).toMatchObject({attentionBackend: 'FLASHMLA', kvCacheDtype: 'fp8', ok: true})
    const a100 = check('r1-awq', 'vllm', 'a100', {kvCacheDtype: 'fp8'})
    expect(a100.ok).toBe(false)
    expect(a100.reasons[0]).toMatch(/^FP8 KV cache needs .*FLASHMLA.* \(.*Hopper.*\)/)
    expect(check('r1-fp8', 'sglang', 'h200', {kvCacheDtype: 'auto'}).kvCacheDtype).toBe('bf16')
  })

  it('MTP speculative decoding for R1 on Hopper/Blackwell when the goal is latency', () => {
    expect(check('r1-fp8', 'sglang', 'h200', {goal: 'latency'}).speculative).toBe('mtp')
    expect(check('r1-fp8', 'vllm', 'b200', {goal: 'latency'}).speculative).toBe('mtp')
    expect(check('r1-fp8', 'sglang', 'h200', {goal: 'throughput'}).speculative).toBeNull()
    const awq = check('r1-awq', 'sglang', 'a100', {goal: 'latency'})
    expect(awq.speculative).toBeNull()
    expect(awq.notes.join(' ')).toContain('MTP')
  })

  it('layout rules: DP attention is SGLang and MLA only; EP only for MoE; TP must divide the heads', () => {
    expect(check('r1-fp8', 'sglang', 'h200', {layout: layout(8, {dataParallel: 8, dpAttention: true, expertParallel: 8})}).ok).toBe(true)
    expect(check('r1-fp8', 'vllm', 'h200', {layout: layout(8, {dataParallel: 8, dpAttention: true})}).reasons[0]).toContain('vLLM has no DP attention')
    expect(check('qwen-32b-bf16', 'sglang', 'h200', {layout: layout(8, {expertParallel: 8})}).reasons[0]).toContain('expert parallel needs a mixture-of-experts model')
    expect(check('qwen-14b-bf16', 'vllm', 'h200', {layout: layout(3)}).reasons[0]).toContain('TP 3 does not divide the 40 attention heads')
  })

  it('Jetson Orin: distills run on vLLM, with the unified-memory note', () => {
    const r = check('qwen-7b-bf16', 'vllm', 'orin', {layout: layout(1)})
    expect(r.ok).toBe(true)
    expect(r.notes.join(' ')).toContain('unified memory')
  })
})
