import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import {gateProblems} from '../../../src/core/engines/gate.js'
import {buildPd, type PdBuild} from '../../../src/core/engines/pd/build.js'
import {decodePlan, prefillPlan, rolePlanCore} from '../../../src/core/planner/pd/assemble.js'
import {calibrate, rateGpu} from '../../../src/core/planner/pd/calibration.js'
import {type PdCandidate, searchDisaggregated} from '../../../src/core/planner/pd/disaggregate.js'
import type {RoleContext} from '../../../src/core/planner/pd/roles.js'
import type {Catalog} from '../../../src/core/profiles/catalog.js'
import {gpuSpecFromProfile} from '../../../src/core/profiles/gpus.js'
import {codeOf} from '../../helpers/errors.js'
import {ROOT} from '../../helpers/cli.js'
import {loadTestCatalog} from '../planner/fixtures.js'

let catalog: Catalog
beforeAll(async () => {
  catalog = await loadTestCatalog()
})

/** A plan for R1 FP8 on `nodes` × 8 GPUs, built for one engine release. */
function planFor(engine: 'sglang' | 'vllm', version: string, nodes: number, gpuId = 'h100-sxm', addresses: string[] = [], apiKeyEnv: string | null = null): {build: PdBuild; candidate: PdCandidate} {
  const model = catalog.models.find((m) => m.id === 'deepseek-r1')!
  const profile = catalog.gpus.find((g) => g.id === gpuId)!
  const gpu = gpuSpecFromProfile(profile)
  const ctx: RoleContext = {
    checkpoint: model.checkpoints.find((c) => c.id === 'r1-fp8')!,
    contextLength: 32_768,
    engine: catalog.engines.find((e) => e.id === engine)!,
    engineVersion: version,
    gpu,
    gpusPerNode: 8,
    kvCacheDtype: 'auto',
    model,
  }
  const calibration = calibrate({checkpoints: model.checkpoints, engine: catalog.engines.find((e) => e.id === 'sglang')!, gpus: catalog.gpus, model})
  const out = searchDisaggregated({...ctx, calibration, hardware: {gpu, gpusPerNode: 8, nodes}, mode: 'on', rates: rateGpu(profile), workload: {given: true, inputTokens: 2000, itlMs: null, outputTokens: 2000, ttftMs: null}})
  const c = out.candidate!
  const build = buildPd({
    addresses,
    apiKeyEnv,
    checkpoint: ctx.checkpoint,
    decode: {plan: rolePlanCore(ctx, c.decode.role), sizing: decodePlan(c.decode, engine)},
    engineVersion: version,
    model,
    prefill: {plan: rolePlanCore(ctx, c.prefill.role), sizing: prefillPlan(c.prefill, engine)},
    routerPort: 8000,
    transferBackend: engine === 'sglang' ? 'mooncake' : 'NixlConnector',
  })
  return {build, candidate: c}
}

function valueOf(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag)
  return i === -1 ? undefined : argv[i + 1]
}

/** Every port a node's command listens on (HTTP on the leader, bootstrap, rendezvous, NIXL block). */
function listening(build: PdBuild): string[] {
  const out: string[] = [`router:${build.router.port}`]
  for (const n of build.nodes) {
    if (n.httpPort !== null) out.push(`http:${n.httpPort}`)
    const bootstrap = valueOf(n.argv, '--disaggregation-bootstrap-port')
    if (bootstrap && n.rank === 0) out.push(`bootstrap:${bootstrap}`)
    const dist = valueOf(n.argv, '--dist-init-addr') ?? valueOf(n.argv, '--data-parallel-rpc-port')
    if (dist && n.rank === 0) out.push(`dist:${dist.split(':').at(-1)}`)
  }

  return out.map((p) => p.split(':')[1])
}

describe('PD commands (SGLang)', () => {
  test('13 × 8 H100 at 0.5.14: prefill and decode flags per side, the router names every leader with its bootstrap port', () => {
    const {build, candidate} = planFor('sglang', '0.5.14', 13, 'h100-sxm', Array.from({length: 13}, (_, i) => `10.0.0.${i + 1}`))
    const prefill = build.nodes.filter((n) => n.role === 'prefill')
    const decode = build.nodes.filter((n) => n.role === 'decode')
    expect(prefill).toHaveLength(candidate.prefill.instances * candidate.prefill.nodesPerInstance)
    expect(decode).toHaveLength(candidate.decode.instances * candidate.decode.nodesPerInstance)
    const p = prefill[0].argv
    expect(valueOf(p, '--disaggregation-mode')).toBe('prefill')
    expect(valueOf(p, '--deepep-mode')).toBe('normal')
    expect(valueOf(p, '--moe-a2a-backend')).toBe('deepep')
    expect(valueOf(p, '--disaggregation-bootstrap-port')).toBe('8998')
    expect(valueOf(p, '--ep-num-redundant-experts')).toBe(String(candidate.prefill.role.redundantExperts))
    expect(p).toContain('--enable-two-batch-overlap')
    expect(p).not.toContain('--disaggregation-decode-tp')
    const d = decode[0].argv
    expect(valueOf(d, '--disaggregation-mode')).toBe('decode')
    expect(valueOf(d, '--deepep-mode')).toBe('low_latency')
    expect(valueOf(d, '--cuda-graph-max-bs-decode')).toBe(String(candidate.decode.batchPerRank))
    expect(valueOf(d, '--max-running-requests')).toBe(String(candidate.decode.batchPerRank * candidate.decode.role.ranks))
    expect(valueOf(d, '--dist-init-addr')).toBe(`10.0.0.${prefill.length + 1}:21000`)
    expect(build.router.argv.slice(0, 4)).toEqual(['python3', '-m', 'sglang_router.launch_router', '--pd-disaggregation'])
    expect(build.router.argv).toEqual(expect.arrayContaining(['--prefill', 'http://10.0.0.1:30000', '8998', '--decode', `http://10.0.0.${prefill.length + 1}:31000`]))
  })

  test('ports cannot collide, even with every instance on one host', () => {
    for (const engine of ['sglang', 'vllm'] as const) {
      // 24 × H200 nodes give several instances per role.
      const {build} = planFor(engine, engine === 'sglang' ? '0.5.14' : '0.20.1', 24, 'h200-sxm', Array.from({length: 24}, () => '10.0.0.1'))
      const ports = listening(build)
      expect(new Set(ports).size).toBe(ports.length)
      if (engine === 'vllm') {
        // NIXL side channels: each instance owns base .. base + ranks − 1.
        const blocks = [...new Set(build.nodes.map((n) => Number(n.env.VLLM_NIXL_SIDE_CHANNEL_PORT)))]
        const ranks = Math.max(...build.nodes.map((n) => Number(valueOf(n.argv, '--data-parallel-size'))))
        const sorted = blocks.sort((a, b) => a - b)
        for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(ranks)
      }
    }
  })

  test.each([
    ['0.5.9', true],
    ['0.5.10', false],
  ])('--disaggregation-decode-tp at SGLang %s: %s (removed in v0.5.10)', (version, present) => {
    const {build} = planFor('sglang', version, 13)
    expect(build.nodes[0].argv.includes('--disaggregation-decode-tp')).toBe(present)
  })

  test('SGLang 0.5.4 (0.5.2–0.5.7): round-robin balance pairs; 0.5.8 leaves --load-balance-method auto', () => {
    const old = planFor('sglang', '0.5.4', 13).build
    expect(valueOf(old.nodes[0].argv, '--load-balance-method')).toBe('round_robin')
    expect(old.nodes.find((n) => n.role === 'decode')!.argv).toContain('--prefill-round-robin-balance')
    const now = planFor('sglang', '0.5.8', 13).build
    expect(now.nodes.flatMap((n) => n.argv)).not.toContain('--prefill-round-robin-balance')
  })

  test('SGLang before 0.4.10.post2 uses --enable-deepep-moe; before 0.5.2 the router is mini_lb', () => {
    const {build} = planFor('sglang', '0.4.9', 13)
    expect(build.nodes[0].argv).toContain('--enable-deepep-moe')
    expect(build.nodes[0].argv).not.toContain('--moe-a2a-backend')
    expect(build.router.argv.slice(0, 3)).toEqual(['python3', '-m', 'sglang.srt.disaggregation.mini_lb'])
    expect(build.warnings.join(' ')).toMatch(/mini load balancer/)
  })

  test('SGLang before 0.4.4.post2 has no PD: a usage error naming the floor', () => {
    expect(codeOf(() => planFor('sglang', '0.4.3', 13))).toBe('R1_INVALID_FLAGS')
  })
})

describe('an API key on every piece, never as a value', () => {
  test('SGLang 0.5.14: every server --api-key ${R1_API_KEY}, the router too (the key it sends to workers and checks on clients)', () => {
    const {build} = planFor('sglang', '0.5.14', 13, 'h100-sxm', [], 'R1_API_KEY')
    for (const n of build.nodes) expect(valueOf(n.argv, '--api-key')).toBe('${R1_API_KEY}')
    expect(build.router.argv.slice(-2)).toEqual(['--api-key', '${R1_API_KEY}'])
    expect(build.passEnv).toContain('R1_API_KEY')
    // Without a key, none.
    const plain = planFor('sglang', '0.5.14', 13).build
    expect([...plain.nodes.flatMap((n) => n.argv), ...plain.router.argv]).not.toContain('--api-key')
  })

  test('vLLM 0.20.1: the servers read VLLM_API_KEY (by name, no flag), vllm-router takes --api-key ${R1_API_KEY}', () => {
    const {build} = planFor('vllm', '0.20.1', 13, 'h100-sxm', [], 'VLLM_API_KEY')
    for (const n of build.nodes) {
      expect(n.argv).not.toContain('--api-key')
      expect(n.env.VLLM_API_KEY).toBeUndefined()
    }

    expect(build.passEnv).toEqual(expect.arrayContaining(['VLLM_API_KEY', 'R1_API_KEY']))
    expect(build.router.argv.slice(-2)).toEqual(['--api-key', '${R1_API_KEY}'])
  })

  test('SGLang 0.4.9: the mini load balancer takes no key: none on it, and a warning', () => {
    const {build} = planFor('sglang', '0.4.9', 13, 'h100-sxm', [], 'R1_API_KEY')
    expect(build.router.argv.slice(0, 3)).toEqual(['python3', '-m', 'sglang.srt.disaggregation.mini_lb'])
    expect(build.router.argv).not.toContain('--api-key')
    expect(valueOf(build.nodes[0].argv, '--api-key')).toBe('${R1_API_KEY}')
    expect(build.warnings.some((w) => w.includes('mini load balancer takes no API key'))).toBe(true)
  })
})

describe('the per-release gate on PD commands', () => {
  test.each([
    ['sglang', '0.5.9'],
    ['sglang', '0.5.14'],
    ['vllm', '0.11.0'],
    ['vllm', '0.20.1'],
  ] as const)('%s %s: every node passes; the removed or unknown flag would not', (engine, version) => {
    const {build} = planFor(engine, version, 13)
    for (const n of build.nodes) expect(gateProblems({engine, spec: {argv: n.argv, env: n.env, nodes: [], passEnv: []}, version})).toEqual([])
    const bad = [...build.nodes[0].argv, engine === 'sglang' ? '--disaggregation-prefill-pp' : '--kv-transfer-backend', '1']
    expect(gateProblems({engine, spec: {argv: bad, env: {}, nodes: [], passEnv: []}, version: engine === 'sglang' ? '0.5.14' : version}).length).toBeGreaterThan(0)
  })
})

describe('PD commands (vLLM)', () => {
  test('NixlConnector needs vLLM 0.9.0', () => {
    expect(codeOf(() => planFor('vllm', '0.8.5', 13))).toBe('R1_INVALID_FLAGS')
  })

  test('0.20.1: --kv-transfer-config, --all2all-backend per side, EPLB config, DBO on decode, NIXL side channel per node', () => {
    const {build} = planFor('vllm', '0.20.1', 13, 'h100-sxm', Array.from({length: 13}, (_, i) => `10.0.1.${i + 1}`))
    const p = build.nodes.find((n) => n.role === 'prefill')!
    const d = build.nodes.find((n) => n.role === 'decode')!
    expect(JSON.parse(valueOf(p.argv, '--kv-transfer-config')!)).toEqual({kv_connector: 'NixlConnector', kv_load_failure_policy: 'fail', kv_role: 'kv_both'})
    expect(valueOf(p.argv, '--all2all-backend')).toBe('deepep_high_throughput')
    expect(valueOf(d.argv, '--all2all-backend')).toBe('deepep_low_latency')
    expect(d.argv).toContain('--enable-dbo')
    expect(p.argv).not.toContain('--enable-dbo')
    expect(p.env.VLLM_NIXL_SIDE_CHANNEL_HOST).toBe('10.0.1.1')
    expect(build.router.argv.slice(0, 2)).toEqual(['vllm-router', '--vllm-pd-disaggregation'])
    const workers = build.nodes.filter((n) => n.rank > 0)
    for (const w of workers) expect(w.argv).toContain('--headless')
  })

  test('0.11.0: DeepEP through VLLM_ALL2ALL_BACKEND (the flag arrives in 0.11.1), --eplb-config (0.10.2+)', () => {
    const {build} = planFor('vllm', '0.11.0', 13)
    const d = build.nodes.find((n) => n.role === 'decode')!
    expect(d.env.VLLM_ALL2ALL_BACKEND).toBe('deepep_low_latency')
    expect(d.argv).not.toContain('--all2all-backend')
    expect(d.argv).toContain('--eplb-config')
    expect(JSON.parse(valueOf(d.argv, '--kv-transfer-config')!).kv_load_failure_policy).toBeUndefined()
  })
})

// The engines' real parsers, release by release (shared/engine-cli, read by its own checker).
const CHECKER = join(ROOT, '..', 'shared', 'engine-cli', 'check_argv.py')
const python = (() => {
  try {
    execFileSync('python3', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

describe.skipIf(!python || !existsSync(CHECKER))('every PD argv passes the real parser of its release (shared/engine-cli/check_argv.py)', () => {
  test.each([
    ['sglang', '0.4.9'],
    ['sglang', '0.5.4'],
    ['sglang', '0.5.9'],
    ['sglang', '0.5.10'],
    ['sglang', '0.5.14'],
    ['sglang', '0.5.18'],
    ['vllm', '0.9.2'],
    ['vllm', '0.11.0'],
    ['vllm', '0.11.1'],
    ['vllm', '0.20.1'],
    ['vllm', '0.21.0'],
  ] as const)('%s %s (with an API key: SGLang\'s --api-key reference included)', (engine, version) => {
    const {build} = planFor(engine, version, 13, 'h100-sxm', [], engine === 'sglang' ? 'R1_API_KEY' : 'VLLM_API_KEY')
    if (engine === 'sglang') expect(build.nodes[0].argv).toContain('--api-key')
    // One python process per release, through the checker's importable check() (its CLI reloads the data per call).
    const script = 'import sys, json\nsys.path.insert(0, sys.argv[1])\nfrom check_argv import check\nfor a in json.load(sys.stdin):\n    print(json.dumps(check(sys.argv[2], sys.argv[3], a)))'
    const input = JSON.stringify(build.nodes.map((n) => n.argv))
    const out = execFileSync('python3', ['-c', script, dirname(CHECKER), engine, version], {input}).toString().trim().split('\n')
    const problems = out.flatMap((line, i) => (JSON.parse(line) as string[]).map((p) => `node ${build.nodes[i].node}: ${p}`))
    expect(problems).toEqual([])
  })
})
