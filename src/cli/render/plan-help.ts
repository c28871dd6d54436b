/** The order in which plan's table gives way on a narrow terminal (also in `r1 plan --help`). */
export const PLAN_COLUMNS_HELP = `TABLE WIDTH
  On a terminal the tables fit its width: WHY NOT is shortened first (with "…"), then columns are
  dropped in this order: MAX CONTEXT, WEIGHTS/GPU, KV/GPU, KV TOKENS, CHECKPOINT; MODEL is
  shortened last.
  Piped, every column is printed in full (tab-separated, under a header; --no-headers drops it).
  * marks the recommended row.`
