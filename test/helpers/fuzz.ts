/**
 * The fuzzer of issue 14: mutations of the real captures (test/fixtures/nvidia-smi) and profiles (profiles/),
 * from a fixed seed, run through r1's own readers in-process (detect --from-file, profile loading), and a share
 * of them through the real bin/run.js (plan --from-file) to catch hangs and processes left behind. An outcome is
 * the exit code r1 would give; anything outside {0, 2, 3, 4}, or over its deadline, is a finding.
 */
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {EXIT_CODES} from '../../src/cli/exit-codes.js'
import {buildCatalog} from '../../src/core/profiles/catalog.schema.js'
import {isR1Error} from '../../src/core/errors.js'
import type {GpuProfile} from '../../src/core/profiles/gpu.schema.js'
import {readProfileFiles} from '../../src/io/profiles.js'
import {processesWithMarker} from '../../src/io/proc-tree.js'
import {detect, type DetectDeps} from '../../src/services/detect.js'
import {readTextFile} from '../../src/io/files.js'
import {BIN, FIXTURES, ROOT} from './cli.js'

export const ALLOWED = new Set([0, 2, 3, 4])

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NASTY = ['\u001b[31m', '\u001b]0;pwned\u0007', '\u0000', '\r', '-5', '1e300', 'NaN', '99999999999999999999', '-0', '[N/A]', '"', ',', '<', '>', '&#x0;', '\uFFFF', '\uD800', 'Jetson', 'NVIDIA ', '00000000:FF:00.0']

/** One mutation of `text`; returns bytes (some mutations change the encoding). */
export function mutate(text: string, r: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const at = () => Math.floor(r() * (text.length + 1))
  const lines = text.split('\n')
  switch (Math.floor(r() * 12)) {
    case 0: {
      const i = at()
      return Buffer.from(text.slice(0, i) + pick(NASTY) + text.slice(i))
    }
    case 1: {
      const i = at()
      return Buffer.from(text.slice(0, i) + text.slice(i + Math.floor(r() * 200)))
    }
    case 2: {
      const i = Math.floor(r() * lines.length)
      const times = 1 + Math.floor(r() * 50)
      return Buffer.from([...lines.slice(0, i), ...Array(times).fill(lines[i]), ...lines.slice(i)].join('\n'))
    }
    case 3:
      return Buffer.from(text.replace(/\d+/g, (m) => (r() < 0.1 ? pick(['1e20', '-5', '0', '99999999999999', '1.5', 'NaN']) : m)))
    case 4:
      return Buffer.from(text.slice(0, at()))
    case 5: {
      const b = Buffer.from(text)
      for (let k = 0; k < 1 + Math.floor(r() * 8); k++) if (b.length > 0) b[Math.floor(r() * b.length)] = Math.floor(r() * 256)
      return b
    }
    case 6:
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    case 7:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
    case 8:
      return Buffer.from(text.replace(/\n/g, '\r\n'))
    case 9: {
      const a = Math.floor(r() * lines.length)
      const b = Math.floor(r() * lines.length)
      ;[lines[a], lines[b]] = [lines[b], lines[a]]
      return Buffer.from(lines.join('\n'))
    }
    case 10:
      return Buffer.from(text.replace(/(Jetson|NVIDIA|GeForce|Tesla)/g, (m) => (r() < 0.5 ? '' : `${m}\u001b[2J`)))
    default:
      return Buffer.from(Array.from({length: 1 + Math.floor(r() * 3)}, () => text).join('\n'))
  }
}

export interface FuzzCounts {
  inputs: number
  byExit: Record<string, number>
  bugs: number
  /** Inputs past their deadline. */
  hangs: number
  /** Processes left running after a spawned run. */
  orphans: number
  spawned: number
  findings: string[]
  slowestMs: number
}

function exitOf(error: unknown): number {
  return isR1Error(error) ? EXIT_CODES[error.code] : 1
}

const captures = () => readdirSync(join(FIXTURES, 'nvidia-smi')).filter((f) => f !== 'manifest.json').map((f) => ({file: f, text: readFileSync(join(FIXTURES, 'nvidia-smi', f), 'utf8')}))
const profileFiles = () =>
  ['gpus', 'models'].flatMap((kind) =>
    readdirSync(join(ROOT, 'profiles', kind))
      .filter((f) => f.endsWith('.json'))
      .slice(0, 12)
      .map((f) => ({file: f, kind, text: readFileSync(join(ROOT, 'profiles', kind, f), 'utf8')})),
  )

/** `count` inputs in-process (¾ captures, ¼ profiles), each with `deadlineMs`; `spawn` of the captures also through bin/run.js. */
export async function fuzz(options: {seed: number; count: number; spawn: number; deadlineMs: number; catalog: GpuProfile[]}): Promise<FuzzCounts> {
  const r = rng(options.seed)
  const dir = mkdtempSync(join(tmpdir(), 'r1-fuzz-'))
  const caps = captures()
  const profs = profileFiles()
  const counts: FuzzCounts = {bugs: 0, byExit: {}, findings: [], hangs: 0, inputs: 0, orphans: 0, slowestMs: 0, spawned: 0}
  const note = (code: number, ms: number, what: string, error?: unknown) => {
    counts.inputs++
    counts.byExit[code] = (counts.byExit[code] ?? 0) + 1
    counts.slowestMs = Math.max(counts.slowestMs, ms)
    if (!ALLOWED.has(code)) {
      counts.bugs++
      if (counts.findings.length < 20) counts.findings.push(`${what}: exit ${code}: ${error instanceof Error ? `${(error as {code?: string}).code ?? error.name}: ${error.message.slice(0, 200)}` : ''}`)
    }

    if (ms > options.deadlineMs) {
      counts.hangs++
      if (counts.findings.length < 20) counts.findings.push(`${what}: took ${Math.round(ms)} ms (deadline ${options.deadlineMs})`)
    }
  }

  const deps: DetectDeps = {
    catalog: options.catalog,
    env: {},
    hostFacts: async () => null as never,
    readFile: (p) => readTextFile(p),
    readJetson: async () => ({model: null, tegraRelease: null}),
    readStdin: async () => '',
    runner: {
      capture: async () => {
        throw new Error('the fuzzer runs no process in-process')
      },
      spawn: async () => {
        throw new Error('the fuzzer runs no process in-process')
      },
    },
  }
  const spawnable: string[] = []
  try {
    for (let i = 0; i < options.count; i++) {
      if (r() < 0.75) {
        const base = caps[Math.floor(r() * caps.length)]
        const bytes = mutate(base.text, r)
        const path = join(dir, `c${i}.txt`)
        writeFileSync(path, bytes)
        const t0 = performance.now()
        let code = 0
        let err: unknown
        try {
          await detect(deps, {fromFile: path})
        } catch (error) {
          code = exitOf(error)
          err = error
        }

        note(code, performance.now() - t0, `capture ${base.file} #${i}`, err)
        if (spawnable.length < options.spawn && r() < 0.5) spawnable.push(path)
        else rmSync(path, {force: true})
      } else {
        const base = profs[Math.floor(r() * profs.length)]
        const pdir = join(dir, `p${i}`)
        mkdirSync(join(pdir, base.kind), {recursive: true})
        writeFileSync(join(pdir, base.kind, base.file), mutate(base.text, r))
        const t0 = performance.now()
        let code = 0
        let err: unknown
        try {
          buildCatalog({engines: [], gpus: [], models: []}, await readProfileFiles(pdir))
        } catch (error) {
          code = exitOf(error)
          err = error
        }

        note(code, performance.now() - t0, `profile ${base.kind}/${base.file} #${i}`, err)
        rmSync(pdir, {force: true, recursive: true})
      }
    }

    // The real CLI on a share of the mutated captures: real exit codes, a deadline each, nothing left running.
    const queue = [...spawnable]
    const worker = async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        const marker = `fuzz-${process.pid}-${counts.spawned}`
        counts.spawned++
        const t0 = performance.now()
        const code = await runBin(['plan', '--from-file', path, '--model', 'r1-distill-qwen-7b', '--yes'], marker, 20_000)
        const ms = performance.now() - t0
        counts.byExit[code] = (counts.byExit[code] ?? 0) + 1
        if (code === -1) {
          counts.hangs++
          counts.findings.push(`bin/run.js plan --from-file ${path}: killed at its 20 s deadline`)
        } else if (!ALLOWED.has(code)) {
          counts.bugs++
          if (counts.findings.length < 20) counts.findings.push(`bin/run.js plan --from-file ${path}: exit ${code}`)
        }

        counts.slowestMs = Math.max(counts.slowestMs, ms)
        const left = processesWithMarker(marker)
        counts.orphans += left.length
        for (const p of left) process.kill(p.pid, 'SIGKILL')
      }
    }

    await Promise.all(Array.from({length: 3}, worker))
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }

  return counts
}

/** bin/run.js with R1_OWNER=marker in its environment (inherited by anything it starts); -1 when killed at the deadline. */
function runBin(args: string[], marker: string, deadlineMs: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {env: {...process.env, CI: '1', NO_COLOR: '1', R1_OWNER: marker}, stdio: 'ignore'})
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve(signal === 'SIGKILL' ? -1 : (code ?? 1))
    })
  })
}
