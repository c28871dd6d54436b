import {describe, expect, it} from 'vitest'

import {kvBytesPerToken} from '../../../src/core/planner/kv.js'
import {layout, loadTestCatalog} from './fixtures.js'

describe('KV bytes per token per GPU (memory.md §1.3)', async () => {
  const cat = await loadTestCatalog()
  const model = (id: string) => cat.models.find((m) => m.id === id)!

  it('R1 MLA: 61 x 576 x 2 = 70,272 B, the same on every TP rank; FP8 halves it', () => {
    expect(kvBytesPerToken(model('deepseek-r1'), layout(1), 'bf16')).toBe(70_272)
    expect(kvBytesPerToken(model('deepseek-r1'), layout(8), 'bf16')).toBe(70_272)
    expect(kvBytesPerToken(model('deepseek-r1'), layout(16), 'fp8')).toBe(35_136)
  })

  it('R1 with MTP adds one layer of latent; PP splits the layers', () => {
    expect(kvBytesPerToken(model('deepseek-r1'), layout(8), 'bf16', {speculative: 'mtp'})).toBe(62 * 576 * 2)
    expect(kvBytesPerToken(model('deepseek-r1'), layout(8, {pipelineParallel: 2}), 'bf16')).toBe(31 * 576 * 2)
  })

  it.each([
    ['r1-distill-qwen-1.5b', 1, 28_672],
    ['r1-distill-qwen-7b', 1, 57_344],
    ['r1-distill-qwen-7b', 2, 28_672],
    ['r1-distill-qwen-14b', 2, 98_304],
    ['r1-distill-qwen-32b', 4, 65_536],
    ['r1-distill-llama-8b', 1, 131_072],
    ['r1-distill-llama-70b', 8, 40_960],
  ])('%s at TP%d: %d B', (id, tp, bytes) => {
    expect(kvBytesPerToken(model(id), layout(tp), 'bf16')).toBe(bytes)
  })

  it('GQA heads are replicated when TP exceeds them (Qwen-1.5B has 2 KV heads)', () => {
    expect(kvBytesPerToken(model('r1-distill-qwen-1.5b'), layout(4), 'bf16')).toBe(28 * 2 * 1 * 128 * 2)
  })
})
