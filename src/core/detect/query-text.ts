/** `nvidia-smi -q` (and `-a`): "Key : value" lines, sections by indentation, one "GPU 0000:xx:xx.x" block per GPU. */
import {cleanVersion, emptyGpu, isNotSupported, parseMiB, type RawGpu} from './raw.js'

export function looksLikeQueryText(text: string): boolean {
  return /=+NVSMI LOG=+/.test(text) || (/^\s*Product Name\s+:/m.test(text) && /^\s*Driver Version\s+:/m.test(text))
}

interface Line {
  indent: number
  key: string
  value: string | null
}

/**
 * Each non-blank line as it comes (indent, key, value), in one pass and without an array of all the lines: a
 * 60,000-GPU capture has 400,000 lines, and holding them all cost more in garbage collection than parsing them.
 */
function eachLine(text: string, visit: (line: Line) => void): void {
  const LINE = /[^\r\n]+/g
  const INDENT = /^[\t ]*/
  const COLON = /\s+:/
  for (let m = LINE.exec(text); m !== null; m = LINE.exec(text)) {
    const raw = m[0]
    const indent = INDENT.exec(raw)![0].length
    if (indent === raw.length || !raw.trim()) continue
    const c = COLON.exec(raw)
    if (c) visit({indent, key: raw.slice(0, c.index).trim(), value: raw.slice(c.index + c[0].length).trim()})
    else visit({indent, key: raw.trim(), value: null})
  }
}

export function parseQueryText(text: string): {driverVersion: string | null; cudaVersion: string | null; gpus: RawGpu[]; attached: number | null} {
  // The first value of each top-level key (driver and CUDA versions, attached GPUs).
  const topLevel = new Map<string, string | null>()
  const gpus: RawGpu[] = []
  let g: RawGpu | null = null
  let gpuIndent = 0
  // The section path under the GPU, e.g. ["MIG Mode"] or ["FB Memory Usage"]; MIG devices have their own.
  const path: Array<{indent: number; key: string}> = []
  eachLine(text, (l) => {
    if (l.indent === 0 && !topLevel.has(l.key)) topLevel.set(l.key, l.value)
    const start = /^GPU ([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])$/.exec(l.key)
    if (start && l.value === null) {
      g = {...emptyGpu(gpus.length), busId: start[1]}
      gpus.push(g)
      gpuIndent = l.indent
      path.length = 0
      return
    }

    if (!g || l.indent <= gpuIndent) return
    while (path.length > 0 && path.at(-1)!.indent >= l.indent) path.pop()
    if (l.value === null) {
      path.push({indent: l.indent, key: l.key})
      return
    }

    const where = path.map((p) => p.key).join('/')
    if (where === '') {
      if (l.key === 'Product Name') g.name = l.value
      else if (l.key === 'Product Architecture') g.productArchitecture = l.value
      else if (l.key === 'GPU UUID') g.uuid = l.value
    } else if (where === 'MIG Mode' && l.key === 'Current') {
      g.migEnabled = l.value === 'Enabled' ? true : l.value === 'Disabled' ? false : null
    } else if (where === 'FB Memory Usage') {
      if (l.key === 'Total') {
        g.memoryTotalMiB = parseMiB(l.value)
        g.memoryNotSupported = g.memoryTotalMiB === null && isNotSupported(l.value)
      } else if (l.key === 'Used') g.memoryUsedMiB = parseMiB(l.value)
    }
  })

  const top = (key: string) => topLevel.get(key) ?? null
  const driverVersion = cleanVersion(top('KMD Version') ?? top('Driver Version'))
  const cudaVersion = cleanVersion(top('CUDA UMD Version') ?? top('CUDA Version'))
  const attachedText = top('Attached GPUs')
  return {attached: attachedText && /^\d+$/.test(attachedText) ? Number(attachedText) : null, cudaVersion, driverVersion, gpus}
}
