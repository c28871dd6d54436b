/**
 * `r1 serve --role` with fake dependencies: the piece of a disaggregated plan this machine runs, rebuilt for
 * the installed release, its readiness, and the router that waits for its backends.
 */
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import type {DetectResult} from '../../src/core/detect/detect.schema.js'
import type {R1Error} from '../../src/core/errors.js'
import type {DisaggregatedPlan} from '../../src/core/planner/pd/pd.schema.js'
import type {PlanConfig} from '../../src/core/planner/plan.schema.js'
import type {Catalog} from '../../src/core/profiles/catalog.js'
import type {CaptureResult, Runner} from '../../src/io/exec.js'
import type {EngineRecord, RecordedEngine, ServeRegistry} from '../../src/io/serve-registry.js'
import {readProfileFiles} from '../../src/io/profiles.js'
import {planFromFlags} from '../../src/services/plan.js'
import type {ServeDeps, ServeOptions} from '../../src/services/serve.js'
import {serveRole} from '../../src/services/serve/roles.js'
import {ROOT} from '../helpers/cli.js'

let catalog: Catalog
let file: {plan: PlanConfig; disaggregated: DisaggregatedPlan}
const ADDRESSES = Array.from({length: 13}, (_, i) => `10.2.0.${i + 1}`)

beforeAll(async () => {
  const {buildCatalog} = await import('../../src/core/profiles/catalog.schema.js')
  catalog = buildCatalog({engines: [], gpus: [], models: []}, await readProfileFiles(join(ROOT, 'profiles')))
  const {result} = await planFromFlags(
    {detect: async () => { throw new Error('unexpected detect') }, loadCatalog: async () => catalog, writeFile: () => { throw new Error('unexpected write') }},
    {count: 8, gpu: 'H100', inputTokens: 2000, model: 'deepseek-r1', nodeAddresses: ADDRESSES, nodes: 13, outputTokens: 2000},
  )
  file = {disaggregated: result.disaggregated!, plan: result.plan}
})

function h100s(): DetectResult {
  return {
    cudaVersion: '12.8',
    driverVersion: '570.86.15',
    gpus: Array.from({length: 8}, (_, index) => ({architecture: 'hopper' as const, computeCapability: '9.0', index, memoryTotalMiB: 81_559, memoryUsedMiB: 0, mig: null, name: 'NVIDIA H100 80GB HBM3', unifiedMemory: false, uuid: null})),
    host: null,
    interconnect: null,
    source: 'nvidia-smi',
  }
}

const ok = (stdout: string): CaptureResult => ({exitCode: 0, notFound: false, stderr: '', stdout, timedOut: false})

/** A registry holding `engines` (as list() gives them): what was recorded and which orphans were stopped. */
function fakeRegistry(engines: RecordedEngine[] = []) {
  const recorded: Omit<EngineRecord, 'r1Pid' | 'r1StartTime' | 'startedAt'>[] = []
  const stopped: string[] = []
  const registry: ServeRegistry = {
    list: () => engines,
    record: (e) => recorded.push(e),
    remove() {},
    async stopOrphan(e) {
      stopped.push(e.owner)
      return true
    },
    stopSupervised: async () => { throw new Error('unexpected stopSupervised') },
  }
  return {recorded, registry, stopped}
}

function harness(version = '0.5.14', healthy: (url: string, t: number) => boolean = () => true, registry?: ServeRegistry) {
  const captures: string[][] = []
  const spawned: {argv: string[]; env: Record<string, string | undefined>; t: number}[] = []
  const probes: string[] = []
  const clock = {t: 0}
  let finish: (r: {exitCode: number | null; signal: string | null; notFound: boolean}) => void = () => {}
  const runner: Runner = {
    async capture(cmd, args) {
      const key = [cmd, ...args].join(' ')
      if (key === 'python3 -c import sglang; print(sglang.__version__)') return ok(`${version}\n`)
      if (cmd === 'docker') {
        captures.push([cmd, ...args])
        return ok(args[0] === '--version' ? 'Docker version 27.3.1, build ce12230\n' : `${args.at(-1)}\n`)
      }

      throw new Error(`unexpected command: ${key}`)
    },
    async spawn(cmd, args, opts = {}) {
      spawned.push({argv: [cmd, ...args], env: opts.env ?? {}, t: clock.t})
      const exited = new Promise<{exitCode: number | null; signal: string | null; notFound: boolean}>((resolve) => (finish = resolve))
      return {alive: () => [], closeOutput() {}, exited, killTree: () => finish({exitCode: null, notFound: false, signal: 'SIGTERM'}), owner: 'test', pid: 4242}
    },
  }
  const deps: ServeDeps = {
    confirm: async () => { throw new Error('unexpected confirm') },
    detect: async () => h100s(),
    disk: {findCachedSnapshot: (_d, repo) => `/hf/hub/models--${repo.replace('/', '--')}/snapshots/abc`, freeBytes: () => 4e12, hubCacheDir: () => '/hf/hub', shmSizeBytes: () => 64 * 2 ** 30},
    env: {PATH: '/usr/bin'},
    async httpGet(url) {
      probes.push(url)
      if (!healthy(url, clock.t)) return {body: '', status: 503}
      if (url.endsWith('/health')) return {body: '', status: 200}
      return {body: JSON.stringify({data: [{id: file.plan.checkpoint}]}), status: 200}
    },
    isPortFree: async () => true,
    loadCatalog: async () => catalog,
    now: () => clock.t,
    // The test "presses Ctrl-C" once the piece is ready, so each run ends.
    onStopSignal: (fn) => {
      stop = fn
      return () => {}
    },
    registry,
    runner,
    async sleep(ms) {
      clock.t += ms
      await new Promise((r) => setImmediate(r))
    },
  }
  let stop: (s: 'SIGINT') => void = () => {}
  return {captures, clock, deps, interrupt: () => stop('SIGINT'), probes, spawned}
}

function options(over: Partial<ServeOptions> = {}): ServeOptions {
  return {apiKey: null, apiKeySource: 'R1_API_KEY', docker: false, dryRun: false, headAddress: null, host: '127.0.0.1', nodeRank: null, port: 8000, readyTimeoutS: 600, resolvePlan: async () => ({plan: file.plan, source: 'file'}), stopTimeoutS: 5, yes: true, ...over}
}

async function rejection(p: Promise<unknown>): Promise<R1Error> {
  try {
    await p
  } catch (error) {
    return error as R1Error
  }

  throw new Error('expected a rejection')
}

describe('serve --role (disaggregated plans)', () => {
  it('--dry-run prints every node\'s command and the router\'s, labelled', async () => {
    const h = harness()
    const r = await serveRole(h.deps, options({dryRun: true}), {}, file, null)
    const d = file.disaggregated
    expect(r.mode).toBe('dry-run')
    expect(r.commands).toHaveLength(d.nodes.length + 1)
    expect(r.commands[0].label).toBe('node 0: prefill 0, rank 0; r1 serve --role prefill --node-rank 0')
    expect(r.commands.at(-1)!.argv.slice(0, 4)).toEqual(['python3', '-m', 'sglang_router.launch_router', '--pd-disaggregation'])
    expect(h.spawned).toHaveLength(0)
  })

  it('--dry-run --docker: every node in the official image on the host network, with the RDMA devices', async () => {
    const h = harness()
    const r = await serveRole(h.deps, options({docker: true, dryRun: true}), {}, file, 'decode')
    expect(r.commands).toHaveLength(file.disaggregated.ratio.decodeNodes)
    const argv = r.commands[0].argv
    expect(argv.slice(0, 4)).toEqual(['docker', 'run', '--rm', '--name'])
    expect(argv).toEqual(expect.arrayContaining(['--network', 'host', '--device', '/dev/infiniband', '--cap-add', 'IPC_LOCK', '--ulimit', 'memlock=-1', '--entrypoint', 'python3', 'lmsysorg/sglang:v0.5.14']))
    expect(argv).toContain('--disaggregation-mode')
  })

  it('decode --node-rank 1: the installed release\'s decode argv for that node, up once it runs (a worker serves no HTTP)', async () => {
    const h = harness('0.5.9')
    const events: string[] = []
    const run = serveRole(h.deps, options({nodeRank: 1}), {ready: () => {
      events.push('ready')
      h.interrupt()
    }}, file, 'decode')
    const e = await rejection(run)
    expect(e.code).toBe('R1_INTERRUPTED')
    expect(events).toEqual(['ready'])
    const argv = h.spawned[0].argv
    const at = (f: string) => argv[argv.indexOf(f) + 1]
    const prefillNodes = file.disaggregated.ratio.prefillNodes
    expect(at('--disaggregation-mode')).toBe('decode')
    expect(at('--node-rank')).toBe('1')
    expect(at('--dist-init-addr')).toBe(`${ADDRESSES[prefillNodes]}:21000`)
    // Built for the installed 0.5.9, not the planned 0.5.14: the old CUDA-graph flag name.
    expect(argv).toContain('--cuda-graph-max-bs')
    expect(argv).not.toContain('--cuda-graph-max-bs-decode')
  })

  it('prefill --node-rank 0 (a leader): ready when /health and /v1/models answer on its own port', async () => {
    const h = harness()
    const run = serveRole(h.deps, options({nodeRank: 0}), {ready: () => h.interrupt()}, file, 'prefill')
    expect((await rejection(run)).code).toBe('R1_INTERRUPTED')
    expect(h.probes[0]).toBe('http://127.0.0.1:30000/health')
    expect(h.spawned[0].argv).toContain('--disaggregation-bootstrap-port')
  })

  it('the router waits until every backend answers /health, then starts and is ready', async () => {
    const h = harness('0.5.14', (url, t) => !url.includes(':31000') || t >= 5000)
    const run = serveRole(h.deps, options(), {ready: () => h.interrupt()}, file, 'router')
    expect((await rejection(run)).code).toBe('R1_INTERRUPTED')
    expect(h.spawned).toHaveLength(1)
    expect(h.spawned[0].t).toBeGreaterThanOrEqual(5000)
    expect(h.spawned[0].argv).toEqual(expect.arrayContaining(['--prefill', 'http://10.2.0.1:30000', '8998']))
    expect(h.probes.filter((u) => u.includes(':31000/health')).length).toBeGreaterThan(1)
  })

  it('the router gives up when a backend never comes up, naming it (exit 5), and starts nothing', async () => {
    const h = harness('0.5.14', (url) => !url.includes(':31000'))
    const e = await rejection(serveRole(h.deps, options({readyTimeoutS: 30}), {}, file, 'router'))
    expect(e.code).toBe('R1_ENGINE_NOT_READY')
    expect(e.message).toContain(`http://${ADDRESSES[file.disaggregated.ratio.prefillNodes]}:31000`)
    expect(h.spawned).toHaveLength(0)
  })

  it('a stop signal while the router waits for its backends: R1_INTERRUPTED, nothing started', async () => {
    const h = harness('0.5.14', () => false)
    const run = serveRole(h.deps, options(), {phase: () => h.interrupt()}, file, 'router')
    const e = await rejection(run)
    expect(e.code).toBe('R1_INTERRUPTED')
    expect(e.message).toBe('interrupted (SIGINT) while the router waited for its backends; nothing was started.')
    expect(h.spawned).toHaveLength(0)
  })

  it('an API key: the servers and the router get it at launch; what r1 shows keeps the ${R1_API_KEY} reference', async () => {
    const key = 'sk-roles-1234'
    for (const role of ['decode', 'router'] as const) {
      const h = harness()
      const shown: string[][] = []
      const run = serveRole(h.deps, options({apiKey: key, nodeRank: 0}), {launch: (_n, c) => shown.push(c.argv), ready: () => h.interrupt()}, file, role)
      expect((await rejection(run)).code).toBe('R1_INTERRUPTED')
      const argv = h.spawned[0].argv
      expect(argv[argv.indexOf('--api-key') + 1]).toBe(key)
      expect(shown[0][shown[0].indexOf('--api-key') + 1]).toBe('\${R1_API_KEY}')
    }
  })

  it('--docker prefill: the stop kills the container its docker run named, the one the registry recorded', async () => {
    const reg = fakeRegistry()
    const h = harness('0.5.14', () => true, reg.registry)
    const run = serveRole(h.deps, options({docker: true, nodeRank: 0}), {ready: () => h.interrupt()}, file, 'prefill')
    expect((await rejection(run)).code).toBe('R1_INTERRUPTED')
    const argv = h.spawned[0].argv
    expect(argv.slice(0, 3)).toEqual(['docker', 'run', '--rm'])
    const name = argv[argv.indexOf('--name') + 1]
    // prefill node 0 of the plan serves on 30000 (the probe above); --port 8000 is not the piece's port
    expect(name).toBe('r1-serve-30000-prefill-0')
    expect(h.captures).toEqual([['docker', '--version'], ['docker', 'kill', name]])
    expect(reg.recorded).toEqual([expect.objectContaining({container: name, piece: name, port: 30000})])
  })

  it('--docker: every piece of the plan has its own container name (worker nodes share a port and a rank)', async () => {
    const h = harness()
    const r = await serveRole(h.deps, options({docker: true, dryRun: true}), {}, file, null)
    const names = r.commands.map((c) => c.argv[c.argv.indexOf('--name') + 1])
    expect(names).toHaveLength(file.disaggregated.nodes.length + 1)
    expect(new Set(names).size).toBe(names.length)
    expect(names.at(-1)).toBe(`r1-serve-${file.disaggregated.router.port}-router`)
  })

  it('orphans: a piece stops only the one recorded for itself, never another piece\'s or a plain serve\'s', async () => {
    const orphan = (owner: string, piece: string | null, supervised = false): RecordedEngine => ({container: null, engine: 'sglang', host: '127.0.0.1', owner, pid: 100, piece, port: 30000, processes: 2, r1Pid: 1, r1StartTime: null, startedAt: '', supervised})
    const reg = fakeRegistry([
      orphan('same', 'r1-serve-30000-prefill-0'),
      orphan('same-but-supervised', 'r1-serve-30000-prefill-0', true),
      orphan('other-prefill', 'r1-serve-30000-prefill-1'),
      orphan('decode', `r1-serve-${file.disaggregated.router.port}-decode-7`),
      orphan('plain-serve', null),
    ])
    const h = harness('0.5.14', () => true, reg.registry)
    const warnings: string[] = []
    const run = serveRole(h.deps, options({nodeRank: 0}), {ready: () => h.interrupt(), warn: (w) => warnings.push(w)}, file, 'prefill')
    expect((await rejection(run)).code).toBe('R1_INTERRUPTED')
    expect(reg.stopped).toEqual(['same'])
    expect(warnings).toContain('stopping sglang (pid 100, port 30000) left running by an r1 that was killed (2 processes)')
    expect(reg.recorded).toEqual([expect.objectContaining({container: null, piece: 'r1-serve-30000-prefill-0'})])

    const router = fakeRegistry([orphan('router', `r1-serve-${file.disaggregated.router.port}-router`), orphan('prefill', 'r1-serve-30000-prefill-0')])
    const hr = harness('0.5.14', () => true, router.registry)
    expect((await rejection(serveRole(hr.deps, options(), {ready: () => hr.interrupt()}, file, 'router'))).code).toBe('R1_INTERRUPTED')
    expect(router.stopped).toEqual(['router'])
  })

  it('usage errors: no --role, or a --node-rank out of range', async () => {
    const h = harness()
    expect((await rejection(serveRole(h.deps, options(), {}, file, null))).code).toBe('R1_USAGE')
    const e = await rejection(serveRole(h.deps, options({nodeRank: 99}), {}, file, 'decode'))
    expect(e.code).toBe('R1_USAGE')
    expect(e.message).toMatch(/--node-rank 99 is out of range: the plan has \d+ decode nodes/)
  })
})
