/** `nvidia-smi -L`: one line per GPU, MIG instances indented under their GPU. */
import {emptyGpu, type RawGpu} from './raw.js'

const GPU_LINE = /^GPU (\d+): (.+?) \(UUID: ([^)]+)\)\s*$/
const MIG_LINE = /^\s+MIG (\S+)\s+Device\s+(\d+): \(UUID: [^)]+\)\s*$/

export function looksLikeList(text: string): boolean {
  return /^GPU \d+: .+? \(UUID: [^)]+\)[^\S\n]*\r?$/m.test(text)
}

export function parseList(text: string): {gpus: RawGpu[]; extra: string[]} {
  const gpus: RawGpu[] = []
  const extra: string[] = []
  for (const line of text.split(/\r?\n/)) {
    const g = GPU_LINE.exec(line)
    if (g) {
      gpus.push({...emptyGpu(Number(g[1])), name: g[2].trim(), uuid: g[3]})
      continue
    }

    const m = MIG_LINE.exec(line)
    const last = gpus.at(-1)
    if (m && last) {
      last.migEnabled = true
      last.migInstances ??= []
      last.migInstances.push({device: Number(m[2]), memoryMiB: null, profile: m[1]})
      continue
    }

    if (line.trim()) extra.push(line.trim())
  }

  return {extra, gpus}
}
