// Writes schemas/<command>.json from each command's zod result schema (static resultSchema),
// and schemas/<name>.json for the extra file formats listed in dist/src/cli/file-schemas.js.
// `node scripts/write-schemas.mjs --check` exits 1 when a committed schema differs (used by the tests).
import {mkdirSync, readFileSync, writeFileSync, existsSync} from 'node:fs'

const {collectSchemas} = await import('../dist/src/cli/schemas.js')
const check = process.argv.includes('--check')
const dir = new URL('../schemas/', import.meta.url)
mkdirSync(dir, {recursive: true})
let stale = 0
for (const [name, schema] of Object.entries(await collectSchemas())) {
  const file = new URL(`${name}.json`, dir)
  const text = `${JSON.stringify(schema, null, 2)}\n`
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      console.error(`schemas/${name}.json is stale: run npm run schemas`)
      stale++
    }
  } else writeFileSync(file, text)
}
process.exit(stale ? 1 : 0)
