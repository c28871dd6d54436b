/**
 * The serve service with fake dependencies: a runner whose unexpected calls throw, a spawned "engine" the test
 * drives line by line, a virtual clock, and signals the test sends.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {DetectResult} from '../../src/core/detect/detect.schema.js'
import type {R1Error} from '../../src/core/errors.js'
import type {PlanConfig, PlanFile} from '../../src/core/planner/plan.schema.js'
import type {ServeResult} from '../../src/core/serve/serve.schema.js'
import type {CaptureResult, Runner, SpawnOptions} from '../../src/io/exec.js'
import type {Catalog} from '../../src/core/profiles/catalog.js'
import {readProfileFiles} from '../../src/io/profiles.js'
import type {StopSignal} from '../../src/io/signals.js'
import {readPlanFile, serve, type ServeDeps, type ServeEvents, type ServeOptions} from '../../src/services/serve.js'
import {FIXTURES, ROOT} from '../helpers/cli.js'

let catalog: Promise<Catalog> | undefined
/** The built-in profiles, read from profiles/ (not dist/, which another build may be replacing). */
function builtinCatalog(): Promise<Catalog> {
  catalog ??= (async () => {
    const {buildCatalog} = await import('../../src/core/profiles/catalog.schema.js')
    return buildCatalog({engines: [], gpus: [], models: []}, await readProfileFiles(join(ROOT, 'profiles')))
  })()
  return catalog
}

function planFixture(name: string): PlanConfig {
  return (JSON.parse(readFileSync(join(FIXTURES, 'serve', `${name}.json`), 'utf8')) as PlanFile).plan
}

function detected(n: number, name: string, usedMiB = 0, totalMiB = 24_564): DetectResult {
  return {
    cudaVersion: '12.8',
    driverVersion: '570.86.15',
    gpus: Array.from({length: n}, (_, index) => ({
      architecture: 'ada' as const,
      computeCapability: '8.9',
      index,
      memoryTotalMiB: totalMiB,
      memoryUsedMiB: usedMiB,
      mig: null,
      name,
      unifiedMemory: false,
      uuid: null,
    })),
    host: null,
    interconnect: null,
    source: 'nvidia-smi',
  }
}

const ok = (stdout: string): CaptureResult => ({exitCode: 0, notFound: false, stderr: '', stdout, timedOut: false})

/** An engine the test drives: it prints lines, exits when told, and records the signals its group gets. */
class FakeEngine {
  signals: string[] = []
  argv: string[] = []
  env: Record<string, string | undefined> = {}
  onLine?: SpawnOptions['onLine']
  exitOn: string[] = ['SIGINT', 'SIGTERM', 'SIGKILL']
  private finish!: (r: {exitCode: number | null; signal: string | null; notFound: boolean}) => void
  readonly exited = new Promise<{exitCode: number | null; signal: string | null; notFound: boolean}>((resolve) => (this.finish = resolve))

  print(...lines: string[]) {
    for (const line of lines) this.onLine?.('stderr', line)
  }

  exit(exitCode: number | null, signal: string | null = null) {
    this.finish({exitCode, notFound: false, signal})
  }

  kill(signal: string) {
    this.signals.push(signal)
    if (this.exitOn.includes(signal)) this.exit(null, signal)
  }
}

interface Harness {
  deps: ServeDeps
  engine: FakeEngine
  captures: string[][]
  events: string[]
  send: (signal: StopSignal) => void
  clock: {t: number}
  setReady: (ready: boolean) => void
  /** Runs after each virtual sleep: the test's script of what the engine does, by time. */
  script: (t: number) => void
}

function harness(options: {detect?: DetectResult; versions?: Record<string, string>; cached?: boolean; portFree?: boolean} = {}): Harness {
  const engine = new FakeEngine()
  const captures: string[][] = []
  const events: string[] = []
  const clock = {t: 0}
  let ready = false
  let handler: ((s: StopSignal) => void) | null = null
  const h: Harness = {
    captures,
    clock,
    deps: undefined as unknown as ServeDeps,
    engine,
    events,
    script: () => {},
    send: (s) => handler?.(s),
    setReady: (r) => (ready = r),
  }
  const runner: Runner = {
    async capture(cmd, args) {
      captures.push([cmd, ...args])
      const key = [cmd, ...args].join(' ')
      if (key === 'vllm --version') return ok(`${options.versions?.vllm ?? '0.20.1'}\n`)
      if (key === 'python3 -c import sglang; print(sglang.__version__)') return ok(`${options.versions?.sglang ?? '0.5.14'}\n`)
      if (key === 'docker --version') return ok('Docker version 27.3.1, build ce12230\n')
      if (cmd === 'ray' || (cmd === 'docker' && args[0] === 'kill')) return ok('')
      throw new Error(`unexpected command: ${key}`)
    },
    async spawn(cmd, args, opts = {}) {
      engine.argv = [cmd, ...args]
      engine.env = opts.env ?? {}
      engine.onLine = opts.onLine
      return {alive: () => [], closeOutput() {}, exited: engine.exited, killTree: (s: string) => engine.kill(s), owner: 'test', pid: 4242}
    },
  }
  h.deps = {
    confirm: async () => {
      throw new Error('unexpected confirm')
    },
    detect: async () => options.detect ?? detected(1, 'NVIDIA GeForce RTX 4090'),
    disk: {
      findCachedSnapshot: (_dir, repo) => (options.cached === false ? null : `/hf/hub/models--${repo.replace('/', '--')}/snapshots/abc`),
      freeBytes: () => 4e12,
      hubCacheDir: () => '/hf/hub',
      shmSizeBytes: () => 64 * 2 ** 30,
    },
    env: {PATH: '/usr/bin'},
    async httpGet(url, opts) {
      if (!ready) return null
      if (url.endsWith('/health')) return {body: '', status: 200}
      const auth = opts?.headers?.Authorization
      return {body: JSON.stringify({data: [{id: servedName(engine.argv)}], auth}), status: 200}
    },
    isPortFree: async () => options.portFree ?? true,
    loadCatalog: builtinCatalog,
    now: () => clock.t,
    onStopSignal(fn) {
      handler = fn
      return () => (handler = null)
    },
    runner,
    async sleep(ms) {
      clock.t += ms
      await new Promise((r) => setImmediate(r))
      h.script(clock.t)
    },
  }
  return h
}

function servedName(argv: string[]): string {
  const i = argv.indexOf('--model-path')
  return i === -1 ? argv[argv.indexOf('serve') + 1] : argv[i + 1]
}

function options(plan: PlanConfig, over: Partial<ServeOptions> = {}): ServeOptions {
  return {
    apiKey: null,
    apiKeySource: 'R1_API_KEY',
    docker: false,
    dryRun: false,
    headAddress: null,
    host: '127.0.0.1',
    nodeRank: null,
    port: 8000,
    readyTimeoutS: 3600,
    resolvePlan: async () => ({plan, source: 'file'}),
    stopTimeoutS: 30,
    yes: true,
    ...over,
  }
}

function recorder(events: string[]): ServeEvents {
  return {
    check: (c) => events.push(`check ${c.id} ${c.ok ? 'ok' : 'FAIL'}`),
    failed: () => events.push('failed'),
    kv: (kv) => events.push(`kv ${kv.observedTokens} vs ${kv.predictedTokens} ${kv.differencePct}%${kv.warn ? ' warn' : ''}`),
    launch: () => events.push('launch'),
    phase: (_s, text) => events.push(`phase ${text}`),
    ready: () => events.push('ready'),
    stopping: (s, g) => events.push(`stopping ${s} ${g}s`),
    warn: (m) => events.push(`warn ${m}`),
  }
}

async function rejection(p: Promise<unknown>): Promise<R1Error & {data: ServeResult}> {
  try {
    await p
  } catch (error) {
    if ((error as R1Error).code === undefined) throw error
    return error as R1Error & {data: ServeResult}
  }

  throw new Error('expected a rejection')
}

const VLLM_START = [
  'Loading safetensors checkpoint shards:  50% Completed | 1/2 [00:00<00:00,  1.45it/s]',
  'INFO 07-23 10:22:20 [gpu_model_runner.py:1801] Model loading took 14.2488 GiB and 5.173644 seconds',
]

describe('serve: one node, vLLM', () => {
  const plan = planFixture('plan-4090-vllm')

  it('preflights in order, launches the plan\'s argv, reports phases and KV, is ready, stops on SIGINT with grace', async () => {
    const h = harness()
    h.script = (t) => {
      if (t === 1000) h.engine.print(...VLLM_START, `INFO 07-23 10:22:57 [kv_cache_utils.py:716] GPU KV cache size: ${plan.kvCacheTokens.toLocaleString('en-US')} tokens`)
      if (t === 2000) h.setReady(true)
    }

    let ready: ServeResult | null = null
    const events = recorder(h.events)
    const run = serve(h.deps, options(plan), {...events, ready: (r) => ((ready = r), events.ready?.(r))})
    await new Promise<void>((resolve) => {
      const wait = () => (ready ? resolve() : setImmediate(wait))
      wait()
    })
    expect(h.engine.argv).toEqual(plan.command.argv)
    h.send('SIGINT')
    const error = await rejection(run)
    expect(error.code).toBe('R1_INTERRUPTED')
    expect(h.engine.signals).toEqual(['SIGINT', 'SIGKILL'])
    expect(h.events).toEqual([
      'check engine ok',
      'check gpus ok',
      'check gpu-memory ok',
      'check port ok',
      'check weights ok',
      'check hf-token ok',
      'check shm ok',
      'check driver ok',
      'launch',
      'phase loading weights (shards 1/2)',
      `phase KV cache allocated (${plan.kvCacheTokens.toLocaleString('en-US')} tokens)`,
      `kv ${plan.kvCacheTokens} vs ${plan.kvCacheTokens} 0%`,
      'phase ready',
      'ready',
      'stopping SIGINT 30s',
    ])
    expect(error.data.phase).toBe('ready')
    expect(error.data.kvCache?.warn).toBe(false)
    expect(h.captures).toEqual([['vllm', '--version']])
  })

  it('rebuilds the command for the installed version', async () => {
    const h = harness({versions: {vllm: '0.8.4'}})
    h.script = (t) => t === 1000 && h.engine.exit(1)
    const error = await rejection(serve(h.deps, options(plan), recorder(h.events)))
    expect(error.code).toBe('R1_ENGINE_FAILED')
    expect(error.data.installedVersion).toBe('0.8.4')
    expect(error.data.engineVersion).toBe('0.8.4')
    // 0.8.4 predates --attention-backend (0.13): the rebuilt command sets VLLM_ATTENTION_BACKEND instead.
    expect(plan.command.argv).toContain('--attention-backend')
    expect(h.engine.argv).not.toContain('--attention-backend')
    expect(h.engine.env.VLLM_ATTENTION_BACKEND).toBe(plan.command.argv[plan.command.argv.indexOf('--attention-backend') + 1])
  })

  it('passes the API key in the engine\'s environment and sends it with the probes, never in argv', async () => {
    const h = harness()
    let seen: string | undefined
    const get = h.deps.httpGet
    h.deps.httpGet = async (url, o) => {
      seen = o?.headers?.Authorization
      return get(url, o)
    }

    h.script = (t) => {
      if (t === 1000) h.setReady(true)
      if (t === 1000) setImmediate(() => h.send('SIGTERM'))
    }

    const error = await rejection(serve(h.deps, options(plan, {apiKey: 'sk-1'}), recorder(h.events)))
    expect(error.code).toBe('R1_INTERRUPTED')
    expect(h.engine.env.VLLM_API_KEY).toBe('sk-1')
    expect(h.engine.argv.join(' ')).not.toContain('sk-1')
    expect(seen).toBe('Bearer sk-1')
    expect(error.data.commands[0].env.VLLM_API_KEY).toBe('<from R1_API_KEY>')
    expect(JSON.stringify(error.data)).not.toContain('sk-1')
  })

  it('SIGKILLs an engine that ignores the signal after --stop-timeout', async () => {
    const h = harness()
    h.engine.exitOn = ['SIGKILL']
    h.script = (t) => {
      if (t === 1000) h.setReady(true)
    }

    const run = serve(h.deps, options(plan, {stopTimeoutS: 5}), recorder(h.events))
    while (!h.events.includes('ready')) await new Promise((r) => setImmediate(r))
    h.send('SIGTERM')
    const error = await rejection(run)
    expect(error.code).toBe('R1_INTERRUPTED')
    expect(h.engine.signals).toEqual(['SIGTERM', 'SIGKILL', 'SIGKILL'])
    expect(h.events).toContain('warn vLLM did not stop within 5s: sending SIGKILL')
  })

  it('times out before ready: stops the engine, says where it was stuck', async () => {
    const h = harness()
    h.script = (t) => t === 1000 && h.engine.print(...VLLM_START)
    const error = await rejection(serve(h.deps, options(plan, {readyTimeoutS: 10}), recorder(h.events)))
    expect(error.code).toBe('R1_ENGINE_NOT_READY')
    expect(error.message).toBe('vLLM was not ready after 10s; it was stuck at: loading weights (shards 1/2).')
    expect(h.engine.signals[0]).toBe('SIGTERM')
    expect(h.events).toContain('failed')
  })

  it('says what the server answers when it never lists the model', async () => {
    const h = harness()
    h.deps.httpGet = async (url) => (url.endsWith('/health') ? {body: '', status: 200} : {body: '{"data":[{"id":"other/model"}]}', status: 200})
    const error = await rejection(serve(h.deps, options(plan, {readyTimeoutS: 5}), recorder(h.events)))
    expect(error.code).toBe('R1_ENGINE_NOT_READY')
    expect(error.message).toBe(`vLLM was not ready after 5s; it was stuck starting. The server answers, but GET /v1/models lists other/model, not ${plan.checkpoint}.`)
  })

  it('dies before ready: exit code, phase, diagnosis and the log tail', async () => {
    const h = harness()
    h.script = (t) => {
      if (t !== 1000) return
      h.engine.print(...VLLM_START, 'ERROR 03-25 21:32:48 engine.py:387] The model\'s max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (37696). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.')
      h.engine.exit(1)
    }

    const error = await rejection(serve(h.deps, options(plan), recorder(h.events)))
    expect(error.code).toBe('R1_ENGINE_FAILED')
    expect(error.message).toBe(
      'vLLM exited with code 1 before it was ready (while loading weights): The context (131,072 tokens) does not fit in the KV cache the engine could allocate (37,696 tokens).',
    )
    expect(error.suggestions[0]).toBe('Plan a shorter context: r1 plan ... --context 36864.')
    expect(error.data.logTail).toHaveLength(3)
    expect(error.data.diagnosis?.id).toBe('max-seq-len-exceeds-kv')
  })

  it('keeps only the last 40 lines', async () => {
    const h = harness()
    h.script = (t) => {
      if (t !== 1000) return
      for (let i = 1; i <= 100; i++) h.engine.print(`line ${i}`)
      h.engine.exit(1)
    }

    const error = await rejection(serve(h.deps, options(plan), recorder(h.events)))
    expect(error.data.logTail).toEqual(Array.from({length: 40}, (_, i) => `line ${i + 61}`))
  })
})

describe('serve: preflight refusals', () => {
  const plan = planFixture('plan-4090-vllm')

  it.each([
    ['a busy port', {portFree: false}, 'R1_PORT_BUSY', 'port'],
    ['GPUs busy with other processes', {detect: detected(1, 'NVIDIA GeForce RTX 4090', 10_000)}, 'R1_PREFLIGHT_FAILED', 'gpu-memory'],
    ['the wrong GPU', {detect: detected(1, 'NVIDIA A100-SXM4-80GB', 0, 81_920)}, 'R1_GPU_MISMATCH', 'gpus'],
  ] as const)('%s', async (_name, opts, code, failed) => {
    const h = harness(opts)
    const error = await rejection(serve(h.deps, options(plan), recorder(h.events)))
    expect(error.code).toBe(code)
    expect(error.data.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual([failed])
    expect(h.events).not.toContain('launch')
  })

  it('asks before a download unless --yes, and refuses on no', async () => {
    const h = harness({cached: false})
    const asked: string[] = []
    h.deps.confirm = async (q) => (asked.push(q), false)
    const error = await rejection(serve(h.deps, options(plan, {yes: false}), recorder(h.events)))
    expect(error.code).toBe('R1_INTERRUPTED')
    expect(asked[0]).toMatch(new RegExp(`^${plan.checkpoint} is not cached: the engine will download \\d+\\.\\d GiB\\. Start\\?$`))
    // One unit and rounding: the prompt's figure is the weights check's (it said "8.1 GiB", then asked about "9 GB").
    const details: string[] = []
    const h2 = harness({cached: false})
    h2.deps.confirm = async () => false
    await rejection(serve(h2.deps, options(plan, {yes: false}), {...recorder(h2.events), check: (c) => details.push(c.detail)}))
    const checked = details.map((d) => / will download ([\d.]+ GiB)/.exec(d)?.[1]).find(Boolean)
    expect(checked).toBeDefined()
    expect(asked[0]).toContain(`download ${checked}.`)
  })
})

describe('serve: several nodes and docker', () => {
  it('needs --node-rank and --head-address for a several-node plan', async () => {
    const h = harness()
    const error = await rejection(serve(h.deps, options(planFixture('plan-2x8-h100-sglang')), recorder(h.events)))
    expect(error.code).toBe('R1_USAGE')
    expect(error.suggestions[0]).toContain('--node-rank 0 --head-address')
  })

  it('warns when it listens beyond loopback without an API key', async () => {
    const h = harness()
    await serve(h.deps, options(planFixture('plan-4090-vllm'), {dryRun: true, host: '0.0.0.0'}), recorder(h.events))
    expect(h.events).toEqual(['warn the server will listen on 0.0.0.0 without an API key: anyone who reaches this port can use it (set R1_API_KEY)'])
    const quiet = harness()
    await serve(quiet.deps, options(planFixture('plan-4090-vllm'), {apiKey: 'k', dryRun: true, host: '0.0.0.0'}), recorder(quiet.events))
    expect(quiet.events).toEqual([])
  })

  it('dry run prints every node\'s command with the head address', async () => {
    const h = harness()
    const plan = planFixture('plan-2x8-h100-sglang')
    const result = await serve(h.deps, options(plan, {dryRun: true, headAddress: '10.0.0.1'}), recorder(h.events))
    expect(result.commands.map((c) => [c.rank, c.role])).toEqual([
      [0, 'head'],
      [1, 'worker'],
    ])
    expect(result.commands[1].argv.join(' ')).toContain('--nnodes 2 --node-rank 1 --dist-init-addr 10.0.0.1:5000')
    expect(h.captures).toEqual([])
  })

  it('a vLLM Ray worker node runs its command and needs no HTTP', async () => {
    const plan = planFixture('plan-2x8-h100-vllm-ray')
    const h = harness({detect: detected(8, 'NVIDIA H100 80GB HBM3', 0, 81_559)})
    h.script = (t) => t === 1000 && setImmediate(() => h.send('SIGINT'))
    const error = await rejection(serve(h.deps, options(plan, {headAddress: '10.0.0.1', nodeRank: 1}), recorder(h.events)))
    expect(error.code).toBe('R1_INTERRUPTED')
    expect(h.engine.argv).toEqual(['ray', 'start', '--address', '10.0.0.1:6379', '--block'])
    expect(h.events).not.toContain('check port ok')
  })

  it('the Ray head runs `ray start --head` first', async () => {
    const plan = planFixture('plan-2x8-h100-vllm-ray')
    const h = harness({detect: detected(8, 'NVIDIA H100 80GB HBM3', 0, 81_559)})
    h.script = (t) => t === 1000 && h.engine.exit(1)
    await rejection(serve(h.deps, options(plan, {headAddress: '10.0.0.1', nodeRank: 0}), recorder(h.events)))
    expect(h.captures).toEqual([
      ['vllm', '--version'],
      ['ray', 'start', '--head', '--port', '6379'],
      ['ray', 'stop', '--force'],
    ])
    expect(h.engine.argv.slice(0, 2)).toEqual(['vllm', 'serve'])
  })

  it('--docker: docker run with a named container published on --host; docker kill on stop', async () => {
    const plan = planFixture('plan-4090-vllm')
    const h = harness()
    h.script = (t) => {
      if (t === 1000) h.setReady(true)
      if (t === 1000) setImmediate(() => h.send('SIGINT'))
    }

    const error = await rejection(serve(h.deps, options(plan, {docker: true}), recorder(h.events)))
    expect(error.code).toBe('R1_INTERRUPTED')
    const argv = h.engine.argv
    expect(argv.slice(0, 4)).toEqual(['docker', 'run', '--name', 'r1-serve-8000-0'])
    expect(argv[argv.indexOf('-p') + 1]).toBe('127.0.0.1:8000:8000')
    expect(argv[argv.indexOf('-v') + 1]).toBe('/hf:/root/.cache/huggingface')
    expect(argv.slice(argv.indexOf('--host'), argv.indexOf('--host') + 2)).toEqual(['--host', '0.0.0.0'])
    expect(h.captures).toEqual([['docker', '--version'], ['docker', 'kill', 'r1-serve-8000-0']])
  })
})

describe('--plan FILE', () => {
  it('reads a plan file and refuses a bad one with its path', async () => {
    const text = readFileSync(join(FIXTURES, 'serve', 'plan-4090-vllm.json'), 'utf8')
    expect((await readPlanFile('p.json', () => text)).checkpoint).toBe(planFixture('plan-4090-vllm').checkpoint)
    await expect(readPlanFile('p.json', () => null)).rejects.toMatchObject({code: 'R1_FILE_NOT_FOUND'})
    await expect(readPlanFile('p.json', () => '{nope')).rejects.toMatchObject({code: 'R1_BAD_PLAN_FILE'})
    const bad = JSON.parse(text) as {plan: {port?: number}}
    bad.plan.port = 1
    await expect(readPlanFile('p.json', () => JSON.stringify(bad))).rejects.toMatchObject({code: 'R1_BAD_PLAN_FILE'})
  })
})

describe('serve: records what the engine measured (calibration)', () => {
  const plan = planFixture('plan-4090-vllm')
  type Launch = Parameters<NonNullable<ServeDeps['recordLaunch']>>[0]

  function recording(h: Harness): Launch[] {
    const launches: Launch[] = []
    h.deps.recordLaunch = async (launch) => {
      launches.push(launch)
      return {record: {id: 'feedc0de'} as never, store: '/state/calibration-x.json', warnings: []}
    }
    return launches
  }

  it('once ready: the figures the log printed, the installed version, the argv it ran, this machine\'s GPUs', async () => {
    const h = harness()
    const launches = recording(h)
    h.script = (t) => {
      if (t === 1000) h.engine.print(...VLLM_START, 'INFO [gpu_worker.py:232] Available KV cache memory: 3.41 GiB', 'INFO [kv_cache_utils.py:716] GPU KV cache size: 63,776 tokens')
      if (t === 2000) h.setReady(true)
    }

    const said: string[] = []
    // Once recorded, Ctrl-C (the supervision waits on signals only).
    await rejection(serve(h.deps, options(plan), {...recorder(h.events), recorded: (text) => (said.push(text), h.send('SIGINT'))}))
    expect(launches).toHaveLength(1)
    expect(launches[0].version).toBe('0.20.1')
    expect(launches[0].argv).toEqual(plan.command.argv)
    expect(launches[0].detected?.gpus[0].name).toBe('NVIDIA GeForce RTX 4090')
    expect(launches[0].draft.outcome).toEqual({diagnosis: null, failure: null, status: 'ready', summary: null})
    expect(launches[0].draft.logged).toMatchObject({kvCacheGiB: 3.41, kvCacheTokens: 63_776, weightsGiB: 14.2488})
    expect(said).toEqual(['recorded what the engine measured here as calibration record feedc0de (63,776 KV tokens): the next r1 plan on this machine starts from it'])
  })

  it('a memory failure is recorded as failed; another failure (an unknown argument) is not', async () => {
    for (const [line, recorded] of [
      ['torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 224.00 MiB.', true],
      ['vllm: error: unrecognized arguments: --nope', false],
    ] as const) {
      const h = harness()
      const launches = recording(h)
      h.script = (t) => {
        if (t === 1000) {
          h.engine.print(...VLLM_START, line)
          h.engine.exit(1)
        }
      }

      await rejection(serve(h.deps, options(plan), recorder(h.events)))
      expect(launches.map((l) => l.draft.outcome.failure)).toEqual(recorded ? ['oom'] : [])
    }
  })

  it('a store that cannot be written is a warning, never a failed serve', async () => {
    const h = harness()
    h.deps.recordLaunch = async () => {
      throw new Error('the calibration store /state/x.json stayed locked by process 7 for 10 s')
    }

    h.script = (t) => {
      if (t === 1000) h.engine.print(...VLLM_START, 'INFO [kv_cache_utils.py:716] GPU KV cache size: 63,776 tokens')
      if (t === 2000) h.setReady(true)
    }

    const events = recorder(h.events)
    const error = await rejection(serve(h.deps, options(plan), {...events, warn: (m) => (events.warn?.(m), m.startsWith('could not record') && h.send('SIGINT'))}))
    expect(error.code).toBe('R1_INTERRUPTED')
    expect(h.events).toContain('warn could not record the calibration: the calibration store /state/x.json stayed locked by process 7 for 10 s')
  })
})
