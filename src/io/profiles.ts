/**
 * Loads the profile catalog. The built-in profiles are validated once at build time into
 * dist/catalog.json (scripts/build-catalog.mjs), so a run reads one prebuilt file; only user
 * profiles (--profiles DIR or R1_PROFILES) are validated at run time (STYLE.md §9).
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {extname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {PROFILE_KINDS} from '../core/constants.js'
import {R1Error} from '../core/errors.js'
import type {Catalog, RawProfileFile} from '../core/profiles/catalog.js'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..')
export const BUILTIN_PROFILES_DIR = join(ROOT, 'profiles')
const PREBUILT = join(ROOT, 'dist', 'catalog.json')

let cached: Catalog | undefined

export async function loadCatalog(options: {profilesDir?: string} = {}): Promise<Catalog> {
  const base = cached ?? (cached = await loadBuiltin())
  const dir = options.profilesDir
  if (!dir) return base
  if (!existsSync(dir)) {
    throw new R1Error('R1_FILE_NOT_FOUND', `profiles folder not found: ${dir}`, {
      suggestions: ['Pass --profiles DIR (or R1_PROFILES) pointing at a folder with models/, gpus/ or engines/ inside.'],
    })
  }

  // zod is loaded only here, when there are user profiles to validate.
  const {buildCatalog} = await import('../core/profiles/catalog.schema.js')
  return buildCatalog(base, await readProfileFiles(dir))
}

async function loadBuiltin(): Promise<Catalog> {
  if (existsSync(PREBUILT)) return JSON.parse(readFileSync(PREBUILT, 'utf8')) as Catalog
  const {buildCatalog} = await import('../core/profiles/catalog.schema.js')
  return buildCatalog({engines: [], gpus: [], models: []}, await readProfileFiles(BUILTIN_PROFILES_DIR))
}

export async function readProfileFiles(dir: string): Promise<RawProfileFile[]> {
  const files: RawProfileFile[] = []
  for (const kind of PROFILE_KINDS) {
    const sub = join(dir, kind)
    if (!existsSync(sub)) continue
    for (const name of readdirSync(sub).sort()) {
      const ext = extname(name).toLowerCase()
      if (!['.json', '.yaml', '.yml'].includes(ext)) continue
      const path = join(sub, name)
      const text = readFileSync(path, 'utf8')
      files.push({data: await parseText(path, text, ext), kind, path})
    }
  }

  return files
}

async function parseText(path: string, text: string, ext: string): Promise<unknown> {
  try {
    if (ext === '.json') return JSON.parse(text)
    const {parse} = await import('yaml')
    return parse(text)
  } catch (error) {
    throw new R1Error('R1_BAD_PROFILE', `${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`, {
      suggestions: [`Fix the syntax of ${path}.`],
    })
  }
}
