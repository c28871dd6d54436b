/**
 * The one door for child processes (STYLE.md §6): the only module that imports execa.
 * Argv arrays only, never a shell string.
 */
import {createInterface} from 'node:readline'

// execa costs ~0.1 s to import: it is loaded on the first child process, not at start-up (STYLE.md §9).
const loadExeca = async () => (await import('execa')).execa

export interface CaptureResult {
  stdout: string
  stderr: string
  /** null when the process did not exit normally (not found, killed, timed out). */
  exitCode: number | null
  /** The command is not on PATH (ENOENT) or not executable (EACCES). */
  notFound: boolean
  timedOut: boolean
}

export interface CaptureOptions {
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
  cwd?: string
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  /** Called once per line of output as it arrives (never buffered whole). */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void
  /** What --verbose shows instead of the argv, when the argv carries a secret filled in at launch. */
  logArgs?: readonly string[]
}

export interface SpawnedProcess {
  pid: number
  /** Resolves when the process exits (never rejects). */
  exited: Promise<{exitCode: number | null; signal: string | null; notFound: boolean}>
  /** Signal the whole process group (the engine and every worker it forked). */
  killGroup(signal: NodeJS.Signals): void
}

export interface Runner {
  capture(command: string, args: readonly string[], options?: CaptureOptions): Promise<CaptureResult>
  spawn(command: string, args: readonly string[], options?: SpawnOptions): Promise<SpawnedProcess>
}

export interface RunnerOptions {
  /** Under --verbose: every argv goes here (stderr). Secrets are never in argv, so it is safe to print. */
  log?: (line: string) => void
}

export function createRunner(options: RunnerOptions = {}): Runner {
  const log = options.log
  return {
    async capture(command, args, opts = {}) {
      log?.(`$ ${[command, ...args].join(' ')}`)
      const execa = await loadExeca()
      const result = await execa(command, [...args], {
        cwd: opts.cwd,
        env: opts.env,
        extendEnv: true,
        input: opts.input,
        reject: false,
        stripFinalNewline: false,
        timeout: opts.timeoutMs,
      })
      const code = (result as {code?: string}).code
      const notFound = result.failed && (code === 'ENOENT' || code === 'EACCES') && result.exitCode === undefined
      return {
        exitCode: result.exitCode ?? null,
        notFound,
        stderr: String(result.stderr ?? ''),
        stdout: String(result.stdout ?? ''),
        timedOut: Boolean(result.timedOut),
      }
    },

    async spawn(command, args, opts = {}) {
      log?.(`$ ${[command, ...(opts.logArgs ?? args)].join(' ')}`)
      const execa = await loadExeca()
      // Its own process group (detached), so that a signal reaches the engine and every worker it forks,
      // and so that the terminal's Ctrl-C comes to r1 first: r1 decides how to stop it.
      const child = execa(command, [...args], {
        buffer: false,
        cwd: opts.cwd,
        detached: true,
        env: opts.env,
        extendEnv: true,
        reject: false,
        stdin: 'ignore',
      })
      for (const stream of ['stdout', 'stderr'] as const) {
        const readable = child[stream]
        if (!readable) continue
        if (opts.onLine) {
          const rl = createInterface({crlfDelay: Number.POSITIVE_INFINITY, input: readable})
          rl.on('line', (line) => opts.onLine?.(stream, line))
        } else {
          readable.resume()
        }
      }

      const pid = child.pid ?? -1
      let running = pid > 0
      const killGroup = (signal: NodeJS.Signals) => {
        if (pid <= 0) return
        try {
          process.kill(-pid, signal)
        } catch {
          try {
            if (running) process.kill(pid, signal)
          } catch {
            // already gone
          }
        }
      }

      // Whatever happens to r1 (an uncaught error, process.exit), the engine's group does not outlive it.
      const onExit = () => killGroup('SIGKILL')
      if (running) process.once('exit', onExit)
      const exited = child.then(
        (r) => ({
          exitCode: r.exitCode ?? null,
          notFound: r.failed && ((r as {code?: string}).code === 'ENOENT' || (r as {code?: string}).code === 'EACCES'),
          signal: r.signal ?? null,
        }),
        () => ({exitCode: null, notFound: false, signal: null}),
      )
      // The hook stays after the leader exits: workers it forked may still hold the group.
      void exited.then(() => {
        running = false
      })
      return {exited, killGroup, pid}
    },
  }
}
