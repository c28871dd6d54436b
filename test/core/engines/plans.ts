/** Synthetic plans and the real model profiles, for the builder tests (no memory model involved). */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Architecture, Engine, Goal} from '../../../src/core/constants.js'
import type {PlanCore} from '../../../src/core/planner/types.js'
import type {Checkpoint, ModelProfile} from '../../../src/core/profiles/catalog.js'
import {ModelProfile as ModelProfileSchema} from '../../../src/core/profiles/model.schema.js'
import {ROOT} from '../../helpers/cli.js'

export function loadModels(): ModelProfile[] {
  const dir = join(ROOT, 'profiles', 'models')
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ModelProfileSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8'))))
}

export interface GpuCase {
  label: string
  architecture: Architecture
  computeCapability: string
  memoryMiB: number
}

/** pascal … blackwell, plus SM120 and the two Jetsons. */
export const GPUS: GpuCase[] = [
  {architecture: 'pascal', computeCapability: '6.1', label: 'GTX 1080 Ti', memoryMiB: 11_264},
  {architecture: 'volta', computeCapability: '7.0', label: 'V100', memoryMiB: 32_768},
  {architecture: 'turing', computeCapability: '7.5', label: 'T4', memoryMiB: 15_360},
  {architecture: 'ampere', computeCapability: '8.0', label: 'A100', memoryMiB: 81_920},
  {architecture: 'ampere', computeCapability: '8.7', label: 'Jetson AGX Orin', memoryMiB: 62_841},
  {architecture: 'ada', computeCapability: '8.9', label: 'L40S', memoryMiB: 46_068},
  {architecture: 'hopper', computeCapability: '9.0', label: 'H200', memoryMiB: 143_771},
  {architecture: 'blackwell', computeCapability: '10.0', label: 'B200', memoryMiB: 183_359},
  {architecture: 'blackwell', computeCapability: '11.0', label: 'Jetson AGX Thor', memoryMiB: 125_772},
  {architecture: 'blackwell', computeCapability: '12.0', label: 'RTX PRO 6000', memoryMiB: 97_887},
]

export interface PlanShape {
  engine: Engine
  goal: Goal
  nodes: number
  gpu: GpuCase
  model: ModelProfile
  checkpoint: Checkpoint
  kvFp8?: boolean
  engineVersion?: string
}

/**
 * A plan as the search would shape it: R1 for throughput = DP attention + EP over every GPU; R1 for latency = TP
 * on a node (PP across nodes) with MTP on Hopper/Blackwell; distills = TP 2, DP replicas for throughput.
 */
export function makePlan(shape: PlanShape): PlanCore {
  const {model, checkpoint, gpu, goal, nodes, engine} = shape
  const gpusPerNode = 8
  const r1 = model.architecture.kind === 'mla-moe'
  const total = gpusPerNode * nodes
  let layout = {dataParallel: 1, dpAttention: false, expertParallel: 1, pipelineParallel: 1, tensorParallel: 2}
  // SGLang: `--tp-size N --dp-size N --enable-dp-attention`; vLLM: `--tensor-parallel-size 1 --data-parallel-size N --enable-expert-parallel`.
  if (r1 && goal === 'throughput') layout = {dataParallel: total, dpAttention: engine === 'sglang', expertParallel: total, pipelineParallel: 1, tensorParallel: engine === 'sglang' ? total : 1}
  else if (r1) layout = {dataParallel: 1, dpAttention: false, expertParallel: 1, pipelineParallel: nodes, tensorParallel: gpusPerNode}
  else if (goal === 'throughput') layout = {dataParallel: total / 2, dpAttention: false, expertParallel: 1, pipelineParallel: 1, tensorParallel: 2}
  const cc = Number(gpu.computeCapability)
  const hopperPlus = gpu.architecture === 'hopper' || gpu.architecture === 'blackwell'
  return {
    attentionBackend: null,
    checkpoint: checkpoint.repo,
    checkpointId: checkpoint.id,
    contextLength: 32_768,
    dtype: cc < 8 ? 'half' : 'bfloat16',
    engine,
    engineVersion: shape.engineVersion ?? (engine === 'sglang' ? '0.5.14' : '0.20.1'),
    fits: true,
    goal,
    gpu: {architecture: gpu.architecture, computeCapability: gpu.computeCapability, memoryMiB: gpu.memoryMiB, name: gpu.label},
    gpuMemoryUtilization: engine === 'vllm' ? 0.9 : null,
    gpusPerNode,
    kvCacheDtype: shape.kvFp8 ? 'fp8' : cc < 8 ? 'fp16' : 'bf16',
    kvCacheTokens: 400_000,
    maxConcurrency: 12.2,
    maxContextTokens: 163_840,
    memFractionStatic: engine === 'sglang' ? 0.85 : null,
    memory: {activationGiB: 4, gpuTotalGiB: 140, kvCacheGiB: 30, overheadGiB: 3, usableGiB: 120, weightsGiB: 83},
    model: model.id,
    modelName: model.displayName,
    nodes,
    quantization: checkpoint.quantization,
    reasons: [],
    speculative: r1 && goal === 'latency' && hopperPlus && checkpoint.includesMtp ? 'mtp' : null,
    ...layout,
  }
}
