// The engine builders: loading them must cost next to nothing at start-up (no zod, no yaml), and a build is pure
// arithmetic on the plan. Needs `npm run build` (dist/).
import {report, timeNode} from './lib.mjs'

const LOAD = "await import('./dist/src/core/engines/index.js')"

const BUILD = `
const e = await import('./dist/src/core/engines/index.js')
const arch = {kind: 'mla-moe', numNextnPredictLayers: 1}
const checkpoint = {id: 'r1-fp8', repo: 'deepseek-ai/DeepSeek-R1', quantization: 'fp8', engineQuantization: {sglang: null, vllm: null}, includesMtp: true, gated: false, trustRemoteCode: true}
const model = {id: 'deepseek-r1', displayName: 'DeepSeek-R1', architecture: arch, checkpoints: [checkpoint]}
const base = {attentionBackend: null, contextLength: 32768, dtype: 'bfloat16', gpu: {architecture: 'hopper', computeCapability: '9.0', memoryMiB: 143771, name: 'H200'}, gpusPerNode: 8, kvCacheDtype: 'fp8', kvCacheTokens: 400000, gpuMemoryUtilization: 0.9, memFractionStatic: 0.85, speculative: null}
for (let i = 0; i < 1000; i++) for (const engine of ['sglang', 'vllm']) for (const nodes of [1, 2]) {
  const plan = {...base, engine, engineVersion: engine === 'sglang' ? '0.5.14' : '0.20.1', goal: 'throughput', nodes, tensorParallel: 1, pipelineParallel: 1, dataParallel: 8 * nodes, expertParallel: 8 * nodes, dpAttention: true}
  const spec = e.buildEngineCommand({plan, checkpoint, model, options: {host: '0.0.0.0', port: 8000, headAddress: '10.0.0.1'}})
  e.shellLine(spec)
}
`

export async function run() {
  // Reference: an ESM eval that imports one tiny module (what any import costs, before our code).
  report('engines: reference (import core/constants.js)', timeNode(['--input-type=module', '-e', "await import('./dist/src/core/constants.js')"]))
  report('engines: import the builders', timeNode(['--input-type=module', '-e', LOAD]))
  report('engines: import + 4000 builds and shell lines', timeNode(['--input-type=module', '-e', BUILD], {runs: 5}))
}
