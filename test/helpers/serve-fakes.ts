/**
 * Fakes for the `r1 serve` end-to-end tests: real executables first on PATH (vllm, python3, nvidia-smi)
 * that run test/fixtures/fake-engines/engine.cjs, a Hugging Face cache with a complete snapshot, a free port,
 * and a way to watch r1 while it runs (to send it signals).
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BIN, FIXTURES, makeBinDir, ROOT, writeFakeBin} from './cli.js'
import {type FakeScenario, installFakeNvidiaSmi} from './fake-nvidia-smi.js'

export const FAKE_ENGINE = join(FIXTURES, 'fake-engines', 'engine.cjs')

/** A folder with `vllm` and `python3` fakes, and helper A's fake `nvidia-smi` (one RTX 4090 unless told); put it first on PATH. */
export function installFakeEngines(gpus: FakeScenario = {gpus: 'rtx4090x1'}): string {
  const dir = makeBinDir()
  for (const name of ['vllm', 'python3']) writeFakeBin(dir, name, `require(${JSON.stringify(FAKE_ENGINE)}).main(${JSON.stringify(name)})\n`)
  installFakeNvidiaSmi(dir, gpus)
  return dir
}

/** HF_HOME with `repo`'s weights complete in the cache (one model.safetensors). */
export function makeHfHome(repo: string): string {
  const home = mkdtempSync(join(tmpdir(), 'r1-hf-'))
  const snapshot = join(home, 'hub', `models--${repo.replaceAll('/', '--')}`, 'snapshots', '0123abcd')
  mkdirSync(snapshot, {recursive: true})
  writeFileSync(join(snapshot, 'model.safetensors'), 'fake')
  writeFileSync(join(snapshot, 'config.json'), '{}')
  return home
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** The process exists and is not a zombie (an orphan killed in a container whose PID 1 does not reap stays one). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }

  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

export interface Running {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves when stdout or stderr matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>
  done: Promise<{exitCode: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>
}

/** Start bin/run.js with the fakes first on PATH; the handle lets a test wait for output and send signals. */
export function startCli(args: string[], options: {binDir: string; env?: Record<string, string | undefined>}): Running {
  const env: Record<string, string | undefined> = {...process.env, CI: '1', NO_COLOR: '1', PATH: `${options.binDir}:${process.env.PATH ?? ''}`, ...options.env}
  delete env.R1_API_KEY
  if (options.env && 'R1_API_KEY' in options.env) env.R1_API_KEY = options.env.R1_API_KEY
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  const waiters: {re: RegExp; resolve: () => void}[] = []
  const check = () => {
    for (const w of [...waiters]) {
      if (w.re.test(stdout) || w.re.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  }

  child.stdout?.on('data', (d) => {
    stdout += d
    check()
  })
  child.stderr?.on('data', (d) => {
    stderr += d
    check()
  })
  const done = new Promise<{exitCode: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>((resolve) => {
    child.on('close', (exitCode, signal) => resolve({exitCode, signal, stderr, stdout}))
  })
  return {
    child,
    done,
    stderr: () => stderr,
    stdout: () => stdout,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)), timeoutMs)
        waiters.push({
          re,
          resolve() {
            clearTimeout(timer)
            resolve()
          },
        })
        check()
        void done.then(() => {
          if (waiters.some((w) => w.re === re)) {
            clearTimeout(timer)
            reject(new Error(`r1 exited before ${re}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`))
          }
        })
      })
    },
  }
}
