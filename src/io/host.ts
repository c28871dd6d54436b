/**
 * Host facts for serving: CPU, RAM, OS, free disk where Hugging Face keeps weights, /dev/shm.
 * systeminformation is imported only here, and only when asked (STYLE.md §9).
 */
import {existsSync} from 'node:fs'
import {statfs} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import type {HostFacts} from '../core/detect/detect.schema.js'

export function hfCachePath(env: Record<string, string | undefined>): string {
  if (env.HF_HOME) return env.HF_HOME
  const xdg = env.XDG_CACHE_HOME
  return join(xdg || join(homedir(), '.cache'), 'huggingface')
}

/** Free bytes on the file system that holds `path` (its nearest existing parent), or null. */
export async function freeBytes(path: string): Promise<number | null> {
  let p = path
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p)
  try {
    const s = await statfs(p)
    return Number(s.bavail) * Number(s.bsize)
  } catch {
    return null
  }
}

async function totalBytes(path: string): Promise<number | null> {
  if (!existsSync(path)) return null
  try {
    const s = await statfs(path)
    return Number(s.blocks) * Number(s.bsize)
  } catch {
    return null
  }
}

export async function hostFacts(env: Record<string, string | undefined>): Promise<HostFacts> {
  const si = await import('systeminformation')
  const settle = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p
    } catch {
      return null
    }
  }

  const hfPath = hfCachePath(env)
  const [cpu, mem, os, hfFree, shm] = await Promise.all([
    settle(si.cpu()),
    settle(si.mem()),
    settle(si.osInfo()),
    freeBytes(hfPath),
    totalBytes('/dev/shm'),
  ])
  const osName = os ? [os.distro, os.release].filter(Boolean).join(' ') || os.platform : null
  return {
    cpuCores: cpu?.cores ?? null,
    cpuModel: cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() || null : null,
    hfCacheFreeBytes: hfFree,
    hfCachePath: hfPath,
    os: osName,
    ramAvailableBytes: mem?.available ?? null,
    ramTotalBytes: mem?.total ?? null,
    shmBytes: shm,
  }
}
