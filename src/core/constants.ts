/**
 * Enumerations shared by the runtime and the zod schemas. Kept free of zod so that a run
 * imports zod only where it validates (zod costs about 0.1 s of start-up: STYLE.md §9).
 */
export const ARCHITECTURES = ['kepler', 'maxwell', 'pascal', 'volta', 'turing', 'ampere', 'ada', 'hopper', 'blackwell', 'unknown'] as const
export type Architecture = (typeof ARCHITECTURES)[number]

export const ENGINES = ['sglang', 'vllm'] as const
export type Engine = (typeof ENGINES)[number]

export const GOALS = ['throughput', 'latency'] as const
export type Goal = (typeof GOALS)[number]

export const QUANTIZATIONS = ['fp8', 'int8', 'awq', 'fp4', 'bf16'] as const
export type Quantization = (typeof QUANTIZATIONS)[number]

export const KV_CACHE_DTYPE_REQUESTS = ['auto', 'fp8', 'bf16'] as const
export type KvCacheDtypeRequest = (typeof KV_CACHE_DTYPE_REQUESTS)[number]

export const PROFILE_KINDS = ['models', 'gpus', 'engines'] as const
export type ProfileKind = (typeof PROFILE_KINDS)[number]
