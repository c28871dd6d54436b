/** The disk side of serve: the Hugging Face cache, free space, /dev/shm. */
import {existsSync, readdirSync, readFileSync, statfsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/** Where the hub cache is: HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
export function hfHubCacheDir(env: Record<string, string | undefined>): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE
  if (env.HF_HOME) return join(env.HF_HOME, 'hub')
  const xdg = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
  return join(xdg, 'huggingface', 'hub')
}

/**
 * The snapshot folder of `org/name` when its weights are complete there: every shard the
 * safetensors index lists is present (or a single model.safetensors). Null otherwise.
 */
export function findCachedSnapshot(cacheDir: string, repo: string): string | null {
  const snapshots = join(cacheDir, `models--${repo.replaceAll('/', '--')}`, 'snapshots')
  let names: string[]
  try {
    names = readdirSync(snapshots)
  } catch {
    return null
  }

  for (const name of names) {
    const dir = join(snapshots, name)
    if (snapshotComplete(dir)) return dir
  }

  return null
}

function snapshotComplete(dir: string): boolean {
  const index = join(dir, 'model.safetensors.index.json')
  if (existsSync(index)) {
    try {
      const parsed = JSON.parse(readFileSync(index, 'utf8')) as {weight_map?: Record<string, string>}
      const files = new Set(Object.values(parsed.weight_map ?? {}))
      return files.size > 0 && [...files].every((f) => existsSync(join(dir, f)))
    } catch {
      return false
    }
  }

  return existsSync(join(dir, 'model.safetensors'))
}

/** Free bytes on the file system that holds `path` (or its nearest existing parent). Null when unknown. */
export function freeBytes(path: string): number | null {
  let p = path
  for (let i = 0; i < 64; i++) {
    try {
      const s = statfsSync(p)
      return Number(s.bavail) * Number(s.bsize)
    } catch {
      const parent = join(p, '..')
      if (parent === p) return null
      p = parent
    }
  }

  return null
}

/** Size of /dev/shm in bytes; null where there is none. */
export function shmSizeBytes(path = '/dev/shm'): number | null {
  try {
    const s = statfsSync(path)
    return Number(s.blocks) * Number(s.bsize)
  } catch {
    return null
  }
}

