// npm run bench: runs every bench/*.bench.mjs in name order; each prints its own figures.
import {readdirSync} from 'node:fs'

import {nodeBaseline, ROOT} from './lib.mjs'

const only = process.argv[2]
console.log(`node ${process.version}; bare \`node -e 0\` median of 10: ${nodeBaseline().toFixed(1)} ms\n`)
for (const file of readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.bench.mjs')).sort()) {
  if (only && !file.includes(only)) continue
  console.log(`## ${file.replace('.bench.mjs', '')}`)
  const mod = await import(new URL(file, import.meta.url))
  await mod.run({root: ROOT})
  console.log('')
}
