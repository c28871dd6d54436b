/** `r1 detect` for people: one row per GPU, then driver/CUDA/interconnect and the host. */
import type {ChalkInstance} from 'chalk'

import type {DetectResult} from '../../core/detect/detect.schema.js'
import {fmtGiB} from '../../core/units.js'
import {table} from '../style.js'

/** The one GiB rounding of plan, serve and JSON (units.fmtGiB). */
function gib(bytes: number | null): string {
  return bytes === null ? '?' : `${fmtGiB(bytes)} GiB`
}

function memory(g: DetectResult['gpus'][number]): string {
  if (g.memoryTotalMiB === null) return g.unifiedMemory ? 'unified' : '?'
  const total = `${fmtGiB(g.memoryTotalMiB * 2 ** 20)} GiB`
  return g.memoryUsedMiB !== null && g.memoryUsedMiB >= 100 ? `${total} (${fmtGiB(g.memoryUsedMiB * 2 ** 20)} used)` : total
}

function mig(g: DetectResult['gpus'][number]): string {
  if (!g.mig) return '-'
  if (g.mig.instances.length === 0) return 'on'
  return g.mig.instances.map((i) => i.profile).join(', ')
}

export function renderDetect(result: DetectResult, options: {tty: boolean; colour: ChalkInstance; headers?: boolean; width?: number}): string {
  const c = options.colour
  const rows = result.gpus.map((g) => [
    String(g.index),
    g.name,
    g.architecture === 'unknown' ? c.yellow('unknown') : g.architecture,
    g.computeCapability ?? '?',
    memory(g),
    mig(g),
  ])
  const lines: string[] = []
  lines.push(rows.length > 0 ? table(rows, {header: ['GPU', 'NAME', 'ARCH', 'CC', 'MEMORY', 'MIG'], headers: options.headers, tty: options.tty, width: options.width}) : 'No GPU in this capture.')
  if (!options.tty) return lines.join('\n')
  const facts = [
    `Driver ${result.driverVersion ?? '?'}`,
    `CUDA ${result.cudaVersion ?? '?'}`,
    result.interconnect === null ? null : `interconnect ${result.interconnect === 'nvlink' ? 'NVLink' : result.interconnect === 'pcie' ? 'PCIe' : 'unknown'}`,
    `source ${result.source}`,
  ].filter(Boolean)
  lines.push('', facts.join(', '))
  const h = result.host
  if (h) {
    lines.push(
      '',
      c.bold('Host'),
      `  CPU      ${h.cpuModel ?? '?'}${h.cpuCores === null ? '' : `, ${h.cpuCores} cores`}`,
      `  RAM      ${gib(h.ramTotalBytes)} (${gib(h.ramAvailableBytes)} available)`,
      `  OS       ${h.os ?? '?'}`,
      `  HF cache ${h.hfCachePath ?? '?'}: ${gib(h.hfCacheFreeBytes)} free`,
      `  /dev/shm ${gib(h.shmBytes)}`,
    )
  }

  return lines.join('\n')
}
