/**
 * `r1 report --format html`: one self-contained page (inline CSS and SVG, no script, nothing
 * fetched) that fits a 1400-px window (wide tables scroll inside their own box). It opens with the
 * recommended plan per fleet entry × context, then the fit matrix (fleet entries × models, coloured
 * by requests at once at each context), R1's prefill/decode split on multi-node entries, the
 * definition of the ceiling, a per-fleet memory bar chart per GPU, the measured figures and, with
 * --all, every row.
 */
import type {FitCell, MemoryBar, ReportResult} from '../../../core/report/report.schema.js'
import {allRows, fmtConc, fmtContext, fmtCost, fmtGiB, fmtInt, pickConc, pickLabel, pickRateCells, rowCells} from './format.js'

export function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff;overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%;margin:0 0 8px}
td.why{white-space:normal;min-width:240px;max-width:420px;text-align:left}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
h3{font-size:14px;margin:16px 0 4px}
.meta{color:#556}.defs li{margin:2px 0;color:#334}
table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #d8dde6;padding:3px 6px;text-align:right;white-space:nowrap}
th{background:#f3f5f9;font-weight:600}
td.l,th.l{text-align:left}
td.wrap{white-space:normal;max-width:360px}
#fit-matrix td.cell{min-width:44px;text-align:center;font-variant-numeric:tabular-nums}
.c0{background:#f1d4d4;color:#7a2020}.c1{background:#fde8c4}.c2{background:#fff4b8}.c3{background:#d9efc2}.c4{background:#a9dc8f}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #d8dde6;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:18px;max-width:100%}
figure.memory-chart{max-width:100%;overflow-x:auto}
figure.memory-chart{margin:0;border:1px solid #d8dde6;padding:8px 10px;border-radius:4px}
figure.memory-chart figcaption{font-weight:600;margin-bottom:4px}
.seg-weights{fill:#4c72b0}.seg-kv{fill:#55a868}.seg-overhead{fill:#c44e52}.seg-free{fill:#e3e6ec}
.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
svg text{font:11px system-ui,sans-serif;fill:#1d2330}
tr.nofit td{color:#8a8f99}
.ceiling{font-weight:600}
`

/** A scrolling box around a wide table: the page itself never scrolls sideways. */
function scroll(tableHtml: string): string {
  return `<div class="scroll">${tableHtml}</div>`
}

function picksSection(result: ReportResult): string {
  const rows = result.picks
    .map((p) => {
      const measured = p.measured === null || p.costPerMillionTokensMeasured === null ? '' : `${fmtCost(p.costPerMillionTokensMeasured)} <small>at ${esc(fmtInt(p.measured.outputTokensPerSecond))} tok/s (${esc(p.measured.workload)}), ${esc(p.measured.source)}</small>`
      return `<tr class="pick ${p.fits ? 'fit' : 'nofit'}" data-fleet="${esc(p.fleet)}" data-context="${p.context}"><td class="l">${esc(p.fleet)}</td><td>${esc(fmtContext(p.context))}</td><td class="l">${esc(pickLabel(p))}</td><td class="l">${esc(p.engine ?? '')}</td><td class="l">${esc(p.layout ?? '')}</td><td>${esc(pickConc(p, result.workload))}</td><td class="ceiling">${esc(pickRateCells(p)[0])}</td><td>${esc(pickRateCells(p)[1])}</td><td class="l wrap">${measured}</td><td class="why">${esc(p.fits ? p.why[0] ?? '' : p.why[0] ?? '')}</td></tr>`
    })
    .join('\n')
  return [
    '<h2 id="picks">Recommended plan per fleet entry</h2>',
    '<p class="meta">What <code>r1 plan</code> recommends on each entry at each context. At once: whole requests of the context served at once. The ceiling is an upper bound on decode throughput; the cost at it is a floor. The measured cost uses the best published figure for the same GPU, GPU count and checkpoint family.</p>',
    scroll(`<table id="picks-table"><thead><tr><th class="l">Fleet</th><th>Context</th><th class="l">Recommended</th><th class="l">Engine</th><th class="l">Layout</th><th>At once</th><th>Ceiling tok/s</th><th>$/M tok at ceiling</th><th class="l">$/M tok measured</th><th class="l">Why</th></tr></thead><tbody>\n${rows}\n</tbody></table>`),
  ].join('\n')
}

function band(conc: number | null): number {
  if (conc === null || conc < 1) return 0
  if (conc < 4) return 1
  if (conc < 16) return 2
  if (conc < 64) return 3
  return 4
}

const BANDS = ['does not fit', '1–3 requests', '4–15', '16–63', '64 or more']

function fitMatrix(result: ReportResult): string {
  const models = [...new Set(result.checkpoints.map((c) => c.model))]
  const cells = new Map<string, FitCell>()
  for (const c of result.fitMatrix) cells.set(`${c.fleet}|${c.model}|${c.context}`, c)
  const span = result.contexts.length
  const head1 = `<tr><th class="l" rowspan="2">Fleet</th>${models.map((m) => `<th colspan="${span}">${esc(m)}</th>`).join('')}</tr>`
  const head2 = `<tr>${models.map(() => result.contexts.map((c) => `<th>${esc(fmtContext(c))}</th>`).join('')).join('')}</tr>`
  const body = result.fleet
    .map((f) => {
      const tds = models
        .map((m) =>
          result.contexts
            .map((ctx) => {
              const c = cells.get(`${f.name}|${m}|${ctx}`)
              const conc = c?.fits ? c.concurrency : null
              const title = c ? (c.fits ? `${m} ${(c.quantization ?? '').toUpperCase()} on ${c.engine} ${c.layout}: ${fmtConc(conc)} requests of ${fmtContext(ctx)}` : (c.reason ?? 'does not fit')) : 'not sized'
              return `<td class="cell c${band(conc)}" data-model="${esc(m)}" data-context="${ctx}" data-concurrency="${conc ?? ''}" title="${esc(title)}">${conc === null ? '—' : esc(fmtConc(conc))}</td>`
            })
            .join(''),
        )
        .join('')
      return `<tr data-fleet="${esc(f.name)}"><th class="l">${esc(f.name)}</th>${tds}</tr>`
    })
    .join('\n')
  const legend = BANDS.map((b, i) => `<span class="c${i}">${esc(b)}</span>`).join('')
  return [
    '<h2 id="fit">Fit matrix: which model fits on which fleet entry</h2>',
    '<p class="meta">Each cell: requests of that context served at once by the model\'s preferred checkpoint, engine and layout (as <code>r1 plan</code> ranks them); — when no checkpoint of it fits. Hover for the layout or the reason.</p>',
    `<p class="legend">${legend}</p>`,
    scroll(`<table id="fit-matrix"><thead>${head1}${head2}</thead><tbody>\n${body}\n</tbody></table>`),
  ].join('\n')
}

function pdSection(result: ReportResult): string {
  if (result.disaggregated.length === 0) return ''
  const w = result.workload
  const rows = result.disaggregated
    .map((d) => {
      const published = d.published === null || d.costPerMillionTokensPublished === null ? '' : `${fmtCost(d.costPerMillionTokensPublished)} <small>at ${esc(fmtInt(d.published.prefillTokensPerSecondPerNode))} / ${esc(fmtInt(d.published.decodeTokensPerSecondPerNode))} tok/s per node, ${esc(d.published.source)}</small>`
      return `<tr class="pd"><td class="l">${esc(d.fleet)}</td><td>${esc(fmtContext(d.context))}</td><td class="l">${esc(`${d.model} ${d.quantization.toUpperCase()}`)}</td><td>${esc(d.ratio ?? '—')}</td><td>${d.prefillTokensPerSecondPerNode === null ? '' : esc(fmtInt(d.prefillTokensPerSecondPerNode))}</td><td>${d.decodeTokensPerSecondPerNode === null ? '' : esc(fmtInt(d.decodeTokensPerSecondPerNode))}</td><td>${d.requestsPerSecond ?? ''}</td><td>${d.aggregatedRequestsPerSecond ?? ''}</td><td>${esc(fmtCost(d.costPerMillionTokensModelled))}</td><td class="l wrap">${published}</td><td class="why">${esc(d.why.join(' '))}</td></tr>`
    })
    .join('\n')
  return [
    '<h2 id="disaggregated">Prefill/decode disaggregation (R1, multi-node entries)</h2>',
    `<p class="meta">Modelled per-node rates (calibrated on published measurements) for ${esc(fmtInt(w.inputTokens))}-token prompts and ${esc(fmtInt(w.outputTokens))}-token outputs; the cost at the modelled rate beside the cost with the same split at the published per-node rates.</p>`,
    scroll(`<table id="pd-table"><thead><tr><th class="l">Fleet</th><th>Context</th><th class="l">Model</th><th>P:D nodes</th><th>Prefill tok/s/node</th><th>Decode tok/s/node</th><th>Requests/s</th><th>Aggregated requests/s</th><th>$/M tok modelled</th><th class="l">$/M tok published</th><th class="l">Why</th></tr></thead><tbody>\n${rows}\n</tbody></table>`),
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
    const label = `${b.model}: ${ids.get(b.checkpoint) ?? b.checkpoint}, ${fmtContext(b.context)}`
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
    result.view === 'all'
      ? '<p class="meta">One bar per checkpoint that fits on the entry (its first fitting context and engine): how the planner splits each GPU.</p>'
      : '<p class="meta">One bar per recommended plan (each context): how it splits each GPU. <code>--all</code> draws every checkpoint that fits.</p>',
    `<p class="legend">${legend}</p>`,
    `<div class="charts">\n${charts}\n</div>`,
  ].join('\n')
}

function publishedSection(result: ReportResult): string {
  if (result.published.length === 0) return ''
  const rows = result.published
    .map((p) => {
      const beside = p.matches
        .map((m) => esc(`${m.fleet} ${m.quantization.toUpperCase()}: ${m.ceiling === null ? 'n/a' : fmtInt(m.ceiling)} (1 request: ${m.ceilingBatch1 === null ? 'n/a' : fmtInt(m.ceilingBatch1)}); $/M tok ${fmtCost(m.costPerMillionTokensMeasured) || 'n/a'} measured, ${fmtCost(m.costPerMillionTokensAtCeiling) || 'n/a'} at the ceiling`))
        .join('<br>')
      return `<tr><td>${esc(fmtInt(p.outputTokensPerSecond))}</td><td class="l">${esc(p.per)}</td><td class="l">${esc(p.engine)}</td><td class="l wrap">${esc(p.setup)}</td><td class="l wrap">${esc(p.workload)}</td><td class="l wrap">${esc(p.source)}</td><td class="l ceiling">${beside}</td></tr>`
    })
    .join('\n')
  return [
    '<h2 id="measured">Measured figures beside the ceiling</h2>',
    '<p class="meta">What real systems reach (output tokens/s, published benchmarks), beside this report\'s ceiling for the same GPUs and checkpoint family at its smallest context.</p>',
    scroll(`<table id="published"><thead><tr><th>Measured tok/s</th><th class="l">Per</th><th class="l">Engine</th><th class="l">Setup</th><th class="l">Workload</th><th class="l">Source</th><th class="l">Ceiling and cost here</th></tr></thead><tbody>\n${rows}\n</tbody></table>`),
  ].join('\n')
}

function rowsSection(result: ReportResult): string {
  if (result.view !== 'all') {
    const n = result.fleet.length * result.contexts.length * result.checkpoints.length * result.engines.length
    return `<h2 id="rows">Every row</h2>\n<p class="meta">${esc(fmtInt(n))} rows (fleet entry × checkpoint × context × engine, with memory, KV capacity and the ceiling): <code>r1 report --all --format html</code>.</p>`
  }

  // Left-aligned text columns and the ceiling's class, by rowCells' order after the fleet entry.
  const classes = ['l', '', 'l', 'l', 'l', '', '', '', '', 'ceiling', '', '', 'l']
  const rows = allRows(result)
    .map((r) => `<tr class="row ${r.fits ? 'fit' : 'nofit'}"><td class="l">${esc(r.fleet)}</td>${rowCells(r).map((c, i) => `<td${classes[i] ? ` class="${classes[i]}"` : ''}>${esc(c)}</td>`).join('')}</tr>`)
    .join('\n')
  return [
    `<h2 id="rows">Every row (${fmtInt(allRows(result).length)})</h2>`,
    scroll(
      ['<table id="rows-table"><thead><tr><th class="l">Fleet</th><th class="l">Checkpoint</th><th>Context</th><th class="l">Engine</th><th class="l">Fits</th><th class="l">Layout</th><th>Weights GiB/GPU</th><th>KV GiB/GPU</th><th>KV tokens</th><th>At once</th><th>Ceiling tok/s</th><th>$/M tok at ceiling</th><th>$/M tok measured</th><th class="l">Reason</th></tr></thead><tbody>', rows, '</tbody></table>'].join('\n'),
    ),
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
<p class="meta">Contexts ${esc(result.contexts.map((c) => fmtContext(c)).join(', '))}; engines ${esc(result.engines.join(', '))}; goal ${esc(result.goal)}; ${fmtInt(result.fleet.length)} fleet entries.</p>
${picksSection(result)}
${fitMatrix(result)}
${pdSection(result)}
<details><summary>Fleet</summary><ul>${fleet}</ul></details>
<h2 id="ceiling">The throughput figures are ceilings</h2>
<ul class="defs">${result.definitions.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
${result.notes.map((n) => `<p class="meta">${esc(n)}</p>`).join('\n')}
${memorySection(result)}
${publishedSection(result)}
${rowsSection(result)}
</body>
</html>
`
}
