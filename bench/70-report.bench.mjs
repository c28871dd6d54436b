// r1 report: the default report (wall time including Node's start; the budget is 1 s), then
// 10, 100 and 1000 fleet entries from a fleet file to show the cost grows linearly with the fleet.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BIN, report, ROOT, timeNode} from './lib.mjs'

/** A fleet file of `n` entries cycling through the default fleet's hardware, each with its own name. */
async function fleetFile(dir, n) {
  const {DEFAULT_FLEET} = await import(join(ROOT, 'dist', 'src', 'core', 'report', 'default-fleet.js'))
  const fleet = Array.from({length: n}, (_, i) => {
    const e = DEFAULT_FLEET[i % DEFAULT_FLEET.length]
    return {count: e.gpusPerNode, gpu: e.gpu, name: `${e.name}-${i}`, nodes: e.nodes, pricePerGpuHour: e.pricePerGpuHour}
  })
  const path = join(dir, `fleet-${n}.json`)
  writeFileSync(path, JSON.stringify({fleet}))
  return path
}

export async function run() {
  const ms = timeNode([BIN, 'report', '--json'], {runs: 5})
  const ratio = report('r1 report --json (default: 18 entries × 22 checkpoints × 3 contexts × 2 engines)', ms)
  console.log(`${''.padEnd(58)} ${ms <= 1000 ? 'within' : 'OVER'} the 1 s budget (${(ratio).toFixed(2)}× node -e 0)`)

  const dir = mkdtempSync(join(tmpdir(), 'r1-bench-report-'))
  try {
    // Scaling: every checkpoint of R1 and Qwen-32B at two contexts, both engines, CSV out.
    const args = (file) => [BIN, 'report', '--fleet-file', file, '--models', 'r1,qwen-32b', '--context', '8192,131072', '--format', 'csv']
    const times = {}
    for (const n of [10, 100, 1000]) {
      const file = await fleetFile(dir, n)
      times[n] = timeNode(args(file), {runs: n >= 1000 ? 1 : 3})
      report(`r1 report --fleet-file <${n} entries> --models r1,qwen-32b (2 contexts)`, times[n])
    }

    const per100 = (times[100] - times[10]) / 90
    const per1000 = (times[1000] - times[100]) / 900
    // Linear (or better): the cost of one more entry does not grow with the fleet. It falls here, as the
    // weights memo and the JIT warm up over the first entries.
    console.log(`${'marginal cost per entry: 10→100'.padEnd(58)} ${per100.toFixed(2).padStart(8)} ms;  100→1000: ${per1000.toFixed(2)} ms (${per1000 <= per100 * 1.2 ? 'linear or better' : 'GROWS FASTER THAN LINEAR'})`)
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
}
