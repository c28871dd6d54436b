// detect's warning about GPU memory other processes hold: it says what r1 plan does about it (sizes the engines to
// what is free) and, only where it is true, that vLLM 0.9.1+ at its default --gpu-memory-utilization 0.9 will not start.
// Captures from shared/fixtures/nvidia-smi (test/fixtures/nvidia-smi), verbatim.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../../src/core/detect/capture.js'
import {isBusyMemoryWarning, servingWarnings} from '../../../src/core/detect/classify.js'
import type {DetectedGpu} from '../../../src/core/detect/detect.schema.js'
import {FIXTURES} from '../../helpers/cli.js'
import {gpuCatalog} from '../../helpers/gpu-catalog.js'

const catalog = gpuCatalog()
const warningsOf = (file: string) => detectFromCapture(readFileSync(join(FIXTURES, 'nvidia-smi', file), 'utf8'), catalog).warnings

describe('busy-GPU warning of detect', () => {
  it.each([
    [
      'rtx-3090.driver610.table.txt',
      'GPU 0 (NVIDIA GeForce RTX 3090): 20304 MiB of 24576 MiB already used by other processes: r1 plan sizes engines to the 4272 MiB that are free (a smaller KV cache); vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free.',
    ],
    [
      'h100-sxm5-80gb.load.table.txt',
      'GPU 0 (NVIDIA H100 80GB HBM3): 19818 MiB of 81559 MiB already used by other processes: r1 plan sizes engines to the 61741 MiB that are free (a smaller KV cache); vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free.',
    ],
  ])('%s', (file, expected) => {
    const busy = warningsOf(file).filter((w) => isBusyMemoryWarning(w))
    expect(busy).toEqual([expected])
  })

  it.each([['v100-sxm2-32gb.driver525.table.txt'], ['a100-sxm4-40gb.driver580.table-partial.txt'], ['h100-sxm5-80gb.table.txt']])('%s: a few hundred MiB or less in use is no warning', (file) => {
    expect(warningsOf(file).filter((w) => isBusyMemoryWarning(w))).toEqual([])
  })

  const gpu = (used: number, total: number | null): DetectedGpu =>
    ({architecture: 'hopper', computeCapability: '9.0', index: 3, memoryTotalMiB: total, memoryUsedMiB: used, mig: null, name: 'NVIDIA H200'}) as DetectedGpu

  it.each([
    // 90% or more free: vLLM's start check passes at 0.9, so the warning does not say it fails.
    [4000, 143_771, 'GPU 3 (NVIDIA H200): 4000 MiB of 143771 MiB already used by other processes: r1 plan sizes engines to the 139771 MiB that are free (a smaller KV cache).'],
    [15_000, 143_771, 'GPU 3 (NVIDIA H200): 15000 MiB of 143771 MiB already used by other processes: r1 plan sizes engines to the 128771 MiB that are free (a smaller KV cache); vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free.'],
    [15_000, null, 'GPU 3 (NVIDIA H200): 15000 MiB already used by other processes: r1 plan sizes engines to the memory that is free (a smaller KV cache).'],
  ])('%i MiB used of %s', (used, total, expected) => {
    expect(servingWarnings([gpu(used, total)])).toEqual([expected])
  })
})

describe('the same serving warning on several GPUs is one line', () => {
  it('MIG on every card of a real -L capture (its first card\'s instances repeated on the other three): one line, not four', () => {
    const text = readFileSync(join(FIXTURES, 'nvidia-smi', 'a100-sxm4-80gb-x4-mig.list.txt'), 'utf8')
    const lines = text.trimEnd().split('\n')
    const mig = lines.filter((l) => l.trimStart().startsWith('MIG '))
    const capture = `${lines.filter((l) => l.startsWith('GPU ')).flatMap((l) => [l, ...mig]).join('\n')}\n`
    expect(detectFromCapture(text, catalog).warnings).toEqual(['GPU 0 (NVIDIA A100-SXM4-80GB): MIG is on (4 instances); an engine sees one instance, not the card.'])
    expect(detectFromCapture(capture, catalog).warnings).toEqual(['GPUs 0-3 (4 of 4, NVIDIA A100-SXM4-80GB): MIG is on (4 instances); an engine sees one instance, not the card.'])
  })

  const pascal = (index: number, name = 'Tesla P100-PCIE-16GB'): DetectedGpu =>
    ({architecture: 'pascal', computeCapability: '6.0', index, memoryTotalMiB: 16_280, memoryUsedMiB: 0, mig: null, name}) as DetectedGpu

  it('an architecture no engine supports, on 600 GPUs: one line with the indices as ranges, capped', () => {
    const gpus = Array.from({length: 600}, (_, i) => pascal(i))
    expect(servingWarnings(gpus)).toEqual(['GPUs 0-599 (600 of 600, Tesla P100-PCIE-16GB): pascal (compute capability 6.0) is not supported by vLLM or SGLang (both need 7.0 or newer).'])
    const sparse = servingWarnings(Array.from({length: 600}, (_, i) => pascal(2 * i)))
    expect(sparse).toHaveLength(1)
    expect(sparse[0].length).toBeLessThan(300)
    expect(sparse[0]).toMatch(/^GPUs 0, 2, 4, .*, … and \d+ more \(600 of 600, Tesla P100-PCIE-16GB\): pascal/)
  })

  it('different cards keep their own lines, in the order of their first GPU', () => {
    const gpus = [pascal(0), pascal(1, 'Tesla P40'), pascal(2), pascal(3, 'Tesla P40')]
    expect(servingWarnings(gpus)).toEqual([
      'GPUs 0, 2 (2 of 4, Tesla P100-PCIE-16GB): pascal (compute capability 6.0) is not supported by vLLM or SGLang (both need 7.0 or newer).',
      'GPUs 1, 3 (2 of 4, Tesla P40): pascal (compute capability 6.0) is not supported by vLLM or SGLang (both need 7.0 or newer).',
    ])
  })
})
