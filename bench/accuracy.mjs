// npm run bench:accuracy — per case of test/fixtures/engine-logs: each term the log shows (weights,
// activation or sampler peak, non-torch, CUDA graph, KV) logged vs predicted, then the error by engine era.
// Targets: median KV error <= 3%, >= 80% of cases within 8%, every DeepSeek-R1 671B case within 8%,
// weights per GPU within 2%. R1_ACCURACY_JSON=path writes the rows as JSON too.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {byEra, loadCases, runAccuracy} from './accuracy-lib.mjs'
import {ROOT} from './lib.mjs'

const dist = process.env.R1_DIST ?? join(ROOT, 'dist')
const {estimateMemory} = await import(join(dist, 'src/core/planner/memory.js'))
const catalog = JSON.parse(readFileSync(join(dist, 'catalog.json'), 'utf8'))
const {cases, inputs} = loadCases(join(ROOT, 'test/fixtures/engine-logs'))
const result = runAccuracy({estimateMemory}, catalog, inputs, cases)

const pct = (x) => (x === null || x === undefined ? '     -' : `${(x * 100).toFixed(1).padStart(5)}%`)
const g = (x) => (x === null || x === undefined ? '    -' : x.toFixed(2).padStart(5))
const pair = (logged, predicted) => `${g(logged)} / ${g(predicted)}`
for (const r of result.rows) {
  console.log(`${r.id}  [${r.engine} ${r.era}${r.version ? ` ${r.version}` : ''}]`)
  if (r.kvTruth !== undefined) {
    const band = r.band === null || r.band === undefined ? '' : `  band ±${(r.band * 100).toFixed(0)}%`
    console.log(`  KV tokens   logged ${String(r.kvTruth ?? '-').padStart(9)}  predicted ${String(r.kvPredicted ?? '-').padStart(9)}  error ${pct(r.kvError)}${band}   starts: logged ${r.fitsTruth} predicted ${r.fits}`)
    const t = r.terms
    if (t) {
      console.log(
        `  GiB logged / predicted: weights ${pair(r.weightsTruthGiB, t.weightsGiB)}  peak ${pair(r.logged.peakGiB, t.peakGiB)} (sampler ${g(t.samplerGiB)}, forward ${g(t.forwardGiB)})  non-torch ${pair(r.logged.nonTorchGiB, t.nonTorchGiB)}  CUDA graph ${pair(r.logged.cudaGraphGiB, t.cudaGraphGiB)}${t.cudaGraphInBudget ? ' (in budget)' : ' (headroom)'}  KV ${pair(r.logged.kvGiB, t.kvGiB)}`,
      )
    } else {
      console.log(`  weights GiB logged / predicted ${pair(r.weightsTruthGiB, r.weightsPredictedGiB)}  error ${pct(r.weightsError)}`)
    }
  }

  if (r.assumed?.length) console.log(`  assumed: ${r.assumed.join('; ')}`)
  if (r.exclude) console.log(`  EXCLUDED from the KV bound: ${r.exclude}`)
}

console.log('')
console.log('KV error by engine era (cases held to the bound):')
for (const e of byEra(result.rows)) console.log(`  ${e.era.padEnd(24)} ${String(e.cases).padStart(2)} cases  median ${pct(e.median)}  largest ${pct(e.max)}`)
console.log('')
console.log(`KV capacity: median error ${pct(result.kvMedianError)} (target <= 3%); within 8%: ${(result.kvWithin8 * 100).toFixed(0)}% of cases (target >= 80%); largest ${pct(result.kvMaxError)}`)
console.log(`DeepSeek-R1 671B cases: largest error ${pct(result.r1MaxError)} (target <= 8%)`)
console.log(`weights per GPU: largest error ${pct(result.weightsMaxError)} (target <= 2%)`)
console.log(`start/refuse verdicts that differ from the log: ${result.verdictMismatches.length === 0 ? 'none' : result.verdictMismatches.join(', ')}`)
if (process.env.R1_ACCURACY_JSON) writeFileSync(process.env.R1_ACCURACY_JSON, JSON.stringify(result.rows, null, 2))
