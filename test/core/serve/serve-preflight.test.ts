import {describe, expect, it} from 'vitest'

import {parseDuration, formatDuration} from '../../../src/core/serve/duration.js'
import {
  checkDriver,
  checkEngine,
  checkGpuMemory,
  checkGpus,
  checkHfToken,
  checkPort,
  checkShm,
  checkWeights,
  parseEngineVersion,
  sameGpu,
} from '../../../src/core/serve/preflight.js'
import type {Layout} from '../../../src/core/planner/plan.schema.js'
import {curlExample, endpointUrl, redactEnv, servedModelName} from '../../../src/core/serve/usage.js'

const GIB = 1024 ** 3
const MIB = 1024 ** 2

describe('--ready-timeout', () => {
  it.each([
    ['900', 900],
    ['90s', 90],
    ['45m', 2700],
    ['1.5h', 5400],
    ['1h30m', 5400],
    ['500ms', 0.5],
    [' 2M ', 120],
  ])('%s → %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds)
  })

  it.each(['', 'soon', '-5', '0', '10x', '5 m 3'])('refuses %j with a usage error', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({code: 'R1_INVALID_FLAGS'}))
  })

  it('formats for messages', () => {
    expect([formatDuration(45), formatDuration(750), formatDuration(3900)]).toEqual(['45s', '12m 30s', '1h 05m'])
  })
})

describe('engine version probe', () => {
  it.each([
    ['0.11.0\n', '0.11.0'],
    ['INFO 04-18 15:03:18 [__init__.py:239] Automatically detected platform cuda.\n0.8.4\n', '0.8.4'],
    ['0.9.1.dev705+g01220ce89\n', '0.9.1.dev705+g01220ce89'],
    ['0.5.3.post1\n', '0.5.3.post1'],
    ['Traceback (most recent call last):\nModuleNotFoundError: No module named \'sglang\'\n', null],
  ])('%j → %s', (out, version) => {
    expect(parseEngineVersion(out)).toBe(version)
  })

  it('fails with how to install when missing, and notes a rebuild when the version differs', () => {
    const missing = checkEngine('vllm', {found: false, version: null}, '0.11.0')
    expect(missing).toMatchObject({detail: 'vLLM is not installed (not on PATH)', ok: false})
    expect(missing.suggestions[0]).toContain('pip install vllm')
    expect(checkEngine('sglang', {found: true, version: '0.5.2'}, '0.5.3').detail).toBe(
      'SGLang 0.5.2 installed (the plan was made for 0.5.3; the command is rebuilt for 0.5.2)',
    )
  })

  const layout = (over: Partial<Layout> = {}): Layout => ({dataParallel: 1, dpAttention: false, expertParallel: 1, gpusPerNode: 8, nodes: 1, pipelineParallel: 1, tensorParallel: 8, ...over})

  it('refuses a release older than every one r1 knows, with the supported range', () => {
    const old = checkEngine('vllm', {found: true, version: '0.6.6'}, '0.20.1')
    expect(old).toMatchObject({ok: false, detail: 'vLLM 0.6.6 installed: vllm 0.6.6 is older than every release r1 knows (0.7.3 to 0.21.0): r1 supports vllm 0.7.3 to 0.21.0'})
    expect(old.suggestions[0]).toBe('Upgrade it: pip install -U vllm.')
  })

  it('says when the installed release is newer than r1 knows: the command is built for the newest known', () => {
    expect(checkEngine('vllm', {found: true, version: '0.29.1'}, '0.20.1').detail).toBe(
      "vLLM 0.29.1 installed (the plan was made for 0.20.1; the command is rebuilt for 0.29.1; vllm 0.29.1 is newer than r1's engine data (0.7.3 to 0.21.0): building for 0.21.0, the newest release r1 knows)",
    )
  })

  it('refuses a plan the installed release cannot run, and says how to plan for it', () => {
    const needs = {layout: layout({dataParallel: 16, expertParallel: 16, nodes: 2, tensorParallel: 1}), quantization: null, repo: 'deepseek-ai/DeepSeek-R1'}
    const dp = checkEngine('vllm', {found: true, version: '0.8.5'}, '0.20.1', needs)
    expect(dp.ok).toBe(false)
    expect(dp.detail).toBe('vLLM 0.8.5 installed, but it cannot run this plan: vLLM 0.8.5 cannot spread data parallelism over nodes (multi-node DP arrived in 0.9.0): several nodes run TP/PP over Ray')
    expect(dp.suggestions[0]).toBe('Plan for the installed release: r1 plan ... --engine vllm --engine-version 0.8.5.')
    expect(checkEngine('vllm', {found: true, version: '0.9.0'}, '0.20.1', needs).ok).toBe(true)
    const awq = checkEngine('sglang', {found: true, version: '0.4.3'}, '0.5.14', {layout: layout(), quantization: 'moe_wna16', repo: 'cognitivecomputations/DeepSeek-R1-AWQ'})
    expect(awq.detail).toBe('SGLang 0.4.3 installed, but it cannot run this plan: SGLang 0.4.3 has no --quantization moe_wna16 (needed for cognitivecomputations/DeepSeek-R1-AWQ)')
  })
})

describe('GPUs and their free memory', () => {
  const h200 = (usedMiB: number) => ({memoryTotalBytes: 143_771 * MIB, memoryUsedBytes: usedMiB * MIB, name: 'NVIDIA H200'})

  it('needs enough GPUs of the planned kind', () => {
    expect(checkGpus(Array.from({length: 8}, () => h200(0)), 8, 'NVIDIA H200').ok).toBe(true)
    const few = checkGpus([h200(0), h200(0)], 8, 'NVIDIA H200')
    expect(few).toMatchObject({detail: 'the plan needs 8× NVIDIA H200 on this node; found 2× NVIDIA H200', ok: false})
    expect(checkGpus([], 1, 'NVIDIA GeForce RTX 4090').ok).toBe(false)
  })

  it('refuses when other processes leave less than vLLM\'s own start check wants, names the GPU and says what would fit', () => {
    const busy = checkGpuMemory([h200(0), h200(40_000)], 2, 0.9, 'vllm')
    expect(busy.ok).toBe(false)
    expect(busy.detail).toBe('other processes use 39.1 GiB of GPU 1: 101.3 GiB free, the plan needs 126.4 GiB (90% of 140.4 GiB)')
    // floor((101.3 − 1.5) / 140.4 × 100) / 100: the planner's own rule
    expect(busy.suggestions[1]).toBe('Or re-plan on this machine, which sizes the plan to what is free: r1 plan (it would choose --gpu-memory-utilization 0.71 or less, and less KV cache).')
    expect(checkGpuMemory([h200(500)], 1, 0.9, 'vllm').ok).toBe(true)
    // vLLM checks ceil(total × util): one byte short refuses.
    const total = 143_771 * 2 ** 20
    const edge = (free: number) => checkGpuMemory([{memoryTotalBytes: total, memoryUsedBytes: total - free, name: 'NVIDIA H200'}], 1, 0.9, 'vllm').ok
    expect(edge(Math.ceil(0.9 * total))).toBe(true)
    expect(edge(Math.ceil(0.9 * total) - 1)).toBe(false)
  })

  it('SGLang: the plan\'s own requirement (its pool holds one request of the context), not utilization × total', () => {
    const gpus = [h200(0), h200(40_000)]
    expect(checkGpuMemory(gpus, 2, 0.85, 'sglang', 95 * 2 ** 30).ok).toBe(true)
    const short = checkGpuMemory(gpus, 2, 0.85, 'sglang', 110 * 2 ** 30)
    expect(short.ok).toBe(false)
    expect(short.detail).toBe("other processes use 39.1 GiB of GPU 1: 101.3 GiB free, the plan needs 110.0 GiB (for one request of the plan's context in SGLang's pool)")
    expect(short.suggestions[1]).toContain('shorter --context')
  })

  it('matches GPU names loosely', () => {
    expect(sameGpu('NVIDIA H200', 'NVIDIA H200')).toBe(true)
    expect(sameGpu('NVIDIA GeForce RTX 4090', 'GeForce RTX 4090')).toBe(true)
    expect(sameGpu('NVIDIA H100 80GB HBM3', 'NVIDIA H200')).toBe(false)
  })

  it('asks for driver 570+ on Blackwell only', () => {
    expect(checkDriver('blackwell', '565.57.01')).toMatchObject({ok: false})
    expect(checkDriver('blackwell', '570.86.15').ok).toBe(true)
    expect(checkDriver('hopper', '535.104.05').ok).toBe(true)
  })
})

describe('port, weights, token, shm', () => {
  it('port', () => {
    expect(checkPort(false, '127.0.0.1', 8000)).toMatchObject({detail: 'port 8000 on 127.0.0.1 is in use', ok: false})
    expect(checkPort(true, '127.0.0.1', 8000).ok).toBe(true)
  })

  it('weights: cached, or room to download', () => {
    const base = {cacheDir: '/hf/hub', checkpointBytes: 688 * 1e9, repo: 'deepseek-ai/DeepSeek-R1'}
    expect(checkWeights({...base, cachedPath: '/hf/hub/models--deepseek-ai--DeepSeek-R1/snapshots/abc', freeBytes: 0}).ok).toBe(true)
    expect(checkWeights({...base, cachedPath: null, freeBytes: 2e12}).ok).toBe(true)
    const full = checkWeights({...base, cachedPath: null, freeBytes: 100 * GIB})
    expect(full.ok).toBe(false)
    expect(full.detail).toBe('deepseek-ai/DeepSeek-R1 is not cached and /hf/hub has 100.0 GiB free; the checkpoint needs 640.7 GiB')
  })

  it('HF_TOKEN only for gated repositories that are not cached', () => {
    expect(checkHfToken('meta/x', true, false, false).ok).toBe(false)
    expect(checkHfToken('meta/x', true, true, false).ok).toBe(true)
    expect(checkHfToken('meta/x', true, false, true).ok).toBe(true)
    expect(checkHfToken('deepseek-ai/DeepSeek-R1', false, false, false).ok).toBe(true)
  })

  it('/dev/shm for tensor parallelism', () => {
    expect(checkShm(64 * MIB, 1, null).ok).toBe(true)
    expect(checkShm(64 * MIB, 8, null)).toMatchObject({detail: '/dev/shm is 0.1 GiB; 8-GPU parallelism needs at least 1.0 GiB', ok: false})
    expect(checkShm(500 * GIB, 8, null).ok).toBe(true)
    expect(checkShm(null, 8, {shmArg: '--shm-size 32g'}).ok).toBe(true)
    expect(checkShm(null, 8, {shmArg: null}).ok).toBe(false)
  })
})

describe('usage after ready', () => {
  it('endpoint on loopback for a wildcard bind', () => {
    expect(endpointUrl('0.0.0.0', 8000)).toBe('http://127.0.0.1:8000/v1')
    expect(endpointUrl('10.0.0.5', 30000)).toBe('http://10.0.0.5:30000/v1')
  })

  it('served model name from the argv', () => {
    expect(servedModelName(['vllm', 'serve', 'deepseek-ai/DeepSeek-R1', '--tensor-parallel-size', '8'], 'x')).toBe('deepseek-ai/DeepSeek-R1')
    expect(servedModelName(['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1'], 'x')).toBe('deepseek-ai/DeepSeek-R1')
    expect(servedModelName(['vllm', 'serve', 'a/b', '--served-model-name', 'r1'], 'x')).toBe('r1')
  })

  it('curl follows DeepSeek\'s rules and names the key by its variable', () => {
    const curl = curlExample('http://127.0.0.1:8000/v1', 'deepseek-ai/DeepSeek-R1', 'R1_API_KEY')
    expect(curl).toContain('"temperature":0.6')
    expect(curl).toContain('"top_p":0.95')
    expect(curl).not.toContain('"system"')
    expect(curl).toContain('put your final answer within \\\\boxed{}')
    expect(curl).toContain('-H "Authorization: Bearer $R1_API_KEY"')
    const body = JSON.parse(curl.slice(curl.indexOf("-d '") + 4, -1)) as {messages: {role: string}[]}
    expect(body.messages.map((m) => m.role)).toEqual(['user'])
  })

  it('redacts secrets to their source', () => {
    expect(redactEnv({VLLM_USE_V1: '1'}, {VLLM_API_KEY: 'R1_API_KEY'})).toEqual({VLLM_API_KEY: '<from R1_API_KEY>', VLLM_USE_V1: '1'})
  })
})
