/**
 * `r1 profiles show` for people: a readable summary of a model, GPU or engine profile, its sources
 * as public references (the raw profile only with --json). Sources that point at the project's own
 * research notes are reduced to the public source they cite.
 */
import type {ProfilesShowResult} from '../../core/profiles/results.schema.js'
import {fmtGiB} from '../../core/units.js'
import {wrapHanging} from './text-wrap.js'

type Json = Record<string, unknown>

/** "sgl-project/sglang docs/… (engines.md [S3])" → "sgl-project/sglang docs/…": no file r1 does not ship. */
export function publicSource(text: string): string {
  const internal = String.raw`(?:shared/reference/)?(?:engines|gpus|memory|memory-by-version|models|pd-disaggregation)\.(?:md|json)(?:\s*(?:§\s*[\d.\-–]+|\[S\d+\]))*`
  return text
    .replace(new RegExp(String.raw`\s*\((?:see\s+)?${internal}[^()]*\)`, 'g'), '')
    .replace(new RegExp(internal, 'g'), '')
    .replace(/(?:^|;\s*)shared\/\S+(?:\s*\([^)]*\))?/g, '')
    .replace(/\(\s*(?:verbatim copy of|derived)\s*/g, '(')
    .replace(/\(\s*\)/g, '')
    .replace(/;\s*;/g, ';')
    .replace(/\s{2,}/g, ' ')
    .replace(/^[\s;,]+|[\s;,]+$/g, '')
}

const gib = (bytes: number) => `${fmtGiB(bytes)} GiB`

/** The summary; on a terminal `width` wide each line wraps between words under its own indent (piped: Infinity, one line each). */
export function renderProfile(r: ProfilesShowResult, width = Infinity): string {
  const p = r.profile as Json
  const lines: string[] = []
  const sources = new Set<string>()
  const cite = (s: unknown) => {
    if (typeof s === 'string' && publicSource(s) !== '') sources.add(publicSource(s))
  }

  if (r.kind === 'models') {
    const a = p.architecture as Json
    lines.push(`${p.displayName} (model ${p.id})`, `  aliases: ${(p.aliases as string[]).join(', ') || '—'}`)
    lines.push(`  architecture: ${a.kind === 'mla-moe' ? `MoE with MLA, ${a.numLayers} layers, ${a.numRoutedExperts} routed experts` : `dense ${a.family}, ${a.numLayers} layers, ${a.numAttentionHeads} heads / ${a.numKeyValueHeads} KV heads`}; context ${p.advertisedContext} advertised, ${a.maxPositionEmbeddings} at most`)
    const e = p.evaluation as Json | null
    if (e) {
      lines.push(`  published evaluation (pass@1): AIME 2024 ${e.aime2024}, MATH-500 ${e.math500}, GPQA Diamond ${e.gpqaDiamond}, LiveCodeBench ${e.liveCodeBench}${e.codeforcesRating ? `; Codeforces rating ${e.codeforcesRating}` : ''}`)
      cite(e.source)
    }

    lines.push('  checkpoints:')
    for (const c of p.checkpoints as Json[]) {
      lines.push(`    ${String(c.id).padEnd(16)} ${String(c.quantization).toUpperCase().padEnd(5)} ${gib(c.diskBytes as number).padStart(10)}  ${c.repo}${c.gated ? ' (gated)' : ''}`)
      cite(c.source)
    }
  } else if (r.kind === 'gpus') {
    lines.push(`${p.displayName} (GPU ${p.id})`, `  aliases: ${(p.aliases as string[]).join(', ') || '—'}`)
    // The figure plan sizes against (what CUDA sees), in plan's unit; the datasheet's GB and nvidia-smi's MiB beside it.
    const bytes = (p.cudaTotalBytes as number | null) ?? (p.memoryMiB ? (p.memoryMiB as number) * 2 ** 20 : (p.memoryGB as number) * 1e9)
    lines.push(`  ${p.architecture}, compute capability ${p.computeCapability}; ${gib(bytes)} (${p.memoryGB} GB on the datasheet${p.memoryMiB ? `, ${p.memoryMiB} MiB in nvidia-smi` : ''})${p.unifiedMemory ? ', unified memory' : ''}`)
    lines.push(`  bandwidth ${p.bandwidthGBs ?? '?'} GB/s; BF16 ${p.bf16 ? 'yes' : 'no'}, FP8 ${p.fp8 ? 'yes' : 'no'}, FP4 ${p.fp4 ? 'yes' : 'no'}`)
    const nv = p.nvlink as Json | null
    lines.push(`  interconnect: ${nv ? `${nv.generation}, ${nv.bandwidthGBs} GB/s${p.formFactor === 'pcie' ? ' (a bridge joins pairs of cards at most)' : ''}` : 'PCIe'}; form factor ${p.formFactor ?? '?'}`)
    cite(p.source)
  } else {
    lines.push(`${p.displayName} (engine ${p.id})`, `  default version ${p.defaultVersion}; compute capability ${p.minComputeCapability} or newer`)
  }

  for (const s of (p.sources as unknown[] | undefined) ?? []) cite(s)
  if (sources.size > 0) lines.push('  sources:', ...[...sources].map((s) => `    - ${s}`))
  lines.push('', `The whole profile: r1 profiles show ${p.id} --json`)
  return lines
    .flatMap((line) => {
      const indent = /^ */.exec(line)![0]
      return wrapHanging(line.slice(indent.length), width, indent, `${indent}  `)
    })
    .join('\n')
}
