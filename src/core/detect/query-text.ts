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

function lines(text: string): Line[] {
  const out: Line[] = []
  // One pass, no copy of the line but the key and value (a 60,000-GPU capture has 400,000 lines).
  const INDENT = /^[\t ]*/
  const COLON = /\s+:/
  for (const raw of text.split(/\r?\n/)) {
    const indent = INDENT.exec(raw)![0].length
    if (indent === raw.length || !raw.trim()) continue
    const m = COLON.exec(raw)
    if (m) out.push({indent, key: raw.slice(0, m.index).trim(), value: raw.slice(m.index + m[0].length).trim()})
    else out.push({indent, key: raw.trim(), value: null})
  }

  return out
}

export function parseQueryText(text: string): {driverVersion: string | null; cudaVersion: string | null; gpus: RawGpu[]; attached: number | null} {
  const all = lines(text)
  const top = (key: string) => all.find((l) => l.indent === 0 && l.key === key)?.value ?? null
  const driverVersion = cleanVersion(top('KMD Version') ?? top('Driver Version'))
  const cudaVersion = cleanVersion(top('CUDA UMD Version') ?? top('CUDA Version'))
  const attachedText = top('Attached GPUs')
  const gpus: RawGpu[] = []
  let g: RawGpu | null = null
  let gpuIndent = 0
  // The section path under the GPU, e.g. ["MIG Mode"] or ["FB Memory Usage"]; MIG devices have their own.
  const path: Array<{indent: number; key: string}> = []
  for (const l of all) {
    const start = /^GPU ([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])$/.exec(l.key)
    if (start && l.value === null) {
      g = {...emptyGpu(gpus.length), busId: start[1]}
      gpus.push(g)
      gpuIndent = l.indent
      path.length = 0
      continue
    }

    if (!g || l.indent <= gpuIndent) continue
    while (path.length > 0 && path.at(-1)!.indent >= l.indent) path.pop()
    if (l.value === null) {
      path.push({indent: l.indent, key: l.key})
      continue
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
  }

  return {attached: attachedText && /^\d+$/.test(attachedText) ? Number(attachedText) : null, cudaVersion, driverVersion, gpus}
}
