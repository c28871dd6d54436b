/** Records applied to real search candidates (the catalog's R1 distill on RTX 4090s; R1 on 8 × H200). */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {applyCalibration, candidateConfig, matchRecord} from '../../../src/core/calibration/apply.js'
import type {CalibrationRecord} from '../../../src/core/calibration/calibration.schema.js'
import {hardwareFromFlags} from '../../../src/core/planner/hardware.js'
import {type Candidate, searchCandidates} from '../../../src/core/planner/search.js'
import type {Catalog} from '../../../src/core/profiles/catalog.js'
import {ROOT} from '../../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog

function search(gpu: string, count: number, model: string, context: number, extra: {gpuMemoryUtilization?: number} = {}): {candidates: Candidate[]; gpu: Candidate['plan']['gpu'] & object; spec: ReturnType<typeof hardwareFromFlags>} {
  const resolved = hardwareFromFlags(catalog.gpus, {count, gpu})!
  const candidates = searchCandidates({
    contextLength: context,
    engines: catalog.engines.filter((e) => e.id === 'vllm'),
    goal: 'throughput',
    hardware: resolved.hardware,
    kvCacheDtype: 'auto',
    models: catalog.models.filter((m) => m.id === model),
    ...extra,
  })
  return {candidates, gpu: candidates[0].plan.gpu, spec: resolved}
}

function recordOf(c: Candidate, gpuSpec: Parameters<typeof candidateConfig>[1]['gpu'], patch: Partial<CalibrationRecord> = {}): CalibrationRecord {
  return {
    config: candidateConfig(c, {driverVersion: '570.86.15', gpu: gpuSpec}),
    configFrom: 'plan',
    date: '2026-12-01T08:00:00.000Z',
    id: 'abcdef01',
    logged: {activationPeakGiB: 1.25, cudaGraphGiB: 0.5, kvCacheGiB: 4.5, kvCacheTokens: 81_920, maxConcurrency: 2.5, nonTorchGiB: 0.3, totalGpuMemoryGiB: null, weightsGiB: 14.25},
    outcome: {diagnosis: null, failure: null, status: 'ready', summary: null},
    source: 'serve',
    ...patch,
  }
}

const key = (c: Candidate) => `${c.checkpoint.id}/${c.layout.tensorParallel}/${c.layout.dataParallel}`

describe('calibration applied to the search', () => {
  const {candidates, spec} = search('RTX 4090', 2, 'r1-distill-qwen-7b', 32_768)
  const gpu = spec!.hardware.gpu
  const bf16tp1 = candidates.find((c) => c.checkpoint.id === 'qwen-7b-bf16' && c.layout.tensorParallel === 1 && c.layout.dataParallel === 1)!

  it('an exact record: the logged figures, marked measured, the rest untouched', () => {
    const r = recordOf(bf16tp1, gpu)
    const out = applyCalibration(candidates, [r], {driverVersion: '570.86.15', gpu})
    const c = out.candidates[candidates.indexOf(bf16tp1)]
    expect([c.plan.kvCacheTokens, c.plan.maxConcurrency, c.plan.memory.weightsGiB, c.plan.memory.kvCacheGiB]).toEqual([81_920, 2.5, 14.25, 4.5])
    expect(c.plan.calibration).toEqual({date: r.date, match: 'exact', note: 'measured on this machine, 2026-12-01 (record abcdef01)', recordId: 'abcdef01'})
    expect(out.used.find((u) => u.match === 'exact')).toMatchObject({outcome: 'ready', recordId: 'abcdef01'})
    // Nothing else changes: candidates of other checkpoints are the same objects.
    for (const [i, other] of candidates.entries()) if (other.checkpoint.id !== 'qwen-7b-bf16') expect(out.candidates[i]).toBe(other)
  })

  it('two replicas of the same TP on the node: nearby (gpus), per-GPU terms carried', () => {
    const r = recordOf(bf16tp1, gpu)
    const out = applyCalibration(candidates, [r], {driverVersion: null, gpu})
    const i = candidates.findIndex((c) => key(c) === 'qwen-7b-bf16/1/2')
    expect(i).toBeGreaterThanOrEqual(0)
    expect(out.candidates[i].plan.calibration?.match).toBe('nearby')
    expect(out.used.find((u) => u.candidate.includes('DP 2'))).toMatchObject({carried: ['weights', 'activationPeak', 'nonTorch'], differs: ['gpus']})
  })

  it('the engine\'s arithmetic with measured terms: each GiB of weights measured lower is a GiB more KV cache', () => {
    const longer = search('RTX 4090', 2, 'r1-distill-qwen-7b', 16_384)
    const base = longer.candidates.find((c) => key(c) === 'qwen-7b-bf16/1/1')!
    const p = base.memory.perGpu
    const GiB = 1024 ** 3
    const r = recordOf(bf16tp1, gpu, {logged: {activationPeakGiB: null, cudaGraphGiB: null, kvCacheGiB: null, kvCacheTokens: null, maxConcurrency: null, nonTorchGiB: null, totalGpuMemoryGiB: null, weightsGiB: p.weightsBytes / GiB - 1}})
    const out = applyCalibration(longer.candidates, [r], {driverVersion: null, gpu})
    const c = out.candidates[longer.candidates.indexOf(base)]
    const moreTokens = Math.floor(GiB / base.memory.kvBytesPerToken)
    expect(c.plan.calibration?.match).toBe('nearby')
    expect(Math.abs(c.plan.kvCacheTokens - base.plan.kvCacheTokens - moreTokens)).toBeLessThanOrEqual(2 * base.memory.blockSize)
  })

  it('a failed record: the candidate no longer fits, and says why first', () => {
    const r = recordOf(bf16tp1, gpu, {outcome: {diagnosis: 'cuda-out-of-memory', failure: 'oom', status: 'failed', summary: 'The engine ran out of GPU memory (CUDA out of memory).'}})
    const out = applyCalibration(candidates, [r], {driverVersion: null, gpu})
    const c = out.candidates[candidates.indexOf(bf16tp1)]
    expect(bf16tp1.plan.fits).toBe(true)
    expect(c.plan.fits).toBe(false)
    expect(c.plan.reasons[0]).toMatch(/^failed on this machine on 2026-12-01: the engine ran out of GPU memory .*r1 calibrate forget abcdef01\)$/)
  })

  it('does not match another engine version, GPU, checkpoint or TP; a record missing a field matches nothing', () => {
    const mine = candidateConfig(bf16tp1, {driverVersion: null, gpu})
    expect(matchRecord(mine, mine)).toEqual({kind: 'exact'})
    expect(matchRecord({...mine, engineVersion: '0.19.0'}, mine)).toBeNull()
    expect(matchRecord({...mine, gpuName: 'NVIDIA GeForce RTX 3090'}, mine)).toBeNull()
    expect(matchRecord({...mine, checkpoint: 'x/y'}, mine)).toBeNull()
    expect(matchRecord({...mine, tensorParallel: 2}, mine)).toBeNull()
    expect(matchRecord({...mine, gpuName: null}, mine)).toBeNull()
    expect(matchRecord({...mine, utilization: 0.8}, mine)).toEqual({differs: ['utilization'], kind: 'nearby'})
    expect(matchRecord({...mine, contextLength: 8192, maxNumSeqs: (mine.maxNumSeqs ?? 0) + 8}, mine)).toEqual({differs: ['batch', 'context'], kind: 'nearby'})
    // A batch that differs alone is not a size: no match.
    expect(matchRecord({...mine, maxNumSeqs: (mine.maxNumSeqs ?? 0) + 8}, mine)).toBeNull()
  })
})
