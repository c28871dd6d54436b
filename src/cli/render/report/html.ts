/**
 * `r1 report --format html`: one self-contained page (inline CSS and SVG, no script, nothing
 * fetched) with a fit matrix (fleet entries × checkpoints, coloured by concurrency at 128K), a
 * per-fleet memory bar chart per GPU (weights, KV, overhead, free), the measured figures and every row.
 */
import type {MemoryBar, ReportResult, ReportRow} from '../../../core/report/report.schema.js'
import {fmtConc, fmtContext, fmtCost, fmtGiB, fmtInt, fmtLayout, fmtTokens} from './format.js'

export function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
h3{font-size:14px;margin:16px 0 4px}
.meta{color:#556}.defs li{margin:2px 0;color:#334}
table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #d8dde6;padding:3px 6px;text-align:right;white-space:nowrap}
th{background:#f3f5f9;font-weight:600}
td.l,th.l{text-align:left}
#fit-matrix td.cell{min-width:44px;text-align:center;font-variant-numeric:tabular-nums}
.c0{background:#f1d4d4;color:#7a2020}.c1{background:#fde8c4}.c2{background:#fff4b8}.c3{background:#d9efc2}.c4{background:#a9dc8f}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #d8dde6;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:18px}
figure.memory-chart{margin:0;border:1px solid #d8dde6;padding:8px 10px;border-radius:4px}
figure.memory-chart figcaption{font-weight:600;margin-bottom:4px}
.seg-weights{fill:#4c72b0}.seg-kv{fill:#55a868}.seg-overhead{fill:#c44e52}.seg-free{fill:#e3e6ec}
.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
svg text{font:11px system-ui,sans-serif;fill:#1d2330}
tr.nofit td{color:#8a8f99}
.ceiling{font-weight:600}
`

function band(conc: number | null): number {
  if (conc === null || conc < 1) return 0
  if (conc < 4) return 1
  if (conc < 16) return 2
  if (conc < 64) return 3
  return 4
}

const BANDS = ['does not fit (or not one request)', '1–3 requests', '4–15', '16–63', '64 or more']

/** The context the matrix is coloured by: 128K when the report has it, else its largest. */
export function matrixContext(result: ReportResult): number {
  return result.contexts.includes(131_072) ? 131_072 : Math.max(...result.contexts)
}

function fitMatrix(result: ReportResult): string {
  const ctx = matrixContext(result)
  const checkpoints = result.checkpoints
  // Best concurrency over engines, per fleet × checkpoint, at the matrix context.
  const best = new Map<string, ReportRow>()
  for (const r of result.rows) {
    if (r.context !== ctx) continue
    const key = `${r.fleet}|${r.checkpoint}`
    const held = best.get(key)
    if (!held || (r.maxConcurrency ?? -1) > (held.maxConcurrency ?? -1) || (!held.fits && r.fits)) best.set(key, r)
  }

  const groups: Array<{model: string; span: number}> = []
  for (const c of checkpoints) {
    const last = groups.at(-1)
    if (last && last.model === c.model) last.span++
    else groups.push({model: c.model, span: 1})
  }

  const head1 = `<tr><th class="l" rowspan="2">Fleet</th>${groups.map((g) => `<th colspan="${g.span}">${esc(g.model)}</th>`).join('')}</tr>`
  const head2 = `<tr>${checkpoints.map((c) => `<th title="${esc(c.checkpoint)}">${esc(c.quantization.toUpperCase())}<br><small>${esc(c.id)}</small></th>`).join('')}</tr>`
  const body = result.fleet
    .map((f) => {
      const cells = checkpoints
        .map((c) => {
          const r = best.get(`${f.name}|${c.checkpoint}`)
          const conc = r && r.fits ? r.maxConcurrency : null
          const title = r ? (r.fits ? `${r.engine} ${fmtLayout(r)}: ${fmtConc(conc)} requests of ${fmtContext(ctx)}` : (r.reason ?? 'does not fit')) : 'not sized'
          return `<td class="cell c${band(conc)}" data-concurrency="${conc ?? ''}" title="${esc(title)}">${conc === null ? '—' : esc(fmtConc(conc))}</td>`
        })
        .join('')
      return `<tr data-fleet="${esc(f.name)}"><th class="l">${esc(f.name)}</th>${cells}</tr>`
    })
    .join('\n')
  const legend = BANDS.map((b, i) => `<span class="c${i}">${esc(b)}</span>`).join('')
  return [
    `<h2 id="fit">Fit matrix: requests of ${fmtContext(ctx)} tokens served at once</h2>`,
    `<p class="meta">Each cell: the most concurrent ${fmtContext(ctx)}-token requests over the engines (the planner's best layout); — when it does not fit. Hover for the layout or the reason.</p>`,
    `<p class="legend">${legend}</p>`,
    `<table id="fit-matrix"><thead>${head1}${head2}</thead><tbody>\n${body}\n</tbody></table>`,
  ].join('\n')
}

const CHART = {bar: 16, gap: 6, label: 300, top: 4, width: 440}

function memoryChart(fleet: string, bars: readonly MemoryBar[], ids: ReadonlyMap<string, string>): string {
  if (bars.length === 0) {
    return `<figure class="memory-chart" data-fleet="${esc(fleet)}"><figcaption>${esc(fleet)}</figcaption><p class="meta">Nothing fits on this fleet entry.</p></figure>`
  }

  const total = Math.max(...bars.map((b) => b.gpuTotalGiB))
  const scale = CHART.width / total
  const height = CHART.top + bars.length * (CHART.bar + CHART.gap) + 18
  const parts: string[] = []
  bars.forEach((b, i) => {
    const y = CHART.top + i * (CHART.bar + CHART.gap)
    let x = CHART.label
    const label = `${b.model}: ${ids.get(b.checkpoint) ?? b.checkpoint}`
    parts.push(`<text x="${CHART.label - 6}" y="${y + CHART.bar - 4}" text-anchor="end">${esc(label)}</text>`)
    for (const [cls, gib, name] of [
      ['seg-weights', b.weightsGiB, 'weights'],
      ['seg-kv', b.kvCacheGiB, 'KV cache'],
      ['seg-overhead', b.overheadGiB, 'activations and overhead'],
      ['seg-free', b.freeGiB, 'free'],
    ] as const) {
      const w = gib * scale
      if (w <= 0) continue
      parts.push(
        `<rect class="${cls}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${CHART.bar}"><title>${esc(`${label}, ${b.engine}, ${fmtContext(b.context)}: ${name} ${fmtGiB(gib)} GiB of ${fmtGiB(b.gpuTotalGiB)} GiB`)}</title></rect>`,
      )
      x += w
    }
  })
  const axisY = CHART.top + bars.length * (CHART.bar + CHART.gap) + 12
  parts.push(`<text x="${CHART.label}" y="${axisY}">0</text><text x="${CHART.label + CHART.width}" y="${axisY}" text-anchor="end">${esc(fmtGiB(total))} GiB per GPU</text>`)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${CHART.label + CHART.width + 10}" height="${height}" viewBox="0 0 ${CHART.label + CHART.width + 10} ${height}" aria-label="${esc(`memory per GPU on ${fleet}`)}">${parts.join('')}</svg>`
  return `<figure class="memory-chart" data-fleet="${esc(fleet)}"><figcaption>${esc(fleet)}</figcaption>${svg}</figure>`
}

function memorySection(result: ReportResult): string {
  const legend = [
    ['seg-weights', 'weights'],
    ['seg-kv', 'KV cache'],
    ['seg-overhead', 'activations + CUDA/NCCL overhead'],
    ['seg-free', 'free (outside the engine\'s budget)'],
  ]
    .map(([cls, name]) => `<svg class="swatch" width="10" height="10"><rect class="${cls}" width="10" height="10"/></svg>${esc(name)}`)
    .join('')
  const ids = new Map(result.checkpoints.map((c) => [c.checkpoint, c.id]))
  const charts = result.fleet.map((f) => memoryChart(f.name, result.memory.filter((m) => m.fleet === f.name), ids)).join('\n')
  return [
    '<h2 id="memory">Memory per GPU</h2>',
    '<p class="meta">One bar per checkpoint that fits on the entry (its first fitting context and engine): how the planner splits each GPU.</p>',
    `<p class="legend">${legend}</p>`,
    `<div class="charts">\n${charts}\n</div>`,
  ].join('\n')
}

function publishedSection(result: ReportResult): string {
  if (result.published.length === 0) return ''
  const rows = result.published
    .map((p) => {
      const beside = p.matches
        .map((m) => `${m.fleet} ${m.quantization.toUpperCase()}: ${m.ceiling === null ? 'n/a' : fmtInt(m.ceiling)} (1 request: ${m.ceilingBatch1 === null ? 'n/a' : fmtInt(m.ceilingBatch1)})`)
        .join('<br>')
      return `<tr><td>${esc(fmtInt(p.outputTokensPerSecond))}</td><td class="l">${esc(p.per)}</td><td class="l">${esc(p.engine)}</td><td class="l">${esc(p.setup)}</td><td class="l">${esc(p.workload)}</td><td class="l">${esc(p.source)}</td><td class="l ceiling">${beside}</td></tr>`
    })
    .join('\n')
  return [
    '<h2 id="measured">Measured figures beside the ceiling</h2>',
    '<p class="meta">What real systems reach (output tokens/s, published benchmarks), beside this report\'s ceiling for the same GPUs and checkpoint family at its smallest context.</p>',
    `<table id="published"><thead><tr><th>Measured tok/s</th><th class="l">Per</th><th class="l">Engine</th><th class="l">Setup</th><th class="l">Workload</th><th class="l">Source</th><th class="l">Ceiling here</th></tr></thead><tbody>\n${rows}\n</tbody></table>`,
  ].join('\n')
}

function rowsSection(result: ReportResult): string {
  const rows = result.rows
    .map(
      (r) =>
        `<tr class="row ${r.fits ? 'fit' : 'nofit'}"><td class="l">${esc(r.fleet)}</td><td class="l">${esc(r.checkpoint)}</td><td>${esc(fmtContext(r.context))}</td><td class="l">${esc(r.engine)}</td><td class="l">${r.fits ? 'yes' : 'no'}</td><td class="l">${esc(fmtLayout(r))}</td><td>${esc(fmtGiB(r.weightsGiB))}</td><td>${esc(fmtGiB(r.kvCacheGiB))}</td><td>${esc(fmtTokens(r.kvCacheTokens, r.kvErrorBand))}</td><td>${esc(fmtConc(r.maxConcurrency))}</td><td class="ceiling">${r.decodeTokensPerSecondCeiling === null ? '' : esc(fmtInt(r.decodeTokensPerSecondCeiling))}</td><td>${esc(fmtCost(r.costPerMillionTokens))}</td><td class="l">${esc(r.reason ?? '')}</td></tr>`,
    )
    .join('\n')
  return [
    `<h2 id="rows">Every row (${fmtInt(result.rows.length)})</h2>`,
    '<table id="rows-table"><thead><tr><th class="l">Fleet</th><th class="l">Checkpoint</th><th>Context</th><th class="l">Engine</th><th class="l">Fits</th><th class="l">Layout</th><th>Weights GiB/GPU</th><th>KV GiB/GPU</th><th>KV tokens</th><th>Concurrency</th><th>Ceiling tok/s</th><th>$/M tokens</th><th class="l">Reason</th></tr></thead><tbody>',
    rows,
    '</tbody></table>',
  ].join('\n')
}

export function renderHtml(result: ReportResult): string {
  const fleet = result.fleet
    .map((f) => `<li>${esc(f.name)}: ${f.nodes > 1 ? `${f.nodes} nodes × ` : ''}${f.gpusPerNode} × ${esc(f.gpu)} (${esc(f.architecture)}, ${esc(fmtGiB(f.memoryGiB))} GiB, ${esc(fmtInt(f.bandwidthGBs))} GB/s)${f.pricePerGpuHour === null ? '' : `, $${f.pricePerGpuHour.toFixed(2)}/GPU-hour`}</li>`)
    .join('')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>r1 report: DeepSeek-R1 sizing across GPU fleets</title>
<style>${CSS}</style>
</head>
<body>
<h1>r1 report: DeepSeek-R1 sizing across GPU fleets</h1>
<p class="meta">Contexts ${esc(result.contexts.map((c) => fmtContext(c)).join(', '))}; engines ${esc(result.engines.join(', '))}; goal ${esc(result.goal)}; ${fmtInt(result.fleet.length)} fleet entries, ${fmtInt(result.rows.length)} rows.</p>
<details><summary>Fleet</summary><ul>${fleet}</ul></details>
<h2 id="ceiling">The throughput figures are ceilings</h2>
<ul class="defs">${result.definitions.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
${result.notes.map((n) => `<p class="meta">${esc(n)}</p>`).join('\n')}
${fitMatrix(result)}
${memorySection(result)}
${publishedSection(result)}
${rowsSection(result)}
</body>
</html>
`
}
