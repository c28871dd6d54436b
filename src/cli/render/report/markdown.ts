/** `r1 report --format markdown`: GitHub-flavoured tables (one per fleet entry), the definition of the ceiling, the measured figures. */
import type {ReportResult} from '../../../core/report/report.schema.js'
import {fmtConc, fmtContext, fmtCost, fmtGiB, fmtInt, fmtLayout, fmtTokens} from './format.js'

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ')
const line = (cells: string[]) => `| ${cells.map((c) => cell(c)).join(' | ')} |`

export function renderMarkdown(result: ReportResult): string {
  const out: string[] = ['# r1 report: DeepSeek-R1 sizing across GPU fleets', '']
  out.push(`Contexts: ${result.contexts.map((c) => fmtContext(c)).join(', ')}. Engines: ${result.engines.join(', ')}. Goal: ${result.goal}.`, '')
  out.push('**The throughput column is a CEILING** (memory-bandwidth roofline), not a prediction:', '')
  for (const d of result.definitions) out.push(`- ${d}`)
  out.push('')
  for (const f of result.fleet) {
    const price = f.pricePerGpuHour === null ? 'no price' : `$${f.pricePerGpuHour.toFixed(2)} per GPU-hour`
    out.push(`## ${f.name}`, '', `${f.nodes > 1 ? `${f.nodes} nodes × ` : ''}${f.gpusPerNode} × ${f.gpu} (${f.architecture}, ${fmtGiB(f.memoryGiB)} GiB, ${fmtInt(f.bandwidthGBs)} GB/s), ${price}.`, '')
    out.push(line(['Checkpoint', 'Context', 'Engine', 'Fits', 'Layout', 'Weights GiB/GPU', 'KV GiB/GPU', 'KV tokens', 'Concurrency', 'Ceiling tok/s', '$/M tokens', 'Reason']))
    out.push(line(['---', '---:', '---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---']))
    for (const r of result.rows.filter((x) => x.fleet === f.name)) {
      out.push(
        line([
          r.checkpoint,
          fmtContext(r.context),
          r.engine,
          r.fits ? 'yes' : 'no',
          fmtLayout(r),
          fmtGiB(r.weightsGiB),
          fmtGiB(r.kvCacheGiB),
          fmtTokens(r.kvCacheTokens, r.kvErrorBand),
          fmtConc(r.maxConcurrency),
          r.decodeTokensPerSecondCeiling === null ? '' : fmtInt(r.decodeTokensPerSecondCeiling),
          fmtCost(r.costPerMillionTokens),
          r.reason ?? '',
        ]),
      )
    }

    out.push('')
  }

  if (result.published.length > 0) {
    out.push('## Measured figures beside the ceiling', '', 'From published benchmarks: what real systems reach.', '')
    out.push(line(['Measured tok/s', 'Per', 'Engine', 'Setup', 'Workload', 'Source', 'This report\'s ceiling']))
    out.push(line(['---:', '---', '---', '---', '---', '---', '---']))
    for (const p of result.published) {
      const beside = p.matches.map((m) => `${m.fleet} ${m.quantization.toUpperCase()}: ${m.ceiling === null ? 'n/a' : fmtInt(m.ceiling)} (1 request: ${m.ceilingBatch1 === null ? 'n/a' : fmtInt(m.ceilingBatch1)})`).join('; ')
      out.push(line([fmtInt(p.outputTokensPerSecond), p.per, p.engine, p.setup, p.workload, p.source, beside]))
    }

    out.push('')
  }

  for (const n of result.notes) out.push(`> ${n}`, '')
  return out.join('\n')
}
