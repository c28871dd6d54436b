/**
 * Every release in the engine data × a dozen fleets × R1 and each distill × both engines × both goals, planned by
 * the real search at that release and built through the gate (release-matrix.ts). Then the shared reference checker
 * (../shared/engine-cli/check_argv.py) reads the same command lines and must agree with the gate.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {gateProblems} from '../../../src/core/engines/gate.js'
import {knownReleases} from '../../../src/core/engines/interface.js'
import {FLEETS, type MatrixCommand, type MatrixResult, runMatrix, SHARED} from './release-matrix.js'

const results: Partial<Record<'sglang' | 'vllm', MatrixResult>> = {}

beforeAll(() => {
  results.vllm = runMatrix('vllm')
  results.sglang = runMatrix('sglang')
}, 300_000)

const optionsOf = (argv: string[]) => argv.filter((w) => w.startsWith('--'))
const valueAfter = (argv: string[], flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined)

describe('the release matrix through the gate', () => {
  it('covers every release, a dozen fleets from Pascal to 2×8 Blackwell, R1 and the six distills', () => {
    expect(knownReleases('vllm')).toHaveLength(36)
    expect(knownReleases('sglang')).toHaveLength(74)
    expect(FLEETS).toHaveLength(12)
    expect(FLEETS.map((f) => f.gpu)).toEqual(expect.arrayContaining(['gtx-1080-ti', 'v100-sxm2-32gb', 'tesla-t4', 'a100-sxm4-80gb', 'h200-sxm', 'b200']))
    expect(FLEETS.some((f) => f.nodes === 2 && f.count === 8)).toBe(true)
    for (const engine of ['vllm', 'sglang'] as const) {
      const commands = results[engine]!.commands
      expect(new Set(commands.map((c) => c.version)).size, `${engine}: every release yields commands`).toBe(knownReleases(engine).length)
      const models = new Set(commands.map((c) => c.label.split(' ')[4]))
      expect([...models].some((id) => id.startsWith('r1-')), 'R1 checkpoints').toBe(true)
      expect([...models].filter((id) => !id.startsWith('r1-')).length, 'distill checkpoints').toBeGreaterThanOrEqual(6)
    }
  })

  it.each(['vllm', 'sglang'] as const)('%s: every candidate of every plan builds and passes the gate', (engine) => {
    const result = results[engine]!
    expect(result.refused.slice(0, 5)).toEqual([])
    expect(result.builds).toBeGreaterThan(engine === 'vllm' ? 50_000 : 100_000)
    expect(result.fitting).toBeGreaterThan(result.builds / 2)
  })

  it.each(['vllm', 'sglang'] as const)('%s: every command re-checked by the gate has no problem, and the tuning was reached', (engine) => {
    const seen = new Set<string>()
    for (const command of results[engine]!.commands) {
      const problems = gateProblems({engine, spec: {argv: command.argv, env: command.env, nodes: [], passEnv: []}, version: command.version})
      if (problems.length > 0) throw new Error(`${command.label}: ${problems[0].message}\n${command.argv.join(' ')}`)
      for (const flag of optionsOf(command.argv)) seen.add(flag)
    }

    const expected =
      engine === 'sglang'
        ? ['--reasoning-parser', '--tp-size', '--dp-size', '--enable-dp-attention', '--ep-size', '--enable-ep-moe', '--pp-size', '--attention-backend', '--enable-flashmla', '--kv-cache-dtype', '--speculative-algorithm', '--cuda-graph-max-bs', '--cuda-graph-max-bs-decode', '--sampling-defaults', '--preferred-sampling-params', '--nnodes', '--dist-timeout', '--quantization', '--api-key']
        : ['--reasoning-parser', '--enable-reasoning', '--tensor-parallel-size', '--pipeline-parallel-size', '--data-parallel-size', '--enable-expert-parallel', '--data-parallel-size-local', '--headless', '--distributed-executor-backend', '--speculative-config', '--num-speculative-tokens', '--kv-cache-dtype', '--attention-backend', '--max-cudagraph-capture-size', '--enable-chunked-prefill', '--override-generation-config', '--quantization', '--api-key']
    for (const flag of expected) expect(seen, flag).toContain(flag)
  })
})

describe('semantic floors the parsers cannot show', () => {
  const where = (engine: 'sglang' | 'vllm', test: (c: MatrixCommand) => boolean) => results[engine]!.commands.filter(test)

  it('vLLM multi-node data parallelism only from 0.9.0: before it, two nodes run TP/PP over Ray', () => {
    const multiNodeDp = where('vllm', (c) => c.argv.includes('--data-parallel-size-local'))
    expect(multiNodeDp.length).toBeGreaterThan(0)
    expect(multiNodeDp.every((c) => !['0.7.3', '0.8.0', '0.8.1', '0.8.2', '0.8.3', '0.8.4', '0.8.5', '0.8.5.post1'].includes(c.version))).toBe(true)
    // vLLM 0.8.5 on 2×8 H100: R1 over both nodes, without --data-parallel-size, over Ray.
    const old = where('vllm', (c) => c.version === '0.8.5' && c.label.includes('2x8 h100-sxm') && c.label.includes(' r1-') && c.label.endsWith(' 2n'))
    expect(old.length).toBeGreaterThan(0)
    for (const c of old) {
      expect(c.argv).not.toContain('--data-parallel-size')
      expect(valueAfter(c.argv, '--distributed-executor-backend')).toBe('ray')
    }
  })

  it('SGLang trtllm_mla: only from 0.4.10.post1, and only on SM100 (B200)', () => {
    const trt = where('sglang', (c) => valueAfter(c.argv, '--attention-backend') === 'trtllm_mla')
    expect(trt.length).toBeGreaterThan(0)
    const releases = knownReleases('sglang')
    const first = releases.indexOf('0.4.10.post1')
    expect(Math.min(...trt.map((c) => releases.indexOf(c.version)))).toBe(first)
    expect(trt.every((c) => c.label.includes(' b200 '))).toBe(true)
    // Before it, R1 on B200 takes another backend the release has.
    const before = where('sglang', (c) => c.version === '0.4.10' && c.label.includes(' b200 ') && c.label.includes(' r1-'))
    expect(before.map((c) => valueAfter(c.argv, '--attention-backend')).filter(Boolean).length).toBeGreaterThan(0)
    expect(before.some((c) => valueAfter(c.argv, '--attention-backend') === 'trtllm_mla')).toBe(false)
  })

  it('the reasoning parser is deepseek_r1 for vLLM and deepseek-r1 for SGLang (absent before 0.4.3.post3)', () => {
    expect(new Set(where('vllm', () => true).map((c) => valueAfter(c.argv, '--reasoning-parser')))).toEqual(new Set(['deepseek_r1']))
    const sglang = where('sglang', () => true)
    expect(new Set(sglang.map((c) => valueAfter(c.argv, '--reasoning-parser')))).toEqual(new Set(['deepseek-r1', undefined]))
    expect(new Set(sglang.filter((c) => !c.argv.includes('--reasoning-parser')).map((c) => c.version))).toEqual(new Set(['0.4.3', '0.4.3.post1', '0.4.3.post2']))
  })

  it('VLLM_ATTENTION_BACKEND only before 0.15 (ignored there); --attention-backend only from 0.13', () => {
    const releases = knownReleases('vllm')
    const at = (v: string) => releases.indexOf(v)
    const env = where('vllm', (c) => 'VLLM_ATTENTION_BACKEND' in c.env)
    expect(env.length).toBeGreaterThan(0)
    expect(Math.max(...env.map((c) => at(c.version)))).toBeLessThan(at('0.15.0'))
    const flag = where('vllm', (c) => c.argv.includes('--attention-backend'))
    expect(Math.min(...flag.map((c) => at(c.version)))).toBeGreaterThanOrEqual(at('0.13.0'))
  })

  it('SGLang --cuda-graph-max-bs up to 0.5.13.post1, --cuda-graph-max-bs-decode from 0.5.14; FP8 KV always fp8_e4m3', () => {
    const releases = knownReleases('sglang')
    const first = releases.indexOf('0.5.14')
    const wrong = where('sglang', (c) => {
      const decode = releases.indexOf(c.version) >= first
      const kv = valueAfter(c.argv, '--kv-cache-dtype')
      return c.argv.includes(decode ? '--cuda-graph-max-bs' : '--cuda-graph-max-bs-decode') || !c.argv.includes(decode ? '--cuda-graph-max-bs-decode' : '--cuda-graph-max-bs') || (kv !== undefined && kv !== 'fp8_e4m3')
    })
    expect(wrong.slice(0, 3).map((c) => `${c.label}: ${c.argv.join(' ')}`)).toEqual([])
    expect(where('sglang', (c) => valueAfter(c.argv, '--kv-cache-dtype') === 'fp8_e4m3').length).toBeGreaterThan(0)
  })

  it('vLLM: the model is positional in every release; --enable-reasoning only up to 0.8.5.post1', () => {
    const wrong = where('vllm', (c) => c.argv[0] !== 'vllm' || c.argv[1] !== 'serve' || !/^[\w.-]+\/[\w.-]+$/.test(c.argv[2]) || c.argv.includes('--model'))
    expect(wrong.slice(0, 3).map((c) => c.argv.join(' '))).toEqual([])
    expect(new Set(where('vllm', (c) => c.argv.includes('--enable-reasoning')).map((c) => c.version))).toEqual(new Set(['0.7.3', '0.8.0', '0.8.1', '0.8.2', '0.8.3', '0.8.4', '0.8.5', '0.8.5.post1']))
  })
})

/**
 * A sample the checker can read in seconds: per release, every distinct set of options and every non-numeric
 * (option, value) pair at least once (numbers vary freely inside the sample).
 */
function sample(commands: MatrixCommand[]): MatrixCommand[] {
  const sets = new Set<string>()
  const pairs = new Set<string>()
  const out: MatrixCommand[] = []
  for (const c of commands) {
    const set = `${c.engine} ${c.version} ${optionsOf(c.argv).join(' ')}`
    const fresh: string[] = []
    for (let i = 0; i + 1 < c.argv.length; i++) {
      if (c.argv[i].startsWith('-') && !c.argv[i + 1].startsWith('-') && !/^[\d.]+$/.test(c.argv[i + 1])) {
        const pair = `${c.engine} ${c.version} ${c.argv[i]} ${c.argv[i + 1]}`
        if (!pairs.has(pair)) fresh.push(pair)
      }
    }

    if (sets.has(set) && fresh.length === 0) continue
    sets.add(set)
    for (const pair of fresh) pairs.add(pair)
    out.push(c)
  }

  return out
}

/** Commands the gate must refuse, each one of the traps the issue names; the checker must refuse them too. */
const TRAPS: Array<{engine: 'sglang' | 'vllm'; version: string; argv: string[]; option: string | null}> = [
  {argv: ['vllm', 'serve', '--model', 'deepseek-ai/DeepSeek-R1', '--tensor-parallel-size', '8'], engine: 'vllm', option: '--model', version: '0.9.0'},
  {argv: ['vllm', 'serve', 'deepseek-ai/DeepSeek-R1', '--enable-reasoning', '--reasoning-parser', 'deepseek_r1'], engine: 'vllm', option: '--enable-reasoning', version: '0.10.2'},
  {argv: ['vllm', 'serve', 'deepseek-ai/DeepSeek-R1', '--reasoning-parser', 'deepseek-r1'], engine: 'vllm', option: '--reasoning-parser', version: '0.10.0'},
  {argv: ['vllm', 'serve', 'deepseek-ai/DeepSeek-R1', '--attention-backend', 'FLASHMLA'], engine: 'vllm', option: '--attention-backend', version: '0.12.0'},
  {argv: ['vllm', 'serve', 'deepseek-ai/DeepSeek-R1', '--cuda-graph-sizes', '64'], engine: 'vllm', option: '--cuda-graph-sizes', version: '0.11.1'},
  {argv: ['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1', '--kv-cache-dtype', 'fp8'], engine: 'sglang', option: '--kv-cache-dtype', version: '0.5.6.post2'},
  {argv: ['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1', '--context-length', '128K'], engine: 'sglang', option: '--context-length', version: '0.5.10'},
  {argv: ['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1', '--attention-backend', 'trtllm_mla'], engine: 'sglang', option: '--attention-backend', version: '0.4.10'},
  {argv: ['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1', '--cuda-graph-max-bs', '64'], engine: 'sglang', option: '--cuda-graph-max-bs', version: '0.5.14'},
  {argv: ['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1', '--enable-ep-moe'], engine: 'sglang', option: '--enable-ep-moe', version: '0.5.3'},
  {argv: ['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1', '--tp-size', 'eight'], engine: 'sglang', option: '--tp-size', version: '0.4.6'},
]

describe('the gate refuses the traps', () => {
  it.each(TRAPS)('$engine $version: $option', ({engine, version, argv, option}) => {
    const problems = gateProblems({engine, spec: {argv, env: {}, nodes: [], passEnv: []}, version})
    expect(problems.map((p) => p.option)).toContain(option)
  })

  it('vLLM 0.12.0 ignores nothing, 0.15.0 ignores VLLM_ATTENTION_BACKEND', () => {
    const spec = (env: Record<string, string>) => ({argv: ['vllm', 'serve', 'deepseek-ai/DeepSeek-R1'], env, nodes: [], passEnv: []})
    expect(gateProblems({engine: 'vllm', spec: spec({VLLM_ATTENTION_BACKEND: 'FLASHMLA'}), version: '0.12.0'})).toEqual([])
    expect(gateProblems({engine: 'vllm', spec: spec({VLLM_ATTENTION_BACKEND: 'FLASHMLA'}), version: '0.15.0'}).map((p) => p.option)).toEqual(['VLLM_ATTENTION_BACKEND'])
  })

  it('a backend on hardware it was not built for: trtllm_mla on H200', () => {
    const argv = ['python3', '-m', 'sglang.launch_server', '--model-path', 'deepseek-ai/DeepSeek-R1', '--attention-backend', 'trtllm_mla']
    const problems = gateProblems({engine: 'sglang', gpu: {architecture: 'hopper', computeCapability: '9.0'}, spec: {argv, env: {}, nodes: [], passEnv: []}, version: '0.5.14'})
    expect(problems.map((p) => p.message)).toEqual(['--attention-backend trtllm_mla runs on SM100/SM103 (B200, B300, GB200) only, not on compute capability 9.0'])
  })
})

const CHECKER = join(SHARED, 'engine-cli', 'check_argv.py')
const python = spawnSync('python3', ['--version'], {encoding: 'utf8'})
const skip = !existsSync(CHECKER) ? `no ${CHECKER} (shared/ is not beside the repository)` : python.status === 0 ? null : 'no python3 on this machine'

describe.skipIf(skip !== null)(`the shared reference checker agrees with the gate${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const driver = `
import json, sys
sys.path.insert(0, sys.argv[1])
import check_argv
out = []
for line in open(sys.argv[2]):
    engine, version, argv = json.loads(line)
    out.append(check_argv.check(engine, version, argv))
json.dump(out, sys.stdout)
`

  function runChecker(commands: Array<{engine: string; version: string; argv: string[]}>): string[][] {
    const dir = mkdtempSync(join(tmpdir(), 'r1-argv-'))
    const file = join(dir, 'argv.jsonl')
    writeFileSync(file, commands.map((c) => JSON.stringify([c.engine, c.version, c.argv])).join('\n') + '\n')
    const run = spawnSync('python3', ['-c', driver, join(SHARED, 'engine-cli'), file], {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
    if (run.status !== 0) throw new Error(`check_argv.py failed: ${run.stderr}`)
    return JSON.parse(run.stdout) as string[][]
  }

  it('accepts every command line of the matrix sample (each release, each option set, each named value)', {timeout: 300_000}, () => {
    const commands = sample([...results.vllm!.commands, ...results.sglang!.commands])
    expect(commands.length).toBeGreaterThan(3000)
    const verdicts = runChecker(commands)
    const disagreements = commands.map((c, i) => ({c, problems: verdicts[i]})).filter((x) => x.problems.length > 0)
    expect(disagreements.slice(0, 3).map((x) => `${x.c.label}: ${x.problems.join('; ')}\n${x.c.argv.join(' ')}`)).toEqual([])
  })

  it('refuses every trap the gate refuses', () => {
    const verdicts = runChecker(TRAPS.filter((t) => t.option !== '--attention-backend' || t.engine === 'vllm' || t.version !== '0.5.14'))
    verdicts.forEach((problems, i) => expect(problems.length, `${TRAPS[i].engine} ${TRAPS[i].version} ${TRAPS[i].argv.join(' ')}`).toBeGreaterThan(0))
  })
})
