/** The plan service with fake dependencies: detect, the file writer and the chooser are stand-ins that record their calls. */
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../src/core/detect/capture.js'
import type {DetectResult} from '../../src/core/detect/detect.schema.js'
import {R1Error} from '../../src/core/errors.js'
import {PlanFile} from '../../src/core/planner/plan.schema.js'
import {PlanResult} from '../../src/core/planner/plan-result.schema.js'
import type {Catalog} from '../../src/core/profiles/catalog.js'
import {writeFileAtomic} from '../../src/io/files.js'
import {gpuSpecFromProfile} from '../../src/core/profiles/gpus.js'
import {checkPins, doesNotFit, type PlanDeps, type PlanFlags, planFromFlags} from '../../src/services/plan.js'
import {planDisaggregated} from '../../src/services/plan-pd.js'
import {planDisaggregatedLazily} from '../../src/services/plan/pd.js'
import {FIXTURES, ROOT} from '../helpers/cli.js'

const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8')) as Catalog

interface Recorded {
  detect: Array<{fromFile?: string}>
  writes: Array<{path: string; text: string; force?: boolean}>
  choices: Array<{labels: string[]; index: number}>
}

function fakes(options: {capture?: string; detectError?: R1Error; pick?: number; choose?: boolean} = {}): {deps: PlanDeps; seen: Recorded} {
  const seen: Recorded = {choices: [], detect: [], writes: []}
  const deps: PlanDeps = {
    async detect(o) {
      seen.detect.push(o)
      if (options.detectError) throw options.detectError
      if (!options.capture) throw new Error('unexpected detect call')
      const text = readFileSync(join(FIXTURES, 'plan', options.capture), 'utf8')
      return detectFromCapture(text, catalog.gpus) as {result: DetectResult; warnings: string[]}
    },
    loadCatalog: async () => catalog,
    writeFile(path, text, o) {
      seen.writes.push({force: o.force, path, text})
      return `/abs/${path}`
    },
  }
  if (options.choose) {
    deps.choose = async (choices, index) => {
      seen.choices.push({index, labels: choices.map((c) => c.label)})
      return options.pick ?? index
    }
  }

  return {deps, seen}
}

async function codeOf(promise: Promise<unknown>): Promise<{code: string; message: string; suggestions: string[]}> {
  try {
    await promise
  } catch (error) {
    if (error instanceof R1Error) return {code: error.code, message: error.message, suggestions: error.suggestions}
    throw error
  }

  throw new Error('expected an R1Error')
}

const plan = (flags: PlanFlags, f = fakes()) => planFromFlags(f.deps, flags)

describe('plan service', () => {
  it('--gpu H200 --count 8: R1 FP8 on SGLang, a command for it and for every candidate, a valid result', async () => {
    const {result, warnings, written} = await plan({count: 8, gpu: 'H200'})
    expect(PlanResult.safeParse(result).success).toBe(true)
    expect(result.hardware).toMatchObject({detected: null, gpusPerNode: 8, nodes: 1, source: 'catalog'})
    const p = result.plan
    expect([p.model, p.checkpoint, p.engine, p.fits]).toEqual(['deepseek-r1', 'deepseek-ai/DeepSeek-R1-0528', 'sglang', true])
    expect(p.command.argv.slice(0, 5)).toEqual(['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1-0528'])
    expect(p.command.argv).toEqual(expect.arrayContaining(['--tp-size', '8', '--host', '127.0.0.1', '--port', '8000']))
    expect(p.command.nodes).toEqual([])
    expect(result.candidates[0]).toEqual(p)
    expect(result.recommendedIndex).toBe(0)
    for (const c of result.candidates) expect(c.command.argv.length).toBeGreaterThan(3)
    expect(result.why).toHaveLength(4)
    expect(warnings.some((w) => /HF_TOKEN|token/i.test(w) && /=/.test(w))).toBe(false)
    expect(written).toBeNull()
  })

  it('detects the hardware when no GPU is described (here a capture of 8 H100)', async () => {
    const f = fakes({capture: 'h100-sxm5-80gb-x8.driver565.table.txt'})
    const {result} = await planFromFlags(f.deps, {})
    expect(f.seen.detect).toEqual([{fromFile: undefined}])
    expect(result.hardware.source).toBe('file')
    expect(result.hardware.detected!.gpus).toHaveLength(8)
    expect(result.plan.checkpoint).toBe('cognitivecomputations/DeepSeek-R1-AWQ')
    expect(result.plan.fits).toBe(true)
  })

  it('--from-file passes the path to detect', async () => {
    const f = fakes({capture: 'a100-sxm4-80gb-mig.q.xml'})
    const {result, warnings} = await planFromFlags(f.deps, {fromFile: 'capture.xml'})
    expect(f.seen.detect).toEqual([{fromFile: 'capture.xml'}])
    // MIG: planned against one slice, and said so.
    expect(result.hardware.mig).toBe('1g.20gb')
    expect(result.plan.memory.gpuTotalGiB).toBe(19.5)
    expect(warnings.some((w) => w.startsWith('MIG is on: planned against one 1g.20gb slice'))).toBe(true)
  })

  it('no nvidia-smi: detect\'s error, plus how to plan without one', async () => {
    const error = new R1Error('R1_NO_NVIDIA_SMI', 'nvidia-smi was not found', {suggestions: ['Install the NVIDIA driver.']})
    const e = await codeOf(plan({}, fakes({detectError: error})))
    expect(e.code).toBe('R1_NO_NVIDIA_SMI')
    expect(e.message).toBe('nvidia-smi was not found')
    expect(e.suggestions).toEqual(['Install the NVIDIA driver.', 'Plan for GPUs you describe instead: r1 plan --gpu H200 --count 8'])
  })

  it('model, engine and layout all pinned: exactly that configuration, fitting or not', async () => {
    const {result} = await plan({count: 8, dp: 1, engine: 'sglang', ep: 1, gpu: 'H100', model: 'deepseek-ai/DeepSeek-R1-0528', pp: 1, quantization: 'fp8', tp: 8})
    const p = result.plan
    expect([p.checkpointId, p.engine, p.tensorParallel, p.pipelineParallel, p.dataParallel, p.expertParallel, p.fits]).toEqual(['r1-0528-fp8', 'sglang', 8, 1, 1, 1, false])
    expect(p.reasons[0]).toMatch(/^weights need 79\.3 GiB per GPU, 62\.\d GiB usable/)
    expect(result.candidates).toHaveLength(1)
    const error = doesNotFit(result, 'plan.json')
    expect(error.code).toBe('R1_DOES_NOT_FIT')
    expect(error.data).toBe(result)
    expect(error.message).toMatch(/^nothing fits as asked: the closest, DeepSeek-R1 671B FP8 on sglang, weights need 79\.3 GiB/)
    expect(error.suggestions[0]).toBe('plan.json was not written: a plan that does not fit would not start.')
    // The "drop" suggestion names only the flags that were given.
    const given = doesNotFit(result, undefined, {dp: 1, engine: 'sglang', ep: 1, model: 'x', pp: 1, quantization: 'fp8', tp: 8})
    expect(given.suggestions.at(-1)).toBe('Drop --tp, --pp, --dp, --ep, --model, --quantization, --engine to let r1 search every checkpoint and layout.')
    const none = doesNotFit(result, undefined, {engine: 'auto'})
    expect(none.suggestions.join(' ')).not.toContain('Drop')
  })

  it('--model names a model or one checkpoint', async () => {
    const qwen = (await plan({count: 1, gpu: 'RTX 4090', model: 'r1-distill-qwen-7b', quantization: 'bf16', context: 16_384})).result
    expect(new Set(qwen.candidates.map((c) => c.checkpointId))).toEqual(new Set(['qwen-7b-bf16']))
    expect(qwen.plan.fits).toBe(true)
    // A quantized checkpoint's repository or id: that checkpoint only.
    const awq = (await plan({count: 8, gpu: 'H200', model: 'cognitivecomputations/DeepSeek-R1-AWQ'})).result
    expect(new Set(awq.candidates.map((c) => c.checkpointId))).toEqual(new Set(['r1-awq']))
  })

  it('the original repository means the model: every checkpoint searched, the named one first among equals', async () => {
    // 8×H200: the named checkpoint (R1, not R1-0528) is the one recommended, though both fit alike.
    const h200 = (await plan({count: 8, gpu: 'H200', model: 'deepseek-ai/DeepSeek-R1'})).result
    expect(h200.plan.checkpointId).toBe('r1-fp8')
    expect(new Set(h200.candidates.map((c) => c.checkpointId)).size).toBeGreaterThan(2)
    // 8×A100-80GB: the FP8 original does not fit; AWQ does, and the reasons say why the original lost.
    const a100 = await plan({count: 8, gpu: 'A100-80GB', model: 'deepseek-ai/DeepSeek-R1'})
    expect(a100.result.plan.fits).toBe(true)
    expect(a100.result.plan.quantization).toBe('awq')
    const original = a100.result.candidates.find((c) => c.checkpointId === 'r1-fp8' && c.engine === 'vllm')!
    const line = a100.result.why.find((w) => w.startsWith('deepseek-ai/DeepSeek-R1 (FP8)'))
    expect(line).toBe(`deepseek-ai/DeepSeek-R1 (FP8) does not fit: ${original.reasons[0]}; its AWQ checkpoint cognitivecomputations/DeepSeek-R1-AWQ fits.`)
  })

  it('the original repository with --quantization X: that model\'s X checkpoint; a quantized repository with another X is an error', async () => {
    const awq = (await plan({count: 2, gpu: 'H200', model: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', quantization: 'awq'})).result
    expect(awq.plan.checkpointId).toBe('qwen-7b-awq')
    expect(new Set(awq.candidates.map((c) => c.checkpointId))).toEqual(new Set(['qwen-7b-awq']))
    const fp8 = (await plan({count: 8, gpu: 'H200', model: 'deepseek-ai/DeepSeek-R1', quantization: 'fp8'})).result
    expect(new Set(fp8.candidates.map((c) => c.checkpointId))).toEqual(new Set(['r1-fp8']))
    const e = await codeOf(plan({count: 8, gpu: 'H200', model: 'cognitivecomputations/DeepSeek-R1-AWQ', quantization: 'fp8'}))
    expect(e.code).toBe('R1_INVALID_FLAGS')
    expect(e.message).toBe("--model cognitivecomputations/DeepSeek-R1-AWQ is DeepSeek-R1 671B's AWQ checkpoint (cognitivecomputations/DeepSeek-R1-AWQ); --quantization asks for fp8")
  })

  it('several nodes: one command per node, a warning until --head-address is given', async () => {
    const bare = await plan({count: 8, gpu: 'H100', nodes: 2})
    expect(bare.result.plan.command.nodes.map((n) => n.role)).toEqual(['head', 'worker'])
    expect(bare.warnings.some((w) => w.includes('--head-address'))).toBe(true)
    const given = await plan({count: 8, gpu: 'H100', headAddress: '10.0.0.1', nodes: 2})
    expect(given.result.plan.command.nodes[1].argv).toEqual(expect.arrayContaining(['--node-rank', '1', '--dist-init-addr', '10.0.0.1:5000']))
    expect(given.warnings.some((w) => w.includes('--head-address'))).toBe(false)
  })

  it('says when the plan leaves GPUs or nodes unused', async () => {
    const one = await plan({count: 8, gpu: 'H100', model: 'r1-distill-qwen-7b', nodes: 2, engine: 'sglang'})
    expect(one.result.plan.nodes).toBe(1)
    expect(one.warnings).toContain('the plan uses 8 of the 16 GPUs (one node): start the same command on each node for more replicas, behind a load balancer')
    const four = await plan({count: 8, gpu: 'H200', model: 'r1-distill-qwen-7b', tp: 4, pp: 1, dp: 1})
    expect(four.warnings).toContain('the plan uses 4 of the 8 GPUs: set CUDA_VISIBLE_DEVICES, or run another replica on the rest')
    expect((await plan({count: 8, gpu: 'H200'})).warnings.some((w) => w.startsWith('the plan uses'))).toBe(false)
  })

  it('--out writes the plan file (its schema), only when the plan fits', async () => {
    const f = fakes()
    const {result, written} = await planFromFlags(f.deps, {count: 8, force: true, gpu: 'H200', out: 'plan.json'})
    expect(written).toBe('/abs/plan.json')
    expect(f.seen.writes).toHaveLength(1)
    expect(f.seen.writes[0].force).toBe(true)
    const file = PlanFile.parse(JSON.parse(f.seen.writes[0].text))
    expect(file.plan).toEqual(result.plan)
    expect(file.kind).toBe('r1-plan')

    const g = fakes()
    const miss = await planFromFlags(g.deps, {count: 1, gpu: 'P100', out: 'plan.json'})
    expect(miss.result.plan.fits).toBe(false)
    expect(miss.written).toBeNull()
    expect(g.seen.writes).toEqual([])
  })

  it('a person picks among the fitting plans when there is a chooser (-i): distinct entries, the recommendation first and marked; --yes skips it', async () => {
    const f = fakes({choose: true, pick: 1})
    const {result} = await planFromFlags(f.deps, {count: 8, gpu: 'H200'})
    expect(f.seen.choices).toHaveLength(1)
    expect(f.seen.choices[0].index).toBe(0)
    const labels = f.seen.choices[0].labels
    expect(labels[0]).toBe('* DeepSeek-R1 671B FP8 (r1-0528-fp8) on SGLang, TP8 DP8 EP8 (DP attention): 16 at once (recommended)')
    expect(labels.filter((l) => l.includes('recommended'))).toHaveLength(1)
    expect(new Set(labels).size).toBe(labels.length)
    expect(labels).toContain('DeepSeek-R1 671B FP8 (r1-fp8) on SGLang, TP8 DP8 EP8 (DP attention): 16 at once')
    expect(result.plan).toEqual(result.candidates[1])
    expect(result.why[0]).toMatch(/^Chosen by hand from \d+ fitting plans \(recommended: DeepSeek-R1 671B FP8 on SGLang\)\.$/)

    const yes = fakes({choose: true, pick: 1})
    await planFromFlags(yes.deps, {count: 8, gpu: 'H200', yes: true})
    expect(yes.seen.choices).toEqual([])
  })

  it('a context past the advertised 128K warns; past every model\'s maximum is a usage error', async () => {
    const long = await plan({context: 163_840, count: 8, gpu: 'H200'})
    expect(long.result.plan.model).toBe('deepseek-r1')
    expect(long.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^a 163,840-token context is beyond DeepSeek-R1 671B's advertised 131,072/), expect.stringMatching(/above some models' maximum/)]))
    const e = await codeOf(plan({context: 200_000, count: 8, gpu: 'H200', model: 'r1'}))
    expect(e).toMatchObject({code: 'R1_INVALID_FLAGS', message: "--context must be at most 163,840 tokens (DeepSeek-R1 671B's maximum); got 200,000"})
    expect((await codeOf(plan({context: 150_000, count: 1, gpu: 'H200', model: 'r1-distill-qwen-7b'}))).code).toBe('R1_INVALID_FLAGS')
  })

  it.each([
    [{count: 8, gpu: 'H200', tp: 3}, '--tp 3 does not split the 8 GPUs of a node evenly'],
    [{count: 8, gpu: 'H200', pp: 2, tp: 8}, '--tp × --pp × --dp needs 16 GPUs; there are 8'],
    [{count: 8, gpu: 'H200', nodes: 2, tp: 12}, '--tp 12 does not split the 8 GPUs of a node evenly'],
    [{count: 8, engineVersion: '0.11.0', gpu: 'H200'}, '--engine-version needs --engine sglang or --engine vllm'],
    [{count: 8, engine: 'vllm', engineVersion: 'latest', gpu: 'H200'}, '--engine-version "latest" is not a version'],
    [{count: 8, gpu: 'H200', gpuMemoryUtilization: 1.5}, '--gpu-memory-utilization 1.5 is not between 0 and 1'],
    [{count: 8, engine: 'vllm', gpu: 'H200', memFractionStatic: 0.8}, "--mem-fraction-static is SGLang's; vLLM takes --gpu-memory-utilization"],
    [{fromFile: 'x.txt', gpu: 'H200'}, '--from-file reads the hardware from a capture; --gpu/--gpu-memory describe it: pass one of them'],
  ] as Array<[PlanFlags, string]>)('impossible flags are usage errors: %j', async (flags, message) => {
    const e = await codeOf(plan(flags))
    expect(e.code).toBe('R1_INVALID_FLAGS')
    expect(e.message).toBe(message)
  })

  it('the recommended row is marked in JSON too: recommendedIndex points at the plan among the candidates, null when nothing fits', async () => {
    for (const flags of [{count: 8, gpu: 'H200', goal: 'latency' as const}, {count: 2, gpu: 'H100', model: 'deepseek-r1-distill-qwen-32b'}]) {
      const {result} = await plan(flags)
      expect(result.recommendedIndex).not.toBeNull()
      expect(result.candidates[result.recommendedIndex ?? -1]).toEqual(result.plan)
    }

    const none = (await plan({count: 1, gpu: 'T4', model: 'deepseek-r1'})).result
    expect(none.plan.fits).toBe(false)
    expect(none.recommendedIndex).toBeNull()
  })

  it('an unknown GPU or model', async () => {
    expect((await codeOf(plan({count: 8, gpu: 'H900'}))).code).toBe('R1_UNKNOWN_GPU')
    const e = await codeOf(plan({count: 8, gpu: 'H200', model: 'llama-3'}))
    expect(e.code).toBe('R1_UNKNOWN_MODEL')
  })

  it('--quantization that no checkpoint of the model has', async () => {
    const e = await codeOf(plan({count: 8, gpu: 'H200', model: 'r1-distill-qwen-1.5b', quantization: 'awq'}))
    expect(e.code).toBe('R1_USAGE')
    expect(e.message).toBe('no checkpoint to plan for (--model r1-distill-qwen-1.5b with --quantization awq): DeepSeek-R1-Distill-Qwen-1.5B has bf16 checkpoints')
    expect(e.suggestions).toContain('Drop --quantization, or pass one of bf16.')
  })

  it('checkPins: pins pass through; multi-node TP is a multiple of a node', () => {
    expect(checkPins({ep: 8, tp: 8}, 8, 1)).toEqual({dataParallel: undefined, expertParallel: 8, pipelineParallel: undefined, tensorParallel: 8})
    expect(checkPins({tp: 16}, 8, 2).tensorParallel).toBe(16)
  })

  it('checkPins: SGLang DP attention (--tp 8 --dp 8) needs 8 GPUs, not 64; on vLLM it is 64', async () => {
    expect(checkPins({dp: 8, ep: 8, tp: 8}, 8, 1)).toEqual({dataParallel: 8, expertParallel: 8, pipelineParallel: undefined, tensorParallel: 8})
    expect(() => checkPins({dp: 8, engine: 'vllm', tp: 8}, 8, 1)).toThrow('--tp × --pp × --dp needs 64 GPUs; there are 8')
    expect(() => checkPins({dp: 3, tp: 8}, 8, 1)).toThrow('--tp × --pp × --dp needs 24 GPUs; there are 8')
    const {result} = await plan({count: 8, dp: 8, engine: 'sglang', ep: 8, gpu: 'B200', model: 'r1', quantization: 'fp4', tp: 8})
    expect(result.plan).toMatchObject({dataParallel: 8, dpAttention: true, engine: 'sglang', expertParallel: 8, fits: true, tensorParallel: 8})
    expect(result.plan.command.argv).toEqual(expect.arrayContaining(['--enable-dp-attention', '--quantization', 'modelopt_fp4']))
  })
})

describe('plan service: GPUs in use', () => {
  it('a capture with 46.7 GiB held elsewhere: the plan says once that it sized the engines to the free memory (not detect\'s warning too)', async () => {
    const f = fakes({capture: 'a800-sxm4-80gb.busy-47848mib.table.txt'})
    const detected = await f.deps.detect({})
    expect(detected.warnings.filter((w) => w.includes('already used by other processes'))).toHaveLength(1)
    const {result, warnings} = await planFromFlags(f.deps, {engine: 'vllm', fromFile: 'busy.txt'})
    expect(result.plan.fits).toBe(true)
    expect(warnings).toContain('memory already in use by other processes (GPU 0 46.7 GiB of 80 GiB): the plan sizes each engine against what is free on its GPUs')
    expect(warnings.filter((w) => /in use|already used/.test(w))).toHaveLength(1)
    expect(result.plan.gpuMemoryUtilization).toBeLessThan(0.9)
  })
})

describe('plan service: work only for what is shown', () => {
  it('candidateCommands false: each candidate\'s command is built on first read, and is the one --json prints', async () => {
    const flags: PlanFlags = {count: 8, gpu: 'H100', headAddress: '10.0.0.1', nodes: 2}
    const eager = await plan(flags)
    const lazy = await plan({...flags, candidateCommands: false})
    const others = lazy.result.candidates.filter((c) => c !== lazy.result.plan)
    expect(others.length).toBeGreaterThan(10)
    for (const c of others) expect(Object.getOwnPropertyDescriptor(c, 'command')?.get).toBeTypeOf('function')
    expect(Object.getOwnPropertyDescriptor(lazy.result.plan, 'command')?.value).toEqual(eager.result.plan.command)
    // Read, the commands are the eager ones (every node of the 2-node ones), the same object on every read.
    expect(JSON.parse(JSON.stringify(lazy.result))).toEqual(JSON.parse(JSON.stringify(eager.result)))
    expect(others.some((c) => c.command.nodes.length === 2)).toBe(true)
    for (const c of others) expect(c.command).toBe(c.command)
    expect(lazy.warnings).toEqual(eager.warnings)
  })

  // planDisaggregatedLazily answers without loading the PD search exactly where planDisaggregated has nothing to say.
  const r1 = catalog.models.find((m) => m.id === 'deepseek-r1')!
  const distill = catalog.models.find((m) => m.architecture.kind !== 'mla-moe')!
  const cases = (['auto', 'on', 'off'] as const).flatMap((mode) =>
    [1, 2, 4].flatMap((nodes) => [r1, distill].flatMap((model) => [true, false].map((given) => ({given, mode, model, nodes})))),
  )
  it.each(cases.map((c) => [c.mode, c.nodes, c.model.id, c.given, c] as const))('--disaggregate %s, %i node(s), %s, workload given %s: the same answer as planDisaggregated', async (_m, _n, _id, _g, c) => {
    const args = {
      addresses: [],
      catalog,
      checkpoint: c.model.checkpoints[0],
      contextLength: 32_768,
      engine: catalog.engines.find((e) => e.id === 'sglang')!,
      engineVersion: '0.5.14',
      hardware: {gpu: gpuSpecFromProfile(catalog.gpus.find((g) => g.id === 'h100-sxm')!), gpusPerNode: 8, nodes: c.nodes},
      kvCacheDtype: 'auto' as const,
      mode: c.mode,
      model: c.model,
      routerPort: 8000,
      workload: {given: c.given, inputTokens: 2000, itlMs: null, outputTokens: 2000, ttftMs: null},
    }
    expect(await planDisaggregatedLazily(args)).toEqual(planDisaggregated(args))
  })
})

describe('writeFileAtomic', () => {
  it('writes, refuses to overwrite without force, replaces with it, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-plan-out-'))
    const path = join(dir, 'plan.json')
    expect(writeFileAtomic(path, 'one')).toBe(path)
    expect(readFileSync(path, 'utf8')).toBe('one')
    try {
      writeFileAtomic(path, 'two', {forceFlag: '--force'})
      expect.unreachable()
    } catch (error) {
      expect((error as R1Error).code).toBe('R1_FILE_EXISTS')
      expect((error as R1Error).suggestions).toEqual(['Pass --force to replace it, or choose another file name.'])
    }

    expect(readFileSync(path, 'utf8')).toBe('one')
    writeFileAtomic(path, 'three', {force: true})
    expect(readFileSync(path, 'utf8')).toBe('three')
    expect(readdirSync(dir)).toEqual(['plan.json'])
  })

  it('creates missing folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-plan-out-'))
    writeFileSync(join(dir, 'keep'), '')
    const path = join(dir, 'a', 'b', 'plan.json')
    writeFileAtomic(path, '{}')
    expect(readFileSync(path, 'utf8')).toBe('{}')
  })
})
