// npm run bench:accuracy — per case of test/fixtures/engine-logs: the logged and predicted KV capacity
// and weights per GPU, and the error. Target: median KV error <= 3%, none above 10%, weights within 2%.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {runAccuracy} from './accuracy-lib.mjs'
import {ROOT} from './lib.mjs'

const dist = process.env.R1_DIST ?? join(ROOT, 'dist')
const {estimateMemory} = await import(join(dist, 'src/core/planner/memory.js'))
const catalog = JSON.parse(readFileSync(join(dist, 'catalog.json'), 'utf8'))
const fixtures = join(ROOT, 'test/fixtures/engine-logs')
const inputs = JSON.parse(readFileSync(join(fixtures, 'inputs.json'), 'utf8'))
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8'))
const result = runAccuracy({estimateMemory}, catalog, inputs, cases)

const pct = (x) => (x === null || x === undefined ? '   -   ' : `${(x * 100).toFixed(1).padStart(6)}%`)
const num = (x) => (x === null || x === undefined ? '-' : String(x))
for (const r of result.rows) {
  console.log(`${r.id}`)
  console.log(`  KV tokens  logged ${num(r.kvTruth).padStart(9)}  predicted ${num(r.kvPredicted).padStart(9)}  error ${pct(r.kvError)}   fits: logged ${r.fitsTruth} predicted ${r.fits}`)
  console.log(`  weights    logged ${r.weightsTruthGiB === null || r.weightsTruthGiB === undefined ? '      -' : r.weightsTruthGiB.toFixed(2).padStart(7)} GiB  predicted ${r.weightsPredictedGiB?.toFixed(2).padStart(7)} GiB  error ${pct(r.weightsError)}`)
  if (r.fromLog) console.log(`  from the log: ${r.fromLog.join('; ')}`)
  if (r.assumed?.length) console.log(`  assumed: ${r.assumed.join('; ')}`)
  if (r.exclude) console.log(`  EXCLUDED from the bound: ${r.exclude}`)
}

console.log('')
console.log(`KV capacity: median error ${(result.kvMedianError * 100).toFixed(1)}% (target <= 3%), largest ${(result.kvMaxError * 100).toFixed(1)}% (target <= 10%)`)
console.log(`weights per GPU: largest error ${(result.weightsMaxError * 100).toFixed(1)}% (target <= 2%)`)
