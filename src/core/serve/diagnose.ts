/**
 * Why an engine died before it was ready: a table of known failures, each a pattern over
 * real log lines (test/fixtures/engine-logs/failures.json) and what to do about it.
 */
import type {Engine} from '../constants.js'

export const DIAGNOSIS_IDS = [
  'max-seq-len-exceeds-kv',
  'no-cache-blocks',
  'sglang-not-enough-memory',
  'cuda-out-of-memory',
  'unsupported-gpu',
  'unrecognized-argument',
  'gated-repo',
] as const
export type DiagnosisId = (typeof DIAGNOSIS_IDS)[number]

/** What the diagnosis needs to know of the plan to suggest its next option. */
export interface DiagnosisContext {
  engine: Engine
  engineVersion: string
  contextLength: number
  kvCacheDtype: string
  tensorParallel: number
  gpusPerNode: number
  nodes: number
  hfTokenSet: boolean
}

export interface Diagnosis {
  id: DiagnosisId
  /** One sentence: what went wrong. */
  summary: string
  /** The log line that matched. */
  line: string
  suggestions: string[]
}

interface Rule {
  id: DiagnosisId
  engines?: Engine[]
  re: RegExp
  diagnose: (m: RegExpMatchArray, ctx: DiagnosisContext) => {summary: string; suggestions: string[]}
}

/** A context half as long, rounded down to a multiple of 1024, never below 1024. */
function shorter(context: number, fits?: number): number {
  const target = fits === undefined ? Math.floor(context / 2) : fits
  return Math.max(1024, Math.floor(target / 1024) * 1024)
}

function memoryOptions(ctx: DiagnosisContext, fits?: number): string[] {
  const out = [`Plan a shorter context: r1 plan ... --context ${shorter(ctx.contextLength, fits)}.`]
  if (ctx.kvCacheDtype !== 'fp8') out.push('Plan an FP8 KV cache, which halves its size: r1 plan ... --kv-cache-dtype fp8.')
  out.push(
    ctx.gpusPerNode * 2 <= 8
      ? `Plan more GPUs, which spreads the weights thinner: r1 plan ... --count ${ctx.gpusPerNode * 2}.`
      : `Plan more nodes, which spreads the weights thinner: r1 plan ... --nodes ${ctx.nodes * 2}.`,
  )
  return out
}

const RULES: readonly Rule[] = [
  {
    // vLLM V0: "The model's max seq len (29000) is larger than the maximum number of tokens that can be stored in KV cache (23648)."
    // vLLM V1: "To serve at least one request with the models's max seq len (163840), (10.72 GiB KV cache is needed, which is
    //           larger than the available KV cache memory (4.09 GiB). Based on the available memory, the estimated maximum model length is 65536."
    diagnose(m, ctx) {
      const seqLen = Number(m[1] ?? m[3])
      const fits = m[2] === undefined ? (m[4] === undefined ? undefined : Number(m[4])) : Number(m[2])
      const room = fits === undefined ? 'less' : `${fits.toLocaleString('en-US')} tokens`
      return {
        suggestions: memoryOptions(ctx, fits),
        summary: `The context (${seqLen.toLocaleString('en-US')} tokens) does not fit in the KV cache the engine could allocate (${room}).`,
      }
    },
    engines: ['vllm'],
    id: 'max-seq-len-exceeds-kv',
    re: /max seq len \((\d+)\) is larger than the maximum number of tokens that can be stored in KV cache \((\d+)\)|max seq len \((\d+)\).*?larger than the available KV cache memory(?:.*?estimated maximum model length is (\d+))?/,
  },
  {
    diagnose: (_m, ctx) => ({
      suggestions: memoryOptions(ctx),
      summary: 'No memory was left for the KV cache once the weights were loaded ("No available memory for the cache blocks").',
    }),
    engines: ['vllm'],
    id: 'no-cache-blocks',
    re: /No available memory for the cache blocks/,
  },
  {
    diagnose: (_m, ctx) => ({
      suggestions: memoryOptions(ctx),
      summary: 'SGLang had not enough memory for its KV cache pool after loading the weights ("Not enough memory").',
    }),
    engines: ['sglang'],
    id: 'sglang-not-enough-memory',
    re: /Not enough memory\. Please try to increase --mem-fraction-static/,
  },
  {
    diagnose: (_m, ctx) => ({
      suggestions: [...memoryOptions(ctx), 'Check that no other process uses these GPUs (nvidia-smi), then start again.'],
      summary: 'The engine ran out of GPU memory (CUDA out of memory).',
    }),
    id: 'cuda-out-of-memory',
    re: /CUDA out of memory|OutOfMemoryError|CUDA error: out of memory/,
  },
  {
    diagnose: (m) => ({
      suggestions: [
        'Run r1 detect to see the GPU and its compute capability, and r1 plan to pick a checkpoint and dtype it supports.',
        m[0].includes('no kernel image')
          ? 'Install an engine build compiled for this GPU (Blackwell needs a CUDA 12.8+ build and driver 570 or newer).'
          : 'On GPUs below compute capability 8.0, serve in float16 (--dtype half): r1 plan does this for you.',
      ],
      summary: `The engine does not support this GPU: ${m[0].trim()}`,
    }),
    id: 'unsupported-gpu',
    re: /Bfloat16 is only supported on GPUs with compute capability of at least [\d.]+[^\n]*?compute capability [\d.]+|compute capability below [\d.]+ (?:are|is) not supported|no kernel image is available for execution on the device|(?:GPU|device) (?:is )?not supported|unsupported (?:GPU|compute capability|architecture)/i,
  },
  {
    diagnose: (m, ctx) => ({
      suggestions: [
        `The installed ${ctx.engine} ${ctx.engineVersion} does not know ${m[1].trim()}: plan for the installed version (r1 plan ... --engine-version <installed>) or upgrade ${ctx.engine}.`,
        `Compare with the flags of the installed build: ${ctx.engine === 'vllm' ? 'vllm serve --help' : 'python3 -m sglang.launch_server --help'}.`,
      ],
      summary: `The engine refused an argument r1 passed (${m[1].trim()}): its version does not match the plan's.`,
    }),
    id: 'unrecognized-argument',
    re: /error: unrecognized arguments?: (.+)$/,
  },
  {
    diagnose: (_m, ctx) => ({
      suggestions: ctx.hfTokenSet
        ? ['HF_TOKEN is set but has no access: accept the model\'s terms on huggingface.co with that account, or use a token that has access.']
        : ['Set HF_TOKEN to a Hugging Face token with access to the repository (export HF_TOKEN=...), then start again.', 'Or download the weights first (huggingface-cli download <repo>) and serve from the cache.'],
      summary: 'The checkpoint is in a gated Hugging Face repository and the engine could not download it without a token that has access.',
    }),
    id: 'gated-repo',
    re: /Cannot access gated repo|GatedRepoError|You are trying to access a gated repo|is restricted\. You must (?:have access to it and )?be authenticated/,
  },
]

/** The known failure one line shows, if any; `rank` orders them (lower is more specific). */
export function diagnoseLine(line: string, ctx: DiagnosisContext): (Diagnosis & {rank: number}) | null {
  for (const [rank, rule] of RULES.entries()) {
    if (rule.engines && !rule.engines.includes(ctx.engine)) continue
    const m = line.match(rule.re)
    if (m) return {id: rule.id, line: line.trim(), rank, ...rule.diagnose(m, ctx)}
  }

  return null
}

/** The most specific known failure found in the log (table order), or null. */
export function diagnose(lines: Iterable<string>, ctx: DiagnosisContext): Diagnosis | null {
  let best: (Diagnosis & {rank: number}) | null = null
  for (const line of lines) {
    const found = diagnoseLine(line, ctx)
    if (found && (best === null || found.rank < best.rank)) best = found
  }

  if (best === null) return null
  const {rank: _rank, ...diagnosis} = best
  return diagnosis
}

/** Keeps the most specific diagnosis seen so far, line by line (the log itself is not kept). */
export function betterDiagnosis(
  current: (Diagnosis & {rank: number}) | null,
  line: string,
  ctx: DiagnosisContext,
): (Diagnosis & {rank: number}) | null {
  const found = diagnoseLine(line, ctx)
  return found && (current === null || found.rank < current.rank) ? found : current
}
