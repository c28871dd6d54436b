// Shared helpers for the benchmarks: wall time of real processes, medians, a Node start baseline.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = join(ROOT, 'bin', 'run.js')

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Median wall time in ms of `node ...args` over `runs` runs (after one warm-up). */
export function timeNode(args, {runs = 10, env = {}, input} = {}) {
  const times = []
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, {cwd: ROOT, env: {...process.env, CI: '1', NO_COLOR: '1', ...env}, input, stdio: ['pipe', 'ignore', 'pipe']})
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0 && r.status !== 3) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
    if (i > 0) times.push(ms)
  }
  return median(times)
}

let baseline
/** Median wall time of a bare `node -e 0`. */
export function nodeBaseline(runs = 10) {
  baseline ??= timeNode(['-e', '0'], {runs})
  return baseline
}

export function report(name, ms, {vsNode = true} = {}) {
  const base = nodeBaseline()
  const ratio = ms / base
  console.log(`${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms${vsNode ? `  (${ratio.toFixed(2)}× node -e 0)` : ''}`)
  return ratio
}
