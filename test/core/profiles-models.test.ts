import {describe, expect, it} from 'vitest'

import {isR1Error} from '../../src/core/errors.js'
import {checkpointFor, findModel, requireModel} from '../../src/core/profiles/models.js'
import {loadTestCatalog} from './planner/fixtures.js'

describe('findModel', async () => {
  const {models} = await loadTestCatalog()

  it.each([
    ['r1', 'deepseek-r1', undefined],
    ['R1', 'deepseek-r1', undefined],
    ['deepseek-r1', 'deepseek-r1', undefined],
    ['r1-0528', 'deepseek-r1', 'deepseek-ai/DeepSeek-R1-0528'],
    ['deepseek-ai/DeepSeek-R1', 'deepseek-r1', 'deepseek-ai/DeepSeek-R1'],
    ['meituan/DeepSeek-R1-Channel-INT8', 'deepseek-r1', 'meituan/DeepSeek-R1-Channel-INT8'],
    ['r1-awq', 'deepseek-r1', 'cognitivecomputations/DeepSeek-R1-AWQ'],
    ['r1-fp4', 'deepseek-r1', 'nvidia/DeepSeek-R1-0528-FP4-v2'],
    ['qwen-32b', 'r1-distill-qwen-32b', undefined],
    ['llama-70b', 'r1-distill-llama-70b', undefined],
    ['qwen-1.5b', 'r1-distill-qwen-1.5b', undefined],
    ['llama-8b-awq', 'r1-distill-llama-8b', 'casperhansen/deepseek-r1-distill-llama-8b-awq'],
    ['deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', 'r1-distill-qwen-7b', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B'],
    ['DeepSeek-R1-Distill-Qwen-14B', 'r1-distill-qwen-14b', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B'],
  ])('%s → %s (%s)', (typed, model, repo) => {
    const found = findModel(models, typed)
    expect(found?.model.id).toBe(model)
    expect(found?.checkpoint?.repo).toBe(repo)
  })

  it('no match is null; requireModel makes it a usage error that lists the aliases', () => {
    expect(findModel(models, 'gpt-5')).toBeNull()
    try {
      requireModel(models, 'gpt-5')
      expect.unreachable()
    } catch (error) {
      expect(isR1Error(error) && error.code).toBe('R1_UNKNOWN_MODEL')
      expect((error as Error).message).toBe('no model or checkpoint called "gpt-5"')
      expect(isR1Error(error) && error.suggestions[0]).toContain('qwen-32b')
    }
  })

  it('checkpointFor picks the preferred checkpoint of a quantization (R1: the 0528 FP8 files)', () => {
    const r1 = models.find((m) => m.id === 'deepseek-r1')!
    expect(checkpointFor(r1, 'fp8')?.repo).toBe('deepseek-ai/DeepSeek-R1-0528')
    expect(checkpointFor(r1, 'awq')?.engineQuantization).toEqual({sglang: 'moe_wna16', vllm: 'moe_wna16'})
    expect(checkpointFor(models.find((m) => m.id === 'r1-distill-qwen-1.5b')!, 'awq')).toBeUndefined()
  })

  it('R1 checkpoints: FP8 and BF16 carry the MTP layer; FP4 needs Blackwell; nothing is gated', () => {
    const r1 = models.find((m) => m.id === 'deepseek-r1')!
    expect(r1.checkpoints.map((c) => c.repo)).toEqual([
      'deepseek-ai/DeepSeek-R1-0528',
      'deepseek-ai/DeepSeek-R1',
      'meituan/DeepSeek-R1-Channel-INT8',
      'cognitivecomputations/DeepSeek-R1-AWQ',
      'nvidia/DeepSeek-R1-0528-FP4-v2',
      'unsloth/DeepSeek-R1-0528-BF16',
    ])
    expect(checkpointFor(r1, 'fp8')?.includesMtp).toBe(true)
    expect(checkpointFor(r1, 'fp4')?.requires?.minComputeCapability).toBe('10.0')
    for (const m of models) for (const c of m.checkpoints) expect(c.gated).toBe(false)
  })
})

describe('the model catalog names each thing once', async () => {
  const {models} = await loadTestCatalog()

  it('no id, alias or repository names two different models or checkpoints', () => {
    const owner = new Map<string, string>()
    const clashes: string[] = []
    const claim = (name: string, who: string) => {
      const key = name.toLowerCase()
      const had = owner.get(key)
      if (had !== undefined && had !== who) clashes.push(`${name}: ${had} and ${who}`)
      owner.set(key, who)
    }

    for (const m of models) {
      for (const name of [m.id, ...m.aliases]) claim(name, `model ${m.id}`)
      for (const c of m.checkpoints) for (const name of [c.id, c.repo, ...c.aliases]) claim(name, `checkpoint ${c.id}`)
    }

    expect(clashes).toEqual([])
    expect(owner.size).toBeGreaterThan(40)
  })
})
