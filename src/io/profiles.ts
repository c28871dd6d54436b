/**
 * Loads the profile catalog. The built-in profiles are validated once at build time into
 * dist/catalog.json (scripts/build-catalog.mjs), so a run reads one prebuilt file; only user
 * profiles (--profiles DIR or R1_PROFILES) are validated at run time (STYLE.md §9).
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, extname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {PROFILE_KINDS} from '../core/constants.js'
import {R1Error} from '../core/errors.js'
import type {Catalog, RawProfileFile} from '../core/profiles/catalog.js'
import {quoteForeign} from '../core/text/sanitize.js'
import {readTextFile} from './files.js'
import {ioError} from './io-error.js'

/** A profile is a small file: anything larger is not one. */
const MAX_PROFILE_BYTES = 1 << 20

/**
 * The package root: the nearest folder above this module with package.json and profiles/. This
 * module runs from dist/src/io/ (tsc) or from a chunk of dist/bundle/ (scripts/bundle.mjs), so
 * its depth below the root is not fixed.
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'profiles'))) return dir
    if (dirname(dir) === dir) return join(from, '..', '..', '..')
  }
}

const ROOT = packageRoot(fileURLToPath(new URL('.', import.meta.url)))
export const BUILTIN_PROFILES_DIR = join(ROOT, 'profiles')
const PREBUILT = join(ROOT, 'dist', 'catalog.json')

let cached: Catalog | undefined

export async function loadCatalog(options: {profilesDir?: string} = {}): Promise<Catalog> {
  const base = cached ?? (cached = await loadBuiltin())
  const dir = options.profilesDir
  if (!dir) return base
  requireFolder(dir)

  // zod is loaded only here, when there are user profiles to validate.
  const {buildCatalog} = await import('../core/profiles/catalog.schema.js')
  return buildCatalog(base, await readProfileFiles(dir))
}

async function loadBuiltin(): Promise<Catalog> {
  if (existsSync(PREBUILT)) return JSON.parse(readFileSync(PREBUILT, 'utf8')) as Catalog
  const {buildCatalog} = await import('../core/profiles/catalog.schema.js')
  return buildCatalog({engines: [], gpus: [], models: []}, await readProfileFiles(BUILTIN_PROFILES_DIR))
}

const FOLDER_HINT = 'Pass --profiles DIR (or R1_PROFILES) pointing at a folder with models/, gpus/ or engines/ inside.'

/** --profiles names a folder that exists; a file, or nothing, is refused with what to pass. */
function requireFolder(dir: string): void {
  let isDir: boolean
  try {
    isDir = statSync(dir).isDirectory()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new R1Error('R1_FILE_NOT_FOUND', `profiles folder not found: ${quoteForeign(dir)}`, {suggestions: [FOLDER_HINT]})
    throw ioError('read the profiles folder', dir, error, [FOLDER_HINT])
  }

  if (!isDir) throw new R1Error('R1_USAGE', `--profiles must name a folder: ${quoteForeign(dir)} is a file`, {suggestions: [FOLDER_HINT]})
}

export async function readProfileFiles(dir: string): Promise<RawProfileFile[]> {
  const files: RawProfileFile[] = []
  for (const kind of PROFILE_KINDS) {
    const sub = join(dir, kind)
    if (!existsSync(sub)) continue
    let names: string[]
    try {
      names = readdirSync(sub).sort()
    } catch (error) {
      throw ioError('read the profiles folder', sub, error)
    }

    for (const name of names) {
      const ext = extname(name).toLowerCase()
      if (!['.json', '.yaml', '.yml'].includes(ext)) continue
      const path = join(sub, name)
      let text: string
      try {
        text = await readTextFile(path, {maxBytes: MAX_PROFILE_BYTES})
      } catch (error) {
        if (error instanceof R1Error && error.code !== 'R1_IO') {
          throw new R1Error('R1_BAD_PROFILE', `${quoteForeign(path)}: ${error.message.replace(`${quoteForeign(path)} `, '')}`, {suggestions: [`Make ${quoteForeign(path)} a profile file, or move it out of the profiles folder.`]})
        }

        throw error
      }

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
    throw new R1Error('R1_BAD_PROFILE', `${quoteForeign(path)}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${quoteForeign((error as Error).message)}`, {
      suggestions: [`Fix the syntax of ${quoteForeign(path)}.`],
    })
  }
}
