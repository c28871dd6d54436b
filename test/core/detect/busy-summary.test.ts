// detect's warning about GPU memory other processes hold, when several GPUs are busy: one line naming how many and
// which (as ranges, cut short past a length), in the words of the one-GPU warning (busy-warning.test.ts).
// Captures are built from shared/fixtures/nvidia-smi/h100-sxm5-80gb-x8.driver565.table.txt (test/fixtures, verbatim):
// its GPU block repeated and renumbered, with the memory in use set per GPU.
import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../../src/core/detect/capture.js'
import {indexRanges, isBusyMemoryWarning} from '../../../src/core/detect/classify.js'
import {busyTable, X8} from '../../helpers/busy-capture.js'
import {gpuCatalog} from '../../helpers/gpu-catalog.js'

const catalog = gpuCatalog()

const busyWarnings = (text: string) => detectFromCapture(text, catalog).warnings.filter((w) => isBusyMemoryWarning(w))

describe('indexRanges', () => {
  it.each([
    [[0, 1, 2, 3, 4, 5, 6, 7, 12], '0-7, 12'],
    [[12, 3, 1, 2, 0], '0-3, 12'],
    [[5], '5'],
    [[1, 3, 5], '1, 3, 5'],
  ])('%j → %s', (indices, expected) => {
    expect(indexRanges(indices)).toBe(expected)
  })

  it('past the length, the rest is counted', () => {
    const odd = Array.from({length: 500}, (_, i) => 2 * i + 1)
    expect(indexRanges(odd, 20)).toBe('1, 3, 5, 7, 9, 11, … and 494 more')
    expect(indexRanges(odd).length).toBeLessThan(140)
  })
})

describe('busy-GPU summary of detect', () => {
  it('the fixture as captured: 8 idle GPUs, no warning', () => {
    expect(busyWarnings(X8)).toEqual([])
    expect(busyWarnings(busyTable(8, () => 1))).toEqual([])
  })

  it('one busy GPU: the one-GPU warning, unchanged', () => {
    expect(busyWarnings(busyTable(8, (i) => (i === 3 ? 20_304 : 1)))).toEqual([
      'GPU 3 (NVIDIA H100 80GB HBM3): 20304 MiB of 81559 MiB already used by other processes: r1 plan sizes engines to the 61255 MiB that are free (a smaller KV cache); vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free.',
    ])
  })

  it('7 of 8 busy: one line with their ranges', () => {
    expect(busyWarnings(busyTable(8, (i) => (i === 6 ? 1 : 20_304)))).toEqual([
      'GPUs 0-5, 7 (7 of 8, NVIDIA H100 80GB HBM3): 20304 MiB each already used by other processes: r1 plan sizes engines to the memory that is free (a smaller KV cache); vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free.',
    ])
  })

  it('vLLM\'s 90% check named only for the GPUs where it fails', () => {
    // 4000 MiB of 81559 leaves 95% free: vLLM starts there
    expect(busyWarnings(busyTable(16, (i) => (i < 8 ? 4000 : i === 12 ? 30_000 : 1)))).toEqual([
      'GPUs 0-7, 12 (9 of 16, NVIDIA H100 80GB HBM3): 4000 to 30000 MiB each already used by other processes: r1 plan sizes engines to the memory that is free (a smaller KV cache); vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free (GPUs 12).',
    ])
  })

  it('909 GPUs, 796 busy: one line of bounded length instead of 796', () => {
    const all = detectFromCapture(busyTable(909, (i) => (i % 8 === 6 ? 1 : 20_304)), catalog)
    expect(all.result.gpus).toHaveLength(909)
    const busy = all.warnings.filter((w) => isBusyMemoryWarning(w))
    expect(busy).toHaveLength(1)
    expect(busy[0]).toMatch(/^GPUs 0-5, 7-13, 15-21, .*, … and \d+ more \(796 of 909, NVIDIA H100 80GB HBM3\): 20304 MiB each already used by other processes: /)
    expect(busy[0].length).toBeLessThan(450)
  })
})
