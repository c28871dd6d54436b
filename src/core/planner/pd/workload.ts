/**
 * The workload a disaggregated plan is sized for: typical request lengths and optional latency targets.
 *
 * Defaults, for R1's long reasoning outputs:
 * - input 2,000 tokens: the prompt length of the published per-node measurements (LMSYS 96×H100,
 *   "2000-token inputs"; GB200 parts I/II; vLLM GB200 2K/2K), so the calibrated rates apply as measured;
 * - output 6,000 tokens: R1 thinks before it answers. DeepSeek's own serving fleet reports an average KV
 *   length of 4,989 tokens per output token (open-infra-index, day 6), i.e. input + output/2 ≈ 5,000;
 *   with 2,000 input tokens that is about 6,000 output tokens.
 * Sources: shared/reference/pd-disaggregation.md §1.6, §4.1 [P10][P17].
 */
import type {Workload} from './pd.schema.js'

export const DEFAULT_INPUT_TOKENS = 2000
export const DEFAULT_OUTPUT_TOKENS = 6000

export function workloadOf(flags: {inputTokens?: number; outputTokens?: number; ttftMs?: number; itlMs?: number}): Workload {
  return {
    given: flags.inputTokens !== undefined || flags.outputTokens !== undefined,
    inputTokens: flags.inputTokens ?? DEFAULT_INPUT_TOKENS,
    itlMs: flags.itlMs ?? null,
    outputTokens: flags.outputTokens ?? DEFAULT_OUTPUT_TOKENS,
    ttftMs: flags.ttftMs ?? null,
  }
}
