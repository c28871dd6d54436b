/**
 * Every flag error says what was wrong (issue 13 item 8) and every number is held to a range
 * (issue 14 item 6): the real bin/run.js, its real exit code, its stderr and its JSON envelope.
 */
import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'

interface Case {
  args: string[]
  message: string
  suggestion?: RegExp
}

const REFUSED: Case[] = [
  {args: ['plan', '--gpu', 'H200', '--count', '0'], message: '--count must be a whole number from 1 to 512; got 0'},
  {args: ['plan', '--gpu', 'H200', '--count', 'abc'], message: '--count must be a whole number from 1 to 512; got "abc"'},
  {args: ['plan', '--gpu', 'H200', '--count', '999999999999999999999'], message: '--count must be a whole number from 1 to 512; got 999999999999999999999'},
  {args: ['plan', '--gpu', 'H200', '--nodes', '1000000'], message: '--nodes must be a whole number from 1 to 1,024; got 1000000'},
  {args: ['plan', '--gpu', 'H200', '--nodes', '99999999999'], message: '--nodes must be a whole number from 1 to 1,024; got 99999999999'},
  {args: ['plan', '--gpu', 'H200', '--port', '99999'], message: '--port must be a whole number from 1 to 65,535; got 99999'},
  {args: ['plan', '--gpu-memory', '9999999999999999999999GB'], message: '--gpu-memory must be a memory size from 256 MiB to 16 TiB with its unit (80GB, 24GiB, 81559MiB); got "9999999999999999999999GB"'},
  {args: ['plan', '--gpu', 'H200', '--context', 'lots'], message: '--context must be a token count from 1 to 16,777,216 (32768, 32k or 128K); got "lots"'},
  {args: ['plan', '--gpu', 'H200', '--context', '2m'], message: '--context must be at most 163,840 tokens (the maximum of every model); got 2,097,152'},
  {args: ['plan', '--gpu', 'H200', '--tp', '0'], message: '--tp must be a whole number from 1 to 4,096; got 0'},
  {args: ['plan', '--gpu', 'H200', '--gpu-memory-utilization', '1.5'], message: '--gpu-memory-utilization must be a number above 0 to 1; got 1.5'},
  {args: ['plan', '--gpu', 'H200', '--goal', 'fast'], message: '--goal must be one of throughput, latency; got "fast"'},
  {args: ['serve', '--gpu', 'H200', '--port', '70000', '--dry-run'], message: '--port must be a whole number from 1 to 65,535; got 70000'},
  {args: ['bench', '--input-tokens', '1000000000'], message: '--input-tokens must be a token count from 1 to 1,048,576 (32768, 32k or 128K); got 1000000000'},
  {args: ['bench', '--concurrency', '0'], message: '--concurrency must be a whole number from 1 to 10,000; got 0'},
  {args: ['eval', '--temperature', 'NaN'], message: '--temperature must be a number from 0 to 2; got "NaN"'},
  {args: ['eval', '--samples', '-3'], message: '--samples must be a whole number from 1 to 1,000; got "-3"'},
  {args: ['chat', 'hi', '--max-tokens', '0'], message: '--max-tokens must be a token count from 1 to 1,048,576 (32768, 32k or 128K); got 0'},
  {args: ['report', '--fleet', '99999999999xH200'], message: 'fleet entry "99999999999xH200": GPUs per node must be from 1 to 512; got 99999999999'},
  {args: ['report', '--context', '2k,huge'], message: '--context must be token counts from 1 to 16,777,216, comma separated (8192, 32k or 128K); got "huge"'},
  {args: ['plan', '--gpu', 'H200', '--contxt', '5'], message: 'unknown flag --contxt', suggestion: /^Did you mean --context\?$/},
  {args: ['plan', '--gpu', 'H200', '--modle', 'r1'], message: 'unknown flag --modle', suggestion: /^Did you mean --model\?$/},
  {args: ['profiles', 'show'], message: 'missing argument ID (Profile id or alias)'},
  {args: ['chat'], message: 'missing argument PROMPT (The question (put any instructions here too))'},
  {args: ['pln'], message: 'unknown command "pln"', suggestion: /^Did you mean r1 plan\?$/},
  {args: ['profiles', 'shw', 'h200'], message: 'unknown command "profiles shw"', suggestion: /^Did you mean r1 profiles show\?$/},
]

describe('flag errors (e2e): the flag, the value and the rule; exit 2; the JSON envelope with --json', () => {
  it.each(REFUSED)('$args', async ({args, message, suggestion}) => {
    const r = await runCli(args)
    expect(r.exitCode, r.stderr).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(`Error: ${message}`)
    expect(r.stderr).toContain('Code: R1_INVALID_FLAGS')
    expect(r.stderr).not.toMatch(/Parsing --|at .*\.js:\d+/)
    const j = await runCli([...args, '--json'])
    expect(j.exitCode).toBe(2)
    const json = JSON.parse(j.stdout)
    expect(json).toMatchObject({error: {code: 'R1_INVALID_FLAGS', message}, status: 2})
    if (suggestion) expect(json.error.suggestions).toEqual(expect.arrayContaining([expect.stringMatching(suggestion)]))
  })
})

describe('report --format X --json (e2e)', () => {
  it('is refused with a clear message when X is not json; --format json --json is the envelope around --format json', async () => {
    const r = await runCli(['report', '--fleet', '8xH200', '--models', 'qwen-7b', '--context', '8k', '--format', 'csv', '--json'])
    expect(r.exitCode).toBe(2)
    const json = JSON.parse(r.stdout)
    expect(json.error).toMatchObject({code: 'R1_INVALID_FLAGS', message: '--format csv and --json ask for two outputs; --json prints the JSON envelope (the result of --format json)'})
    const plain = await runCli(['report', '--fleet', '8xH200', '--models', 'qwen-7b', '--context', '8k', '--format', 'json'])
    const enveloped = await runCli(['report', '--fleet', '8xH200', '--models', 'qwen-7b', '--context', '8k', '--format', 'json', '--json'])
    expect(enveloped.exitCode).toBe(0)
    expect(JSON.parse(enveloped.stdout).result).toEqual(JSON.parse(plain.stdout))
  })
})

describe('the names people type (e2e)', () => {
  it('the engines\' flag names are aliases: --tensor-parallel-size, --tp-size, --pipeline-parallel-size, --pp-size, --data-parallel-size, --dp-size, --max-model-len, --context-length', async () => {
    const cases: Array<[string[], Record<string, unknown>]> = [
      [['--tensor-parallel-size', '8', '--engine', 'vllm'], {tensorParallel: 8}],
      [['--tp-size', '8', '--engine', 'vllm'], {tensorParallel: 8}],
      [['--pipeline-parallel-size', '2', '--tp', '4', '--engine', 'vllm'], {pipelineParallel: 2, tensorParallel: 4}],
      [['--pp-size', '2', '--tp', '4', '--engine', 'vllm'], {pipelineParallel: 2}],
      [['--data-parallel-size', '8', '--engine', 'vllm'], {dataParallel: 8}],
      [['--dp-size', '8', '--tp', '8', '--engine', 'sglang'], {dataParallel: 8, dpAttention: true}],
      [['--max-model-len', '32k'], {contextLength: 32_768}],
      [['--context-length', '128K'], {contextLength: 131_072}],
      [['--context', '32,768'], {contextLength: 32_768}],
      [['--context', '32k'], {contextLength: 32_768}],
      [['--context', '128K'], {contextLength: 131_072}],
    ]
    for (const [flags, expected] of cases) {
      const r = await runCli(['plan', '--gpu', 'H200', '--count', '8', '--model', 'r1', ...flags, '--json'])
      expect(r.exitCode, `${flags.join(' ')}: ${r.stdout.slice(0, 300)}`).toBe(0)
      expect(JSON.parse(r.stdout).result.plan).toMatchObject(expected)
    }
  })

  it('--gpu-memory 80GB says it reads as 74.5 GiB; 80GiB says nothing', async () => {
    const gb = await runCli(['plan', '--gpu-memory', '80GB', '--compute-capability', '9.0', '--count', '2', '--model', 'qwen-7b'])
    expect(gb.exitCode).toBe(0)
    expect(gb.stderr).toContain('Warning: --gpu-memory 80GB reads as 74.5 GiB (GB = 10^9 bytes, GiB = 2^30); write 80GiB if you meant 80 × 2^30 bytes')
    const gib = await runCli(['plan', '--gpu-memory', '80GiB', '--compute-capability', '9.0', '--count', '2', '--model', 'qwen-7b'])
    expect(gib.stderr).not.toContain('reads as')
  })

  it('--model deepseek-ai/DeepSeek-R1 on 8 × A100-80GB: exit 0 with R1 as AWQ, and why the FP8 original was not chosen', async () => {
    const r = await runCli(['plan', '--gpu', 'A100-80GB', '--count', '8', '--model', 'deepseek-ai/DeepSeek-R1'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Recommended: DeepSeek-R1 671B AWQ /m)
    expect(r.stdout).toMatch(/^ {2}deepseek-ai\/DeepSeek-R1 \(FP8\) does not fit: weights need [\d.]+ GiB per GPU.*; its AWQ checkpoint cognitivecomputations\/DeepSeek-R1-AWQ fits\.$/m)
  })

  it('--model deepseek-ai/DeepSeek-R1-Distill-Qwen-7B --quantization awq: that model\'s AWQ checkpoint', async () => {
    const r = await runCli(['plan', '--gpu', 'H200', '--count', '2', '--model', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', '--quantization', 'awq', '--json'])
    expect(r.exitCode, r.stdout).toBe(0)
    expect(JSON.parse(r.stdout).result.plan.checkpoint).toBe('casperhansen/deepseek-r1-distill-qwen-7b-awq')
  })

  it('6 × H200 for R1: pipeline parallelism inside the node (TP alone cannot use 6 GPUs); exit 0', async () => {
    const r = await runCli(['plan', '--gpu', 'H200', '--count', '6', '--model', 'r1', '--json'])
    expect(r.exitCode, r.stdout.slice(0, 400)).toBe(0)
    const plan = JSON.parse(r.stdout).result.plan
    expect(plan.tensorParallel * plan.pipelineParallel).toBe(6)
    expect(plan.pipelineParallel).toBeGreaterThan(1)
  })

  it('--pp 3 alone on 6 × H200 plans TP 2 × PP 3; a pin that cannot work names the real reason, not "Drop --quantization"', async () => {
    const pp = await runCli(['plan', '--gpu', 'H200', '--count', '6', '--model', 'r1', '--pp', '3', '--json'])
    expect(pp.exitCode, pp.stdout.slice(0, 400)).toBe(0)
    expect(JSON.parse(pp.stdout).result.plan).toMatchObject({pipelineParallel: 3, tensorParallel: 2})
    const tp6 = await runCli(['plan', '--gpu', 'H200', '--count', '6', '--model', 'r1', '--tp', '6', '--pp', '1', '--json'])
    expect(tp6.exitCode).toBe(3)
    const json = JSON.parse(tp6.stdout)
    expect(json.error.message).toContain('TP 6 does not divide the 128 attention heads')
    expect(json.error.suggestions.join(' ')).not.toContain('--quantization')
    expect(json.error.suggestions).toContain('Drop --tp, --pp, --model to let r1 search every checkpoint and layout.')
  })

  it('8 × H100 PCIe is not called NVLink (the bridge pairs cards at most)', async () => {
    const r = await runCli(['plan', '--gpu', 'h100-pcie', '--count', '8', '--json'])
    const json = JSON.parse(r.stdout)
    expect(json.result.hardware.summary).not.toContain('NVLink')
    expect(json.result.hardware.gpu.nvlink).toBe(false)
    const sxm = JSON.parse((await runCli(['plan', '--gpu', 'h100-sxm', '--count', '8', '--json'])).stdout)
    expect(sxm.result.hardware.summary).toContain('NVLink')
  })
})

interface Row {model: string; modelName: string; quantization: string; engine: string; fits: boolean; maxConcurrency: number; reasons: string[]; checkpointId: string; memory: {weightsGiB: number}}

describe('numbers and reasons people read (e2e)', () => {
  it('one GiB figure per quantity: a row\'s weights and its "weights need" reason, the GPU in plan and detect', async () => {
    const capture = 'test/fixtures/plan/h100-sxm5-80gb-x8.driver565.table.txt'
    const all = await runCli(['plan', '--from-file', capture, '--all'])
    const rows = all.stdout.split('\n').filter((l) => l.includes('\tno\t'))
    expect(rows.length).toBeGreaterThan(3)
    let checked = 0
    for (const row of rows) {
      const cells = row.split('\t')
      const need = /^weights need ([\d.]+) GiB per GPU/.exec(cells.at(-1)!)
      if (!need) continue
      expect(cells[4], row).toBe(`${need[1]} GiB`)
      checked++
    }

    expect(checked).toBeGreaterThan(3)
    const each = /([\d.]+) GiB each/.exec(all.stdout)![1]
    expect(all.stdout).toContain(`(${each} GiB total)`)
    const detect = await runCli(['detect', '--from-file', capture, '--no-host'])
    const memory = detect.stdout.split('\n').filter((l) => /^\d+\t/.test(l)).map((l) => l.split('\t')[4])
    expect(new Set(memory)).toEqual(new Set([`${each} GiB`]))
    // The catalog's H100 SXM, as profiles list and show print it, and a plan for it: one figure.
    const planned = /([\d.]+) GiB each/.exec((await runCli(['plan', '--gpu', 'h100-sxm', '--count', '8'])).stdout)![1]
    const row = (await runCli(['profiles', 'list', 'gpus'])).stdout.split('\n').find((l) => l.startsWith('gpus\th100-sxm\t'))!
    expect(row.split('\t')[3]).toBe(`hopper 9.0, ${planned} GiB`)
    expect((await runCli(['profiles', 'show', 'h100-sxm'])).stdout).toContain(`; ${planned} GiB (80 GB on the datasheet`)
    // Checkpoint sizes in GiB too (serve's download check and prompt print the same unit).
    const show = (await runCli(['profiles', 'show', 'qwen-7b'])).stdout
    expect(show).toMatch(/^ {4}qwen-7b-bf16 +BF16 +[\d.]+ GiB +deepseek-ai\/DeepSeek-R1-Distill-Qwen-7B$/m)
  })

  it('Qwen-7B ranks above Llama-8B (DeepSeek\'s published evaluation), in the table and the JSON', async () => {
    const r = await runCli(['plan', '--gpu', 'H200', '--count', '8'])
    const names = r.stdout.split('\n').map((l) => l.split('\t')[0].replace(/^\* /, ''))
    expect(names.indexOf('Distill-Qwen-7B')).toBeGreaterThan(0)
    expect(names.indexOf('Distill-Qwen-7B')).toBeLessThan(names.indexOf('Distill-Llama-8B'))
    const json = JSON.parse((await runCli(['plan', '--gpu', 'H200', '--count', '8', '--json'])).stdout).result
    const order = json.candidates.map((c: Row) => c.model)
    expect(order.indexOf('r1-distill-qwen-7b')).toBeLessThan(order.indexOf('r1-distill-llama-8b'))
    expect(json.why[0]).toMatch(/mean pass@1 [\d.]+/)
  })

  it.each([['H200'], ['H100'], ['B200']])('8 × %s: every figure in the reasons holds against the candidate table', async (gpu) => {
    const json = JSON.parse((await runCli(['plan', '--gpu', gpu, '--count', '8', '--json'])).stdout).result
    const plan: Row = json.plan
    const rows: Row[] = json.candidates.filter((c: Row) => c.model === plan.model)
    const whole = (c: Row) => Math.floor(c.maxConcurrency)
    const best = (keep: (c: Row) => boolean) => Math.max(...rows.filter((c) => c.fits && keep(c)).map(whole))
    const engineOf = (name: string) => (name === 'SGLang' ? 'sglang' : 'vllm')
    let claims = 0
    for (const line of json.why as string[]) {
      const atLeast = /with at least (\d+) requests/.exec(line)
      if (atLeast) {
        claims++
        expect(whole(plan)).toBeGreaterThanOrEqual(Number(atLeast[1]))
      }

      const quant = /(\w+) would hold (\d+) at once on (vLLM|SGLang)/.exec(line)
      if (quant) {
        claims++
        expect(best((c) => c.quantization === quant[1].toLowerCase() && c.engine === engineOf(quant[3])), line).toBe(Number(quant[2]))
        expect(Number(quant[2])).toBeGreaterThan(whole(plan))
      }

      const engine = /(vLLM|SGLang) would hold (\d+) at once \(--engine/.exec(line)
      if (engine) {
        claims++
        // With the recommended checkpoint (another checkpoint's figure has a line of its own).
        expect(best((c) => c.engine === engineOf(engine[1]) && c.checkpointId === plan.checkpointId), line).toBe(Number(engine[2]))
        expect(Number(engine[2])).toBeGreaterThan(whole(plan))
      }

      const only = /(vLLM|SGLang) serves only (\d+) at once with its best checkpoint \((\w+)\)/.exec(line)
      if (only) {
        claims++
        expect(best((c) => c.engine === engineOf(only[1])), line).toBe(Number(only[2]))
        expect(best((c) => c.engine === engineOf(only[1]) && c.quantization === only[3].toLowerCase())).toBe(Number(only[2]))
        expect(whole(plan)).toBeGreaterThan(Number(only[2]))
      }

      const unfit = /on (vLLM|SGLang) (\w+) does not fit: (weights need [^.]+\))/.exec(line)
      if (unfit) {
        claims++
        const row = rows.find((c) => c.engine === engineOf(unfit[1]) && c.quantization === unfit[2].toLowerCase() && !c.fits && c.reasons[0].startsWith(unfit[3]))
        expect(row, line).toBeDefined()
      }
    }

    expect(claims).toBeGreaterThanOrEqual(2)
  })
})
