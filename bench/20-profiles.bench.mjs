// r1 profiles: start-up cost of listing the models (prebuilt catalog) and of a user profile folder
// (validated with zod at run time), and the in-process cost of one memory estimate.
import {mkdtempSync, mkdirSync, copyFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BIN, report, ROOT, timeNode} from './lib.mjs'

export async function run() {
  report('r1 profiles list models --json', timeNode([BIN, 'profiles', 'list', 'models', '--json']))
  report('r1 profiles show r1 --json', timeNode([BIN, 'profiles', 'show', 'r1', '--json']))
  const dir = mkdtempSync(join(tmpdir(), 'r1-bench-profiles-'))
  mkdirSync(join(dir, 'models'))
  copyFileSync(join(ROOT, 'profiles/models/r1-distill-qwen-7b.json'), join(dir, 'models/mine.json'))
  report('r1 profiles list --profiles DIR --json (zod at run time)', timeNode([BIN, 'profiles', 'list', '--profiles', dir, '--json']))

  const {estimateMemory} = await import(join(ROOT, 'dist/src/core/planner/memory.js'))
  const {readFileSync} = await import('node:fs')
  const catalog = JSON.parse(readFileSync(join(ROOT, 'dist/catalog.json'), 'utf8'))
  const model = catalog.models.find((m) => m.id === 'deepseek-r1')
  const input = {
    checkpoint: model.checkpoints[0],
    contextLength: 32_768,
    engine: catalog.engines.find((e) => e.id === 'sglang'),
    engineVersion: '0.5.14',
    gpu: {architecture: 'hopper', bandwidthGBs: null, computeCapability: '9.0', memoryTotalBytes: 143_771 * 1024 ** 2, memoryUsedBytes: null, name: 'H200', nvlink: true, profileId: null, unifiedMemory: false},
    kvCacheDtype: 'bf16',
    layout: {dataParallel: 1, dpAttention: false, expertParallel: 1, gpusPerNode: 8, nodes: 1, pipelineParallel: 1, tensorParallel: 8},
    model,
    speculative: null,
  }
  const n = 2000
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) estimateMemory(input)
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n
  console.log(`estimateMemory (R1 FP8, 8 x H200, SGLang): ${us.toFixed(1)} µs per call`)
}
