/**
 * Supervision for `r1 serve`: wait for /health and /v1/models (or the engine's exit, a signal, the ready
 * deadline), then watch until a signal or the engine's own exit; stop cleanly (grace, then SIGKILL).
 */
import {R1Error, type ErrorCode} from '../../core/errors.js'
import type {NodeCommand, PlanConfig} from '../../core/planner/plan.schema.js'
import type {FigureState} from '../../core/calibration/figures.js'
import type {Diagnosis} from '../../core/serve/diagnose.js'
import {formatDuration} from '../../core/serve/duration.js'
import {describePhase, type LogState, PHASE_LABELS} from '../../core/serve/log.js'
import type {ServeResult} from '../../core/serve/serve.schema.js'
import {endpointUrl} from '../../core/serve/usage.js'
import type {SpawnedProcess} from '../../io/exec.js'
import {holdOpen, type StopSignal, wait} from '../../io/signals.js'
import {containerIn, ENGINE_NAMES} from './command.js'
import type {ServeDeps, ServeEvents, ServeOptions} from './deps.js'

/** What the engine's log has said so far: its phase, the last lines, the best diagnosis. */
export interface EngineLog {
  readonly state: LogState
  readonly tail: readonly string[]
  readonly diagnosis: (Diagnosis & {rank: number}) | null
  /** The memory figures printed so far (for the calibration record). */
  readonly figures: FigureState
  onLine(stream: 'stdout' | 'stderr', line: string): void
  setPhase(next: LogState): void
}

export interface SuperviseInput {
  plan: PlanConfig
  node: NodeCommand
  /** The argv as launched (secrets filled in: never shown). */
  argv: string[]
  proc: SpawnedProcess
  log: EngineLog
  out: ServeResult
  /** Keeps the launch in this machine's calibration store (ready, or failed for memory). */
  record?: (status: 'ready' | 'failed') => Promise<void>
}

export async function supervise(deps: ServeDeps, options: ServeOptions, events: ServeEvents, input: SuperviseInput): Promise<ServeResult> {
  const {plan, node, argv, proc, log, out} = input
  const engineName = options.docker ? 'docker' : ENGINE_NAMES[plan.engine]
  const exited = proc.exited.then((r) => ({...r, kind: 'exited' as const}))

  let signalled: StopSignal | null = null
  let wake: (() => void) | null = null
  let stopping = false
  const uninstall = deps.onStopSignal((signal) => {
    if (stopping) {
      proc.killTree('SIGKILL') // a second Ctrl-C: no more waiting
      return
    }

    signalled = signal
    wake?.()
  })
  const signalWait = () =>
    new Promise<{kind: 'signal'}>((resolve) => {
      wake = () => resolve({kind: 'signal'})
      if (signalled) wake()
    })

  const finish = (code: ErrorCode, message: string, suggestions: string[]): never => {
    out.phase = log.state.phase
    out.logTail = [...log.tail]
    if (log.diagnosis) {
      const {rank: _rank, ...d} = log.diagnosis
      out.diagnosis = d
    }

    if (code !== 'R1_INTERRUPTED') events.failed?.(out)
    throw new R1Error(code, message, {data: out, suggestions})
  }

  /** Everything the engine started, down to setsid grandchildren: SIGKILL until none is left (a few seconds at most). */
  const reap = async (): Promise<void> => {
    proc.killTree('SIGKILL')
    for (let i = 0; i < 50 && proc.alive().length > 0; i++) {
      // io/signals' wait holds the event loop: once the leader's pipes are closed nothing else does, and the
      // unref'd deps.sleep here let Node end r1 mid-reap with exit 13 (unsettled top-level await) instead of 130.
      await wait(100)
      proc.killTree('SIGKILL')
    }
  }

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    stopping = true
    // deps.sleep is unref'd (and virtual in tests): nothing may let Node end r1 before the stop has run its course.
    const release = holdOpen()
    try {
      proc.killTree(signal)
      const graceMs = options.stopTimeoutS * 1000
      const r = await Promise.race([exited, deps.sleep(graceMs).then(() => null)])
      if (r === null) {
        events.warn?.(`${engineName} did not stop within ${formatDuration(options.stopTimeoutS)}: sending SIGKILL`)
        proc.killTree('SIGKILL')
        await Promise.race([exited, deps.sleep(5000)])
      }

      await reap() // workers the engine forked and left behind
      // The docker client forwards SIGTERM to the container, but a SIGKILLed client leaves it running: kill the
      // container its `docker run` argv named (the name launch recorded), not a name rebuilt from the port.
      const container = options.docker ? containerIn(node.argv) : null
      if (container) await deps.runner.capture('docker', ['kill', container], {timeoutMs: 30_000})
    } finally {
      release()
    }
  }

  try {
    const started = deps.now()
    const pollMs = options.pollMs ?? 1000
    const host = options.host
    const headers: Record<string, string> = options.apiKey === null ? {} : {Authorization: `Bearer ${options.apiKey}`}
    const model = out.servedModelName
    const isHead = node.role === 'head'
    let ready = false
    let lastProbe: string | null = null

    // Wait for ready (the head only: a worker node has no HTTP server).
    while (!ready) {
      const woke = await Promise.race([exited, signalWait(), deps.sleep(pollMs).then(() => ({kind: 'tick' as const}))])
      if (woke.kind === 'exited') {
        if (woke.notFound) {
          finish('R1_ENGINE_MISSING', `${argv[0]} is not on PATH.`, [`Install ${ENGINE_NAMES[plan.engine]}, or serve with --docker.`])
        }

        const how = woke.signal ? `was killed by ${woke.signal}` : `exited with code ${woke.exitCode}`
        const d = log.diagnosis
        await reap()
        await input.record?.('failed')
        finish('R1_ENGINE_FAILED', `${engineName} ${how} before it was ready (while ${PHASE_LABELS[log.state.phase]})${d ? `: ${d.summary}` : '.'}`, d?.suggestions ?? [
          'Read the log lines above for the cause; rerun with --verbose to see the exact command.',
        ])
      }

      if (woke.kind === 'signal' && signalled) {
        events.stopping?.(signalled, options.stopTimeoutS)
        await stop(signalled)
        finish('R1_INTERRUPTED', `interrupted (${signalled}) while ${PHASE_LABELS[log.state.phase]}; ${engineName} stopped.`, [])
      }

      if ((deps.now() - started) / 1000 >= options.readyTimeoutS) {
        const where = describePhase(log.state)
        events.warn?.(`not ready after ${formatDuration(options.readyTimeoutS)}: stopping ${engineName}`)
        await stop('SIGTERM')
        const probed = lastProbe ? ` The server answers, but ${lastProbe}.` : ''
        finish('R1_ENGINE_NOT_READY', `${engineName} was not ready after ${formatDuration(options.readyTimeoutS)}; it was stuck ${where === 'starting' ? 'starting' : `at: ${where}`}.${probed}`, [
          'R1 takes tens of minutes to load: give it longer with --ready-timeout 90m.',
          'Check the last log lines above for what it was waiting on (a download, NCCL between nodes).',
        ])
      }

      // A worker node serves no HTTP: once it has started and not died, it is up; the head reports readiness.
      if (!isHead) {
        ready = true
        continue
      }

      const answer = await probe(deps, host, options.port, model, headers)
      ready = answer === true
      if (typeof answer === 'string') lastProbe = answer
    }

    out.phase = 'ready'
    log.setPhase({...log.state, phase: 'ready'})
    events.ready?.(out)
    await input.record?.('ready')

    // Supervise until a signal or the engine's own exit.
    const woke = await Promise.race([exited, signalWait()])
    if (woke.kind === 'signal' && signalled) {
      events.stopping?.(signalled, options.stopTimeoutS)
      await stop(signalled)
      finish('R1_INTERRUPTED', `interrupted (${signalled}); ${engineName} stopped.`, [])
    }

    const gone = woke as {exitCode: number | null; signal: string | null}
    await reap()
    if (gone.exitCode === 0) return out
    return finish('R1_ENGINE_FAILED', `${engineName} stopped on its own (${gone.signal ?? `exit code ${gone.exitCode}`}).`, ['Read the log lines above for the cause.'])
  } finally {
    uninstall()
    // The tree is gone (or given up on): stop reading pipes a stray descendant might still hold.
    proc.closeOutput()
    if (proc.alive().length === 0) deps.registry?.remove(proc.owner)
    // `ray start --head` left its daemons outside the engine's process group: stop them too.
    if (node.before.some((cmd) => cmd[0] === 'ray' && cmd[1] === 'start')) {
      await deps.runner.capture('ray', ['stop', '--force'], {timeoutMs: 60_000})
    }
  }
}

/** Ready: GET /health answers 200 and GET /v1/models lists the model. Otherwise why not, when the server answers at all. */
async function probe(deps: ServeDeps, host: string, port: number, model: string, headers: Record<string, string>): Promise<true | string | null> {
  const baseUrl = endpointUrl(host, port).replace(/\/v1$/, '')
  const health = await deps.httpGet(`${baseUrl}/health`, {headers, timeoutMs: 3000})
  if (health === null) return null
  if (health.status !== 200) return `GET /health answers ${health.status}`
  const models = await deps.httpGet(`${baseUrl}/v1/models`, {headers, timeoutMs: 3000})
  if (models === null) return 'GET /v1/models does not answer'
  if (models.status !== 200) return `GET /v1/models answers ${models.status}${models.status === 401 ? ' (the API key does not match)' : ''}`
  try {
    const ids = ((JSON.parse(models.body) as {data?: {id?: string}[]}).data ?? []).map((m) => m.id)
    return ids.includes(model) ? true : `GET /v1/models lists ${ids.join(', ') || 'nothing'}, not ${model}`
  } catch {
    return 'GET /v1/models answers something that is not JSON'
  }
}
