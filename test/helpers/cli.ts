/**
 * End-to-end helpers: spawn the real bin/run.js with fake executables first on PATH
 * (wrangler's mock-bin.ts). Each fake is a real executable script.
 */
import {spawn} from 'node:child_process'
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'run.js')
export const FIXTURES = join(ROOT, 'test', 'fixtures')

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number | null
  signal: NodeJS.Signals | null
}

/** A temporary folder for fake executables; put it first on PATH. */
export function makeBinDir(): string {
  return mkdtempSync(join(tmpdir(), 'r1-bin-'))
}

/** Write an executable Node script named `name` into `dir`. */
export function writeFakeBin(dir: string, name: string, source: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!${process.execPath}\n${source}`)
  chmodSync(path, 0o755)
  return path
}

export function runCli(
  args: string[],
  options: {env?: Record<string, string | undefined>; binDir?: string; input?: string; pathOnlyBinDir?: boolean} = {},
): Promise<CliResult> {
  const basePath = options.pathOnlyBinDir ? '' : (process.env.PATH ?? '')
  const path = options.binDir ? `${options.binDir}:${basePath}` : basePath
  const env: Record<string, string | undefined> = {...process.env, CI: '1', NO_COLOR: '1', PATH: path, ...options.env}
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: env as NodeJS.ProcessEnv})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (exitCode, signal) => resolvePromise({exitCode, signal, stderr, stdout}))
    // r1 may exit without reading all of a large input (a size limit, a usage error): the rest of the pipe is
    // refused with EPIPE, as `cat big | r1` sees. That is r1's answer, not the test's failure; any other error is.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error)
    })
    if (options.input !== undefined) child.stdin.end(options.input)
    else child.stdin.end()
  })
}
