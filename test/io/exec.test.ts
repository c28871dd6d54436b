/**
 * The one door for child processes (src/io/exec.ts, built on execa): real processes. A missing command, an exit
 * code, a deadline with a grandchild that holds the pipes, the output limit, and a spawned tree whose leader exits
 * while a setsid grandchild keeps its stdout.
 */
import {existsSync, readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {createRunner} from '../../src/io/exec.js'

const runner = createRunner()
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(safeRead(`/proc/${pid}/status`))
function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

describe('capture', () => {
  it('stdout, stderr and the exit code of a real process', async () => {
    const r = await runner.capture('sh', ['-c', 'echo out; echo err >&2; exit 3'])
    expect(r).toMatchObject({exitCode: 3, notFound: false, stderr: 'err\n', stdout: 'out\n', timedOut: false})
  })

  it('a command not on PATH: notFound, no throw', async () => {
    const r = await runner.capture('r1-no-such-command-xyz', [])
    expect(r).toMatchObject({exitCode: null, notFound: true, timedOut: false})
  })

  it('input goes to stdin', async () => {
    const r = await runner.capture('cat', [], {input: 'hello'})
    expect(r.stdout).toBe('hello')
  })

  it('the deadline ends a hang even when a setsid grandchild holds stdout, and the grandchild is killed', async () => {
    const r = await runner.capture('sh', ['-c', 'setsid sh -c \'echo $$; sleep 30\' & sleep 30'], {timeoutMs: 500})
    expect(r.timedOut).toBe(true)
    expect(r.exitCode).toBeNull()
    const grandchild = Number(r.stdout.trim())
    expect(grandchild).toBeGreaterThan(1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(alive(grandchild)).toBe(false)
  })

  it('output past maxBytes is dropped and marked', async () => {
    const r = await runner.capture('sh', ['-c', 'head -c 100000 /dev/zero | tr "\\0" x'], {maxBytes: 1000})
    expect(r.stdout).toHaveLength(1000)
    expect(r.truncated).toBe(true)
  })
})

describe('spawn', () => {
  it('lines as they come; the exit is seen while a setsid grandchild still holds the pipes; killTree stops it', async () => {
    const lines: string[] = []
    const p = await runner.spawn('sh', ['-c', 'echo first; setsid sh -c \'echo gc $$; sleep 30\' & sleep 0.2; exit 7'], {onLine: (_s, l) => lines.push(l)})
    const exit = await p.exited
    expect(exit).toMatchObject({exitCode: 7, notFound: false})
    expect(lines).toContain('first')
    const gc = Number(lines.find((l) => l.startsWith('gc '))?.slice(3))
    expect(alive(gc)).toBe(true)
    expect(p.alive().map((i) => i.pid)).toContain(gc)
    p.killTree('SIGKILL')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(alive(gc)).toBe(false)
    p.closeOutput()
  })

  it('a command not on PATH: exited says notFound', async () => {
    const p = await runner.spawn('r1-no-such-command-xyz', [])
    expect(await p.exited).toMatchObject({exitCode: null, notFound: true})
    expect(p.pid).toBe(-1)
  })

  it('a line longer than 64 KiB comes once, cut and marked', async () => {
    const lines: string[] = []
    const p = await runner.spawn('sh', ['-c', 'head -c 10000000 /dev/zero | tr "\\0" y; echo; echo after'], {onLine: (_s, l) => lines.push(l)})
    await p.exited
    await new Promise((resolve) => setTimeout(resolve, 300))
    p.closeOutput()
    const long = lines.filter((l) => l.startsWith('yyy'))
    expect(long).toHaveLength(1)
    expect(long[0]).toHaveLength(64 * 1024 + '… (line cut at 64 KiB)'.length)
    expect(long[0].endsWith('… (line cut at 64 KiB)')).toBe(true)
    expect(lines).toContain('after')
  })
})
