/** `nvidia-smi -q -x`: XML, DTD v10–v13 (tabs or spaces; throttle or event reasons do not matter here). */
import {cleanVersion, emptyGpu, isNotSupported, parseMiB, type RawGpu} from './raw.js'

export function looksLikeXml(text: string): boolean {
  return /<nvidia_smi_log\b/.test(text)
}

function tag(block: string, name: string): string | null {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(block)
  return m ? decode(m[1].trim()) : null
}

function section(block: string, name: string): string | null {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(block)
  return m ? m[1] : null
}

function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
}

/** A MIG instance's profile: slices from its SM count where the architecture's slice size is known, size from its memory. */
function migProfile(memoryMiB: number | null, sm: number | null, architecture: string | null): string {
  const gb = memoryMiB === null ? '?' : String(Math.round(memoryMiB / 1024))
  const perSlice: Record<string, Record<number, number>> = {
    ampere: {14: 1, 28: 2, 42: 3, 56: 4, 98: 7},
    hopper: {16: 1, 26: 1, 32: 2, 60: 3, 64: 4, 132: 7},
  }
  const slices = sm === null || !architecture ? undefined : perSlice[architecture.toLowerCase()]?.[sm]
  return `${slices ?? '?'}g.${gb}gb`
}

export function parseXml(text: string): {driverVersion: string | null; cudaVersion: string | null; gpus: RawGpu[]} {
  const driverVersion = cleanVersion(tag(text, 'kmd_version') ?? tag(text, 'driver_version'))
  const cudaVersion = cleanVersion(tag(text, 'cuda_umd_version') ?? tag(text, 'cuda_version'))
  const gpus: RawGpu[] = []
  const re = /<gpu id="([^"]*)">([\s\S]*?)<\/gpu>/g
  let m: RegExpExecArray | null
  while ((m = re.exec(text)) !== null) {
    const full = m[2]
    const migBlock = section(full, 'mig_devices') ?? ''
    const own = full.replace(/<mig_devices>[\s\S]*?<\/mig_devices>/, '')
    const g = emptyGpu(gpus.length)
    g.busId = m[1]
    g.name = tag(own, 'product_name')
    g.uuid = tag(own, 'uuid')
    g.productArchitecture = tag(own, 'product_architecture')
    const cc = tag(own, 'compute_cap')
    if (cc && /^\d+\.\d+$/.test(cc)) g.computeCapability = cc
    const fb = section(own, 'fb_memory_usage') ?? ''
    const total = tag(fb, 'total')
    g.memoryTotalMiB = parseMiB(total)
    g.memoryUsedMiB = parseMiB(tag(fb, 'used'))
    g.memoryNotSupported = total !== null && g.memoryTotalMiB === null && isNotSupported(total)
    const mig = tag(section(own, 'mig_mode') ?? '', 'current_mig')
    g.migEnabled = mig === 'Enabled' ? true : mig === 'Disabled' ? false : null
    if (g.migEnabled) {
      g.migInstances = []
      for (const dev of migBlock.split('<mig_device>').slice(1)) {
        const mem = parseMiB(tag(section(dev, 'fb_memory_usage') ?? '', 'total'))
        const sm = tag(dev, 'multiprocessor_count')
        g.migInstances.push({
          device: Number(tag(dev, 'index') ?? g.migInstances.length),
          memoryMiB: mem,
          profile: migProfile(mem, sm === null ? null : Number(sm), g.productArchitecture),
        })
      }
    }

    gpus.push(g)
  }

  return {cudaVersion, driverVersion, gpus}
}

export {migProfile}
