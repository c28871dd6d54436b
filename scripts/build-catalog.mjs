// Validates every built-in profile with the compiled zod schemas and writes dist/catalog.json,
// so a run reads one prebuilt, checked file (STYLE.md §9). Fails the build on a bad profile.
import {writeFileSync} from 'node:fs'

const {buildCatalog} = await import('../dist/src/core/profiles/catalog.schema.js')
const {readProfileFiles, BUILTIN_PROFILES_DIR} = await import('../dist/src/io/profiles.js')

try {
  const catalog = buildCatalog({engines: [], gpus: [], models: []}, await readProfileFiles(BUILTIN_PROFILES_DIR))
  writeFileSync(new URL('../dist/catalog.json', import.meta.url), JSON.stringify(catalog))
  console.log(`catalog: ${catalog.models.length} models, ${catalog.gpus.length} gpus, ${catalog.engines.length} engines`)
} catch (error) {
  console.error(error.message)
  process.exit(1)
}
