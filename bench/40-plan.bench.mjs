// r1 plan: the start-up target (≤ 3× a bare `node -e 0`, median of 10) and the search that r1 report repeats.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {BIN, report, ROOT, timeNode} from './lib.mjs'

export async function run() {
  const ratio = report('r1 plan --gpu H200 --count 8 --json', timeNode([BIN, 'plan', '--gpu', 'H200', '--count', '8', '--json'], {runs: 10}))
  console.log(`  target ≤ 3.00× node -e 0: ${ratio <= 3 ? 'met' : 'NOT MET'}`)
  report('r1 plan --gpu H200 --count 8 (for people)', timeNode([BIN, 'plan', '--gpu', 'H200', '--count', '8'], {runs: 10}))
  report('r1 plan --gpu H100 --count 8 --nodes 2 --json', timeNode([BIN, 'plan', '--gpu', 'H100', '--count', '8', '--nodes', '2', '--json'], {runs: 10}))
  // Disaggregated (issue 13's Done-when): the PD search, and every candidate's command on 13 nodes in the JSON.
  const pd = ['plan', '--gpu', 'H100', '--count', '8', '--nodes', '13', '--input-tokens', '2000', '--output-tokens', '2000']
  report('r1 plan --gpu H100 --count 8 --nodes 13 --input-tokens 2000 --output-tokens 2000 --json', timeNode([BIN, ...pd, '--json'], {runs: 10}))

  // In one process: every model × checkpoint × both engines × every layout, as r1 report runs it per fleet entry.
  const url = (p) => pathToFileURL(join(ROOT, 'dist', 'src', p)).href
  const {searchCandidates} = await import(url('core/planner/search.js'))
  const {recommend} = await import(url('core/planner/recommend.js'))
  const {hardwareFromFlags} = await import(url('core/planner/hardware.js'))
  const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalog.json'), 'utf8'))
  const fleets = [['H200', 8, 1], ['H100', 8, 1], ['H100', 8, 2], ['B200', 8, 1], ['A100-80GB', 8, 1], ['A100-80GB', 8, 2], ['L40S', 4, 1], ['RTX 4090', 1, 1], ['T4', 1, 1], ['jetson-agx-orin-64gb', 1, 1], ['P100', 1, 1], ['H20', 8, 1], ['L4', 1, 1], ['RTX 3090', 2, 1], ['GB200', 4, 1]]
  const t0 = performance.now()
  let evaluated = 0
  for (const [gpu, count, nodes] of fleets) {
    const {hardware} = hardwareFromFlags(catalog.gpus, {count, gpu, nodes})
    for (const contextLength of [8192, 32_768, 131_072]) {
      const candidates = searchCandidates({contextLength, engines: catalog.engines, goal: 'throughput', hardware, kvCacheDtype: 'auto', models: catalog.models})
      evaluated += candidates.length
      recommend(candidates, {goal: 'throughput'})
    }
  }

  const ms = performance.now() - t0
  report(`search + recommend: ${fleets.length} fleets × 3 contexts (${evaluated} candidates), in process`, ms, {vsNode: false})
}
