/**
 * The default `nvidia-smi` table: 79, 87, 89 and 91-column layouts, Windows TCC/WDDM, names cut with "...",
 * "Not Supported" memory on unified-memory parts, and the "MIG devices:" table.
 */
import {cleanVersion, emptyGpu, type RawGpu} from './raw.js'

const BUS_ID = /^[0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f]$/

export function looksLikeTable(text: string): boolean {
  return /\|\s*NVIDIA-SMI\s+\S+/.test(text) || (/Bus-Id/.test(text) && /Memory-Usage/.test(text))
}

/** Driver and CUDA from the banner: "Driver Version:"/"CUDA Version:" before R610, "KMD Version:"/"CUDA UMD Version:" after. */
export function parseBanner(text: string): {driverVersion: string | null; cudaVersion: string | null} {
  const driver = /(?:KMD|Driver) Version:\s*(\S+)/.exec(text)
  const cuda = /CUDA (?:UMD )?Version:\s*(\S+)/.exec(text)
  return {cudaVersion: cleanVersion(cuda?.[1]), driverVersion: cleanVersion(driver?.[1])}
}

export interface TableMigDevice {
  gpu: number
  device: number
  memoryMiB: number
  sm: number | null
}

export function parseTable(text: string): {driverVersion: string | null; cudaVersion: string | null; gpus: RawGpu[]; migDevices: TableMigDevice[]} {
  const lines = text.split(/\r?\n/)
  const gpus: RawGpu[] = []
  const migDevices: TableMigDevice[] = []
  let section: 'gpus' | 'mig' | 'processes' | 'none' = 'none'
  let current: RawGpu | null = null
  let row = 0
  for (const line of lines) {
    if (/Bus-Id/.test(line)) section = 'gpus'
    else if (/MIG devices:/.test(line)) section = 'mig'
    else if (/Processes:/.test(line)) section = 'processes'
    if (section === 'gpus') {
      const cells = line.split('|')
      if (cells.length < 4) continue
      const first = /^\s*(\d+)\s+(.*?)\s+(On|Off|N\/A|WDDM|TCC)\s*$/.exec(cells[1])
      const bus = /^\s*(\S+)\s+(\S+)\s*$/.exec(cells[2])
      if (first && bus && (BUS_ID.test(bus[1]) || bus[1] === 'N/A')) {
        current = {...emptyGpu(Number(first[1])), busId: BUS_ID.test(bus[1]) ? bus[1] : null, name: first[2].trim()}
        gpus.push(current)
        row = 1
        continue
      }

      if (!current) continue
      row++
      if (row === 2) {
        const mem = /(\d+)MiB\s*\/\s*(\d+)MiB/.exec(cells[2])
        if (mem) {
          current.memoryUsedMiB = Number(mem[1])
          current.memoryTotalMiB = Number(mem[2])
        } else if (/Not Supported|N\/A/.test(cells[2])) {
          current.memoryNotSupported = true
        }
      } else if (row === 3) {
        const mig = cells[3].trim()
        current.migEnabled = mig === 'Enabled' ? true : mig === 'Disabled' ? false : null
        current = null
      }
    } else if (section === 'mig') {
      const m = /^\|\s*(\d+)\s+(?:\d+|N\/A)\s+(?:\d+|N\/A)\s+(\d+)\s*\|\s*\d+MiB\s*\/\s*(\d+)MiB\s*\|\s*(\d+)?/.exec(line)
      if (m) migDevices.push({device: Number(m[2]), gpu: Number(m[1]), memoryMiB: Number(m[3]), sm: m[4] === undefined ? null : Number(m[4])})
    }
  }

  return {...parseBanner(text), gpus, migDevices}
}
