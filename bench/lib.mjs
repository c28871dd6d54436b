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

/**
 * Median wall time in ms of `node ...args` over `runs` runs (after one warm-up). Each run is paired
 * with a bare `node -e 0` just before it, so that the ratio printed by report() compares the two
 * under the same machine load (a single baseline taken once drifts by ±20% on a busy machine).
 */
export function timeNode(args, {runs = 10, env = {}, input} = {}) {
  const times = []
  const bases = []
  const once = (argv, extraEnv, stdin) => {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, argv, {cwd: ROOT, env: {...process.env, CI: '1', NO_COLOR: '1', ...extraEnv}, input: stdin, stdio: ['pipe', 'ignore', 'pipe']})
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0 && r.status !== 3) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
    return ms
  }

  for (let i = 0; i <= runs; i++) {
    const base = once(['-e', '0'], {}, undefined)
    const ms = once(args, env, input)
    if (i > 0) {
      times.push(ms)
      bases.push(base)
    }
  }

  lastPairedBaseline = median(bases)
  return median(times)
}

let lastPairedBaseline
let baseline
/** Median wall time of a bare `node -e 0`. */
export function nodeBaseline(runs = 10) {
  baseline ??= median(Array.from({length: runs}, () => {
    const t0 = process.hrtime.bigint()
    spawnSync(process.execPath, ['-e', '0'])
    return Number(process.hrtime.bigint() - t0) / 1e6
  }))
  return baseline
}

export function report(name, ms, {vsNode = true} = {}) {
  // The baseline paired with the last timeNode() run (see there), else the one taken at the start.
  const base = lastPairedBaseline ?? nodeBaseline()
  lastPairedBaseline = undefined
  const ratio = ms / base
  console.log(`${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms${vsNode ? `  (${ratio.toFixed(2)}× node -e 0 = ${base.toFixed(1)} ms, paired)` : ''}`)
  return ratio
}
