/**
 * `r1 report --format markdown`: the recommended plan per fleet entry × context, the fit matrix, R1's
 * prefill/decode split on multi-node entries, then (with --all) one table per fleet entry, the
 * definition of the ceiling and the measured figures.
 */
import type {ReportResult} from '../../../core/report/report.schema.js'
import {allRows, fmtContext, fmtCost, fmtGiB, fmtInt, matrixContexts, matrixRows, pdCells, pickConc, pickLabel, pickRateCells, rowCells} from './format.js'

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ')
const line = (cells: string[]) => `| ${cells.map((c) => cell(c)).join(' | ')} |`

export function renderMarkdown(result: ReportResult): string {
  const out: string[] = ['# r1 report: DeepSeek-R1 sizing across GPU fleets', '']
  out.push(`Contexts: ${result.contexts.map((c) => fmtContext(c)).join(', ')}. Engines: ${result.engines.join(', ')}. Goal: ${result.goal}.`, '')
  out.push('## Recommended plan per fleet entry', '', 'As `r1 plan` picks it. At once: whole requests of the context served at once. The ceiling is an upper bound; its cost is a floor.', '')
  out.push(line(['Fleet', 'Context', 'Recommended', 'Engine', 'Layout', 'At once', 'Ceiling tok/s', '$/M tok at ceiling', '$/M tok measured', 'Why not']))
  out.push(line(['---', '---:', '---', '---', '---', '---:', '---:', '---:', '---', '---']))
  for (const p of result.picks) {
    out.push(
      line([
        p.fleet,
        fmtContext(p.context),
        pickLabel(p),
        p.engine ?? '',
        p.layout ?? '',
        pickConc(p, result.workload),
        ...pickRateCells(p),
        p.measured === null || p.costPerMillionTokensMeasured === null ? '' : `${fmtCost(p.costPerMillionTokensMeasured)} at ${fmtInt(p.measured.outputTokensPerSecond)} tok/s (${p.measured.workload}; ${p.measured.source})`,
        p.fits ? '' : (p.why[0] ?? ''),
      ]),
    )
  }

  const {models, rows} = matrixRows(result)
  out.push('', '## Fit matrix', '', `Requests at once at ${matrixContexts(result)} tokens; — = does not fit.`, '')
  out.push(line(['Fleet', ...models]), line(['---', ...models.map(() => '---:')]))
  for (const r of rows) out.push(line([r.fleet, ...r.cells]))

  if (result.disaggregated.length > 0) {
    const w = result.workload
    out.push('', '## Prefill/decode disaggregation (R1, multi-node entries)', '', `Modelled per-node rates for ${fmtInt(w.inputTokens)}-token prompts and ${fmtInt(w.outputTokens)}-token outputs, with the cost at the published per-node rates where they exist.`, '')
    out.push(line(['Fleet', 'Context', 'Model', 'P:D nodes', 'Prefill tok/s/node', 'Decode tok/s/node', 'Requests/s', '$/M tok modelled', '$/M tok published', 'Verdict']))
    out.push(line(['---', '---:', '---', '---', '---:', '---:', '---:', '---:', '---', '---']))
    for (const d of result.disaggregated) {
      const c = pdCells(d)
      out.push(
        line([
          ...c.head,
          c.requests,
          c.modelledCost,
          d.published === null || d.costPerMillionTokensPublished === null ? '' : `${fmtCost(d.costPerMillionTokensPublished)} (${d.published.source})`,
          d.why.join(' '),
        ]),
      )
    }
  }

  out.push('', '**The throughput figures are CEILINGS** (memory-bandwidth roofline), not predictions:', '')
  for (const d of result.definitions) out.push(`- ${d}`)
  out.push('')
  if (result.view === 'all') {
    for (const f of result.fleet) {
      const price = f.pricePerGpuHour === null ? 'no price' : `$${f.pricePerGpuHour.toFixed(2)} per GPU-hour`
      out.push(`## ${f.name}`, '', `${f.nodes > 1 ? `${f.nodes} nodes × ` : ''}${f.gpusPerNode} × ${f.gpu} (${f.architecture}, ${fmtGiB(f.memoryGiB)} GiB, ${fmtInt(f.bandwidthGBs)} GB/s), ${price}.`, '')
      out.push(line(['Checkpoint', 'Context', 'Engine', 'Fits', 'Layout', 'Weights GiB/GPU', 'KV GiB/GPU', 'KV tokens', 'Concurrency', 'Ceiling tok/s', '$/M tok at ceiling', '$/M tok measured', 'Reason']))
      out.push(line(['---', '---:', '---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']))
      for (const r of allRows(result).filter((x) => x.fleet === f.name)) out.push(line(rowCells(r)))

      out.push('')
    }
  }

  if (result.published.length > 0) {
    out.push('## Measured figures beside the ceiling', '', 'From published benchmarks: what real systems reach, and the cost per million output tokens at each.', '')
    out.push(line(['Measured tok/s', 'Per', 'Engine', 'Setup', 'Workload', 'Source', 'This report\'s ceiling', '$/M tok measured vs at ceiling']))
    out.push(line(['---:', '---', '---', '---', '---', '---', '---', '---']))
    for (const p of result.published) {
      const beside = p.matches.map((m) => `${m.fleet} ${m.quantization.toUpperCase()}: ${m.ceiling === null ? 'n/a' : fmtInt(m.ceiling)} (1 request: ${m.ceilingBatch1 === null ? 'n/a' : fmtInt(m.ceilingBatch1)})`).join('; ')
      const costs = p.matches.map((m) => `${m.fleet}: ${fmtCost(m.costPerMillionTokensMeasured) || 'n/a'} vs ${fmtCost(m.costPerMillionTokensAtCeiling) || 'n/a'}`).join('; ')
      out.push(line([fmtInt(p.outputTokensPerSecond), p.per, p.engine, p.setup, p.workload, p.source, beside, costs]))
    }

    out.push('')
  }

  for (const n of result.notes) out.push(`> ${n}`, '')
  return out.join('\n')
}
