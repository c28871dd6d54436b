/**
 * The one door for child processes (STYLE.md §6). Argv arrays only, never a shell string.
 *
 * Every child has a deadline and is r1's to stop, with everything it starts: each one carries a marker in its
 * environment (R1_OWNER, inherited by its own children), so the whole tree is found by /proc (parent pids, and
 * the marker for those that called setsid or lost their parent) and stopped, not only the process group.
 * A child's exit is noticed when the child exits, not when its pipes close: a descendant that keeps stdout
 * open does not make r1 wait. Built on execa, used as the ChildProcess it is: execa's own promise settles only
 * once the pipes close, which a setsid grandchild can put off for ever, so r1 never awaits it. It listens to
 * the subprocess's 'exit' and 'error' events instead, destroys the pipes once it is done with them (which lets
 * execa's promise settle), and always catches that promise.
 */
import type {ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import type {Readable} from 'node:stream'

import type {execa as Execa} from 'execa'

import {descendants, OWNER_ENV, type ProcInfo, procInfo, processesWithMarker, signalAll} from './proc-tree.js'

export interface CaptureResult {
  stdout: string
  stderr: string
  /** null when the process did not exit normally (not found, killed, timed out). */
  exitCode: number | null
  /** The command is not on PATH (ENOENT) or not executable (EACCES). */
  notFound: boolean
  timedOut: boolean
  /** Output past the limit was dropped (the process still ran to its end). */
  truncated?: boolean
}

export interface CaptureOptions {
  env?: Record<string, string | undefined>
  input?: string
  /** The deadline; every capture has one (default 60 s). */
  timeoutMs?: number
  cwd?: string
  /** Output kept per stream (default 32 MiB); the rest is read and dropped. */
  maxBytes?: number
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  /** Called once per line of output as it arrives (never buffered whole; a line is cut at 64 KiB). */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void
  /** What --verbose shows instead of the argv, when the argv carries a secret filled in at launch. */
  logArgs?: readonly string[]
}

export interface ExitInfo {
  exitCode: number | null
  signal: string | null
  notFound: boolean
}

export interface SpawnedProcess {
  pid: number
  /** The marker its tree carries in the environment (R1_OWNER=owner): how a later r1 finds an orphaned tree. */
  owner: string
  /** Resolves when the process itself exits, even while descendants hold its pipes (never rejects). */
  exited: Promise<ExitInfo>
  /** Signal the whole tree: the process group, every descendant (setsid ones too) and every process with the marker. */
  killTree(signal: NodeJS.Signals): void
  /** The processes of the tree still alive (the leader included while it runs). */
  alive(): ProcInfo[]
  /** Stop reading the pipes (once the tree is gone, or given up on). */
  closeOutput(): void
}

export interface Runner {
  capture(command: string, args: readonly string[], options?: CaptureOptions): Promise<CaptureResult>
  spawn(command: string, args: readonly string[], options?: SpawnOptions): Promise<SpawnedProcess>
}

export interface RunnerOptions {
  /** Under --verbose: every argv goes here (stderr). Secrets are never in argv, so it is safe to print. */
  log?: (line: string) => void
}

export const DEFAULT_CAPTURE_TIMEOUT_MS = 60_000
const MAX_CAPTURE_BYTES = 32 * 2 ** 20
const MAX_LINE = 64 * 1024
/** After a child exits, how long its pipes may take to drain before r1 stops reading them. */
const DRAIN_MS = 250

const newOwner = () => `${process.pid}-${randomBytes(6).toString('hex')}`

export function createRunner(options: RunnerOptions = {}): Runner {
  const log = options.log
  return {
    capture(command, args, opts = {}) {
      log?.(`$ ${[command, ...args].join(' ')}`)
      return capture(command, args, opts)
    },

    async spawn(command, args, opts = {}) {
      log?.(`$ ${[command, ...(opts.logArgs ?? args)].join(' ')}`)
      return spawnTree(command, args, opts)
    },
  }
}

function childEnv(env: Record<string, string | undefined> | undefined, owner: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {...process.env}
  for (const [k, v] of Object.entries(env ?? {})) {
    if (v === undefined) delete out[k]
    else out[k] = v
  }

  out[OWNER_ENV] = owner
  return out
}

/** execa, loaded on the first child process (its import costs more than r1's whole start-up budget for `r1 plan`). */
let loaded: Promise<typeof Execa> | null = null
const loadExeca = (): Promise<typeof Execa> => (loaded ??= import('execa').then((m) => m.execa))

/**
 * Start a child through execa and hand back the ChildProcess it is. The caller follows the child by its 'exit' and
 * 'error' events; `onSpawnFailure` covers the one case with neither (execa answers a spawn that throws at once
 * with a stand-in process and a settled promise). Nothing awaits execa's promise, and it is always caught.
 */
function start(
  execa: typeof Execa,
  command: string,
  args: readonly string[],
  options: {cwd?: string; env: NodeJS.ProcessEnv; stdin: 'ignore' | 'pipe'; detached: boolean},
  onSpawnFailure: (error: {code?: string; message: string}) => void,
): ChildProcess {
  const subprocess = execa(command, [...args], {
    buffer: false,
    cleanup: false,
    cwd: options.cwd,
    detached: options.detached,
    env: options.env,
    extendEnv: false,
    reject: false,
    stderr: 'pipe',
    stdin: options.stdin,
    stdout: 'pipe',
    stripFinalNewline: false,
  })
  let seen = false
  subprocess.once('exit', () => (seen = true))
  subprocess.once('error', () => (seen = true))
  subprocess.then(
    (result) => {
      if (!seen && result.failed && result.exitCode === undefined && result.signal === undefined) {
        onSpawnFailure({code: (result as {code?: string}).code, message: String(result.shortMessage ?? result.message ?? 'the command could not start')})
      }
    },
    (error: unknown) => {
      if (!seen) onSpawnFailure({code: (error as {code?: string})?.code, message: String((error as Error)?.message ?? error)})
    },
  )
  return subprocess as unknown as ChildProcess
}

const isNotFound = (error: unknown) => ['ENOENT', 'EACCES'].includes((error as NodeJS.ErrnoException)?.code ?? '')

async function capture(command: string, args: readonly string[], opts: CaptureOptions): Promise<CaptureResult> {
  const execa = await loadExeca()
  const owner = newOwner()
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CAPTURE_TIMEOUT_MS
  const maxBytes = opts.maxBytes ?? MAX_CAPTURE_BYTES
  return new Promise((resolve) => {
    let failedToSpawn: {code?: string; message: string} | null = null
    const child = start(execa, command, args, {cwd: opts.cwd, detached: false, env: childEnv(opts.env, owner), stdin: opts.input === undefined ? 'ignore' : 'pipe'}, (error) => {
      failedToSpawn = error
      notFound = isNotFound(error)
      exit ??= {code: null, signal: null}
      settle()
    })

    const out = collector(child.stdout, maxBytes)
    const err = collector(child.stderr, maxBytes)
    let exit: {code: number | null; signal: string | null} | null = null
    let timedOut = false
    let notFound = false
    let settled = false
    const tree = () => [...(child.pid ? [{pid: child.pid}] : []), ...(child.pid ? descendants([child.pid]) : []), ...processesWithMarker(owner)]
    const onR1Exit = () => signalAll(tree(), 'SIGKILL')
    process.once('exit', onR1Exit)

    const settle = () => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(drain)
      process.off('exit', onR1Exit)
      // Whatever is left of the tree (a daemon that kept the pipes) goes with the capture.
      signalAll(processesWithMarker(owner), 'SIGKILL')
      out.stop()
      err.stop()
      const spawnFailure = failedToSpawn as {message: string} | null
      resolve({
        exitCode: timedOut ? null : (exit?.code ?? null),
        notFound,
        stderr: spawnFailure && !err.text() ? spawnFailure.message : err.text(),
        stdout: out.text(),
        timedOut,
        ...(out.truncated || err.truncated ? {truncated: true} : {}),
      })
    }

    let drain: NodeJS.Timeout | undefined
    const timer = setTimeout(() => {
      timedOut = true
      signalAll(tree(), 'SIGKILL')
      // The SIGKILLed child exits at once; its pipes may stay held by what it started: do not wait for them.
      drain = setTimeout(settle, DRAIN_MS)
    }, timeoutMs)

    child.once('error', (error) => {
      notFound = isNotFound(error)
      if (!exit) exit = {code: null, signal: null}
      settle()
    })
    child.once('exit', (code, signal) => {
      exit = {code, signal}
      drain ??= setTimeout(settle, DRAIN_MS)
    })
    child.once('close', () => settle())
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {})
      child.stdin.end(opts.input)
    }
  })
}

/** Keeps up to `max` bytes of a stream, reads and drops the rest. */
function collector(stream: Readable | null, max: number) {
  const chunks: Buffer[] = []
  let size = 0
  let truncated = false
  stream?.on('data', (chunk: Buffer) => {
    if (size >= max) {
      truncated = true
      return
    }

    const keep = chunk.length > max - size ? chunk.subarray(0, max - size) : chunk
    if (keep.length < chunk.length) truncated = true
    chunks.push(keep)
    size += keep.length
  })
  stream?.on('error', () => {})
  return {
    stop: () => stream?.destroy(),
    text: () => Buffer.concat(chunks).toString('utf8'),
    get truncated() {
      return truncated
    },
  }
}

/** Splits a stream into lines without holding more than MAX_LINE of one (a longer line is cut and marked). */
function readLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return
  let partial = ''
  let dropping = false
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf('\n', start)
      if (nl === -1) break
      const piece = chunk.slice(start, nl)
      if (!dropping) onLine(stripCr(partial + piece))
      partial = ''
      dropping = false
      start = nl + 1
    }

    if (dropping) return
    partial += chunk.slice(start)
    if (partial.length > MAX_LINE) {
      onLine(`${partial.slice(0, MAX_LINE)}… (line cut at ${MAX_LINE / 1024} KiB)`)
      partial = ''
      dropping = true
    }
  })
  stream.on('end', () => {
    if (partial && !dropping) onLine(stripCr(partial))
    partial = ''
  })
  stream.on('error', () => {})
}

const stripCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line)

async function spawnTree(command: string, args: readonly string[], opts: SpawnOptions): Promise<SpawnedProcess> {
  const execa = await loadExeca()
  const owner = newOwner()
  // Its own process group (detached), so that the terminal's Ctrl-C comes to r1 first: r1 decides how to stop it.
  let spawnFailed: (info: ExitInfo) => void = () => {}
  const failure = new Promise<ExitInfo>((resolve) => (spawnFailed = resolve))
  const child = start(execa, command, args, {cwd: opts.cwd, detached: true, env: childEnv(opts.env, owner), stdin: 'ignore'}, (error) =>
    spawnFailed({exitCode: null, notFound: isNotFound(error), signal: null}),
  )
  if (child.pid === undefined) {
    // Not started (not found, or refused at once): its 'error' event or execa's answer says why.
    const exited = Promise.race([failure, new Promise<ExitInfo>((resolve) => child.once('error', (error) => resolve({exitCode: null, notFound: isNotFound(error), signal: null})))])
    return {alive: () => [], closeOutput() {}, exited, killTree() {}, owner, pid: -1}
  }

  for (const name of ['stdout', 'stderr'] as const) {
    const stream = child[name]
    if (opts.onLine) readLines(stream, (line) => opts.onLine?.(name, line))
    else stream?.resume()
  }

  const pid = child.pid ?? -1
  const leader = pid > 0 ? procInfo(pid) : null
  let running = pid > 0
  // Everyone seen in the tree, by pid and start time: a worker whose parent exits is still known.
  const known = new Map<number, number>()
  const sample = () => {
    if (pid <= 0) return
    for (const p of descendants([pid, ...known.keys()])) known.set(p.pid, p.startTime)
  }

  const alive = (): ProcInfo[] => {
    sample()
    const out = new Map<number, ProcInfo>()
    if (running && leader) out.set(pid, leader)
    for (const [p, startTime] of known) {
      const info = procInfo(p)
      if (info && info.state !== 'Z' && info.startTime === startTime) out.set(p, info)
    }

    for (const info of processesWithMarker(owner)) out.set(info.pid, info)
    return [...out.values()]
  }

  const killTree = (signal: NodeJS.Signals) => {
    if (pid <= 0) return
    try {
      process.kill(-pid, signal)
    } catch {
      // the group is gone (every member left it or exited)
    }

    signalAll(alive(), signal)
  }

  const poll = setInterval(sample, 500)
  poll.unref()
  // Whatever happens to r1 (an uncaught error, process.exit), the engine's tree does not outlive it.
  const onExit = () => killTree('SIGKILL')
  if (running) process.once('exit', onExit)

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      running = false
      resolve({exitCode: null, notFound: isNotFound(error), signal: null})
    })
    child.once('exit', (code, signal) => {
      running = false
      resolve({exitCode: code, notFound: false, signal})
    })
  })
  // The exit hook stays after the leader exits (workers it forked may still run) until the output is closed.
  return {
    alive,
    closeOutput() {
      clearInterval(poll)
      child.stdout?.destroy()
      child.stderr?.destroy()
      if (alive().length === 0) process.off('exit', onExit)
    },
    exited,
    killTree,
    owner,
    pid,
  }
}
